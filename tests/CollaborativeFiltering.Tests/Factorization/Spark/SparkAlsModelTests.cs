using System.Text.Json;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>
/// Spark ALS model directories as Spark writes them, built here with DuckDB (an independent Parquet
/// writer): the layouts of Spark 3.5 (metadata written by <c>saveAsTextFile</c>: <c>metadata/part-00000</c>)
/// and Spark 4.0 (metadata written by the DataFrame text writer: <c>metadata/part-00000-&lt;uuid&gt;-c000.txt</c>),
/// both with <c>_SUCCESS</c> markers, <c>.crc</c> side files and factor tables split into several part files.
/// </summary>
public sealed class SparkAlsModelTests : IDisposable
{
    private const string Metadata35 = """{"class":"org.apache.spark.ml.recommendation.ALSModel","timestamp":1717000000000,"sparkVersion":"3.5.1","uid":"ALS_0b2b6c2f3f4e","paramMap":{"userCol":"userId","itemCol":"movieId","coldStartStrategy":"drop"},"defaultParamMap":{"blockSize":4096,"predictionCol":"prediction","userCol":"user","itemCol":"item","coldStartStrategy":"nan"},"rank":2}""";

    private const string Metadata40 = """{"class":"org.apache.spark.ml.recommendation.ALSModel","timestamp":1740000000000,"sparkVersion":"4.0.0","uid":"ALS_9a8b7c6d5e4f","paramMap":{"userCol":"userId","itemCol":"movieId"},"defaultParamMap":{"blockSize":4096,"predictionCol":"prediction","userCol":"user","itemCol":"item","coldStartStrategy":"nan"},"rank":2}""";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-spark-" + Guid.NewGuid().ToString("N"));

    public SparkAlsModelTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_Spark35Layout_ReadsFactorsSortedById()
    {
        string model = SparkDirectory("part-00000", Metadata35);

        FactorizationModel loaded = SparkAlsModel.Load(model);

        AssertFactors(loaded);
    }

    [Fact]
    public void Load_Spark40Layout_ReadsFactorsSortedById()
    {
        string model = SparkDirectory("part-00000-5e0b6a8e-0c4f-4f7e-9d61-1f0e2a3b4c5d-c000.txt", Metadata40);

        FactorizationModel loaded = SparkAlsModel.Load(model);

        AssertFactors(loaded);
    }

    [Fact]
    public void Load_WithCatalog_TakesTitlesAndRecommends()
    {
        string model = SparkDirectory("part-00000", Metadata35);
        var items = new IdMap(["30", "10", "99"]);
        var catalog = new Catalog(new IdMap(["1", "2"]), items, itemInfos:
        [
            new ItemInfo("30", "Thirty (1995)", null, 1995, ["Drama"]),
            new ItemInfo("10", "Ten (1977)", null, 1977, ["Sci-Fi"]),
            new ItemInfo("99", "Unrated", null, null, []),
        ]);

        FactorizationModel loaded = SparkAlsModel.Load(model, catalog);

        loaded.Catalog.GetItemTitle(I(0)).Should().Be("Ten (1977)");
        loaded.Catalog.GetItemTitle(I(2)).Should().Be("Thirty (1995)");
        loaded.Catalog.ItemCount.Should().Be(3, "only items with factors are in the model");
        // User 7 = (1, 0): scores are the items' first factors 1, 2, 3 → 30 first.
        Recommender.RecommendById(loaded, "7", k: 1).Single().Title.Should().Be("Thirty (1995)");
    }

