using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>Bad input: every error names the file, the 1-based line and column, and what was expected.</summary>
public partial class MovieLensLoaderTests
{
    private static readonly MovieLensLoadOptions Strict = new() { StrictMetadata = true };

    private static RatingsFormatException Load100KFails(string data, bool metadata = true, MovieLensLoadOptions? options = null)
    {
        using TempDir dir = Write100K(genre: metadata, item: metadata, user: metadata, data: data);
        Action act = () => MovieLens.Load100K(dir.Path, options);
        return act.Should().Throw<RatingsFormatException>().Which;
    }

    private static void ShouldPointAt(RatingsFormatException e, string file, int line, int column, string expected)
    {
        e.Message.Should().Contain($"{file}, line {line}, column {column}: ").And.Contain(expected);
        e.FilePath.Should().EndWith(file);
        e.LineNumber.Should().Be(line);
        e.Column.Should().Be(column);
    }

    [Fact]
    public void Load100K_TooFewFields_NamesLineAndFirstMissingColumn()
    {
        RatingsFormatException e = Load100KFails("1\t1\t5\t874965758\n1\t2\t3\n");

        ShouldPointAt(e, "u.data", 2, 4, "expected 4 fields separated by '\\t', found 3");
    }

    [Fact]
    public void Load100K_TooManyFields_NamesLineAndFirstExtraColumn()
    {
        RatingsFormatException e = Load100KFails("1\t1\t5\t874965758\t9\n");

        ShouldPointAt(e, "u.data", 1, 5, "expected 4 fields");
    }

