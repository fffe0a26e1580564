using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using TempDir = CollaborativeFiltering.Tests.Data.MovieLensLoaderTests.TempDir;

namespace CollaborativeFiltering.Tests.Data;

public class DelimitedRatingsReaderTests
{
    private static RatingsDataset ReadText(string text, DelimitedRatingsOptions options, Catalog? catalog = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return DelimitedRatingsReader.Read(stream, "mem.csv", options, catalog);
    }

    private static RatingsFormatException Fails(string text, DelimitedRatingsOptions options, Catalog? catalog = null)
    {
        Action act = () => ReadText(text, options, catalog);
        return act.Should().Throw<RatingsFormatException>().Which;
    }

    private static float ValueOf(RatingsDataset ds, string user, string item) => MovieLensLoaderTests.ValueOf(ds, user, item);

    [Fact]
    public void Read_DefaultCsv_ReadsUserItemRating()
    {
        RatingsDataset ds = ReadText("u1,i1,4\nu2,i1,3.5\nu1,i2,1\n", DelimitedRatingsOptions.Default);

        ds.Count.Should().Be(3);
        ds.Catalog.Users.Ids.Should().Equal("u1", "u2");
        ds.Catalog.Items.Ids.Should().Equal("i1", "i2");
        ValueOf(ds, "u2", "i1").Should().Be(3.5f);
        ds.HasTimestamps.Should().BeFalse();
    }

    [Fact]
    public void Read_FileWithHeaderTabsAndShuffledColumns_ReadsChosenColumns()
    {
        using var dir = new TempDir();
        string path = dir.Write("r.tsv", "item\trating\tuser\twhen\tnote\n10\t2.5\tbob\t1700000000\tx\n20\t5\talice\t1700000001\ty\n", Encoding.UTF8);
        var options = new DelimitedRatingsOptions { Separator = "\t", HasHeader = true, ItemColumn = 0, RatingColumn = 1, UserColumn = 2, TimestampColumn = 3 };

        RatingsDataset ds = DelimitedRatingsReader.Read(path, options);

        ds.Catalog.Users.Ids.Should().Equal("bob", "alice");
        ValueOf(ds, "bob", "10").Should().Be(2.5f);
        ds.HasTimestamps.Should().BeTrue();
        MovieLensLoaderTests.TimestampOf(ds, "alice", "20").Should().Be(1700000001L);
    }

    [Fact]
    public void Read_MultiCharacterSeparator_Splits()
    {
        RatingsDataset ds = ReadText("1::2::3\n4::5::1.5\n", new DelimitedRatingsOptions { Separator = "::" });

        ValueOf(ds, "4", "5").Should().Be(1.5f);
    }

    [Fact]
    public void Read_QuotedIdsWithSeparatorsAndQuotes_AreUnquoted()
    {
        RatingsDataset ds = ReadText("\"Smith, J\",\"The \"\"Best\"\" One\",4\n\"Smith, J\",plain,2\n", DelimitedRatingsOptions.Default);

        ds.Catalog.Users.Ids.Should().Equal("Smith, J");
        ds.Catalog.Items.Ids.Should().Equal("The \"Best\" One", "plain");
        ValueOf(ds, "Smith, J", "The \"Best\" One").Should().Be(4f);
    }

    [Fact]
    public void Read_QuotedFalseWithComma_KeepsQuotesLiterally()
    {
        RatingsDataset ds = ReadText("\"a,b,3\n", new DelimitedRatingsOptions { Quoted = false });

        ds.Catalog.Users.Ids.Should().Equal("\"a");
    }

    [Fact]
    public void Read_QuotedTrueWithSemicolon_HonoursQuotes()
    {
        RatingsDataset ds = ReadText("\"x;y\";i;3\n", new DelimitedRatingsOptions { Separator = ";", Quoted = true });

        ds.Catalog.Users.Ids.Should().Equal("x;y");
    }

    [Fact]
    public void Read_ExtraColumnsAndBlankLines_AreIgnored()
    {
        RatingsDataset ds = ReadText("\n1,2,3,whatever,else\r\n\r\n1,3,4\r\n", DelimitedRatingsOptions.Default);

        ds.Count.Should().Be(2);
        ValueOf(ds, "1", "3").Should().Be(4f);
    }