    [Fact]
    public void Save_ModelWithoutBiases_WritesSparksLayoutThatDuckDbAndLoadRead()
    {
        var catalog = new Catalog(new IdMap(["3", "1"]), new IdMap(["-5", "8"]));
        var model = FactorizationModel.FromEmbeddings(catalog, 2, [1f, 2f, 3f, 4f], [0.5f, -0.5f, 1.5f, 2.5f]);
        string path = Path.Combine(_directory, "als");

        SparkAlsModel.Save(model, path);

        Directory.GetFiles(Path.Combine(path, "metadata")).Select(Path.GetFileName).Order().Should().Equal("_SUCCESS", "part-00000");
        using var json = JsonDocument.Parse(File.ReadAllLines(Path.Combine(path, "metadata", "part-00000"))[0]);
        json.RootElement.GetProperty("class").GetString().Should().Be("org.apache.spark.ml.recommendation.ALSModel");
        json.RootElement.GetProperty("rank").GetInt32().Should().Be(2);
        json.RootElement.GetProperty("uid").GetString().Should().MatchRegex("^ALSModel_[0-9a-f]{12}$");
        json.RootElement.GetProperty("sparkVersion").GetString().Should().Be("3.5.0");
        json.RootElement.GetProperty("defaultParamMap").GetProperty("coldStartStrategy").GetString().Should().Be("nan");
        json.RootElement.GetProperty("timestamp").GetInt64().Should().BePositive();
        File.Exists(Path.Combine(path, "userFactors", "_SUCCESS")).Should().BeTrue();
        string users = Path.Combine(path, "userFactors", "*.parquet");
        DuckDb.Query($"SELECT name, type, repetition_type, converted_type FROM parquet_schema({DuckDb.Literal(users)}) ORDER BY name")
            .Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]}").Should().Equal(
                "element FLOAT REQUIRED ", "features  OPTIONAL LIST", "id INT32 REQUIRED INT_32", "list  REPEATED ", "root   ");
        DuckDb.Query($"SELECT decode(value) FROM parquet_kv_metadata({DuckDb.Literal(users)}) WHERE decode(key) = 'org.apache.spark.sql.parquet.row.metadata'")
            .Single()[0].Should().Be("""{"type":"struct","fields":[{"name":"id","type":"integer","nullable":false,"metadata":{}},{"name":"features","type":{"type":"array","elementType":"float","containsNull":false},"nullable":true,"metadata":{}}]}""");
        var rows = DuckDb.Query($"SELECT id, features FROM {DuckDb.Literal(Path.Combine(path, "itemFactors", "*.parquet"))} ORDER BY id");
        rows.Select(r => (int)r[0]!).Should().Equal(-5, 8);
        ((List<float>)rows[1][1]!).Should().Equal(1.5f, 2.5f);
        FactorizationModel back = SparkAlsModel.Load(path);
        back.Predict("3", "8").Should().Be(model.Predict("3", "8"));
        back.Predict("1", "-5").Should().Be(model.Predict("1", "-5"));
    }

    [Fact]
    public void Save_ModelWithBiases_FoldsThemIntoTwoColumnsSoDotProductsEqualPredictions()
    {
        var catalog = new Catalog(new IdMap(["1", "2"]), new IdMap(["10", "20", "30"]));
        var model = FactorizationModel.FromEmbeddings(catalog, 2, [0.5f, -1f, 2f, 0.25f], [1f, 2f, 3f, -4f, 0.5f, 6f], [0.25f, -0.5f], [1f, 0.5f, -1f], 3.5f);
        string path = Path.Combine(_directory, "biased");

        SparkAlsModel.Save(model, path);
        FactorizationModel back = SparkAlsModel.Load(path);

        back.Dimensions.Should().Be(4);
        back.HasBiases.Should().BeFalse();
        foreach (string u in new[] { "1", "2" })
        {
            foreach (string i in new[] { "10", "20", "30" })
            {
                back.Predict(u, i).Should().BeApproximately(model.Predict(u, i), 1e-5f);
            }
        }
    }

    [Fact]
    public void Save_NonIntegerId_ThrowsAndWritesNothing()
    {
        var model = FactorizationModel.FromEmbeddings(new Catalog(new IdMap(["u1"]), new IdMap(["1"])), 1, [1f], [1f]);
        string path = Path.Combine(_directory, "bad");

        var act = () => SparkAlsModel.Save(model, path);

        act.Should().Throw<ArgumentException>().WithMessage("*'u1'*");
        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public void Save_ExistingDirectory_ThrowsUnlessOverwrite()
    {
        var first = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [2f]);
        var second = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [3f], [2f]);
        string path = Path.Combine(_directory, "m");
        SparkAlsModel.Save(first, path);

        var act = () => SparkAlsModel.Save(second, path);

        act.Should().Throw<IOException>();
        SparkAlsModel.Load(path).Predict(U(0), I(0)).Should().Be(2f);
        SparkAlsModel.Save(second, path, overwrite: true);
        SparkAlsModel.Load(path).Predict(U(0), I(0)).Should().Be(6f);
        Directory.GetFileSystemEntries(_directory).Should().ContainSingle("no staging directory is left behind");
    }

    [Fact]
    public void Save_Cancelled_LeavesNothing()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [2f]);

        var act = () => SparkAlsModel.Save(model, Path.Combine(_directory, "c"), cancellationToken: new CancellationToken(canceled: true));

        act.Should().Throw<OperationCanceledException>();
        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public void Load_OtherClass_ThrowsModelFormatException()
    {
        string model = SparkDirectory("part-00000", Metadata35.Replace("recommendation.ALSModel", "clustering.KMeansModel", StringComparison.Ordinal));

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>().WithMessage("*KMeansModel*");
    }

    [Theory]
    [InlineData("\"rank\":2}", "\"rank\":0}")]
    [InlineData("\"rank\":2}", "\"rank\":\"2\"}")]
    [InlineData(",\"rank\":2}", "}")]
    public void Load_BadRank_ThrowsModelFormatException(string from, string to)
    {
        string model = SparkDirectory("part-00000", Metadata35.Replace(from, to, StringComparison.Ordinal));

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>().WithMessage("*rank*");
    }

    [Fact]
    public void Load_RankDisagreesWithLists_ThrowsNamingTheFile()
    {
        string model = SparkDirectory("part-00000", Metadata35.Replace("\"rank\":2}", "\"rank\":3}", StringComparison.Ordinal));

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>().WithMessage("*userFactors*part-0000*3 floats*");
    }

    [Fact]
    public void Load_MetadataNotJson_ThrowsModelFormatException()
    {
        string model = SparkDirectory("part-00000", "{not json");

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>().WithMessage("*JSON*");
    }

    [Fact]
    public void Load_RepeatedId_ThrowsModelFormatException()
    {
        string model = SparkDirectory("part-00000", Metadata35);
        DuckDb.Execute($"COPY (SELECT 7::INTEGER AS id, [9.0, 9.0]::FLOAT[] AS features) TO {DuckDb.Literal(Path.Combine(model, "userFactors", "part-00002-x-c000.snappy.parquet"))} (FORMAT PARQUET)");

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>().WithMessage("*id 7 twice*");
    }

    [Fact]
    public void Load_NullFeatures_ThrowsModelFormatException()
    {
        string model = SparkDirectory("part-00000", Metadata35);
        DuckDb.Execute($"COPY (SELECT 8::INTEGER AS id, NULL::FLOAT[] AS features) TO {DuckDb.Literal(Path.Combine(model, "userFactors", "part-00002-x-c000.snappy.parquet"))} (FORMAT PARQUET)");

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>().WithMessage("*part-00002*");
    }

    [Fact]
    public void Load_NonFiniteFactor_ThrowsModelFormatException()
    {
        string model = SparkDirectory("part-00000", Metadata35);
        DuckDb.Execute($"COPY (SELECT 8::INTEGER AS id, ['nan'::FLOAT, 1.0]::FLOAT[] AS features) TO {DuckDb.Literal(Path.Combine(model, "userFactors", "part-00002-x-c000.snappy.parquet"))} (FORMAT PARQUET)");

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>();
    }

    [Fact]
    public void Load_NoPartFiles_ThrowsModelFormatException()
    {
        string model = SparkDirectory("part-00000", Metadata35);
        foreach (string part in Directory.GetFiles(Path.Combine(model, "itemFactors"), "*.parquet"))
        {
            File.Delete(part);
        }

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>().WithMessage("*itemFactors*");
    }

    /// <summary>Seeded byte mutations of a factor file each load or end in ModelFormatException (Parquet.Net 6.1.0 alone never returned on some: see <see cref="Load_MutatedFactorFileThatHangsParquetNet_Throws"/>).</summary>
    [Fact]
    public void Load_SeededByteMutationsOfAFactorFile_LoadOrThrowModelFormatException()
    {
        string model = SparkDirectory("part-00000", Metadata35);
        string part = Directory.GetFiles(Path.Combine(model, "itemFactors"), "*.parquet").Order().First();
        byte[] original = File.ReadAllBytes(part);
        var random = new Random(16);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int f = 1 + random.Next(6); f > 0; f--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            File.WriteAllBytes(part, bytes);
            try
            {
                SparkAlsModel.Load(model);
            }
            catch (ModelFormatException)
            {
            }
        }
    }

    /// <summary>
    /// A 360-byte item-factor part file (a byte mutation of a DuckDB-written one, found by the test
    /// above) on which Parquet.Net 6.1.0's reader never returns (it loops in its Thrift field skipping
    /// over the damaged footer): the footer walk of ParquetFooter refuses it first.
    /// </summary>
    [Fact]
    public void Load_MutatedFactorFileThatHangsParquetNet_Throws()
    {
        string model = SparkDirectory("part-00000", Metadata35);
        string part = Directory.GetFiles(Path.Combine(model, "itemFactors"), "*.parquet").Order().First();
        File.WriteAllBytes(part, Convert.FromBase64String(HangingFactorFile));

        var act = () => SparkAlsModel.Load(model);

        act.Should().Throw<ModelFormatException>();
    }

    private const string HangingFactorFile = "UEFSMRUAFRQVGCwVChUAFQYVBgAACiQCAAAAAgEeAAAAFQAVZhU2LBU3FQAVBhUGAAAzGCEAAABBAgB2AQA0AgAAAAQDAABAQAAAAAAVAhlcNQAYDWR1Y2tkYl9zY2hlbWEVBAAVAiUCGAJpZCUiADUCGAhmZWF0dXJlcxUCFQYANQQYBGxpc3QVAgAVCCUCGAdlbGVtZW50ABYCGRwZLCYAHBUCGRUAGRgCaWQVAhYCFjYWOiYIPBgEHgAAABgEHgAAABYAKAQeAAAAGAQeAAAAEREAAAAmABwVCBkVABk4CGZlYXR1cmVzBGxpc3QHZWxlbWVudBUCFgQWiAEWWCZCPBhCAABAQBgEAAAAABYAKAQAAEBAGAQAAAANEREAAAAWvgEWAiYIFpIBACgoRHVja0RCIHZlcnNpb24gdjEuNS42IChidWlsZCAwNjljYzlmOWI1KRksHAAAHAAAABMBAABQQVIx";

    [Fact]
    public void Load_MissingDirectory_ThrowsDirectoryNotFound()
    {
        var act = () => SparkAlsModel.Load(Path.Combine(_directory, "none"));

        act.Should().Throw<DirectoryNotFoundException>();
    }

    private static void AssertFactors(FactorizationModel loaded)
    {
        loaded.Dimensions.Should().Be(2);
        loaded.HasBiases.Should().BeFalse();
        loaded.Options.Should().BeNull();
        loaded.Catalog.Users.Ids.Should().Equal("3", "7", "12");
        loaded.Catalog.Items.Ids.Should().Equal("10", "20", "30");
        loaded.GetUserEmbedding(U(2)).ToArray().Should().Equal(0.5f, -2f);
        loaded.GetItemEmbedding(I(1)).ToArray().Should().Equal(2f, 0.25f);
        // Spark's prediction is the dot product: user 12 · item 20 = 0.5·2 + (−2)·0.25.
        loaded.Predict("12", "20").Should().BeApproximately(0.5f, 1e-6f);
    }

    /// <summary>A model directory as Spark writes it: users 12 and 3 in one part file, 7 in another; items 30, 10, 20 over two.</summary>
    private string SparkDirectory(string metadataFile, string metadataJson)
    {
        string root = Path.Combine(_directory, "model-" + Guid.NewGuid().ToString("N")[..8]);
        string metadata = Path.Combine(root, "metadata");
        Directory.CreateDirectory(metadata);
        File.WriteAllText(Path.Combine(metadata, metadataFile), metadataJson + "\n");
        File.WriteAllBytes(Path.Combine(metadata, "_SUCCESS"), []);
        File.WriteAllBytes(Path.Combine(metadata, "." + metadataFile + ".crc"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(metadata, "._SUCCESS.crc"), [1, 2, 3]);
        WriteTable(Path.Combine(root, "userFactors"), [("12", "[0.5, -2.0]"), ("3", "[1.0, 1.0]")], [("7", "[1.0, 0.0]")]);
        WriteTable(Path.Combine(root, "itemFactors"), [("30", "[3.0, 0.0]")], [("10", "[1.0, 1.0]"), ("20", "[2.0, 0.25]")]);
        return root;
    }

    private static void WriteTable(string directory, params (string Id, string Features)[][] parts)
    {
        Directory.CreateDirectory(directory);
        for (int p = 0; p < parts.Length; p++)
        {
            string values = string.Join(", ", parts[p].Select(r => $"({r.Id}, {r.Features})"));
            string file = Path.Combine(directory, $"part-0000{p}-2f1e0d9c-8b7a-6f5e-4d3c-2b1a0f9e8d7c-c000.snappy.parquet");
            DuckDb.Execute($"COPY (SELECT id::INTEGER AS id, features::FLOAT[] AS features FROM (VALUES {values}) t(id, features)) TO {DuckDb.Literal(file)} (FORMAT PARQUET, COMPRESSION snappy)");
            File.WriteAllBytes(Path.Combine(directory, "." + Path.GetFileName(file) + ".crc"), [1, 2, 3]);
        }

        File.WriteAllBytes(Path.Combine(directory, "_SUCCESS"), []);
    }
}
