using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Tests.Factorization;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>
/// One test per fact of shared/MOVIELENS-FILES.md about the official releases, each on a small
/// hand-written file with rows of our own that carry the same irregularity (no real data).
/// </summary>
public partial class MovieLensLoaderTests
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>A u.item shaped like the release's: Latin-1 accents, an "unknown" item with an empty date, a one-digit day, trailing spaces, a title twice, a "(V)" suffix.</summary>
    internal static string RealShapedUItem =>
        ItemLine("1", "Caf\u00e9 Lumi\u00e8re (1994)", "01-Jan-1994", "Drama") +
        ItemLine("2", "Twice Told (1997)", "15-Mar-1997", "Comedy", "Romance") +
        "3|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
        ItemLine("4", "Twice Told (1997)", "15-Mar-1997", "Comedy", "Romance") +
        ItemLine("5", "Morning Light (1971)", "4-Feb-1971", "Drama") +
        ItemLine("6", "Harbour Lights (1996) ", "06-Dec-1996", "Documentary") +
        ItemLine("7", "Home Movie (1995) (V)", "09-Sep-1995", "Comedy") +
        ItemLine("8", "\u00deögn \u00cdslands (1999)", "28-Feb-1999", "Film-Noir") +
        ItemLine("9", "Never Rated (1998)", "01-Jan-1998", "Action");

    internal const string RealShapedUUser =
        "1|24|M|technician|85711\n" +
        "2|53|F|other|T8H1N\n" +
        "3|23|M|none|V3N4P\n" +
        "4|33|F|writer|02138\n";

    internal const string RealShapedUData =
        "1\t1\t5\t874965758\n" +
        "1\t5\t3\t876893171\n" +
        "2\t3\t4\t888550871\n" +
        "2\t6\t1\t888550872\n" +
        "3\t2\t2\t889237455\n" +
        "3\t4\t4\t889237456\n" +
        "4\t7\t3\t881250949\n" +
        "4\t8\t5\t881250950\n";

    private static TempDir WriteRealShaped100K(Encoding? itemEncoding = null)
    {
        var dir = new TempDir();
        dir.Write("u.data", RealShapedUData);
        dir.Write("u.item", RealShapedUItem, itemEncoding);
        dir.Write("u.user", RealShapedUUser);
        dir.Write("u.genre", UGenre);
        dir.Write("u.occupation", "administrator\nartist\nnone\nother\ntechnician\nwriter\n");
        return dir;
    }

    private static ItemInfo Item(RatingsDataset ds, string id) => ds.Catalog.ItemInfos[ds.Catalog.Items.IndexOf(id)];

    private static UserInfo User(RatingsDataset ds, string id) => ds.Catalog.UserInfos[ds.Catalog.Users.IndexOf(id)];

    // ---- ml-100k ----

    [Fact]
    public void Load100K_RealShapedFolder_CatalogueIsTheMetadataRatedOrNot()
    {
        using TempDir dir = WriteRealShaped100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        ds.Count.Should().Be(8);
        ds.UserCount.Should().Be(4);
        ds.ItemCount.Should().Be(9, "every u.item line is an item, item 9 is never rated");
        ds.ByItem.GetRowLength(ds.Catalog.Items.IndexOf("9")).Should().Be(0);
        ds.LoadReport!.Warnings.Should().BeEmpty("nothing in the release's irregularities is a problem");
    }

    [Fact]
    public void Load100K_Latin1AccentedTitles_AreDecodedAsLatin1()
    {
        using TempDir dir = WriteRealShaped100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        Item(ds, "1").Title.Should().Be("Caf\u00e9 Lumi\u00e8re (1994)");
        Item(ds, "8").Title.Should().Be("\u00deögn \u00cdslands (1999)");
        ds.LoadReport!.Files.Single(f => f.Source.EndsWith("u.item", StringComparison.Ordinal)).Encoding.Should().Be("Latin-1");
    }

    [Fact]
    public void Load100K_UnknownItemWithEmptyDateAndAllFlags_HasNoDateNoYearAndTheUnknownGenre()
    {
        using TempDir dir = WriteRealShaped100K();

        ItemInfo unknown = Item(MovieLens.Load100K(dir.Path), "3");

        unknown.Title.Should().Be("unknown");
        unknown.ReleaseDate.Should().BeNull();
        unknown.Year.Should().BeNull();
        unknown.Genres.Should().Equal("unknown");
    }

    [Fact]
    public void Load100K_OneDigitDay_IsThatDate()
    {
        using TempDir dir = WriteRealShaped100K();

        ItemInfo item = Item(MovieLens.Load100K(dir.Path), "5");

        item.ReleaseDate.Should().Be(new DateOnly(1971, 2, 4));
        item.Year.Should().Be(1971);
    }

    [Theory]
    [InlineData("4-Feb-1971", 1971, 2, 4)]
    [InlineData("04-Feb-1971", 1971, 2, 4)]
    [InlineData("1-Jan-1995", 1995, 1, 1)]
    [InlineData("31-Dec-1999", 1999, 12, 31)]
    [InlineData("29-feb-1996", 1996, 2, 29)]
    [InlineData(" 09-SEP-1995 ", 1995, 9, 9)]
    public void Load100K_ReleaseDateForms_AreRead(string date, int year, int month, int day)
    {
        using TempDir dir = Write100K();
        dir.Write("u.item", ItemLine("1", "A (1990)", date, "Drama") + ItemLine("2", "B (1990)", "", "Drama") + ItemLine("3", "C (1990)", "", "Drama"));

        RatingsDataset ds = MovieLens.Load100K(dir.Path, Strict);

        Item(ds, "1").ReleaseDate.Should().Be(new DateOnly(year, month, day));
    }

    [Fact]
    public void Load100K_EmptyVideoReleaseDateOnEveryLine_IsIgnored()
    {
        using TempDir dir = WriteRealShaped100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path, Strict);

        ds.Catalog.ItemInfos.Should().HaveCount(9);
        RealShapedUItem.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().OnlyContain(l => l.Split('|')[3].Length == 0 && l.Split('|').Length == 24);
    }

    [Fact]
    public void Load100K_TitleEndingWithSpace_IsKeptAsWrittenAndFoundWithoutIt()
    {
        using TempDir dir = WriteRealShaped100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        Item(ds, "6").Title.Should().Be("Harbour Lights (1996) ");
        Item(ds, "6").Year.Should().Be(1996);
        var model = global::CollaborativeFiltering.Factorization.FactorizationModel.FromEmbeddings(ds.Catalog, 2, new float[4 * 2], Enumerable.Range(1, 18).Select(k => (float)k).ToArray());
        global::CollaborativeFiltering.Scoring.Neighbors.NearestItemsByTitle(model, "Harbour Lights (1996)", k: 1).Query.Item.Value.Should().Be(ds.Catalog.Items.IndexOf("6"));
    }

    [Fact]
    public void Load100K_SameTitleUnderTwoIds_AreTwoItems()
    {
        using TempDir dir = WriteRealShaped100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        Item(ds, "2").Title.Should().Be("Twice Told (1997)");
        Item(ds, "4").Title.Should().Be("Twice Told (1997)");
        ds.Catalog.Items.IndexOf("2").Should().NotBe(ds.Catalog.Items.IndexOf("4"));
        LoadersAgree(ds, "3", "2", 2f);
        LoadersAgree(ds, "3", "4", 4f);
    }

    private static void LoadersAgree(RatingsDataset ds, string user, string item, float expected) => ValueOf(ds, user, item).Should().Be(expected);

    [Fact]
    public void Load100K_TitlesWithoutYearSuffix_TakeTheYearFromTheDateOrHaveNone()
    {
        using TempDir dir = WriteRealShaped100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        Item(ds, "7").Title.Should().Be("Home Movie (1995) (V)");
        Item(ds, "7").Year.Should().Be(1995, "the release date gives it");
        Item(ds, "3").Year.Should().BeNull();
    }

    [Fact]
    public void Load100K_NonDigitZipCodesAndOccupationsNoneAndOther_AreKeptAsWritten()
    {
        using TempDir dir = WriteRealShaped100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        User(ds, "2").Should().Be(new UserInfo("2", 53, "F", "other", "T8H1N"));
        User(ds, "3").Should().Be(new UserInfo("3", 23, "M", "none", "V3N4P"));
        User(ds, "4").ZipCode.Should().Be("02138", "a zip code is text: its leading zero stays");
    }

    [Fact]
    public void Load100K_GenreFileEndingWithAnEmptyLine_Has19Genres()
    {
        using TempDir dir = WriteRealShaped100K();
        File.ReadAllText(Path.Combine(dir.Path, "u.genre")).Should().EndWith("Western|18\n\n");

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        ds.Catalog.Genres.Should().Equal(GenreNames100K);
    }

    [Fact]
    public void LoadSplit_BaseAndTestFilesOfTheRelease_ShareTheMetadataCatalogue()
    {
        using TempDir dir = WriteRealShaped100K();
        string[] lines = RealShapedUData.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        dir.Write("u1.base", string.Join("\n", lines[..6]) + "\n");
        dir.Write("u1.test", string.Join("\n", lines[6..]) + "\n");

        DatasetSplit split = MovieLens.LoadSplit(dir.Path, "u1.base", "u1.test");

        split.Train.Count.Should().Be(6);
        split.Test.Count.Should().Be(2);
        split.Test.Catalog.Should().BeSameAs(split.Train.Catalog);
        split.Train.ItemCount.Should().Be(9);
        Item(split.Test, "1").Title.Should().Be("Caf\u00e9 Lumi\u00e8re (1994)");
    }

    // ---- encodings (issue 11, point 5) ----

    [Fact]
    public void Load100K_UItemSavedAsUtf8_DecodesTitlesTheSameAndLogsTheEncoding()
    {
        using TempDir latin1 = WriteRealShaped100K();
        using TempDir utf8 = WriteRealShaped100K(Utf8NoBom);
        var logger = new ListLogger();

        RatingsDataset expected = MovieLens.Load100K(latin1.Path);
        RatingsDataset actual = MovieLens.Load100K(utf8.Path, new MovieLensLoadOptions { Logger = logger });

        actual.Catalog.ItemInfos.Should().Equal(expected.Catalog.ItemInfos, (a, b) => a.Title == b.Title && a.ReleaseDate == b.ReleaseDate);
        actual.LoadReport!.Files.Single(f => f.Source.EndsWith("u.item", StringComparison.Ordinal)).Encoding.Should().Be("UTF-8");
        logger.Events.Should().ContainSingle(e => e.Id == 2001 && e.Level == LogLevel.Debug && e.Message.Contains("u.item") && e.Message.Contains("decoded as UTF-8: valid UTF-8"));
        logger.Events.Should().ContainSingle(e => e.Id == 2001 && e.Message.Contains("u.data") && e.Message.Contains("decoded as ASCII"));
    }

    [Fact]
    public void Load100K_UItemSavedAsUtf8WithByteOrderMark_DecodesTitlesTheSame()
    {
        using TempDir dir = WriteRealShaped100K(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        Item(ds, "1").Title.Should().Be("Caf\u00e9 Lumi\u00e8re (1994)");
        ds.Catalog.Items[0].Should().Be("1", "the byte-order mark is not part of the first id");
    }

    // ---- ml-latest-small ----

    internal const string RealShapedMoviesCsv =
        "movieId,title,genres\n" +
        "1,Paper Boats (1995),Adventure|Animation|Children|Comedy|Fantasy\n" +
        "2,\"Gardener, The (1996)\",Drama\n" +
        "3,\"Mr. \"\"Nobody\"\" Returns (2001)\",Comedy\n" +
        "4,Am\u00e9lie's Caf\u00e9 (2001),Comedy|Romance\n" +
        "5,\u65e5\u672c\u306e\u590f (2003),Drama\n" +
        "6,Long Shadows (2004) ,Thriller\n" +
        "7,Babylon Station,(no genres listed)\n" +
        "8,Paper Boats (1995),Adventure\n" +
        "9,Deep Blue Dome (2013),Documentary|IMAX\n" +
        "193609,Last of the List (2018),Drama\n";

    internal const string RealShapedRatingsCsv =
        "userId,movieId,rating,timestamp\n" +
        "1,1,4.0,964982703\n" +
        "1,3,0.5,964981247\n" +
        "1,193609,5.0,964982224\n" +
        "2,2,3.5,1445714835\n" +
        "2,4,2.5,1445714836\n" +
        "610,5,4.5,1493850255\n" +
        "610,6,1.0,1493850256\n" +
        "610,7,3.0,1493850257\n" +
        "610,8,1.5,1493850258\n";

    private static TempDir WriteRealShapedLatest(string ratings = RealShapedRatingsCsv, string movies = RealShapedMoviesCsv, Encoding? moviesEncoding = null)
    {
        var dir = new TempDir();
        dir.Write("ratings.csv", ratings, Utf8NoBom);
        dir.Write("movies.csv", movies, moviesEncoding ?? Utf8NoBom);
        return dir;
    }

    [Fact]
    public void LoadLatest_RealShapedFolder_ListsEveryMovieWithSparseIds()
    {
        using TempDir dir = WriteRealShapedLatest();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        ds.Count.Should().Be(9);
        ds.ItemCount.Should().Be(10, "movies.csv lists movie 9, never rated");
        ds.UserCount.Should().Be(3, "users come from the ratings");
        ds.Catalog.Items.Ids.Should().Equal("1", "2", "3", "4", "5", "6", "7", "8", "9", "193609");
        ds.Catalog.Users.Ids.Should().Equal("1", "2", "610");
        ds.LoadReport!.Files.Select(f => (f.Records, f.Encoding)).Should().Equal((10, "UTF-8"), (9, "ASCII"));
    }

    [Fact]
    public void LoadLatest_HalfStars_FromHalfToFive()
    {
        using TempDir dir = WriteRealShapedLatest();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        ds.ValueRange.Should().Be(new RatingRange(0.5f, 5f));
        ValueOf(ds, "2", "2").Should().Be(3.5f);
        ValueOf(ds, "610", "8").Should().Be(1.5f);
    }

    [Fact]
    public void LoadLatest_QuotedTitlesWithCommasAndAnEscapedQuote_AreUnquoted()
    {
        using TempDir dir = WriteRealShapedLatest();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        Item(ds, "2").Title.Should().Be("Gardener, The (1996)");
        Item(ds, "3").Title.Should().Be("Mr. \"Nobody\" Returns (2001)");
        Item(ds, "3").Year.Should().Be(2001);
    }

    [Fact]
    public void LoadLatest_NonAsciiTitles_AreUtf8()
    {
        using TempDir dir = WriteRealShapedLatest();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        Item(ds, "4").Title.Should().Be("Am\u00e9lie's Caf\u00e9 (2001)");
        Item(ds, "5").Title.Should().Be("\u65e5\u672c\u306e\u590f (2003)");
    }

    [Fact]
    public void LoadLatest_TitleEndingWithSpace_IsKeptWithItsYear()
    {
        using TempDir dir = WriteRealShapedLatest();

        ItemInfo item = Item(MovieLens.LoadLatest(dir.Path), "6");

        item.Title.Should().Be("Long Shadows (2004) ");
        item.Year.Should().Be(2004);
    }

    [Fact]
    public void LoadLatest_TitleWithoutYear_HasNoYear()
    {
        using TempDir dir = WriteRealShapedLatest();

        ItemInfo item = Item(MovieLens.LoadLatest(dir.Path), "7");

        item.Title.Should().Be("Babylon Station");
        item.Year.Should().BeNull();
        item.ReleaseDate.Should().BeNull();
    }

    [Fact]
    public void LoadLatest_SameTitleUnderTwoIds_AreTwoItems()
    {
        using TempDir dir = WriteRealShapedLatest();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        Item(ds, "1").Title.Should().Be(Item(ds, "8").Title);
        ValueOf(ds, "1", "1").Should().Be(4f);
        ValueOf(ds, "610", "8").Should().Be(1.5f);
    }

    [Fact]
    public void LoadLatest_NoGenresListedAndImax_AreReadAsGenres()
    {
        using TempDir dir = WriteRealShapedLatest();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        Item(ds, "7").Genres.Should().BeEmpty();
        Item(ds, "9").Genres.Should().Equal("Documentary", "IMAX");
        ds.Catalog.Genres.Should().Contain("IMAX").And.NotContain("(no genres listed)");
    }

    [Fact]
    public void LoadLatest_RatingOfAnUnlistedMovie_IsAnErrorNamingIt()
    {
        using TempDir dir = WriteRealShapedLatest(RealShapedRatingsCsv + "999,999999,5.0,1500000000\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "ratings.csv", 11, 2, "expected an item id listed in");
    }

    [Fact]
    public void LoadLatest_RatingOfAnUnlistedMovieWithSkip_SkipsItWithAWarningAndTheCountInTheReport()
    {
        using TempDir dir = WriteRealShapedLatest(RealShapedRatingsCsv + "999,999999,5.0,1500000000\n");
        var logger = new ListLogger();

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path, new MovieLensLoadOptions { UnknownIds = UnknownIdPolicy.Skip, Logger = logger });

        ds.Count.Should().Be(9);
        ds.Catalog.Items.Contains("999999").Should().BeFalse();
        ds.Catalog.Users.Contains("999").Should().BeFalse("the skipped line adds no user either");
        ds.LoadReport!.SkippedRatings.Should().Be(1);
        LoadWarning warning = ds.LoadReport.Warnings.Should().ContainSingle().Which;
        warning.Kind.Should().Be(LoadWarningKind.RatingsSkipped);
        (warning.LineNumber, warning.Column, warning.Count).Should().Be((11, 2, 1));
        warning.Message.Should().Contain("'999999'");
        logger.Events.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should().Contain("ratings.csv").And.Contain("skipped 1 rating").And.Contain("line 11, column 2");
    }

    // ---- ml-1m ----

    internal static string RealShapedMoviesDat =>
        "1::Paper Boats (1995)::Animation|Children's|Comedy\n" +
        "7::Mis\u00e9rables, Les (1995)::Drama|Musical\n" +
        "2019::Slow Rain (K\u00e5dis ) (1993)::Film-Noir|Thriller\n" +
        "3952::Last Call (2000)::Drama\n";

    internal const string RealShapedUsersDat =
        "1::F::1::10::48067\n" +
        "2::M::56::16::70072\n" +
        "3::M::25::0::98107-2117\n";

    internal const string RealShapedRatingsDat =
        "1::1::5::978300760\n" +
        "1::7::3::978302109\n" +
        "2::2019::4::978301968\n" +
        "3::3952::2::978301969\n";

    private static TempDir WriteRealShaped1M(Encoding? encoding = null, string? movies = null)
    {
        var dir = new TempDir();
        dir.Write("ratings.dat", RealShapedRatingsDat, encoding);
        dir.Write("movies.dat", movies ?? RealShapedMoviesDat, encoding);
        dir.Write("users.dat", RealShapedUsersDat, encoding);
        return dir;
    }

    [Fact]
    public void Load1M_RealShapedFolder_NonContiguousIdsLatin1TitlesAndSpaceBeforeParenthesis()
    {
        using TempDir dir = WriteRealShaped1M();

        RatingsDataset ds = MovieLens.Load1M(dir.Path);

        ds.Catalog.Items.Ids.Should().Equal("1", "7", "2019", "3952");
        Item(ds, "7").Title.Should().Be("Mis\u00e9rables, Les (1995)");
        Item(ds, "2019").Title.Should().Be("Slow Rain (K\u00e5dis ) (1993)");
        Item(ds, "2019").Year.Should().Be(1993);
        ds.LoadReport!.Files.Single(f => f.Source.EndsWith("movies.dat", StringComparison.Ordinal)).Encoding.Should().Be("Latin-1");
    }

    [Fact]
    public void Load1M_GenresWithApostropheAndHyphen_AreKept()
    {
        using TempDir dir = WriteRealShaped1M();

        RatingsDataset ds = MovieLens.Load1M(dir.Path);

        Item(ds, "1").Genres.Should().Equal("Animation", "Children's", "Comedy");
        Item(ds, "2019").Genres.Should().Equal("Film-Noir", "Thriller");
    }

    [Fact]
    public void Load1M_Users_GenderAgeCodesOccupationNumbersAndZipPlus4()
    {
        using TempDir dir = WriteRealShaped1M();

        RatingsDataset ds = MovieLens.Load1M(dir.Path);

        User(ds, "1").Should().Be(new UserInfo("1", 1, "F", "K-12 student", "48067"));
        User(ds, "2").Should().Be(new UserInfo("2", 56, "M", "self-employed", "70072"));
        User(ds, "3").Should().Be(new UserInfo("3", 25, "M", "other", "98107-2117"));
    }

    [Fact]
    public void Load1M_MoviesDatReencodedAsUtf8_DecodesTitlesTheSameAndLogsTheEncoding()
    {
        using TempDir latin1 = WriteRealShaped1M();
        using TempDir utf8 = WriteRealShaped1M(Utf8NoBom);
        var logger = new ListLogger();
        File.ReadAllBytes(Path.Combine(utf8.Path, "movies.dat")).Length.Should().Be(File.ReadAllBytes(Path.Combine(latin1.Path, "movies.dat")).Length + 2, "two accented letters take two bytes each in UTF-8");

        RatingsDataset expected = MovieLens.Load1M(latin1.Path);
        RatingsDataset actual = MovieLens.Load1M(utf8.Path, new MovieLensLoadOptions { Logger = logger });

        actual.Catalog.ItemInfos.Should().Equal(expected.Catalog.ItemInfos, (a, b) => a.Title == b.Title && a.Genres.SequenceEqual(b.Genres));
        logger.Events.Should().Contain(e => e.Id == 2001 && e.Message.Contains("movies.dat: decoded as UTF-8"));
    }

    [Fact]
    public void Load1M_ExtraNoneFirstLine_IsAMovieLikeAnyOther()
    {
        using TempDir dir = WriteRealShaped1M(movies: "0::None::None\n" + RealShapedMoviesDat);

        RatingsDataset ds = MovieLens.Load1M(dir.Path);

        ds.ItemCount.Should().Be(5);
        Item(ds, "0").Should().BeEquivalentTo(new { Id = "0", Title = "None", Year = (int?)null });
        ds.Count.Should().Be(4);
    }

    [Fact]
    public void Load1M_TenMillionShape_HalfStarsWithoutUsersFile()
    {
        using var dir = new TempDir();
        dir.Write("ratings.dat", "1::122::5::838985046\n1::185::4.5::838983525\n71567::122::0.5::912580553\n");
        dir.Write("movies.dat", "122::Boomerang (1992)::Comedy|Romance\n185::Net, The (1995)::Action|Crime|Thriller\n");

        RatingsDataset ds = MovieLens.Load1M(dir.Path);

        ds.ValueRange.Should().Be(new RatingRange(0.5f, 5f));
        ds.Catalog.Users.Ids.Should().Equal("1", "71567");
        ds.Catalog.UserInfos.Should().BeEmpty();
    }

    // ---- what follows for the code: lenient metadata, strict ratings ----

    [Fact]
    public void Load100K_UnusableMetadataValues_AreUnknownWithOneWarningPerFileNamingLineColumnAndCount()
    {
        using TempDir dir = WriteRealShaped100K();
        dir.Write("u.item", RealShapedUItem
            .Replace("|4-Feb-1971|", "|1971-02-04|", StringComparison.Ordinal)
            .Replace("|28-Feb-1999|", "|30-Feb-1999|", StringComparison.Ordinal)
            .Replace("9|Never Rated (1998)|01-Jan-1998||http://us.imdb.com/M/title-exact?x|0|1|", "9|Never Rated (1998)|01-Jan-1998||http://us.imdb.com/M/title-exact?x|0|yes|", StringComparison.Ordinal));
        dir.Write("u.user", RealShapedUUser.Replace("4|33|", "4|thirty|", StringComparison.Ordinal));
        var logger = new ListLogger();

        RatingsDataset ds = MovieLens.Load100K(dir.Path, new MovieLensLoadOptions { Logger = logger });

        Item(ds, "5").ReleaseDate.Should().BeNull();
        Item(ds, "5").Year.Should().Be(1971, "the title still gives the year");
        Item(ds, "8").ReleaseDate.Should().BeNull("30 February does not exist");
        Item(ds, "9").Genres.Should().BeEmpty("an unreadable flag is not set");
        User(ds, "4").Age.Should().BeNull();
        ds.Count.Should().Be(8, "the ratings are all kept");

        LoadReport report = ds.LoadReport!;
        report.UnknownMetadataValues.Should().Be(4);
        report.Warnings.Select(w => (Path.GetFileName(w.Source), w.LineNumber, w.Column, w.Count)).Should().Equal(("u.item", 5, 3, 3), ("u.user", 4, 2, 1));
        report.Warnings[0].Message.Should().Contain("found '1971-02-04'");
        string[] warnings = [.. logger.Events.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];
        warnings.Should().HaveCount(2);
        warnings[0].Should().Contain("u.item").And.Contain("3 metadata value(s)").And.Contain("line 5, column 3").And.Contain("StrictMetadata");
        warnings[1].Should().Contain("u.user").And.Contain("1 metadata value(s)").And.Contain("line 4, column 2").And.Contain("'thirty'");
    }

    [Fact]
    public void Load1M_AgeThatIsNotACode_IsUnknownWithAWarning()
    {
        using TempDir dir = WriteRealShaped1M();
        dir.Write("users.dat", RealShapedUsersDat + "4::F::30::99::12345\n");

        RatingsDataset ds = MovieLens.Load1M(dir.Path);

        User(ds, "4").Should().Be(new UserInfo("4", null, "F", null, "12345"));
        LoadWarning warning = ds.LoadReport!.Warnings.Should().ContainSingle().Which;
        (warning.LineNumber, warning.Column, warning.Count).Should().Be((4, 3, 2));
        warning.Message.Should().Contain("expected an age code (1, 18, 25, 35, 45, 50 or 56), found '30'");
    }

    [Fact]
    public void Load100K_MalformedRatingWithLenientMetadata_IsStillAnError()
    {
        using TempDir dir = WriteRealShaped100K();
        dir.Write("u.data", RealShapedUData + "4\t9\t4,5\t881250951\n");

        Action act = () => MovieLens.Load100K(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.data", 9, 3, "expected a finite number for the rating, found '4,5'");
    }

    // ---- beyond the releases: how copies vary ----

    [Fact]
    public void Load100K_CrLfByteOrderMarksTrailingBlankLinesAndSpacesAroundFields_AreAccepted()
    {
        using TempDir dir = WriteRealShaped100K();
        dir.Write("u.data", "\uFEFF" + RealShapedUData.Replace("\n", "\r\n", StringComparison.Ordinal).Replace("4\t8\t5\t881250950", " 4 \t 8 \t 5 \t 881250950 ", StringComparison.Ordinal) + "\r\n\r\n  \r\n", Utf8NoBom);
        dir.Write("u.user", RealShapedUUser.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n");

        RatingsDataset ds = MovieLens.Load100K(dir.Path, Strict);

        ds.Count.Should().Be(8);
        ValueOf(ds, "4", "8").Should().Be(5f);
        TimestampOf(ds, "4", "8").Should().Be(881250950);
        User(ds, "4").ZipCode.Should().Be("02138", "no '\\r' is left on the last field");
        ds.Catalog.Users[0].Should().Be("1");
    }

    [Fact]
    public void LoadLatest_ByteOrderMarkBeforeTheHeader_IsSkipped()
    {
        using TempDir dir = WriteRealShapedLatest("\uFEFF" + RealShapedRatingsCsv, "\uFEFF" + RealShapedMoviesCsv);

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        ds.Count.Should().Be(9);
        ds.LoadReport!.Files.Should().OnlyContain(f => f.Encoding == "UTF-8");
    }

    [Fact]
    public void LoadLatest_MoviesCsvSavedAsLatin1_IsDecodedAsLatin1()
    {
        const string movies = "movieId,title,genres\n1,Caf\u00e9 (1990),Drama\n";
        using TempDir dir = WriteRealShapedLatest("userId,movieId,rating,timestamp\n1,1,4.0,1\n", movies, Encoding.Latin1);

        RatingsDataset ds = MovieLens.LoadLatest(dir.Path);

        Item(ds, "1").Title.Should().Be("Caf\u00e9 (1990)");
        ds.LoadReport!.Files[0].Encoding.Should().Be("Latin-1");
    }

    [Fact]
    public void Load100K_Logger_ReceivesEachFileWithItsCountsAndTheDataset()
    {
        using TempDir dir = WriteRealShaped100K();
        var logger = new ListLogger();

        MovieLens.Load100K(dir.Path, new MovieLensLoadOptions { Logger = logger });

        string[] info = [.. logger.Events.Where(e => e.Level == LogLevel.Information).Select(e => e.Message)];
        info.Should().HaveCount(5);
        info[0].Should().Contain("u.genre: read 19 genres from 20 lines (ASCII)");
        info[1].Should().Contain("u.item: read 9 items from 9 lines (Latin-1)");
        info[2].Should().Contain("u.user: read 4 users from 4 lines (ASCII)");
        info[3].Should().Contain("u.data: read 8 ratings from 8 lines (ASCII)");
        info[4].Should().Be("Loaded 8 ratings over 4 users × 9 items");
    }
}