    [Fact]
    public void Read_WithCatalogue_UsesItAndRefusesUnknownIds()
    {
        Catalog catalog = Catalog.Sequential(3, 2);

        RatingsDataset ds = ReadText("3,2,5\n1,1,1\n", DelimitedRatingsOptions.Default, catalog);
        RatingsFormatException e = Fails("3,2,5\n1,9,1\n", DelimitedRatingsOptions.Default, catalog);

        ds.Catalog.Should().BeSameAs(catalog);
        ds.UserCount.Should().Be(3);
        ValueOf(ds, "3", "2").Should().Be(5f);
        e.Message.Should().Contain("mem.csv, line 2, column 2: expected an item id listed in the given catalogue (2 items), found '9'");
    }

    [Fact]
    public void Read_Latin1Encoding_DecodesIds()
    {
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes("Jos\u00e9,caf\u00e9,4\n"));

        RatingsDataset ds = DelimitedRatingsReader.Read(stream, "latin.csv", new DelimitedRatingsOptions { Encoding = Encoding.Latin1 });

        ds.Catalog.Users.Ids.Should().Equal("Jos\u00e9");
        ds.Catalog.Items.Ids.Should().Equal("caf\u00e9");
    }

    [Fact]
    public void Read_ManyLinesAcrossBufferBoundaries_ReadsEveryRating()
    {
        // ~40k lines (well over the 128k-character buffer), CRLF ends and quoted ids, so that lines,
        // CR/LF pairs and quoted fields straddle buffer refills.
        var sb = new StringBuilder("user,item,rating,ts\r\n");
        double expectedSum = 0;
        const int Lines = 40_000;
        for (int k = 0; k < Lines; k++)
        {
            float rating = 0.5f * (1 + (k % 10));
            expectedSum += rating;
            string item = k % 7 == 0 ? $"\"item, no. {k}\"" : $"i{k}";
            sb.Append(CultureInfo.InvariantCulture, $"u{k % 1000},{item},{rating.ToString(CultureInfo.InvariantCulture)},{1_000_000 + k}\r\n");
        }

        RatingsDataset ds = ReadText(sb.ToString(), new DelimitedRatingsOptions { HasHeader = true, TimestampColumn = 3 });

        ds.Count.Should().Be(Lines);
        ds.UserCount.Should().Be(1000);
        double sum = 0;
        foreach (float v in ds.ByUser.Values)
        {
            sum += v;
        }

        sum.Should().BeApproximately(expectedSum, 1e-6);
        ValueOf(ds, "u7", "\"item, no. 7\"".Trim('"')).Should().Be(4f);
        MovieLensLoaderTests.TimestampOf(ds, "u999", "i39999").Should().Be(1_039_999L);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFoundNamingIt()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "nope.csv");

        Action act = () => DelimitedRatingsReader.Read(path, DelimitedRatingsOptions.Default);

        act.Should().Throw<FileNotFoundException>().Which.Message.Should().Contain(path);
    }

    [Fact]
    public void Read_TooFewColumns_NamesFirstMissingColumn()
    {
        RatingsFormatException e = Fails("1,2,3\n1,2\n", DelimitedRatingsOptions.Default);

        e.Message.Should().Contain("mem.csv, line 2, column 3: expected at least 3 fields separated by ',', found 2");
    }

    [Fact]
    public void Read_TooFewColumnsForTimestamp_NamesColumn()
    {
        RatingsFormatException e = Fails("1,2,3\n", new DelimitedRatingsOptions { TimestampColumn = 5 });

        e.Message.Should().Contain("mem.csv, line 1, column 4: expected at least 6 fields");
    }

    [Fact]
    public void Read_NonFiniteRating_NamesRatingColumn()
    {
        RatingsFormatException e = Fails("a,b,NaN\n", new DelimitedRatingsOptions());

        e.Message.Should().Contain("mem.csv, line 1, column 3: expected a finite number for the rating, found 'NaN'");
    }

    [Fact]
    public void Read_NonIntegerTimestamp_NamesTimestampColumn()
    {
        RatingsFormatException e = Fails("a|b|3|yesterday\n", new DelimitedRatingsOptions { Separator = "|", TimestampColumn = 3 });

        e.Message.Should().Contain("mem.csv, line 1, column 4: expected an integer timestamp");
    }

    [Fact]
    public void Read_EmptyStream_SaysThereAreNoRatings()
    {
        RatingsFormatException e = Fails(string.Empty, DelimitedRatingsOptions.Default);

        e.Message.Should().Contain("mem.csv, line 1, column 1: expected a rating line");
    }

    [Fact]
    public void Read_DuplicateWithReject_NamesBothLines()
    {
        RatingsFormatException e = Fails("a,b,1\na,c,2\na,b,3\n", DelimitedRatingsOptions.Default);

        e.Message.Should().Contain("mem.csv, line 3, column 2:").And.Contain("as line 1");
    }

    [Fact]
    public void Read_DuplicateWithAverage_Averages()
    {
        RatingsDataset ds = ReadText("a,b,1\na,b,4\n", new DelimitedRatingsOptions { Duplicates = DuplicatePolicy.Average });

        ValueOf(ds, "a", "b").Should().Be(2.5f);
    }

    [Fact]
    public void Read_UnterminatedQuote_NamesLineAndColumn()
    {
        RatingsFormatException e = Fails("a,b,1\na,\"b,2\nc,d,3\n", DelimitedRatingsOptions.Default);

        e.Message.Should().Contain("mem.csv, line 2, column 2: expected a closing '\"'");
    }

    [Fact]
    public void Read_QuotedFieldWithLineBreak_CountsLinesForLaterErrors()
    {
        RatingsFormatException e = Fails("a,\"two\nlines\",1\nb,c,oops\n", DelimitedRatingsOptions.Default);

        e.Message.Should().Contain("mem.csv, line 3, column 3");
    }

    [Theory]
    [InlineData(nameof(DelimitedRatingsOptions.UserColumn))]
    [InlineData(nameof(DelimitedRatingsOptions.ItemColumn))]
    [InlineData(nameof(DelimitedRatingsOptions.RatingColumn))]
    [InlineData(nameof(DelimitedRatingsOptions.TimestampColumn))]
    public void Read_NegativeColumn_ThrowsNamingTheOption(string option)
    {
        DelimitedRatingsOptions options = option switch
        {
            nameof(DelimitedRatingsOptions.UserColumn) => new() { UserColumn = -1 },
            nameof(DelimitedRatingsOptions.ItemColumn) => new() { ItemColumn = -1 },
            nameof(DelimitedRatingsOptions.RatingColumn) => new() { RatingColumn = -1 },
            _ => new() { TimestampColumn = -1 },
        };

        Action act = () => ReadText("1,2,3\n", options);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
    }

    [Fact]
    public void Read_SameColumnTwice_ThrowsNamingTheLaterOption()
    {
        Action act = () => ReadText("1,2,3\n", new DelimitedRatingsOptions { RatingColumn = 0 });

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(DelimitedRatingsOptions.RatingColumn));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\"")]
    public void Read_BadSeparator_ThrowsNamingSeparator(string separator)
    {
        Action act = () => ReadText("1,2,3\n", new DelimitedRatingsOptions { Separator = separator, Quoted = true });

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(DelimitedRatingsOptions.Separator));
    }

    [Fact]
    public void Read_UndefinedPolicy_ThrowsNamingTheOption()
    {
        Action badDuplicates = () => ReadText("1,2,3\n", new DelimitedRatingsOptions { Duplicates = (DuplicatePolicy)7 });
        Action badUnknownIds = () => ReadText("1,2,3\n", new DelimitedRatingsOptions { UnknownIds = (UnknownIdPolicy)7 });

        badDuplicates.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(DelimitedRatingsOptions.Duplicates));
        badUnknownIds.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(DelimitedRatingsOptions.UnknownIds));
    }
}