    [Fact]
    public void Load100K_MalformedLine_NamesLine()
    {
        RatingsFormatException e = Load100KFails("1\t1\t5\t874965758\n\nthis is not a rating\n");

        ShouldPointAt(e, "u.data", 3, 2, "found 1");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e40")]
    [InlineData("")]
    public void Load100K_RatingNotFinite_NamesRatingColumn(string rating)
    {
        RatingsFormatException e = Load100KFails($"1\t1\t5\t874965758\n2\t1\t{rating}\t874965758\n");

        ShouldPointAt(e, "u.data", 2, 3, "expected a finite number for the rating");
    }

    [Theory]
    [InlineData("12.5")]
    [InlineData("soon")]
    [InlineData("")]
    public void Load100K_TimestampNotInteger_NamesTimestampColumn(string timestamp)
    {
        RatingsFormatException e = Load100KFails($"1\t1\t5\t{timestamp}\n");

        ShouldPointAt(e, "u.data", 1, 4, "expected an integer timestamp");
    }

    [Fact]
    public void Load100K_EmptyFile_SaysThereAreNoRatings()
    {
        RatingsFormatException e = Load100KFails(string.Empty);

        ShouldPointAt(e, "u.data", 1, 1, "there are no ratings");
    }

    [Fact]
    public void Load100K_OnlyBlankLines_PointsAfterTheLastLine()
    {
        RatingsFormatException e = Load100KFails("\n  \r\n\n");

        ShouldPointAt(e, "u.data", 4, 1, "there are no ratings");
    }

    [Fact]
    public void Load100K_UserNotInUUser_NamesUserColumn()
    {
        RatingsFormatException e = Load100KFails("1\t1\t5\t1\n944\t1\t5\t2\n");

        ShouldPointAt(e, "u.data", 2, 1, "expected a user id listed in");
        e.Message.Should().Contain("u.user").And.Contain("'944'");
    }

    [Fact]
    public void Load100K_ItemNotInUItem_NamesItemColumn()
    {
        RatingsFormatException e = Load100KFails("1\t1683\t5\t1\n");

        ShouldPointAt(e, "u.data", 1, 2, "expected an item id listed in");
        e.Message.Should().Contain("u.item").And.Contain("'1683'");
    }

    [Fact]
    public void Load100K_EmptyUserId_NamesUserColumn()
    {
        RatingsFormatException e = Load100KFails("\t1\t5\t1\n", metadata: false);

        ShouldPointAt(e, "u.data", 1, 1, "expected a user id, found an empty field");
    }

    [Fact]
    public void Load100K_DuplicatePairWithReject_NamesBothLines()
    {
        RatingsFormatException e = Load100KFails("1\t1\t5\t1\n2\t1\t4\t2\n\n1\t1\t3\t3\n");

        ShouldPointAt(e, "u.data", 4, 2, "rates the same user and item as line 1");
        e.Message.Should().Contain("KeepLast");
    }

    [Fact]
    public void Load100K_StreamErrors_NameTheReleaseFile()
    {
        using var data = new MemoryStream(Encoding.Latin1.GetBytes("1\t1\tfive\t1\n"));

        Action act = () => MovieLens.Load100K(data, null, null);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.data", 1, 3, "found 'five'");
    }

    [Fact]
    public void Load100K_BadReleaseDateWithStrictMetadata_NamesUItemColumn3()
    {
        using TempDir dir = Write100K();
        dir.Write("u.item", UItem + ItemLine("5", "Later (1996)", "1996-02-03", "Drama"));

        Action act = () => MovieLens.Load100K(dir.Path, Strict);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.item", 5, 3, "expected a release date like 01-Jan-1995");
    }

    [Fact]
    public void Load100K_BadGenreFlagWithStrictMetadata_NamesTheGenre()
    {
        using TempDir dir = Write100K();
        dir.Write("u.item", UItem.Replace("|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?x|0|", "|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?x|2|", StringComparison.Ordinal));

        Action act = () => MovieLens.Load100K(dir.Path, Strict);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.item", 1, 6, "expected the genre flag 0 or 1 for 'unknown'");
    }

    [Fact]
    public void Load100K_ItemListedTwice_NamesBothLines()
    {
        using TempDir dir = Write100K();
        dir.Write("u.item", UItem + ItemLine("2", "Again (1995)", "", "Drama"));

        Action act = () => MovieLens.Load100K(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.item", 5, 1, "'2' is also listed on line 2");
    }

    [Fact]
    public void Load100K_UItemMissingFlags_NamesColumnCount()
    {
        using TempDir dir = Write100K();
        dir.Write("u.item", "1|Toy Story (1995)|01-Jan-1995||url|0|0|1\n");

        Action act = () => MovieLens.Load100K(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.item", 1, 9, "expected 24 fields separated by '|', found 8");
    }

    [Fact]
    public void Load100K_BadGenreIndex_NamesUGenreColumn2()
    {
        using TempDir dir = Write100K();
        dir.Write("u.genre", "unknown|0\nAction|2\n");

        Action act = () => MovieLens.Load100K(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.genre", 2, 2, "expected the genre index 1");
    }

    [Fact]
    public void Load100K_BadAgeWithStrictMetadata_NamesUUserColumn2()
    {
        using TempDir dir = Write100K();
        dir.Write("u.user", UUser + "4|old|M|writer|12345\n");

        Action act = () => MovieLens.Load100K(dir.Path, Strict);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u.user", 4, 2, "expected an age");
    }

    [Fact]
    public void Load1M_BadOccupationCodeWithStrictMetadata_NamesUsersDatColumn4()
    {
        using TempDir dir = Write1M();
        dir.Write("users.dat", UsersDat + "3::M::25::21::12345\n");

        Action act = () => MovieLens.Load1M(dir.Path, Strict);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "users.dat", 3, 4, "expected an occupation code from 0 to 20, found '21'");
    }

    [Fact]
    public void Load1M_ItemNotInMoviesDat_NamesItemColumn()
    {
        using TempDir dir = Write1M();
        dir.Write("ratings.dat", RatingsDat + "2::4::1::978301969\n");

        Action act = () => MovieLens.Load1M(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "ratings.dat", 4, 2, "expected an item id listed in");
    }

    [Fact]
    public void Load1M_SingleColonSeparator_NamesFieldCount()
    {
        using TempDir dir = Write1M();
        dir.Write("ratings.dat", "1:1:5:978300760\n");

        Action act = () => MovieLens.Load1M(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "ratings.dat", 1, 2, "expected 4 fields separated by '::', found 1");
    }

    [Fact]
    public void LoadLatest_UnterminatedQuoteInMoviesCsv_NamesLineAndColumn()
    {
        using TempDir dir = WriteLatest(movies: "movieId,title,genres\n1,Toy Story (1995),Comedy\n2,\"Broken (1999),Drama\n3,Fine (2000),Drama\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "movies.csv", 3, 2, "expected a closing '\"'");
    }

    [Fact]
    public void LoadLatest_TextAfterClosingQuote_NamesColumn()
    {
        using TempDir dir = WriteLatest(movies: "movieId,title,genres\n1,\"Toy\" Story,Comedy\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "movies.csv", 2, 2, "after the closing quote, found ' '");
    }

    [Fact]
    public void LoadLatest_MovieNotInMoviesCsv_NamesItemColumn()
    {
        using TempDir dir = WriteLatest(ratings: RatingsCsv + "7,12345,4.5,1\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "ratings.csv", 6, 2, "expected an item id listed in");
    }

    [Fact]
    public void LoadLatest_HeaderOnly_SaysThereAreNoRatings()
    {
        using TempDir dir = WriteLatest(ratings: "userId,movieId,rating,timestamp\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "ratings.csv", 2, 1, "there are no ratings");
    }

    [Fact]
    public void LoadLatest_DuplicateWithReject_NamesBothLines()
    {
        using TempDir dir = WriteLatest(ratings: RatingsCsv + "1,99,4.0,964982999\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "ratings.csv", 6, 2, "as line 3");
    }

    [Fact]
    public void LoadLatest_RatingsWithoutHeader_SaysTheHeaderIsMissing()
    {
        using TempDir dir = WriteLatest(ratings: "1,1,4.0,964982703\n1,99,3.5,964982931\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "ratings.csv", 1, 1, "expected the header line 'userId,movieId,rating,timestamp', found '1'");
    }

    [Fact]
    public void LoadLatest_MoviesWithoutHeader_SaysTheHeaderIsMissing()
    {
        using TempDir dir = WriteLatest(movies: "1,Toy Story (1995),Comedy\n");

        Action act = () => MovieLens.LoadLatest(dir.Path);

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "movies.csv", 1, 1, "expected the header line 'movieId,title,genres'");
    }

    [Fact]
    public void Load_CancelledToken_ThrowsOperationCanceled()
    {
        using TempDir dir = Write100K();

        Action act = () => MovieLens.Load(dir.Path, null, new CancellationToken(canceled: true));

        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void LoadSplit_UnknownUserInTest_NamesTestFile()
    {
        using TempDir dir = Write100K();
        dir.Write("u1.base", UData);
        dir.Write("u1.test", "4\t1\t3\t1\n");

        Action act = () => MovieLens.LoadSplit(dir.Path, "u1.base", "u1.test");

        ShouldPointAt(act.Should().Throw<RatingsFormatException>().Which, "u1.test", 1, 1, "expected a user id listed in");
    }
}
