using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Data.Parsing;

namespace CollaborativeFiltering.Tests.Data.Parsing;

/// <summary>
/// The ASCII fast path of the ratings loop against the general path on the same bytes: the same
/// ratings, catalogue, timestamps, load report, and the same error message, whatever the input's
/// quirks (byte-order mark, CRLF, blank lines, quotes, non-ASCII ids, unusual numbers) and however
/// the stream hands out its bytes; and, on plain input, that the fast path really reads it.
/// </summary>
public sealed class AsciiRatingsParserTests
{
    private static readonly DelimitedRatingsOptions Latest = new() { HasHeader = true, TimestampColumn = 3 };

    /// <summary>What a load gives: the dataset's content and report as text, or the error's message.</summary>
    private static string Load(byte[] bytes, DelimitedRatingsOptions options, bool fast, Catalog? catalog = null, int chunk = 0, bool seekable = true, RatingsLayout? layout = null)
    {
        using Stream stream = chunk > 0 ? new TrickleStream(bytes, chunk, seekable) : new MemoryStream(bytes, writable: false);
        using LineReader reader = LineReader.FromStream(stream, "r.csv", options.Encoding, options.Separator, options.IsQuoted, CancellationToken.None);
        reader.AllowAsciiFastPath = fast;
        KnownIds known = catalog is null ? KnownIds.None : new KnownIds(catalog.Users, "the given catalogue", catalog.Items, "the given catalogue");
        try
        {
            RatingsDataset data = SharedCatalogReader.Read([reader], layout ?? options.ToLayout(), known, (u, i) => catalog ?? new Catalog(u, i), options.RatingsSettings, new LoadRecorder(null, strictMetadata: true))[0];
            return Describe(data);
        }
        catch (RatingsFormatException e)
        {
            return "error: " + e.Message;
        }
    }

