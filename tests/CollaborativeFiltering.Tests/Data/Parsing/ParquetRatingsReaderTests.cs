using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public sealed class ParquetRatingsReaderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-parquet-" + Guid.NewGuid().ToString("N"));

    public ParquetRatingsReaderTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Read_DuckDbFileWithIntegerIds_ReadsRatingsTimestampsAndIdsAsText()
    {
        string path = Write("SELECT * FROM (VALUES (1, 10, 4.5::DOUBLE, 100::BIGINT), (2, 10, 3.0, 200), (1, 20, 0.5, 300)) t(\"user\", item, rating, \"timestamp\")");

        RatingsDataset ratings = ParquetRatingsReader.Read(path);

        ratings.Count.Should().Be(3);
        ratings.Catalog.Users.Ids.Should().Equal("1", "2");
        ratings.Catalog.Items.Ids.Should().Equal("10", "20");
        ratings.HasTimestamps.Should().BeTrue();
        ratings.Select(r => (ratings.Catalog.GetUserId(r.User), ratings.Catalog.GetItemId(r.Item), r.Value, r.Timestamp))
            .Should().BeEquivalentTo(new[] { ("1", "10", 4.5f, (long?)100), ("2", "10", 3f, (long?)200), ("1", "20", 0.5f, (long?)300) });
    }

    [Fact]
    public void Read_StringIdsFloatRatingsOtherNamesSeveralRowGroups_ReadsEveryRow()
    {
        string path = Write("SELECT 'u' || (i % 7) AS who, 'm' || (i // 7) AS what, (1 + i % 5)::FLOAT AS stars FROM range(0, 5000) r(i)", "ROW_GROUP_SIZE 1000");
        var options = new ParquetRatingsOptions { UserColumn = "who", ItemColumn = "what", RatingColumn = "stars" };

        RatingsDataset ratings = ParquetRatingsReader.Read(path, options);

        ratings.Count.Should().Be(5000);
        ratings.UserCount.Should().Be(7);
        ratings.ItemCount.Should().Be(715);
        ratings.HasTimestamps.Should().BeFalse();
        ratings.Select(r => r.Value).Sum().Should().Be(Enumerable.Range(0, 5000).Sum(i => 1 + (i % 5)));
        int row = 4321;
        var rating = ratings.Single(r => ratings.Catalog.GetUserId(r.User) == "u" + (row % 7) && ratings.Catalog.GetItemId(r.Item) == "m" + (row / 7));
        rating.Value.Should().Be(1 + (row % 5));
    }

    [Fact]
    public void Read_ParquetTimestampColumn_ReadsUnixSeconds()
    {
        string path = Write("SELECT 1 AS \"user\", 2 AS item, 5 AS rating, TIMESTAMP '2001-09-09 01:46:40' AS \"timestamp\"");

        RatingsDataset ratings = ParquetRatingsReader.Read(path);

        ratings.Timestamps.ToArray().Should().Equal(1_000_000_000L);
    }

    [Fact]
    public void Read_WithCatalog_UsesItsIndices()
    {
        var catalog = new Catalog(new IdMap(["7", "1"]), new IdMap(["3", "2"]));
        string path = Write("SELECT 1 AS \"user\", 2 AS item, 5 AS rating");

        RatingsDataset ratings = ParquetRatingsReader.Read(path, catalog: catalog);

        ratings.Catalog.Should().BeSameAs(catalog);
        ratings.Single().User.Should().Be(U(1));
        ratings.Single().Item.Should().Be(I(1));
    }

    [Fact]
    public void Read_IdNotInCatalog_ThrowsNamingRowAndColumn()
    {
        var catalog = new Catalog(new IdMap(["1"]), new IdMap(["2"]));
        string path = Write("SELECT * FROM (VALUES (1, 2, 5), (1, 9, 4)) t(\"user\", item, rating)");

        var act = () => ParquetRatingsReader.Read(path, catalog: catalog);

        var e = act.Should().Throw<RatingsFormatException>().Which;
        e.LineNumber.Should().Be(2);
        e.Column.Should().Be(2);
        e.Message.Should().Contain("'9'");
    }

    [Fact]
    public void Read_MissingColumn_ThrowsNamingItAndTheFilesColumns()
    {
        string path = Write("SELECT 1 AS \"user\", 2 AS movie, 5 AS rating");

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<RatingsFormatException>().WithMessage("*'item' (ItemColumn)*'user', 'movie', 'rating'*");
    }

    [Fact]
    public void Read_NullRating_ThrowsNamingTheRow()
    {
        string path = Write("SELECT * FROM (VALUES (1, 2, 5.0), (1, 3, NULL), (2, 2, 1.0)) t(\"user\", item, rating)");

        var act = () => ParquetRatingsReader.Read(path);

        var e = act.Should().Throw<RatingsFormatException>().Which;
        e.LineNumber.Should().Be(2);
        e.Column.Should().Be(3);
        e.Message.Should().Contain("null");
    }

    [Fact]
    public void Read_NonFiniteRating_Throws()
    {
        string path = Write("SELECT 1 AS \"user\", 2 AS item, 'inf'::DOUBLE AS rating");

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<RatingsFormatException>().Which.Message.Should().Contain("finite");
    }

    [Fact]
    public void Read_RatingColumnOfText_ThrowsNamingTheType()
    {
        string path = Write("SELECT 1 AS \"user\", 2 AS item, 'five' AS rating");

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<RatingsFormatException>().Which.Message.Should().Contain("string");
    }

    [Fact]
    public void Read_DuplicatePair_RejectsByDefaultAndAveragesOnRequest()
    {
        string path = Write("SELECT * FROM (VALUES (1, 2, 5.0), (1, 2, 3.0)) t(\"user\", item, rating)");

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<RatingsFormatException>();
        ParquetRatingsReader.Read(path, new ParquetRatingsOptions { Duplicates = DuplicatePolicy.Average }).Single().Value.Should().Be(4f);
    }

    [Fact]
    public void Read_NoRows_Throws()
    {
        string path = Write("SELECT 1 AS \"user\", 2 AS item, 5 AS rating WHERE false");

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<RatingsFormatException>().Which.Message.Should().Contain("no rows");
    }

    [Fact]
    public void Read_NotParquet_ThrowsRatingsFormatException()
    {
        string path = Path.Combine(_directory, "ratings.parquet");
        File.WriteAllText(path, "user,item,rating\n1,2,5\n");

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<RatingsFormatException>().Which.Message.Should().Contain("Parquet");
    }

    [Fact]
    public void Read_TruncatedFile_ThrowsRatingsFormatException()
    {
        string path = Write("SELECT i AS \"user\", i AS item, 1.0 AS rating FROM range(0, 100) r(i)");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<RatingsFormatException>();
    }

    [Fact]
    public void Read_CorruptedBytes_ThrowsATypedException()
    {
        string path = Write("SELECT i AS \"user\", i AS item, 1.0 AS rating FROM range(0, 1000) r(i)", "COMPRESSION uncompressed");
        byte[] bytes = File.ReadAllBytes(path);
        for (int k = 8; k < bytes.Length / 2; k += 7)
        {
            bytes[k] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);

        var act = () => ParquetRatingsReader.Read(path);

        act.Should().Throw<Exception>().Which.Should().BeOfType<RatingsFormatException>();
    }

    [Fact]
    public void Read_SeededByteMutations_ReadOrThrowRatingsFormatException()
    {
        string path = Write("SELECT i % 50 AS \"user\", 'm' || (i // 50) AS item, (i % 10) / 2.0 AS rating, i AS \"timestamp\" FROM range(0, 2000) r(i)", "ROW_GROUP_SIZE 500");
        byte[] original = File.ReadAllBytes(path);
        var random = new Random(16);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = 1 + random.Next(8);
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            using var stream = new MemoryStream(bytes, writable: false);
            try
            {
                ParquetRatingsReader.Read(stream, "mutated.parquet");
            }
            catch (RatingsFormatException)
            {
            }
        }
    }

    [Fact]
    public void Read_SameColumnForTwoRoles_ThrowsNamingTheOption()
    {
        var act = () => ParquetRatingsReader.Read(Path.Combine(_directory, "x.parquet"), new ParquetRatingsOptions { ItemColumn = "user" });

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ItemColumn");
    }

    [Fact]
    public void Read_Cancelled_Throws()
    {
        string path = Write("SELECT 1 AS \"user\", 2 AS item, 5 AS rating");

        var act = () => ParquetRatingsReader.Read(path, cancellationToken: new CancellationToken(canceled: true));

        act.Should().Throw<OperationCanceledException>();
    }

    private string Write(string select, string? options = null)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".parquet");
        DuckDb.Execute($"COPY ({select}) TO {DuckDb.Literal(path)} (FORMAT PARQUET{(options is null ? "" : ", " + options)})");
        return path;
    }
}
