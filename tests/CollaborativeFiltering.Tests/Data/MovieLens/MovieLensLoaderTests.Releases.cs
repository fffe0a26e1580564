using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>MovieLens 1M and latest loading, and format detection.</summary>
public partial class MovieLensLoaderTests
{
    internal const string MoviesDat =
        "1::Toy Story (1995)::Animation|Children's|Comedy\n" +
        "2::Jumanji (1995)::Adventure|Children's|Fantasy\n" +
        "3::\u00c7a va (2001)::Documentary\n";

    internal const string UsersDat =
        "1::F::1::10::48067\n" +
        "2::M::56::16::70072\n";

    internal const string RatingsDat =
        "1::1::5::978300760\n" +
        "1::3::3::978302109\n" +
        "2::2::4::978301968\n";

    internal const string MoviesCsv =
        "movieId,title,genres\n" +
        "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n" +
        "11,\"American President, The (1995)\",Comedy|Drama|Romance\n" +
        "99,\"Dr. \"\"Strangelove\"\", or: How I Learned (1964)\",Comedy|War\n" +
        "200,Babylon 5,(no genres listed)\n" +
        "300,\u00dcber (2010) ,Drama\n";

    internal const string RatingsCsv =
        "userId,movieId,rating,timestamp\n" +
        "1,1,4.0,964982703\n" +
        "1,99,3.5,964982931\n" +
        "7,11,0.5,1106635946\n" +
        "7,1,5,1106635000\n";

    internal static TempDir Write1M(bool movies = true, bool users = true)
    {
        var dir = new TempDir();
        dir.Write("ratings.dat", RatingsDat);
        if (movies)
        {
            dir.Write("movies.dat", MoviesDat);
        }

        if (users)
        {
            dir.Write("users.dat", UsersDat);
        }

        return dir;
    }

    internal static TempDir WriteLatest(string ratings = RatingsCsv, string movies = MoviesCsv, string folder = "")
    {
        var dir = new TempDir();
        dir.Write(Path.Combine(folder, "ratings.csv"), ratings, Encoding.UTF8);
        dir.Write(Path.Combine(folder, "movies.csv"), movies, new UTF8Encoding(false));
        return dir;
    }

    [Fact]
    public void Load1M_FullRelease_UsesMetadataCatalogueAndTranslatesOccupations()
    {
        using TempDir dir = Write1M();

        RatingsDataset ds = MovieLens.Load1M(dir.Path);

        ds.Count.Should().Be(3);
        ds.Catalog.Users.Ids.Should().Equal("1", "2");
        ds.Catalog.Items.Ids.Should().Equal("1", "2", "3");
        ValueOf(ds, "1", "3").Should().Be(3f);
        TimestampOf(ds, "2", "2").Should().Be(978301968L);
        ds.Catalog.UserInfos[0].Should().Be(new UserInfo("1", 1, "F", "K-12 student", "48067"));
        ds.Catalog.UserInfos[1].Should().Be(new UserInfo("2", 56, "M", "self-employed", "70072"));
    }

    [Fact]
    public void Load1M_Movies_HaveTitleYearAndGenres()
    {
        using TempDir dir = Write1M();

        Catalog c = MovieLens.Load1M(dir.Path).Catalog;

        c.ItemInfos[0].Should().BeEquivalentTo(new { Id = "1", Title = "Toy Story (1995)", Year = (int?)1995, ReleaseDate = (DateOnly?)null });
        c.ItemInfos[1].Genres.Should().Equal("Adventure", "Children's", "Fantasy");
        c.ItemInfos[2].Title.Should().Be("\u00c7a va (2001)", "movies.dat is Latin-1");
        c.ItemInfos[2].Year.Should().Be(2001);
        c.Genres.Should().HaveCount(18).And.StartWith("Action").And.EndWith("Western");
    }