    private static string Describe(RatingsDataset data)
    {
        var text = new StringBuilder();
        text.Append("users ").AppendJoin('|', data.Catalog.Users.Ids).Append('\n');
        text.Append("items ").AppendJoin('|', data.Catalog.Items.Ids).Append('\n');
        foreach (Rating r in data)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.User.Value} {r.Item.Value} {BitConverter.SingleToInt32Bits(r.Value):X8} {r.Timestamp}\n");
        }

        text.Append(data.LoadReport);
        return text.ToString();
    }

    /// <summary>Loads both ways and checks they agree; returns the result.</summary>
    private static string Same(byte[] bytes, DelimitedRatingsOptions options, Catalog? catalog = null, int chunk = 0, bool seekable = true, RatingsLayout? layout = null)
    {
        string general = Load(bytes, options, fast: false, catalog, chunk, seekable, layout);
        string fast = Load(bytes, options, fast: true, catalog, chunk, seekable, layout);
        fast.Should().Be(general);
        return fast;
    }

    private static string Same(string text, DelimitedRatingsOptions options, Catalog? catalog = null) => Same(Encoding.UTF8.GetBytes(text), options, catalog);

    /// <summary>The ratings the fast path alone takes from the start of <paramref name="text"/>, and the lines it leaves behind it.</summary>
    private static (int Added, int LinesRead) FastOnly(string text, DelimitedRatingsOptions options)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        using LineReader reader = LineReader.FromStream(stream, "r.csv", options.Encoding, options.Separator, options.IsQuoted, CancellationToken.None);
        AsciiRatingsParser.CanRead(reader).Should().BeTrue();
        var builder = new RatingsDatasetBuilder(new IdMap.Builder(), new IdMap.Builder(), DuplicatePolicy.Reject);
        bool header = options.HasHeader;
        int added = AsciiRatingsParser.Read(reader, options.ToLayout(), builder, null, null, keepTimestamps: true, new NumericIdCache(), new NumericIdCache(), ref header);
        return (added, reader.LinesRead);
    }

    [Fact]
    public void Read_PlainLatestCsv_FastPathTakesEveryLine()
    {
        (int added, int lines) = FastOnly("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n2,10,4,835355493", Latest);

        added.Should().Be(3);
        lines.Should().Be(4);
    }

    [Theory]
    [InlineData("1,31,2.5,1\n2,ü,3.0,2\n3,5,1,3\n", 1)] // non-ASCII byte
    [InlineData("1,31,2.5,1\n\"2\",5,3.0,2\n3,5,1,3\n", 1)] // a quote
    [InlineData("1,31,2.5,1\n2,5,,2\n3,5,1,3\n", 1)] // an error: left to the general path
    [InlineData("1,31,2.5,1\n2,5,3\n3,5,1,3\n", 1)] // too few fields
    public void Read_UnusualLine_FastPathStopsBeforeIt(string body, int taken)
    {
        (int added, int lines) = FastOnly("userId,movieId,rating,timestamp\n" + body, Latest);

        added.Should().Be(taken);
        lines.Should().Be(taken + 1);
    }

    [Theory]
    [InlineData("1,31,4.25,1\n", "4.25")]
    [InlineData("1,31, 4 ,1\n", " 4 ")]
    [InlineData("1,31,1e0,1\n", "1e0")]
    [InlineData("u7,31,4,1\n", "an id that is not a number")]
    [InlineData("007,31,4,1\n", "an id with a leading zero")]
    [InlineData("1,31,4,+5\n", "a signed timestamp")]
    public void Read_FieldOfAnotherShape_FastPathReadsItThroughTheGeneralFieldParser(string line, string why)
    {
        (int added, _) = FastOnly("userId,movieId,rating,timestamp\n" + line + "2,3,5,6\n", Latest);

        added.Should().Be(2, why);
    }

    [Theory]
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n")]
    [InlineData("userId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\r\n1,1029,3.0,1260759179\r\n")]
    [InlineData("\uFEFFuserId,movieId,rating,timestamp\n1,31,2.5,1260759144\n")]
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1260759144")]
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\r")]
    [InlineData("\n\n  \nUSERID,movieId,rating,timestamp\n\n1,31,2.5,1\n \t \n\r\n2,31,5,2\n\n\n")]
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1\n2,31,0.5,2\n1,31,3,3\n")] // duplicate: error naming both lines
    [InlineData("movieId,userId,rating,timestamp\n1,31,2.5,1\n")] // wrong header
    [InlineData("1,31,2.5,1\n")] // header missing
    [InlineData("userId,movieId,rating,timestamp\n")] // no ratings
    [InlineData("")]
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1,extra,\"x,y\"\n2,31,5,2,,\n")] // extra columns, one quoted
    [InlineData("userId,movieId,rating,timestamp\n\"1\",\"31\",\"2.5\",\"1\"\n2,31,5,2\n")] // quoted fields
    [InlineData("userId,movieId,rating,timestamp\n1,\"Ami, \"\"Le\"\"\",2.5,1\n2,31,5,2\n")] // quoted id with a comma and a quote
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1\n2,Amélie,5,2\n3,31,4,3\n")] // non-ASCII id (UTF-8)
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1\n2,31,5\n")] // too few fields
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1\n2,,5,2\n")] // empty id
    [InlineData("userId,movieId,rating,timestamp\n1,31,2.5,1\n2,  ,5,2\n")] // blank id
    [InlineData("userId,movieId,rating,timestamp\n1,31,NaN,1\n")]
    [InlineData("userId,movieId,rating,timestamp\n1,31,4,1.5\n")]
    [InlineData("userId,movieId,rating,timestamp\n1,31,4,\n")]
    [InlineData("userId,movieId,rating,timestamp\n1,31,4,99999999999999999999\n")]
    public void Read_LatestCsvQuirks_FastAndGeneralAgree(string text)
    {
        Same(text, Latest);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("4.0")]
    [InlineData("3.5")]
    [InlineData("0.5")]
    [InlineData("4.25")]
    [InlineData("4.")]
    [InlineData(".5")]
    [InlineData("0004.5")]
    [InlineData(" 4")]
    [InlineData("4 ")]
    [InlineData("1e0")]
    [InlineData("-1")]
    [InlineData("+2.5")]
    [InlineData("12345.5")]
    [InlineData("123456.7")]
    [InlineData("99999.9")]
    [InlineData("1234567")]
    [InlineData("16777217")]
    [InlineData("12345678901234567890123")]
    [InlineData("0.1")]
    [InlineData("Infinity")]
    [InlineData("")]
    public void Read_RatingShapes_FastAndGeneralAgree(string rating)
    {
        string result = Same($"1,2,{rating},7\n3,4,1.5,8\n", new DelimitedRatingsOptions { TimestampColumn = 3 });

        if (!result.StartsWith("error", StringComparison.Ordinal) && float.TryParse(rating, NumberStyles.Float, CultureInfo.InvariantCulture, out float expected))
        {
            result.Should().Contain($" {BitConverter.SingleToInt32Bits(expected):X8} 7\n");
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("007")]
    [InlineData("4194303")]
    [InlineData("4194304")]
    [InlineData("9999999")]
    [InlineData("12345678")]
    [InlineData("99999999999999999999999")]
    [InlineData("u1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("-1")]
    [InlineData("")]
    public void Read_IdShapes_FastAndGeneralAgree(string id)
    {
        Same($"{id},2,4,7\n3,{id},1.5,8\n{id},{id},2,9\n", new DelimitedRatingsOptions { TimestampColumn = 3 });
    }

    [Theory]
    [InlineData("1260759144")]
    [InlineData("0")]
    [InlineData("999999999999999999")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData(" 5 ")]
    [InlineData("5x")]
    public void Read_TimestampShapes_FastAndGeneralAgree(string time)
    {
        Same($"1,2,4,{time}\n3,4,1.5,8\n", new DelimitedRatingsOptions { TimestampColumn = 3 });
    }

    [Theory]
    [InlineData("::", "1::2::3.5::100\n2::2::4::101\n3::1::5::102\n")]
    [InlineData("::", "1::2::3.5::100\n2:::2::4::101\n")]
    [InlineData("::", "1::2::3.5::100\n2::2::4\n")]
    [InlineData(" ", "1 2 3.5\n2 2 4\n3 1 5\n")]
    [InlineData(" ", "1 2 3.5\n2  2 4\n")]
    [InlineData(" ", "1 2 3.5 \n2 2 4\n")]
    [InlineData("\t", "1\t2\t3.5\n2\t2\t4\n")]
    [InlineData("\t", "1\t2\t3.5\t\n2\t 2\t4\n")]
    [InlineData(";", "1;2;3,5\n")]
    [InlineData("|", "1|2|3.5|x\n2|2|4\n")]
    public void Read_OtherSeparators_FastAndGeneralAgree(string separator, string text)
    {
        Same(text, new DelimitedRatingsOptions { Separator = separator });
        Same(text, new DelimitedRatingsOptions { Separator = separator, TimestampColumn = 3 });
    }

    [Fact]
    public void Read_ShuffledAndSkippedColumns_FastAndGeneralAgree()
    {
        var options = new DelimitedRatingsOptions { Separator = "\t", HasHeader = true, ItemColumn = 0, RatingColumn = 2, UserColumn = 4, TimestampColumn = 5 };

        string result = Same("item\tnote\trating\tx\tuser\twhen\n10\tgood\t2.5\t\t7\t1700000000\n20\t\t5\tz\t8\t1700000001\textra\n", options);

        result.Should().StartWith("users 7|8\nitems 10|20\n");
    }

    [Theory]
    [InlineData("10,4,\n")]
    [InlineData("10,4,7\n11,5,\n")]
    [InlineData("10,4,7\n11,,8\n")]
    [InlineData(",4,7\n")]
    public void Read_EmptyFieldAtTheEndOrStartOfTheLine_FastAndGeneralAgree(string text)
    {
        var options = new DelimitedRatingsOptions { ItemColumn = 0, RatingColumn = 1, UserColumn = 2 };

        Same(text, options).Should().StartWith("error");
        Same(text, new DelimitedRatingsOptions { ItemColumn = 0, UserColumn = 1, RatingColumn = 2 }).Should().StartWith("error");
    }

    [Fact]
    public void Read_ExactFieldCountLayout_FastAndGeneralAgree()
    {
        // MovieLens 100k's u.data: exactly four tab-separated fields.
        var options = new DelimitedRatingsOptions { Separator = "\t", TimestampColumn = 3 };
        var layout = new RatingsLayout(0, 1, 2, 3, 4, ExactFieldCount: true, HasHeader: false);

        Same(Encoding.ASCII.GetBytes("196\t242\t3\t881250949\n186\t302\t3\t891717742\n"), options, layout: layout).Should().NotStartWith("error");
        Same(Encoding.ASCII.GetBytes("196\t242\t3\t881250949\n186\t302\t3\t891717742\textra\n"), options, layout: layout).Should().StartWith("error");
    }

    [Fact]
    public void Read_GivenCatalog_UnknownIdsAgreeUnderRejectAndSkip()
    {
        Catalog catalog = new(new IdMap(["1", "2", "u3"]), new IdMap(["10", "20"]));
        const string text = "1,10,4\n2,20,3\n9,10,5\nu3,20,1\n1,30,2\n2,10,2.5\n";

        Same(text, DelimitedRatingsOptions.Default, catalog).Should().StartWith("error");
        string skipped = Same(text, DelimitedRatingsOptions.Default with { UnknownIds = UnknownIdPolicy.Skip }, catalog);
        skipped.Should().Contain("skipped");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(4096, true)]
    public void Read_BytesInSmallReads_FastAndGeneralAgree(int chunk, bool seekable)
    {
        byte[] bytes = Encoding.UTF8.GetBytes("userId,movieId,rating,timestamp\r\n1,31,2.5,1\r\n\r\n2,10,4,2\r\n3,Amélie,5,3\r\n4,31,1.5,4");

        Same(bytes, Latest, chunk: chunk, seekable: seekable).Should().Contain("Amélie");
    }

    [Fact]
    public void Read_Latin1AfterAsciiLines_EncodingChosenAsTheGeneralPathDoes()
    {
        byte[] bytes = [.. "1,31,2.5,1\n2,"u8, 0xE9, .. ",5,2\n3,31,4,3\n"u8];

        string result = Same(bytes, new DelimitedRatingsOptions { TimestampColumn = 3 });

        result.Should().Contain("é").And.Contain("Latin-1");
        Same(bytes, new DelimitedRatingsOptions { TimestampColumn = 3 }, chunk: 3, seekable: false);
    }

    [Fact]
    public void Read_Utf16WithByteOrderMarkOrGiven_FastPathStandsAsideAndTheResultIsTheSame()
    {
        const string text = "userId,movieId,rating,timestamp\n1,31,2.5,1\n2,10,4,2\n";
        byte[] marked = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)];
        using (LineReader reader = LineReader.FromStream(new MemoryStream(marked), "r.csv", null, ",", quoted: true, CancellationToken.None))
        {
            AsciiRatingsParser.CanRead(reader).Should().BeFalse();
        }

        Same(marked, Latest).Should().Contain("users 1|2");
        Same(Encoding.Unicode.GetBytes(text), Latest with { Encoding = Encoding.Unicode }).Should().Contain("users 1|2");
        Same(Encoding.UTF8.GetBytes(text), Latest with { Encoding = Encoding.Latin1 }).Should().Contain("users 1|2");
    }

    [Fact]
    public void Read_LongBlankLineBeforeAnyHeader_IsSkippedNotTakenForTheHeader()
    {
        string text = new string(' ', 1000) + "\t\nuser,item,rating\n1,2,3\n";

        Same(text, new DelimitedRatingsOptions { HasHeader = true }).Should().StartWith("users 1\nitems 2\n");
    }

    [Fact]
    public void Read_LineLongerThanTheByteBuffer_FastAndGeneralAgree()
    {
        string longNote = new('x', TextDecoder.ByteBufferSize + 100);
        string text = $"1,2,3,{longNote}\n2,2,4,y\n";

        Same(text, DelimitedRatingsOptions.Default).Should().Contain("users 1|2");
    }

    [Fact]
    public void Read_LongLineOneBytePerRead_ExaminesEachByteABoundedNumberOfTimes()
    {
        // A long plain line delivered byte by byte: the fast path must not rescan the pending bytes after each read.
        byte[] bytes = Encoding.ASCII.GetBytes($"1,2,3,{new string('7', 40_000)}\n2,2,4,5\n");
        using var stream = new TrickleStream(bytes, 1);
        using LineReader reader = LineReader.FromStream(stream, "r.csv", null, ",", quoted: true, CancellationToken.None);
        var builder = new RatingsDatasetBuilder(new IdMap.Builder(), new IdMap.Builder(), DuplicatePolicy.Reject);
        bool header = false;

        int added = AsciiRatingsParser.Read(reader, DelimitedRatingsOptions.Default.ToLayout(), builder, null, null, keepTimestamps: false, new NumericIdCache(), new NumericIdCache(), ref header);

        added.Should().Be(2);
        reader.ExaminedChars.Should().Be(bytes.Length);
    }

    [Fact]
    public void Read_RandomLinesFromQuirkyPieces_FastAndGeneralAgree()
    {
        string[] ids = ["1", "22", "333", "0", "01", "u9", " 4", "4 ", "", "é", "\"5\"", "4194304", "12345678"];
        string[] ratings = ["4", "3.5", "0.5", "4.25", "5.0", " 2", "1e0", "-1", "", "x", "12345.5", "123456.5"];
        string[] times = ["1", "1260759144", "", "-3", "99999999999999999999", " 7"];
        string[] ends = ["\n", "\r\n", "\n\n", "\n  \n", ",extra\n", ",\"q,x\"\n"];
        var random = new Random(16);
        for (int trial = 0; trial < 300; trial++)
        {
            var text = new StringBuilder(trial % 3 == 0 ? "userId,movieId,rating,timestamp\n" : "");
            int lines = random.Next(1, 12);
            bool plain = random.Next(4) == 0;
            for (int k = 0; k < lines; k++)
            {
                bool usual = plain || random.Next(3) > 0;
                string user = usual ? random.Next(1, 40).ToString(CultureInfo.InvariantCulture) : ids[random.Next(ids.Length)];
                string item = usual ? random.Next(1, 40).ToString(CultureInfo.InvariantCulture) : ids[random.Next(ids.Length)];
                string rating = usual ? (random.Next(1, 11) / 2.0).ToString("0.0", CultureInfo.InvariantCulture) : ratings[random.Next(ratings.Length)];
                string time = usual ? random.Next(1_000_000).ToString(CultureInfo.InvariantCulture) : times[random.Next(times.Length)];
                string end = usual ? "\n" : ends[random.Next(ends.Length)];
                text.Append(user).Append(',').Append(item).Append(',').Append(rating).Append(',').Append(time).Append(end);
            }

            var options = new DelimitedRatingsOptions { HasHeader = trial % 3 == 0, TimestampColumn = 3, Duplicates = (DuplicatePolicy)(trial % 3) };
            byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
            Same(bytes, options);
            Same(bytes, options, chunk: 1 + (trial % 5), seekable: trial % 2 == 0);
            Same(bytes, options with { UserColumn = 3, ItemColumn = 1, RatingColumn = 0, TimestampColumn = 2 });
            Same(bytes, options with { UserColumn = 2, ItemColumn = 3, RatingColumn = 1, TimestampColumn = null });
        }
    }
}
