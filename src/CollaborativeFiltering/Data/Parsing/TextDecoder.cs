using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace CollaborativeFiltering.Data.Parsing;

/// <summary>
/// Turns the bytes of a stream into characters for a <see cref="LineReader"/>, straight into the
/// reader's buffer. A byte-order mark, when present, always decides the encoding. Otherwise the
/// encoding is either fixed, or (<c>encoding: null</c>) chosen by content: UTF-8 when the bytes are
/// valid UTF-8, else Latin-1 (ISO-8859-1), the two encodings the MovieLens releases come in.
/// </summary>
/// <remarks>
/// <para>
/// Choosing by content costs nothing while the bytes are ASCII, on which both encodings agree: the
/// choice is made at the first byte above 0x7F. On a seekable stream the rest of the stream is then
/// checked once for UTF-8 validity (the position is restored), so the choice is exact. On a stream
/// that cannot seek, the bytes already buffered (up to 64 KiB) decide; if UTF-8 was chosen and
/// invalid UTF-8 appears later, <see cref="Read"/> throws <see cref="TextEncodingMismatchException"/>
/// rather than decode part of the file one way and part another.
/// </para>
/// <para>Each byte is examined a bounded number of times, whatever sizes the stream's reads return.</para>
/// </remarks>
internal sealed class TextDecoder : IDisposable
{
    /// <summary>The size of the byte buffer.</summary>
    internal const int ByteBufferSize = 1 << 16;

    /// <summary>The smallest destination <see cref="Read"/> accepts (room for a surrogate pair).</summary>
    internal const int MinimumDestination = 2;

    private const int Utf8CodePage = 65001;
    private const int Latin1CodePage = 28591;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _bytes = new byte[ByteBufferSize];
    private readonly Encoding? _given;
    private int _byteStart;
    private int _byteEnd;
    private long _bytesBefore; // stream bytes consumed before _bytes[0]
    private bool _streamEnded;
    private bool _started;
    private Mode _mode;
    private Decoder? _decoder;

    /// <summary>Creates a decoder over <paramref name="stream"/>.</summary>
    /// <param name="stream">The bytes, read from their current position.</param>
    /// <param name="encoding">The encoding to use when there is no byte-order mark, or <see langword="null"/> to choose UTF-8 or Latin-1 by content.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="stream"/> open.</param>
    /// <param name="cancellationToken">Checked once per read from the stream.</param>
    public TextDecoder(Stream stream, Encoding? encoding, bool leaveOpen, CancellationToken cancellationToken)
    {
        _stream = stream;
        _given = encoding;
        _leaveOpen = leaveOpen;
        _cancellationToken = cancellationToken;
        EncodingName = encoding is null ? "ASCII" : NameOf(encoding);
        EncodingReason = encoding is null ? "no byte above 0x7F, so UTF-8 and Latin-1 read the same" : "as given";
    }

    private enum Mode
    {
        /// <summary>Choosing by content; only ASCII seen so far.</summary>
        Undecided,

        /// <summary>UTF-8, invalid sequences replaced by U+FFFD (a given encoding, or content checked valid).</summary>
        Utf8,

        /// <summary>UTF-8 chosen from the buffered bytes of a stream that cannot seek: invalid bytes later are an error.</summary>
        Utf8Tentative,

        /// <summary>Latin-1: each byte is one character.</summary>
        Latin1,

        /// <summary>Any other encoding, through its <see cref="System.Text.Decoder"/>.</summary>
        Other,
    }

    /// <summary>The encoding in use: "ASCII" while (and if) no byte above 0x7F was met when choosing by content, else "UTF-8", "Latin-1" or the encoding's web name.</summary>
    public string EncodingName { get; private set; }

    /// <summary>Why <see cref="EncodingName"/> was chosen, for a log line: "byte-order mark", "valid UTF-8", "not valid UTF-8 at byte 1234", "as given", ….</summary>
    public string EncodingReason { get; private set; }

    /// <summary>The number of bytes taken from the stream so far (including a byte-order mark).</summary>
    public long BytesRead => _bytesBefore + _byteEnd;

