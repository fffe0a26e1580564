using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public sealed class ParquetExportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-pqexport-" + Guid.NewGuid().ToString("N"));

    public ParquetExportTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteRecommendations_TwoUsers_DuckDbReadsOneRowPerUserAndRank()
    {
        // User a likes item x (score 2) over y (1) over z (-1); user b the reverse.
        var catalog = new Catalog(new IdMap(["a", "b"]), new IdMap(["x", "y", "z"]));
        var model = FactorizationModel.FromEmbeddings(catalog, 1, [1f, -1f], [2f, 1f, -1f]);
        TopKRecommendations top = Recommender.RecommendAll(model, k: 2);
        string path = Path.Combine(_directory, "recs.parquet");

        ParquetExport.WriteRecommendations(top, path);

        var rows = DuckDb.Query($"SELECT \"user\", rank, item, score FROM {DuckDb.Literal(path)} ORDER BY \"user\", rank");
        rows.Select(r => ((string)r[0]!, (int)r[1]!, (string)r[2]!, (float)r[3]!)).Should().Equal(
            ("a", 1, "x", 2f), ("a", 2, "y", 1f), ("b", 1, "z", 1f), ("b", 2, "y", -1f));
        DuckDb.Query($"SELECT name, type FROM parquet_schema({DuckDb.Literal(path)}) WHERE name <> 'schema' AND type IS NOT NULL ORDER BY name")
            .Select(r => ((string)r[0]!, (string)r[1]!)).Should().Equal(("item", "BYTE_ARRAY"), ("rank", "INT32"), ("score", "FLOAT"), ("user", "BYTE_ARRAY"));
    }

    [Fact]
    public void WriteFactors_ModelWithBiases_DuckDbReadsIdsListsAndBiases()
    {
        var catalog = new Catalog(new IdMap(["u1", "u2"]), new IdMap(["i1", "i2", "i3"]));
        var model = FactorizationModel.FromEmbeddings(catalog, 2, [0.5f, -1f, 2f, 0.25f], [1f, 2f, 3f, 4f, 5f, 6f], [0.1f, 0.2f], [1f, 2f, 3f], 3.5f);
        string users = Path.Combine(_directory, "users.parquet"), items = Path.Combine(_directory, "items.parquet");

        ParquetExport.WriteFactors(model, users, items);

        var userRows = DuckDb.Query($"SELECT id, features, bias FROM {DuckDb.Literal(users)} ORDER BY id");
        userRows.Select(r => (string)r[0]!).Should().Equal("u1", "u2");
        ((List<float>)userRows[1][1]!).Should().Equal(2f, 0.25f);
        userRows.Select(r => (float)r[2]!).Should().Equal(0.1f, 0.2f);
        var itemRows = DuckDb.Query($"SELECT id, features, bias FROM {DuckDb.Literal(items)} ORDER BY id");
        itemRows.Select(r => (string)r[0]!).Should().Equal("i1", "i2", "i3");
        ((List<float>)itemRows[2][1]!).Should().Equal(5f, 6f);
        itemRows.Select(r => (float)r[2]!).Should().Equal(1f, 2f, 3f);
    }

    [Fact]
    public void WriteFactors_ModelWithoutBiases_HasNoBiasColumn()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 3, [1f, 2f, 3f], [4f, 5f, 6f]);
        string users = Path.Combine(_directory, "u.parquet"), items = Path.Combine(_directory, "i.parquet");

        ParquetExport.WriteFactors(model, users, items);

        DuckDb.Query($"SELECT name FROM parquet_schema({DuckDb.Literal(items)}) ORDER BY name").Select(r => (string)r[0]!)
            .Should().Equal("element", "features", "id", "list", "root");
    }

    [Fact]
    public void WriteFactors_SamePathTwice_ThrowsAndWritesNothing()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [1f]);
        string path = Path.Combine(_directory, "f.parquet");

        var act = () => ParquetExport.WriteFactors(model, path, path);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("itemPath");
        Directory.GetFiles(_directory).Should().BeEmpty();
    }

    [Fact]
    public void WriteRecommendations_MissingDirectory_ThrowsAndLeavesNoFile()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [1f]);
        string path = Path.Combine(_directory, "missing", "recs.parquet");

        var act = () => ParquetExport.WriteRecommendations(Recommender.RecommendAll(model, 1), path);

        act.Should().Throw<DirectoryNotFoundException>();
        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }
}
