using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public sealed partial class MovieLensWriterTests : IDisposable
{
    private const string Flags19Zero = "|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0";

    private static readonly string[] MovieLensGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    private readonly string _root;

    public MovieLensWriterTests()
    {
        _root = Path.Combine(Path.GetTempPath(), "cf-writer-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Write100K_TwoUsersThreeItems_WritesTheFiveFilesByteForByte()
    {
        MovieLensWriter.Write100K(Tiny(), _root);

        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.data"))).Should().Be(
            "1\t10\t4\t874965758\n" +
            "1\t30\t3.5\t874965759\n" +
            "2\t10\t1\t888550872\n" +
            "2\t20\t5\t888550871\n");
        File.ReadAllBytes(Path.Combine(_root, "u.item")).Should().Equal(Encoding.Latin1.GetBytes(
            "10|Toy Story (1995)|01-Jan-1995|||0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
            "20|Café, \"Quoted\" (1996)||||0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
            "30|Heat (1995)|15-Dec-1995|||0|1|0|0|0|0|1|0|0|0|0|0|0|0|0|0|1|0|0\n"));
        File.ReadAllBytes(Path.Combine(_root, "u.item")).Should().Contain(0xE9, "u.item is Latin-1: é is one byte");
        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.user"))).Should().Be(
            "1|24|M|technician|85711\n" +
            "2|53|F|other|94043\n");
        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.genre"))).Should().Be(
            string.Concat(MovieLensGenres.Select((g, k) => $"{g}|{k}\n")));
        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.occupation"))).Should().Be("other\ntechnician\n");
        Directory.GetFiles(_root).Select(Path.GetFileName).Should().BeEquivalentTo("u.data", "u.item", "u.user", "u.genre", "u.occupation");
    }

    [Fact]
    public void WriteLatest_TwoUsersThreeItems_WritesCsvWithHeaderQuotingAndOneDecimal()
    {
        MovieLensWriter.WriteLatest(Tiny(), _root);

        File.ReadAllBytes(Path.Combine(_root, "ratings.csv")).Should().Equal(Encoding.UTF8.GetBytes(
            "userId,movieId,rating,timestamp\n" +
            "1,10,4.0,874965758\n" +
            "1,30,3.5,874965759\n" +
            "2,10,1.0,888550872\n" +
            "2,20,5.0,888550871\n"));
        File.ReadAllBytes(Path.Combine(_root, "movies.csv")).Should().Equal(Encoding.UTF8.GetBytes(
            "movieId,title,genres\n" +
            "10,Toy Story (1995),Animation|Children's|Comedy\n" +
            "20,\"Café, \"\"Quoted\"\" (1996)\",(no genres listed)\n" +
            "30,Heat (1995),Action|Crime|Thriller\n"));
    }

    [Fact]
    public void WriteRatings_100KNoTimestamps_WritesZeroAndOnlyThatFile()
    {
        RatingsDataset ds = new RatingsDatasetBuilder()
            .Add("7", "b", 2f)
            .Add("7", "a", 4.5f)
            .Add("3", "a", 1f)
            .Build();
        string path = Path.Combine(_root, "u1.test");

        MovieLensWriter.WriteRatings(ds, path, MovieLensFormat.Ml100K);

        Latin1(File.ReadAllBytes(path)).Should().Be("7\tb\t2\t0\n7\ta\t4.5\t0\n3\ta\t1\t0\n");
        Directory.GetFiles(_root).Should().ContainSingle();
    }

    [Fact]
    public void Write100K_NoMetadata_IdsAsTitlesAndEmptyUserFields()
    {
        RatingsDataset ds = new RatingsDatasetBuilder(Catalog.Sequential(2, 2)).Add(new Rating(U(1), I(0), 3f, 5)).Build();

        MovieLensWriter.Write100K(ds, _root);

        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.data"))).Should().Be("2\t1\t3\t5\n");
        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.item"))).Should().Be($"1|1||||{Flags19Zero[1..]}\n2|2||||{Flags19Zero[1..]}\n");
        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.user"))).Should().Be("1||||\n2||||\n");
    }

    [Fact]
    public void Write100K_GenresOutsideMovieLens_FlagsFollowTheCatalogueGenresAndUGenreNamesThem()
    {
        var items = new IdMap(["x", "y"]);
        var infos = new ItemInfo[]
        {
            new("x", "X", null, null, ["Space"]),
            new("y", "Y", null, null, ["Noir", "Space"]),
        };
        var catalog = new Catalog(new IdMap(["u"]), items, null, infos, ["Noir", "Space"]);
        RatingsDataset ds = new RatingsDatasetBuilder(catalog).Add("u", "y", 4f).Build();

        MovieLensWriter.Write100K(ds, _root);

        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.genre"))).Should().Be("Noir|0\nSpace|1\n");
        Latin1(File.ReadAllBytes(Path.Combine(_root, "u.item"))).Should().Be("x|X||||0|1\ny|Y||||1|1\n");
    }

    [Fact]
    public void Write100K_DirectoryIsAFile_SaysItIsAFile()
    {
        string file = Path.Combine(_root, "ml-100k");
        File.WriteAllText(file, "not a folder");

        FluentActions.Invoking(() => MovieLensWriter.Write100K(Tiny(), file)).Should().Throw<DirectoryNotFoundException>()
            .WithMessage($"'{file}' is a file, not a folder*");
        File.ReadAllText(file).Should().Be("not a folder");
    }

    [Fact]
    public void WriteRatings_PathIsAnExistingFolder_ThrowsArgumentExceptionBeforeWriting()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_root, "u1.base")).FullName;

        FluentActions.Invoking(() => MovieLensWriter.WriteRatings(Tiny(), folder, MovieLensFormat.Ml100K)).Should().Throw<ArgumentException>()
            .WithParameterName("path").WithMessage($"*'{folder}'*folder*");
        Directory.GetFileSystemEntries(_root).Should().Equal(folder);
    }

    [Fact]
    public void Write100K_MissingDirectory_ThrowsAndCreatesNothing()
    {
        string missing = Path.Combine(_root, "missing");

        FluentActions.Invoking(() => MovieLensWriter.Write100K(Tiny(), missing)).Should().Throw<DirectoryNotFoundException>()
            .WithMessage("*missing*");
        FluentActions.Invoking(() => MovieLensWriter.WriteLatest(Tiny(), missing)).Should().Throw<DirectoryNotFoundException>();
        FluentActions.Invoking(() => MovieLensWriter.WriteRatings(Tiny(), Path.Combine(missing, "u1.base"), MovieLensFormat.Ml100K)).Should().Throw<DirectoryNotFoundException>();

        Directory.Exists(missing).Should().BeFalse();
        Directory.GetFileSystemEntries(_root).Should().BeEmpty();
    }

    [Fact]
    public void Write100K_CancelledWhileWriting_LeavesExistingFileAndNoTemporaryFile()
    {
        string data = Path.Combine(_root, "u.data");
        File.WriteAllText(data, "old\n");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        FluentActions.Invoking(() => MovieLensWriter.Write100K(Tiny(), _root, cancellationToken: cts.Token)).Should().Throw<OperationCanceledException>();

        File.ReadAllText(data).Should().Be("old\n");
        Directory.GetFileSystemEntries(_root).Should().ContainSingle().Which.Should().Be(data);
    }

    [Fact]
    public void Write100K_TitleWithSeparator_ThrowsNamingTheItemBeforeWritingAnything()
    {
        var catalog = new Catalog(new IdMap(["u"]), new IdMap(["m1"]), null, [new ItemInfo("m1", "A|B", null, null, [])]);
        RatingsDataset ds = new RatingsDatasetBuilder(catalog).Add("u", "m1", 4f).Build();

        var thrown = FluentActions.Invoking(() => MovieLensWriter.Write100K(ds, _root)).Should().Throw<ArgumentException>().Which;

        thrown.ParamName.Should().Be("dataset");
        thrown.Message.Should().Contain("title of item 'm1'").And.Contain("'|', the separator");
        Directory.GetFileSystemEntries(_root).Should().BeEmpty();
    }

    [Fact]
    public void WriteLatest_TitleWithLineBreak_Throws()
    {
        var catalog = new Catalog(new IdMap(["u"]), new IdMap(["m1"]), null, [new ItemInfo("m1", "A\nB", null, null, [])]);
        RatingsDataset ds = new RatingsDatasetBuilder(catalog).Add("u", "m1", 4f).Build();

        FluentActions.Invoking(() => MovieLensWriter.WriteLatest(ds, _root)).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "dataset" && e.Message.Contains("line break"));
        Directory.GetFileSystemEntries(_root).Should().BeEmpty();
    }

    [Fact]
    public void Write100K_ThenLoad100K_RoundTripsRatingsTimestampsAndMetadata()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 60, Items = 90, Ratings = 2_000, MinRatingsPerUser = 10 });
        RatingsDataset original = data.Dataset;

        MovieLensWriter.Write100K(original, _root);
        RatingsDataset loaded = MovieLens.Load100K(_root);

        AssertSameRatings(loaded, original);
        loaded.Timestamps.ToArray().Should().Equal(original.Timestamps.ToArray());
        loaded.Catalog.Genres.Should().Equal(original.Catalog.Genres);
        loaded.Catalog.UserInfos.Should().Equal(original.Catalog.UserInfos);
        loaded.Catalog.ItemInfos.Select(Describe).Should().Equal(original.Catalog.ItemInfos.Select(Describe));
    }

    [Fact]
    public void WriteLatest_ThenLoadLatest_RoundTripsHalfStarRatingsTitlesAndGenres()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 60, Items = 90, Ratings = 2_000, MinRatingsPerUser = 10, HalfStars = true });
        RatingsDataset original = data.Dataset;

        MovieLensWriter.WriteLatest(original, _root);
        RatingsDataset loaded = MovieLens.LoadLatest(_root);

        AssertSameRatings(loaded, original);
        loaded.Timestamps.ToArray().Should().Equal(original.Timestamps.ToArray());
        loaded.Catalog.ItemInfos.Select(i => $"{i.Id}|{i.Title}|{i.Year}|{string.Join(",", i.Genres)}")
            .Should().Equal(original.Catalog.ItemInfos.Select(i => $"{i.Id}|{i.Title}|{i.Year}|{string.Join(",", i.Genres)}"));
    }

    /// <summary>Two users × three items with metadata; the second title needs quoting in CSV and has a Latin-1 letter.</summary>
    private static RatingsDataset Tiny()
    {
        var users = new UserInfo[]
        {
            new("1", 24, "M", "technician", "85711"),
            new("2", 53, "F", "other", "94043"),
        };
        var items = new ItemInfo[]
        {
            new("10", "Toy Story (1995)", new DateOnly(1995, 1, 1), 1995, ["Animation", "Children's", "Comedy"]),
            new("20", "Café, \"Quoted\" (1996)", null, 1996, []),
            new("30", "Heat (1995)", new DateOnly(1995, 12, 15), 1995, ["Action", "Crime", "Thriller"]),
        };
        var catalog = new Catalog(new IdMap(["1", "2"]), new IdMap(["10", "20", "30"]), users, items, MovieLensGenres);
        return new RatingsDatasetBuilder(catalog)
            .Add("2", "20", 5f, 888550871)
            .Add("1", "30", 3.5f, 874965759)
            .Add("1", "10", 4f, 874965758)
            .Add("2", "10", 1f, 888550872)
            .Build();
    }

    private static void AssertSameRatings(RatingsDataset loaded, RatingsDataset original)
    {
        loaded.Count.Should().Be(original.Count);
        loaded.Catalog.Users.Ids.Should().Equal(original.Catalog.Users.Ids);
        loaded.Catalog.Items.Ids.Should().Equal(original.Catalog.Items.Ids);
        loaded.ByUser.RowOffsets.ToArray().Should().Equal(original.ByUser.RowOffsets.ToArray());
        loaded.ByUser.ColumnIndices.ToArray().Should().Equal(original.ByUser.ColumnIndices.ToArray());
        loaded.ByUser.Values.ToArray().Should().Equal(original.ByUser.Values.ToArray());
    }

    private static string Describe(ItemInfo info) => $"{info.Id}|{info.Title}|{info.ReleaseDate}|{info.Year}|{string.Join(",", info.Genres)}";

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);
}