    /// <summary>Decodes the next characters into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="MinimumDestination"/> characters.</param>
    /// <returns>The number of characters written; 0 only at the end of the stream.</returns>
    /// <exception cref="TextEncodingMismatchException">UTF-8 was chosen for a stream that cannot seek, and invalid UTF-8 follows.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public int Read(Span<char> destination)
    {
        if (!_started)
        {
            Start();
        }

        while (true)
        {
            ReadOnlySpan<byte> pending = _bytes.AsSpan(_byteStart, _byteEnd - _byteStart);
            if (pending.IsEmpty && _streamEnded)
            {
                return FlushDecoder(destination);
            }

            int written = pending.IsEmpty ? 0 : Decode(pending, destination);
            if (written > 0)
            {
                return written;
            }

            if (_mode == Mode.Undecided && !pending.IsEmpty)
            {
                Decide();
                continue;
            }

            if (_streamEnded)
            {
                // Only an incomplete sequence is left at the end: decode it as the mode does at the end.
                return DecodeFinal(destination);
            }

            FillBytes();
        }
    }

    /// <summary>
    /// Whether the bytes are read in place by the ASCII fast path of <see cref="AsciiRatingsParser"/>:
    /// true when an ASCII byte is the character of the same code in the mode chosen (undecided,
    /// UTF-8 or Latin-1); false for UTF-16, UTF-32 and other given encodings. Reads the first bytes
    /// (and a byte-order mark) if that was not done yet.
    /// </summary>
    internal bool AsciiBytesAreChars
    {
        get
        {
            if (!_started)
            {
                Start();
            }

            return _mode is Mode.Undecided or Mode.Utf8 or Mode.Utf8Tentative or Mode.Latin1;
        }
    }

    /// <summary>The bytes read from the stream and not yet decoded or skipped (after <see cref="AsciiBytesAreChars"/> has started the decoder).</summary>
    internal ReadOnlySpan<byte> BufferedBytes => _bytes.AsSpan(_byteStart, _byteEnd - _byteStart);

    /// <summary>Whether the stream has no more bytes beyond <see cref="BufferedBytes"/>.</summary>
    internal bool StreamEnded => _streamEnded;

    /// <summary>Marks the first <paramref name="count"/> of <see cref="BufferedBytes"/> as read by the caller (ASCII only, so no decoder state is skipped).</summary>
    /// <param name="count">At most the length of <see cref="BufferedBytes"/>.</param>
    internal void SkipBytes(int count) => _byteStart += count;

