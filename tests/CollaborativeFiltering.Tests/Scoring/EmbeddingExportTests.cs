using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public sealed class EmbeddingExportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-export-" + Guid.NewGuid().ToString("N"));

    public EmbeddingExportTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteProjectorVectors_TwoByTwo_WritesOneTabSeparatedLinePerItem()
    {
        string text = Capture(s => EmbeddingExport.WriteProjectorVectors(Model(biases: false), s));

        text.Should().Be("0.1\t-1.5\n3\t1E-07\n");
    }

    [Fact]
    public void WriteProjectorMetadata_WithRatings_WritesHeaderTitlesGenresAndCounts()
    {
        FactorizationModel model = Model(biases: false);

        string text = Capture(s => EmbeddingExport.WriteProjectorMetadata(model, s, Ratings(model.Catalog)));

        text.Should().Be("title\tgenres\trating_count\nToy Story (1995)\tAnimation|Comedy\t2\nTab Title X\t\t1\n");
    }

    [Fact]
    public void WriteProjectorMetadata_NoRatingsNoMetadata_WritesIdsAndZeroCounts()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [1f], [2f, 3f]);

        string text = Capture(s => EmbeddingExport.WriteProjectorMetadata(model, s));

        text.Should().Be("title\tgenres\trating_count\n1\t\t0\n2\t\t0\n");
    }

    [Fact]
    public void WriteProjectorFiles_MissingDirectory_CreatesItWithBothFilesOnly()
    {
        FactorizationModel model = Model(biases: true);
        string directory = Path.Combine(_directory, "projector");

        EmbeddingExport.WriteProjectorFiles(model, directory, Ratings(model.Catalog));

        Directory.GetFiles(directory).Select(Path.GetFileName).Order().Should().Equal("metadata.tsv", "vectors.tsv");
        File.ReadAllText(Path.Combine(directory, "vectors.tsv")).Should().Be("0.1\t-1.5\n3\t1E-07\n");
        File.ReadAllText(Path.Combine(directory, "metadata.tsv")).Should().Be("title\tgenres\trating_count\nToy Story (1995)\tAnimation|Comedy\t2\nTab Title X\t\t1\n");
        File.ReadAllBytes(Path.Combine(directory, "vectors.tsv"))[0].Should().Be((byte)'0', "UTF-8 without a byte-order mark");
    }

    [Fact]
    public void WriteProjectorFiles_OverExistingFiles_ReplacesThem()
    {
        File.WriteAllText(Path.Combine(_directory, "vectors.tsv"), "old");
        File.WriteAllText(Path.Combine(_directory, "metadata.tsv"), "old");

        EmbeddingExport.WriteProjectorFiles(Model(biases: false), _directory);

        File.ReadAllText(Path.Combine(_directory, "vectors.tsv")).Should().Be("0.1\t-1.5\n3\t1E-07\n");
        File.ReadAllText(Path.Combine(_directory, "metadata.tsv")).Should().EndWith("Tab Title X\t\t0\n");
        Directory.GetFiles(_directory).Should().HaveCount(2);
    }

    [Fact]
    public void WriteProjectorFiles_RatingsOfAnotherCatalogue_ThrowsNamingRatingsAndWritesNothing()
    {
        var other = new RatingsDatasetBuilder().Add("x", "y", 1f).Build();
        string directory = Path.Combine(_directory, "projector");

        var act = () => EmbeddingExport.WriteProjectorFiles(Model(biases: false), directory, other);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
        Directory.Exists(directory).Should().BeFalse();
    }

    [Fact]
    public void WriteProjectorVectors_RandomFloats_ParseBackBitExact()
    {
        var random = new Random(11);
        float[] items = new float[50 * 4];
        for (int k = 0; k < items.Length; k++)
        {
            items[k] = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)));
        }

        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 50), 4, [0f, 0f, 0f, 0f], items);

        string text = Capture(s => EmbeddingExport.WriteProjectorVectors(model, s));

        float[] parsed = text.Split(['\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        parsed.Should().Equal(items);
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(50);
    }

    [Fact]
    public void WriteUserFactorsCsv_NoBiases_WritesHeaderAndQuotesIds()
    {
        string text = Capture(s => EmbeddingExport.WriteUserFactorsCsv(Model(biases: false), s));

        text.Should().Be("id,f0,f1\nu1,1,0.5\n\"a,\"\"b\"\"\",-2,0.25\n");
    }

    [Fact]
    public void WriteItemFactorsCsv_WithBiases_AddsBiasColumn()
    {
        string text = Capture(s => EmbeddingExport.WriteItemFactorsCsv(Model(biases: true), s));

        text.Should().Be("id,f0,f1,bias\n10,0.1,-1.5,1\n20,3,1E-07,-1\n");
    }

    [Fact]
    public void WriteFactorsCsv_Paths_WritesBothFilesAtomically()
    {
        string users = Path.Combine(_directory, "users.csv");
        string items = Path.Combine(_directory, "items.csv");

        EmbeddingExport.WriteFactorsCsv(Model(biases: true), users, items);

        File.ReadAllText(users).Should().Be("id,f0,f1,bias\nu1,1,0.5,0.5\n\"a,\"\"b\"\"\",-2,0.25,-0.25\n");
        File.ReadAllText(items).Should().Be("id,f0,f1,bias\n10,0.1,-1.5,1\n20,3,1E-07,-1\n");
        Directory.GetFiles(_directory).Should().HaveCount(2);
    }

    [Fact]
    public void WriteFactorsCsv_Cancelled_KeepsTheOldFilesAndLeavesNoTemporaryFile()
    {
        string users = Path.Combine(_directory, "users.csv");
        string items = Path.Combine(_directory, "items.csv");
        File.WriteAllText(users, "old users");
        File.WriteAllText(items, "old items");

        var act = () => EmbeddingExport.WriteFactorsCsv(Model(biases: true), users, items, new CancellationToken(canceled: true));

        act.Should().Throw<OperationCanceledException>();
        File.ReadAllText(users).Should().Be("old users");
        File.ReadAllText(items).Should().Be("old items");
        Directory.GetFiles(_directory).Should().HaveCount(2);
    }

    [Fact]
    public void WriteProjectorFiles_Cancelled_CreatesNoFile()
    {
        var act = () => EmbeddingExport.WriteProjectorFiles(Model(biases: false), _directory, cancellationToken: new CancellationToken(canceled: true));

        act.Should().Throw<OperationCanceledException>();
        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public void WriteFactorsCsv_SamePathTwice_ThrowsNamingItemPath()
    {
        string path = Path.Combine(_directory, "factors.csv");

        var act = () => EmbeddingExport.WriteFactorsCsv(Model(biases: false), path, path);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("itemPath");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void WriteFactorsCsv_MissingDirectory_ThrowsAndLeavesNothing()
    {
        string users = Path.Combine(_directory, "missing", "users.csv");

        var act = () => EmbeddingExport.WriteFactorsCsv(Model(biases: false), users, Path.Combine(_directory, "items.csv"));

        act.Should().Throw<DirectoryNotFoundException>();
        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public void WriteProjectorVectors_ReadOnlyStream_ThrowsNamingDestination()
    {
        var act = () => EmbeddingExport.WriteProjectorVectors(Model(biases: false), new MemoryStream([], writable: false));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("destination");
    }

    /// <summary>
    /// Users u1 = (1, 0.5), a,"b" = (-2, 0.25); items 10 = (0.1, -1.5) "Toy Story (1995)" Animation|Comedy,
    /// 20 = (3, 1e-7) titled "Tab\tTitle\nX" with no genres. Biases: users 0.5, -0.25; items 1, -1; μ = 3.
    /// </summary>
    private static FactorizationModel Model(bool biases)
    {
        var catalog = new Catalog(
            new IdMap(["u1", "a,\"b\""]),
            new IdMap(["10", "20"]),
            itemInfos:
            [
                new ItemInfo("10", "Toy Story (1995)", null, 1995, ["Animation", "Comedy"]),
                new ItemInfo("20", "Tab\tTitle\nX", null, null, []),
            ]);
        return biases
            ? FactorizationModel.FromEmbeddings(catalog, 2, [1f, 0.5f, -2f, 0.25f], [0.1f, -1.5f, 3f, 1e-7f], [0.5f, -0.25f], [1f, -1f], 3f)
            : FactorizationModel.FromEmbeddings(catalog, 2, [1f, 0.5f, -2f, 0.25f], [0.1f, -1.5f, 3f, 1e-7f]);
    }

    /// <summary>u1 rated items 10 and 20, the second user rated item 10: counts 2 and 1.</summary>
    private static RatingsDataset Ratings(Catalog catalog) =>
        new RatingsDatasetBuilder(catalog).Add("u1", "10", 4f).Add("u1", "20", 3f).Add("a,\"b\"", "10", 5f).Build();

    [Fact]
    public void WriteFactorsCsv_SoftmaxModel_UserFactorsAreTheQueriesItemFactorsTheOutputEmbeddings()
    {
        RatingsDataset train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 30, Items = 40, Ratings = 600, MinRatingsPerUser = 10 }).Dataset;
        SoftmaxModel model = new SoftmaxTrainer(new SoftmaxOptions { Dimensions = 4, HiddenLayerSizes = [6], Iterations = 3, BatchSize = 10 }).Fit(train);

        string users = Capture(s => EmbeddingExport.WriteUserFactorsCsv(model, s));
        string items = Capture(s => EmbeddingExport.WriteItemFactorsCsv(model, s));

        string[] userLines = users.TrimEnd('\n').Split('\n');
        userLines[0].Should().Be("id,f0,f1,f2,f3", "a softmax model has no user biases");
        userLines.Should().HaveCount(31);
        var query = new float[4];
        model.TryGetUserQuery(U(7), query).Should().BeTrue();
        userLines[8].Should().Be(model.Catalog.Users[7] + "," + string.Join(',', query.Select(q => q.ToString("R", CultureInfo.InvariantCulture))));
        string[] itemLines = items.TrimEnd('\n').Split('\n');
        itemLines.Should().HaveCount(41);
        itemLines[40].Should().Be(model.Catalog.Items[39] + "," + string.Join(',', model.ItemEmbeddings.Slice(39 * 4, 4).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }

    private static string Capture(Action<Stream> write)
    {
        var stream = new MemoryStream();
        write(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
