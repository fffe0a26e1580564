using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Data.Parsing;

/// <summary>
/// Decoding by content: UTF-8 when the bytes are valid UTF-8, else Latin-1, a byte-order mark
/// first; exact on seekable streams, and never a silent mix on streams that cannot seek.
/// </summary>
public sealed class TextDecoderTests
{
    private const string Accented = "Mis\u00e9rables, Les (1995)|Slingshot, The (K\u00e5disbellan ) (1993)|\u00cdslenski (2000)";

    private static (string Text, LineReader Reader) Decode(Stream stream, Encoding? encoding = null)
    {
        var reader = LineReader.FromStream(stream, "u.item", encoding, "|", quoted: false, CancellationToken.None);
        var text = new StringBuilder();
        while (reader.ReadRecord(out ReadOnlySpan<char> record))
        {
            text.Append(record).Append('\n');
        }

        return (text.ToString(), reader);
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    [Fact]
    public void Read_OnlyAscii_IsAsciiAndReadTheSameEitherWay()
    {
        var (text, reader) = Decode(new MemoryStream("1|Toy Story (1995)\n"u8.ToArray()));

        text.Should().Be("1|Toy Story (1995)\n");
        reader.EncodingName.Should().Be("ASCII");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_Latin1Bytes_AreDecodedAsLatin1(bool canSeek)
    {
        byte[] bytes = Encoding.Latin1.GetBytes($"1|{Accented}\n");

        var (text, reader) = Decode(new TrickleStream(bytes, chunkSize: 5, canSeek));

        text.Should().Be($"1|{Accented}\n");
        reader.EncodingName.Should().Be("Latin-1");
        reader.EncodingReason.Should().Contain("not valid UTF-8 at byte offset 5");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_Utf8Bytes_AreDecodedAsUtf8(bool canSeek)
    {
        byte[] bytes = Encoding.UTF8.GetBytes($"1|{Accented}\n2|\u65e5\u672c (2001) \U0001F3AC\n");

        var (text, reader) = Decode(new TrickleStream(bytes, chunkSize: 3, canSeek));

        text.Should().Be($"1|{Accented}\n2|\u65e5\u672c (2001) \U0001F3AC\n");
        reader.EncodingName.Should().Be("UTF-8");
    }

    [Fact]
    public void Read_Utf8ByteOrderMark_IsSkippedAndDecidesUtf8()
    {
        byte[] bytes = Concat([0xEF, 0xBB, 0xBF], Encoding.UTF8.GetBytes("userId,movieId\n"));

        var (text, reader) = Decode(new MemoryStream(bytes), Encoding.Latin1);

        text.Should().Be("userId,movieId\n");
        reader.EncodingName.Should().Be("UTF-8");
        reader.EncodingReason.Should().Be("byte-order mark");
    }

    [Fact]
    public void Read_Utf16ByteOrderMark_IsHonoured()
    {
        byte[] bytes = Concat([0xFF, 0xFE], Encoding.Unicode.GetBytes($"1|{Accented}\n"));

        var (text, reader) = Decode(new TrickleStream(bytes, chunkSize: 1));

        text.Should().Be($"1|{Accented}\n");
        reader.EncodingName.Should().Be("utf-16");
    }

    [Fact]
    public void Read_Latin1WhoseFirstAccentsLookLikeUtf8_IsLatin1ThroughoutOnASeekableStream()
    {
        // "Ã©" in Latin-1 is C3 A9, a valid UTF-8 sequence; a lone E9 (é) further on proves the file is not UTF-8.
        string original = "1|Caf\u00c3\u00a9 (1990)\n" + new string('x', 100_000) + "\n2|Caf\u00e9 (1991)\n";
        byte[] bytes = Encoding.Latin1.GetBytes(original);

        var (text, reader) = Decode(new TrickleStream(bytes, chunkSize: 4096, canSeek: true));

        text.Should().Be(original);
        reader.EncodingName.Should().Be("Latin-1");
    }

    [Fact]
    public void Read_MixedEncodingsOnAStreamThatCannotSeek_ThrowsNamingTheLine()
    {
        // The first accent is valid UTF-8 within the 64 KiB read ahead; a Latin-1 accent comes later.
        byte[] bytes = Concat(
            Encoding.UTF8.GetBytes("1|Caf\u00e9 (1990)\n" + string.Concat(Enumerable.Repeat(new string('x', 99) + "\n", 1000))),
            Encoding.Latin1.GetBytes("2|Caf\u00e9 (1991)\n"));

        Action act = () => Decode(new TrickleStream(bytes, chunkSize: 4096, canSeek: false));

        RatingsFormatException e = act.Should().Throw<RatingsFormatException>().Which;
        e.LineNumber.Should().Be(1002);
        e.Message.Should().Contain("u.item, line 1002").And.Contain("not valid UTF-8").And.Contain("seekable");
    }

    [Fact]
    public void Read_Utf8SequenceAcrossTheByteBufferEdge_IsDecodedWhole()
    {
        // 'é' (C3 A9) straddles the 64 KiB byte buffer; '😀' (4 bytes) straddles it one byte further on the second run.
        foreach (string accent in (string[])["\u00e9", "\U0001F600"])
        {
            string original = new string('a', TextDecoder.ByteBufferSize - 1) + accent + "b\n";

            var (text, reader) = Decode(new MemoryStream(Encoding.UTF8.GetBytes(original)));

            text.Should().Be(original);
            reader.EncodingName.Should().Be("UTF-8");
        }
    }

    [Fact]
    public void Read_SeekableStreamNotAtItsStart_ReadsFromItsPositionAndRestoresIt()
    {
        byte[] bytes = Concat("IGNORED\n"u8.ToArray(), Encoding.Latin1.GetBytes($"1|{Accented}\n"));
        var stream = new MemoryStream(bytes) { Position = 8 };

        var (text, reader) = Decode(stream);

        text.Should().Be($"1|{Accented}\n");
        reader.EncodingName.Should().Be("Latin-1");
        stream.Position.Should().Be(bytes.Length);
    }

    [Fact]
    public void Read_TruncatedUtf8AtTheEnd_IsLatin1()
    {
        byte[] bytes = Concat(Encoding.UTF8.GetBytes("1|x\n2|Caf"), [0xC3]);

        var (text, reader) = Decode(new MemoryStream(bytes));

        text.Should().Be("1|x\n2|Caf\u00c3\n");
        reader.EncodingName.Should().Be("Latin-1");
    }

    [Fact]
    public void Read_GivenUtf8WithInvalidBytes_ReplacesThemAsGiven()
    {
        var (text, reader) = Decode(new MemoryStream(Encoding.Latin1.GetBytes("1|Caf\u00e9\n")), Encoding.UTF8);

        text.Should().Be("1|Caf\uFFFD\n");
        reader.EncodingName.Should().Be("UTF-8");
        reader.EncodingReason.Should().Be("as given");
    }
}