    /// <summary>Reads more bytes from the stream after those buffered (once; checks the cancellation token).</summary>
    /// <returns><see langword="false"/> when nothing can be added: the stream has ended, or the buffer is full of unread bytes.</returns>
    internal bool ReadMoreBytes()
    {
        if (_streamEnded || (_byteStart == 0 && _byteEnd == _bytes.Length))
        {
            return false;
        }

        int before = _byteEnd - _byteStart;
        FillBytes();
        return _byteEnd - _byteStart > before || _streamEnded;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <summary>The short name used in logs and load reports.</summary>
    private static string NameOf(Encoding encoding) => encoding.CodePage switch
    {
        Utf8CodePage => "UTF-8",
        Latin1CodePage => "Latin-1",
        _ => encoding.WebName,
    };

    /// <summary>Reads the first bytes and applies a byte-order mark, if any.</summary>
    private void Start()
    {
        _started = true;
        while (_byteEnd < 4 && !_streamEnded)
        {
            FillBytes();
        }

        ReadOnlySpan<byte> head = _bytes.AsSpan(0, _byteEnd);
        (Encoding? marked, int length) = head switch
        {
            [0xEF, 0xBB, 0xBF, ..] => ((Encoding?)Encoding.UTF8, 3),
            [0xFF, 0xFE, 0x00, 0x00, ..] => (Encoding.UTF32, 4),
            [0x00, 0x00, 0xFE, 0xFF, ..] => (new UTF32Encoding(bigEndian: true, byteOrderMark: true), 4),
            [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
            [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
            _ => (null, 0),
        };

        if (marked is not null)
        {
            _byteStart = length;
            Use(marked);
            EncodingReason = "byte-order mark";
        }
        else if (_given is not null)
        {
            Use(_given);
        }
        else
        {
            _mode = Mode.Undecided;
        }
    }

    private void Use(Encoding encoding)
    {
        EncodingName = NameOf(encoding);
        if (encoding.CodePage == Latin1CodePage)
        {
            _mode = Mode.Latin1;
        }
        else if (encoding.CodePage == Utf8CodePage && encoding.DecoderFallback is DecoderReplacementFallback { DefaultString: "\uFFFD" })
        {
            _mode = Mode.Utf8;
        }
        else
        {
            _mode = Mode.Other;
            _decoder = encoding.GetDecoder();
        }
    }

    /// <summary>Decodes what it can of <paramref name="pending"/>; 0 when more bytes are needed (or, undecided, at a non-ASCII byte).</summary>
    private int Decode(ReadOnlySpan<byte> pending, Span<char> destination)
    {
        switch (_mode)
        {
            case Mode.Undecided:
            {
                // One pass: widens ASCII and stops at the first byte above 0x7F, where the choice is made.
                Ascii.ToUtf16(pending, destination, out int n);
                _byteStart += n;
                return n;
            }

            case Mode.Latin1:
            {
                int n = Math.Min(pending.Length, destination.Length);
                Encoding.Latin1.GetChars(pending[..n], destination);
                _byteStart += n;
                return n;
            }

            case Mode.Utf8:
            case Mode.Utf8Tentative:
            {
                bool strict = _mode == Mode.Utf8Tentative;
                OperationStatus status = Utf8.ToUtf16(pending, destination, out int read, out int written, replaceInvalidSequences: !strict, isFinalBlock: false);
                _byteStart += read;
                if (status == OperationStatus.InvalidData && written == 0)
                {
                    throw Mismatch(_bytesBefore + _byteStart);
                }

                return written;
            }

            default:
            {
                _decoder!.Convert(pending, destination, flush: false, out int used, out int written, out _);
                _byteStart += used;
                return written;
            }
        }
    }

    /// <summary>At the end of the stream with only an incomplete multi-byte sequence left.</summary>
    private int DecodeFinal(Span<char> destination)
    {
        ReadOnlySpan<byte> pending = _bytes.AsSpan(_byteStart, _byteEnd - _byteStart);
        switch (_mode)
        {
            case Mode.Utf8:
            {
                Utf8.ToUtf16(pending, destination, out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
                _byteStart += read;
                return written;
            }

            case Mode.Utf8Tentative:
                throw Mismatch(_bytesBefore + _byteStart);

            default:
            {
                _decoder!.Convert(pending, destination, flush: true, out int used, out int written, out _);
                _byteStart += used;
                return written;
            }
        }
    }

    private int FlushDecoder(Span<char> destination)
    {
        if (_decoder is null)
        {
            return 0;
        }

        _decoder.Convert([], destination, flush: true, out _, out int written, out _);
        return written;
    }

    /// <summary>Moves the unread bytes to the front and reads more from the stream.</summary>
    private void FillBytes()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_byteStart > 0)
        {
            int left = _byteEnd - _byteStart;
            _bytes.AsSpan(_byteStart, left).CopyTo(_bytes);
            _bytesBefore += _byteStart;
            _byteStart = 0;
            _byteEnd = left;
        }

        int read = _stream.Read(_bytes, _byteEnd, _bytes.Length - _byteEnd);
        if (read == 0)
        {
            _streamEnded = true;
        }
        else
        {
            _byteEnd += read;
        }
    }

    /// <summary>Chooses UTF-8 or Latin-1 at the first byte above 0x7F (at <c>_byteStart</c>).</summary>
    private void Decide()
    {
        long offset = _bytesBefore + _byteStart;
        if (_stream.CanSeek)
        {
            long? invalid = FirstInvalidUtf8FromHere();
            if (invalid is null)
            {
                Choose(Mode.Utf8, "UTF-8", string.Create(CultureInfo.InvariantCulture, $"valid UTF-8 (first byte above 0x7F at offset {offset})"));
            }
            else
            {
                Choose(Mode.Latin1, "Latin-1", string.Create(CultureInfo.InvariantCulture, $"not valid UTF-8 at byte offset {invalid}"));
            }

            return;
        }

        // Cannot look further than the buffer: let the buffered bytes decide, and hold UTF-8 to its word.
        while (_byteEnd - _byteStart < 4 && !_streamEnded && _byteEnd < _bytes.Length)
        {
            FillBytes();
        }

        ReadOnlySpan<byte> pending = _bytes.AsSpan(_byteStart, _byteEnd - _byteStart);
        int bad = FirstInvalidUtf8(pending, _streamEnded);
        if (bad < 0)
        {
            Choose(Mode.Utf8Tentative, "UTF-8", string.Create(CultureInfo.InvariantCulture, $"valid UTF-8 in the {pending.Length} bytes read ahead from offset {offset} (the stream cannot seek)"));
        }
        else
        {
            Choose(Mode.Latin1, "Latin-1", string.Create(CultureInfo.InvariantCulture, $"not valid UTF-8 at byte offset {offset + bad}"));
        }
    }

    private void Choose(Mode mode, string name, string reason)
    {
        _mode = mode;
        EncodingName = name;
        EncodingReason = reason;
    }

    /// <summary>The offset of the first invalid UTF-8 sequence from the current position to the end of the stream, or <see langword="null"/>; the stream's position is restored.</summary>
    private long? FirstInvalidUtf8FromHere()
    {
        long resume = _stream.Position;
        byte[] scratch = ArrayPool<byte>.Shared.Rent(ByteBufferSize + 4);
        char[] chars = ArrayPool<char>.Shared.Rent(ByteBufferSize + 4);
        try
        {
            long baseOffset = _bytesBefore + _byteStart;
            ReadOnlySpan<byte> pending = _bytes.AsSpan(_byteStart, _byteEnd - _byteStart);
            int carry = 0;
            bool final = _streamEnded;
            ReadOnlySpan<byte> block = pending;
            while (true)
            {
                OperationStatus status = Check(block, final, chars, out int consumed);
                if (status == OperationStatus.InvalidData)
                {
                    return baseOffset + consumed;
                }

                if (final)
                {
                    return null;
                }

                // Carry an incomplete trailing sequence (at most 3 bytes) into the next block.
                ReadOnlySpan<byte> rest = block[consumed..];
                rest.CopyTo(scratch);
                carry = rest.Length;
                baseOffset += consumed;
                _cancellationToken.ThrowIfCancellationRequested();
                int read = _stream.Read(scratch, carry, ByteBufferSize);
                final = read == 0;
                block = scratch.AsSpan(0, carry + read);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(scratch);
            _stream.Position = resume;
        }
    }

    /// <summary>The index of the first invalid UTF-8 sequence in <paramref name="bytes"/>, or -1 (an incomplete sequence at the end counts as invalid only when <paramref name="final"/>).</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes, bool final)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(ByteBufferSize + 4);
        try
        {
            return Check(bytes, final, chars, out int consumed) == OperationStatus.InvalidData ? consumed : -1;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Validates <paramref name="bytes"/> as UTF-8: Done, NeedMoreData (an incomplete sequence at the end, not final) or InvalidData; <paramref name="consumed"/> is where it stopped.</summary>
    private static OperationStatus Check(ReadOnlySpan<byte> bytes, bool final, char[] scratch, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            OperationStatus status = Utf8.ToUtf16(bytes[consumed..], scratch, out int read, out _, replaceInvalidSequences: false, isFinalBlock: final);
            consumed += read;
            if (status != OperationStatus.DestinationTooSmall)
            {
                return status;
            }
        }
    }

    private static TextEncodingMismatchException Mismatch(long offset) => new(offset);
}

/// <summary>
/// A stream that could not seek was read as UTF-8 on the evidence of its first non-ASCII bytes, and
/// invalid UTF-8 follows: the file mixes encodings or is Latin-1 after all. <see cref="LineReader"/>
/// turns this into a <see cref="Data.RatingsFormatException"/> naming the line.
/// </summary>
internal sealed class TextEncodingMismatchException : Exception
{
    public TextEncodingMismatchException()
    {
    }

    public TextEncodingMismatchException(string message)
        : base(message)
    {
    }

    public TextEncodingMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TextEncodingMismatchException(long byteOffset)
        : base(string.Create(CultureInfo.InvariantCulture, $"invalid UTF-8 at byte offset {byteOffset}"))
    {
        ByteOffset = byteOffset;
    }

    /// <summary>Where the invalid bytes start.</summary>
    public long ByteOffset { get; }
}