    [Fact]
    public void Load1M_Streams_WithoutUsers_TakeUsersFromRatings()
    {
        using var ratings = new MemoryStream(Encoding.Latin1.GetBytes("10::2::4.5::5\n20::1::1::6\n"));
        using var movies = new MemoryStream(Encoding.Latin1.GetBytes(MoviesDat));

        RatingsDataset ds = MovieLens.Load1M(ratings, movies, null);

        ds.Catalog.Users.Ids.Should().Equal("10", "20");
        ds.ItemCount.Should().Be(3);
        ValueOf(ds, "10", "2").Should().Be(4.5f);
    }

    [Fact]
    public void Load1M_Streams_WithAllFiles_MatchTheFolderLoad()
    {
        using var ratings = new MemoryStream(Encoding.Latin1.GetBytes(RatingsDat));
        using var movies = new MemoryStream(Encoding.Latin1.GetBytes(MoviesDat));
        using var users = new MemoryStream(Encoding.Latin1.GetBytes(UsersDat));

        RatingsDataset ds = MovieLens.Load1M(ratings, movies, users);

        ds.Count.Should().Be(3);
        ds.Catalog.UserInfos[1].Occupation.Should().Be("self-employed");
    }

    [Fact]
    public void LoadLatest_Folder_ReadsQuotedTitlesHalfStarsAndGenres()
    {
        using TempDir dir = WriteLatest();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        ds.Count.Should().Be(4);
        ds.Catalog.Users.Ids.Should().Equal("1", "7");
        ds.Catalog.Items.Ids.Should().Equal("1", "11", "99", "200", "300");
        ValueOf(ds, "1", "99").Should().Be(3.5f);
        ValueOf(ds, "7", "11").Should().Be(0.5f);
        ValueOf(ds, "7", "1").Should().Be(5f);
        TimestampOf(ds, "7", "11").Should().Be(1106635946L);

        IReadOnlyList<ItemInfo> items = ds.Catalog.ItemInfos;
        items[1].Title.Should().Be("American President, The (1995)");
        items[1].Genres.Should().Equal("Comedy", "Drama", "Romance");
        items[2].Title.Should().Be("Dr. \"Strangelove\", or: How I Learned (1964)");
        items[2].Year.Should().Be(1964);
        items[3].Title.Should().Be("Babylon 5");
        items[3].Year.Should().BeNull();
        items[3].Genres.Should().BeEmpty("'(no genres listed)' means no genre");
        items[4].Title.Should().Be("\u00dcber (2010) ", "movies.csv is UTF-8 and titles are kept as written");
        items[4].Year.Should().Be(2010);
        ds.Catalog.Genres.Should().StartWith(["Adventure", "Animation", "Children", "Comedy", "Fantasy", "Drama"]);
        ds.Catalog.Genres.Should().NotContain("(no genres listed)");
    }

    [Fact]
    public void LoadLatest_CrLfLineEnds_AreAccepted()
    {
        using TempDir dir = WriteLatest(RatingsCsv.Replace("\n", "\r\n", StringComparison.Ordinal), MoviesCsv.Replace("\n", "\r\n", StringComparison.Ordinal));

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        ds.Count.Should().Be(4);
        TimestampOf(ds, "7", "1").Should().Be(1106635000L);
        ds.Catalog.ItemInfos[3].Genres.Should().BeEmpty();
        ds.Catalog.ItemInfos[2].Genres.Should().Equal("Comedy", "War");
    }

    [Fact]
    public void LoadLatest_TitleWithLineBreak_KeepsLaterLineNumbersRight()
    {
        string movies = "movieId,title,genres\n1,\"Two\nLines (1999)\",Drama\n2,Bad,Drama,Extra\n";
        using TempDir dir = WriteLatest(movies: movies);

        Action act = () => MovieLens.LoadLatest(dir.Path);

        act.Should().Throw<RatingsFormatException>().Which.Message.Should().Contain("movies.csv, line 4, column 4");
    }

