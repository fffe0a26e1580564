using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Data.Parsing;

/// <summary>The record reader under every kind of stream: records and line numbers do not depend on how the bytes arrive, and the work grows linearly with the input.</summary>
public sealed class LineReaderTests
{
    private static LineReader Reader(Stream stream, bool quoted, string separator = ",") =>
        LineReader.FromStream(stream, "test.csv", Encoding.UTF8, separator, quoted, CancellationToken.None);

    private static List<(int Line, string Record)> ReadAll(LineReader reader)
    {
        var records = new List<(int, string)>();
        while (reader.ReadRecord(out ReadOnlySpan<char> record))
        {
            records.Add((reader.LineNumber, record.ToString()));
        }

        return records;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadRecord_LongLineOneBytePerRead_ExaminesEachCharacterOnce(bool quoted)
    {
        // One line of 200,000 characters, then a short one, delivered one byte per Read:
        // the search for the line end must not restart after each byte (that was quadratic).
        var line = new string('x', 200_000);
        byte[] bytes = Encoding.ASCII.GetBytes(line + "\nend\n");
        var stream = new TrickleStream(bytes);

        using LineReader reader = Reader(stream, quoted);
        List<(int Line, string Record)> records = ReadAll(reader);

        stream.Reads.Should().Be(bytes.Length, "the stream gave one byte per read");
        records.Should().Equal((1, line), (2, "end"));
        reader.ExaminedChars.Should().BeLessThanOrEqualTo(bytes.Length + 2, "each character is looked at once");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadRecord_TenTimesLongerLineOneBytePerRead_ExaminesTenTimesAsMuch(bool quoted)
    {
        long Examined(int length)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(new string('7', length) + "\n");
            using LineReader reader = Reader(new TrickleStream(bytes), quoted);
            ReadAll(reader).Should().ContainSingle().Which.Record.Length.Should().Be(length);
            return reader.ExaminedChars;
        }

        long small = Examined(20_000), large = Examined(200_000);

        ((double)large / small).Should().BeInRange(9.5, 10.5, "the work grows linearly with the line's length");
    }

    [Fact]
    public void ReadRecord_QuotedFieldWithLineBreaksAndDoubledQuotesOneBytePerRead_ExaminesEachCharacterAboutOnce()
    {
        // A quoted field 100,000 characters long holding line breaks and doubled quotes: the
        // search resumes inside the quotes, so only a quote at the end of the data is looked at twice.
        var field = new StringBuilder();
        for (int k = 0; k < 10_000; k++)
        {
            field.Append(k % 3 == 0 ? "ab\"\"cdefg" : "abc\ndefgh").Append(',');
        }

        string text = $"1,\"{field}\",x\n2,y,z\n";
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        using LineReader reader = Reader(new TrickleStream(bytes), quoted: true);
        List<(int Line, string Record)> records = ReadAll(reader);

        records.Should().HaveCount(2);
        records[1].Should().Be((1 + 6_666 + 1, "2,y,z"), "the second record starts after the line breaks inside the quotes");
        reader.ExaminedChars.Should().BeLessThanOrEqualTo(2L * bytes.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1 << 16)]
    public void ReadRecord_AnyReadSize_GivesTheSameRecordsAndLineNumbers(int chunkSize)
    {
        const string Text =
            "id,title,genres\r\n" +
            "1,\"Dr. \"\"Strangelove\"\", or: How I Learned (1964)\",Comedy|War\r\n" +
            "\r\n" +
            "2,\"Title with\na line break, and a comma\",Drama\n" +
            "3,literal \"quote\" inside,\"\"\n" +
            "4,\"ends with a quote \"\"\",\"x\"";
        List<(int, string)> expected = ReadAll(Reader(new MemoryStream(Encoding.UTF8.GetBytes(Text)), quoted: true));

        List<(int, string)> actual = ReadAll(Reader(new TrickleStream(Encoding.UTF8.GetBytes(Text), chunkSize), quoted: true));

        actual.Should().Equal(expected);
        actual.Select(r => r.Item1).Should().Equal(1, 2, 3, 4, 6, 7);
        actual[3].Item2.Should().Be("2,\"Title with\na line break, and a comma\",Drama");
        actual[5].Item2.Should().Be("4,\"ends with a quote \"\"\",\"x\"");
    }

    [Fact]
    public void ReadRecord_UnclosedQuoteOneBytePerRead_NamesTheLineWhereItOpened()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("1,a\n2,\"never closed\n3,b\n");
        using LineReader reader = Reader(new TrickleStream(bytes), quoted: true);

        Action act = () => ReadAll(reader);

        var e = act.Should().Throw<RatingsFormatException>().Which;
        e.LineNumber.Should().Be(2);
        e.Column.Should().Be(2);
    }

    [Fact]
    public void ReadRecord_CrLfAndMissingFinalLineBreak_AreRecordEnds()
    {
        using LineReader reader = Reader(new MemoryStream(Encoding.ASCII.GetBytes("a\r\nb\n\r\nc\r")), quoted: false);

        ReadAll(reader).Should().Equal((1, "a"), (2, "b"), (3, ""), (4, "c"));
        reader.LinesRead.Should().Be(4);
    }
}