    [Fact]
    public void LoadLatest_Streams_WithAndWithoutMovies()
    {
        using var ratings = new MemoryStream(Encoding.UTF8.GetBytes(RatingsCsv));
        using var movies = new MemoryStream(Encoding.UTF8.GetBytes(MoviesCsv));

        RatingsDataset full = MovieLens.LoadLatest(ratings, movies);
        ratings.Position = 0;
        RatingsDataset bare = MovieLens.LoadLatest(ratings, null);

        full.ItemCount.Should().Be(5);
        full.Catalog.ItemInfos[1].Title.Should().Be("American President, The (1995)");
        bare.ItemCount.Should().Be(3);
        bare.Catalog.Items.Ids.Should().Equal("1", "99", "11");
        ValueOf(bare, "1", "99").Should().Be(3.5f);
    }

    [Fact]
    public void DetectFormat_EachRelease_IsRecognised()
    {
        using TempDir ml100k = Write100K();
        using TempDir ml1m = Write1M();
        using TempDir latest = WriteLatest();

        MovieLens.DetectFormat(ml100k.Path).Should().Be(MovieLensFormat.Ml100K);
        MovieLens.DetectFormat(ml1m.Path).Should().Be(MovieLensFormat.Ml1M);
        MovieLens.DetectFormat(latest.Path).Should().Be(MovieLensFormat.Latest);
    }

    [Fact]
    public void Load_EachRelease_DispatchesToItsLoader()
    {
        using TempDir ml100k = Write100K();
        using TempDir ml1m = Write1M();
        using TempDir latest = WriteLatest();

        MovieLens.Load(ml100k.Path).Catalog.ItemInfos[0].ReleaseDate.Should().Be(new DateOnly(1995, 1, 1));
        MovieLens.Load(ml1m.Path).Catalog.UserInfos[0].Occupation.Should().Be("K-12 student");
        MovieLens.Load(latest.Path).Count.Should().Be(4);
    }

    [Fact]
    public void Load_ExtractedZipFolder_UsesItsSingleMlSubfolder()
    {
        using TempDir dir = WriteLatest(folder: "ml-latest-small");
        dir.Write("README.txt", "not a release");

        MovieLens.DetectFormat(dir.Path).Should().Be(MovieLensFormat.Latest);
        MovieLens.Load(dir.Path).ItemCount.Should().Be(5);
        MovieLens.LoadLatest(dir.Path).ItemCount.Should().Be(5);
    }

    [Fact]
    public void DetectFormat_TwoMlSubfolders_ThrowsNamingBoth()
    {
        using var dir = new TempDir();
        dir.Write("ml-100k/u.data", UData);
        dir.Write("ml-1m/ratings.dat", RatingsDat);

        Action act = () => MovieLens.DetectFormat(dir.Path);

        act.Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("ml-100k").And.Contain("ml-1m");
    }

    [Fact]
    public void DetectFormat_EmptyFolder_ThrowsFileNotFoundListingWhatWasLookedFor()
    {
        using var dir = new TempDir();

        Action act = () => MovieLens.DetectFormat(dir.Path);

        act.Should().Throw<FileNotFoundException>().Which.Message.Should()
            .Contain(dir.Path).And.Contain("u.data").And.Contain("ratings.dat").And.Contain("ratings.csv");
    }

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFoundNamingIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), "cf-loaders-missing-" + Guid.NewGuid().ToString("N"));

        Action act = () => MovieLens.Load(missing);

        act.Should().Throw<DirectoryNotFoundException>().Which.Message.Should().Contain(missing);
    }

    [Fact]
    public void Load100K_FolderWithoutUData_ThrowsFileNotFoundNamingIt()
    {
        using TempDir dir = Write1M();

        Action act = () => MovieLens.Load100K(dir.Path);

        act.Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("u.data").And.Contain(dir.Path);
    }

    [Fact]
    public void Load_UndefinedDuplicatePolicy_ThrowsNamingTheOption()
    {
        using TempDir dir = Write100K();

        Action act = () => MovieLens.Load(dir.Path, new MovieLensLoadOptions { Duplicates = (DuplicatePolicy)42 });

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(MovieLensLoadOptions.Duplicates));
    }
}
