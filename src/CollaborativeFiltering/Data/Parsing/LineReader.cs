using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace CollaborativeFiltering.Data.Parsing;

/// <summary>
/// Reads a delimited text source record by record over one large, reused character buffer: no
/// string is allocated per line or per field. A record is a line ended by <c>\n</c> or <c>\r\n</c>
/// (the last one may lack it); in quoted mode (RFC 4180) a field that starts with <c>"</c> may hold
/// separators, doubled quotes and line breaks, and the record ends at the first line break outside
/// quotes. Records are handed out as spans into the buffer, valid until the next read. Shared by
/// every ratings and metadata reader; <see cref="Fields"/> splits a record into fields.
/// </summary>
/// <remarks>
/// Linear in the size of the source whatever sizes the stream's reads return: the search for the end
/// of a record resumes where the previous search stopped (with its quoting state) instead of
/// rescanning the pending characters after each fill, and the buffer grows geometrically.
/// <see cref="ExaminedChars"/> counts the characters the searches covered, for the tests that check it.
/// Bytes are decoded by a <see cref="TextDecoder"/>: a fixed encoding, or UTF-8/Latin-1 chosen by content.
/// </remarks>
internal sealed class LineReader : IDisposable
{
    /// <summary>Initial buffer size in characters (grown only for longer records).</summary>
    internal const int InitialBufferChars = 1 << 17;

    /// <summary>The longest record accepted, in characters; longer means a broken file (usually an unclosed quote).</summary>
    internal const int MaxRecordChars = 1 << 24;

    /// <summary>The least free space a fill asks the decoder to write into.</summary>
    private const int MinimumFill = 64;

    private const int NeedMore = -1;

    private readonly TextDecoder _decoder;
    private readonly CancellationToken _cancellationToken;

    /// <summary>The token this reader checks, for the steps that follow the reading (sorting, building).</summary>
    public CancellationToken CancellationToken => _cancellationToken;
    private char[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private int _nextLine = 1;

    // Where the search for the end of the pending record resumes (relative to _start), whether it
    // stopped inside a quoted field, and how many line breaks it met inside quoted fields.
    private int _scanPosition;
    private bool _scanInQuotes;
    private int _scanLines;

    /// <summary>Creates a reader over decoded text; <see cref="Dispose"/> disposes <paramref name="decoder"/>.</summary>
    /// <param name="decoder">The text.</param>
    /// <param name="source">The file name or description used in error messages.</param>
    /// <param name="separator">The field separator (one or more characters, no line break).</param>
    /// <param name="quoted">Whether fields may be quoted (RFC 4180).</param>
    /// <param name="cancellationToken">Checked once per buffer fill.</param>
    public LineReader(TextDecoder decoder, string source, string separator, bool quoted, CancellationToken cancellationToken = default)
    {
        _decoder = decoder;
        _cancellationToken = cancellationToken;
        Source = source;
        Separator = separator;
        SeparatorChar = separator.Length == 1 ? separator[0] : '\0';
        Quoted = quoted;
        _buffer = new char[InitialBufferChars];
    }

    /// <summary>The file name or description used in error messages.</summary>
    public string Source { get; }

    /// <summary>The field separator.</summary>
    public string Separator { get; }

    /// <summary>The separator when it is one character, else <c>'\0'</c>.</summary>
    public char SeparatorChar { get; }

    /// <summary>Whether fields may be quoted.</summary>
    public bool Quoted { get; }

    /// <summary>The 1-based line on which the current record starts (0 before the first read).</summary>
    public int LineNumber { get; private set; }

    /// <summary>The number of lines consumed so far.</summary>
    public int LinesRead => _nextLine - 1;

    /// <summary>The number of records handed out so far, blank ones included.</summary>
    public int RecordsRead { get; private set; }

    /// <summary>The encoding the text is decoded with ("ASCII" while no byte above 0x7F was met when choosing by content).</summary>
    public string EncodingName => _decoder.EncodingName;

    /// <summary>Why <see cref="EncodingName"/> was chosen ("byte-order mark", "valid UTF-8", "not valid UTF-8 at byte offset 1234", "as given", …).</summary>
    public string EncodingReason => _decoder.EncodingReason;

    /// <summary>The characters covered by the searches for record ends so far: about the source's length, however it arrived.</summary>
    internal long ExaminedChars { get; private set; }

    /// <summary>Opens a file for sequential reading.</summary>
    /// <param name="path">The file.</param>
    /// <param name="encoding">Its encoding, or <see langword="null"/> for UTF-8 when the bytes are valid UTF-8, else Latin-1 (a byte-order mark, when present, wins).</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="quoted">Whether fields may be quoted.</param>
    /// <param name="cancellationToken">Checked once per buffer fill.</param>
    /// <returns>A reader that owns the file.</returns>
    public static LineReader Open(string path, Encoding? encoding, string separator, bool quoted, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return new LineReader(new TextDecoder(stream, encoding, leaveOpen: false, cancellationToken), path, separator, quoted, cancellationToken);
    }

    /// <summary>Reads from a stream the caller keeps owning (it is left open).</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <param name="encoding">The encoding, or <see langword="null"/> for UTF-8 when the bytes are valid UTF-8, else Latin-1 (a byte-order mark, when present, wins).</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="quoted">Whether fields may be quoted.</param>
    /// <param name="cancellationToken">Checked once per buffer fill.</param>
    /// <returns>A reader that leaves <paramref name="stream"/> open.</returns>
    public static LineReader FromStream(Stream stream, string source, Encoding? encoding, string separator, bool quoted, CancellationToken cancellationToken) =>
        new(new TextDecoder(stream, encoding, leaveOpen: true, cancellationToken), source, separator, quoted, cancellationToken);

    /// <summary>Reads the next record that is not blank (empty or white space only).</summary>
    /// <param name="record">The record without its line break; valid until the next read.</param>
    /// <returns><see langword="false"/> at the end of the source.</returns>
    public bool ReadNonBlank(out ReadOnlySpan<char> record)
    {
        while (ReadRecord(out record))
        {
            if (!record.IsWhiteSpace())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the next record, blank or not.</summary>
    /// <param name="record">The record without its line break; valid until the next read.</param>
    /// <returns><see langword="false"/> at the end of the source.</returns>
    /// <exception cref="RatingsFormatException">A quoted field is not closed, or a record exceeds <see cref="MaxRecordChars"/>.</exception>
    public bool ReadRecord(out ReadOnlySpan<char> record)
    {
        while (true)
        {
            ReadOnlySpan<char> data = _buffer.AsSpan(_start, _end - _start);
            int stop = Quoted ? ScanQuoted(data, _eof) : ScanPlain(data);
            if (stop >= 0)
            {
                // stop is the position of '\n', or data.Length when the last record lacks one.
                record = data[..stop];
                _start += Math.Min(stop + 1, data.Length);
                if (!record.IsEmpty && record[^1] == '\r')
                {
                    record = record[..^1];
                }

                LineNumber = _nextLine;
                _nextLine += _scanLines + 1;
                RecordsRead++;
                _scanPosition = 0;
                _scanInQuotes = false;
                _scanLines = 0;
                return true;
            }

            if (_eof)
            {
                if (data.IsEmpty)
                {
                    record = default;
                    return false;
                }

                if (!Quoted)
                {
                    record = data[^1] == '\r' ? data[..^1] : data;
                    _start = _end;
                    LineNumber = _nextLine++;
                    RecordsRead++;
                    _scanPosition = 0;
                    return true;
                }

                // Quoted mode at the end of the source: a field was opened and never closed.
                LineNumber = _nextLine;
                ThrowUnclosedQuote(data);
            }

            Fill();
        }
    }

    /// <summary>
    /// Whether <see cref="RatingsParser"/> may read plain ASCII lines from the bytes in place
    /// (<see cref="AsciiRatingsParser"/>); default <see langword="true"/>. The tests turn it off to
    /// compare the fast path with the general one on the same input.
    /// </summary>
    internal bool AllowAsciiFastPath { get; set; } = true;

    /// <summary>The decoder, for the ASCII fast path that reads its bytes in place before any record is decoded.</summary>
    internal TextDecoder Decoder => _decoder;

    /// <summary>Whether no record has been read and nothing decoded yet: only then may a caller read the decoder's bytes itself.</summary>
    internal bool AtStart => RecordsRead == 0 && _end == 0 && !_eof;

    /// <summary>
    /// Counts <paramref name="lines"/> one-line records that a caller read from <see cref="Decoder"/>'s
    /// bytes itself (the ASCII fast path), so that line numbers, <see cref="LinesRead"/> and
    /// <see cref="RecordsRead"/> go on from there when this reader takes over.
    /// </summary>
    /// <param name="lines">The lines read, each ended by a line break (or the end of the source).</param>
    /// <param name="bytes">The bytes they took, line breaks included.</param>
    internal void CountSkippedLines(int lines, int bytes)
    {
        if (lines > 0)
        {
            _nextLine += lines;
            LineNumber = _nextLine - 1;
            RecordsRead += lines;
        }

        ExaminedChars += bytes;
    }

    /// <summary>Splits a record of this reader into fields.</summary>
    /// <param name="record">A record returned by this reader.</param>
    /// <returns>A cursor over the record's fields.</returns>
    public FieldCursor Fields(ReadOnlySpan<char> record) => new(record, this);

    /// <summary>Throws a <see cref="RatingsFormatException"/> at the current record.</summary>
    /// <param name="column">The 1-based field, or 0 for the whole line.</param>
    /// <param name="problem">What was expected and what was found.</param>
    [DoesNotReturn]
    public void Fail(int column, string problem) => throw new RatingsFormatException(Source, LineNumber, column, problem);

    /// <summary>Throws a <see cref="RatingsFormatException"/> at a given line.</summary>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based field, or 0 for the whole line.</param>
    /// <param name="problem">What was expected and what was found.</param>
    [DoesNotReturn]
    public void FailAt(int line, int column, string problem) => throw new RatingsFormatException(Source, line, column, problem);

    /// <inheritdoc/>
    public void Dispose() => _decoder.Dispose();

    /// <summary>Whether position <paramref name="p"/> of a record starts a field.</summary>
    private bool AtFieldStart(ReadOnlySpan<char> data, int p)
    {
        if (p == 0)
        {
            return true;
        }

        if (SeparatorChar != '\0')
        {
            return data[p - 1] == SeparatorChar;
        }

        return data[..p].EndsWith(Separator, StringComparison.Ordinal);
    }

    /// <summary>The position of the <c>'\n'</c> that ends the first record of <paramref name="data"/>, or -1; resumes where the last search stopped.</summary>
    private int ScanPlain(ReadOnlySpan<char> data)
    {
        int from = _scanPosition;
        int k = data[from..].IndexOf('\n');
        if (k < 0)
        {
            _scanPosition = data.Length;
            ExaminedChars += data.Length - from;
            return NeedMore;
        }

        ExaminedChars += k + 1;
        return from + k;
    }

    /// <summary>
    /// Finds the line break that ends the first record of <paramref name="data"/>, honouring quotes:
    /// its position, <c>data.Length</c> at the end of the source outside quotes, or -1 when more
    /// characters are needed (or, at the end of the source, when a quote is left open). Resumes
    /// where the last search stopped, inside or outside a quoted field, so each character is
    /// examined once (a quote at the end of the data, which may be the first of a doubled pair, twice).
    /// </summary>
    private int ScanQuoted(ReadOnlySpan<char> data, bool eof)
    {
        int from = _scanPosition;
        int pos = from;
        bool inQuotes = _scanInQuotes;
        int result;
        while (true)
        {
            if (!inQuotes)
            {
                int k = data[pos..].IndexOfAny('\n', '"');
                if (k < 0)
                {
                    pos = data.Length;
                    result = eof && !data.IsEmpty ? data.Length : NeedMore;
                    break;
                }

                int p = pos + k;
                if (data[p] == '\n')
                {
                    pos = p + 1;
                    result = p;
                    break;
                }

                pos = p + 1;
                inQuotes = AtFieldStart(data, p); // else a literal quote inside an unquoted field
                continue;
            }

            // Inside a quoted field: find its closing quote, skipping doubled quotes and counting line breaks.
            int m = data[pos..].IndexOfAny('"', '\n');
            if (m < 0)
            {
                pos = data.Length;
                result = NeedMore;
                break;
            }

            int r = pos + m;
            if (data[r] == '\n')
            {
                _scanLines++;
                pos = r + 1;
                continue;
            }

            if (r + 1 >= data.Length && !eof)
            {
                pos = r; // cannot tell a closing quote from a doubled one yet: look at it again next time
                result = NeedMore;
                break;
            }

            if (r + 1 < data.Length && data[r + 1] == '"')
            {
                pos = r + 2;
                continue;
            }

            inQuotes = false;
            pos = r + 1;
            if (pos >= data.Length)
            {
                result = eof ? data.Length : NeedMore;
                break;
            }
        }

        ExaminedChars += Math.Max(pos - from, 0);
        _scanPosition = pos;
        _scanInQuotes = inQuotes;
        return result;
    }

    private void Fill()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_start > 0)
        {
            int pending = _end - _start;
            Array.Copy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }

        if (_buffer.Length - _end < MinimumFill)
        {
            if (_buffer.Length >= MaxRecordChars)
            {
                LineNumber = _nextLine;
                ThrowRecordTooLong(_buffer.AsSpan(0, _end));
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxRecordChars));
        }

        int read;
        try
        {
            read = _decoder.Read(_buffer.AsSpan(_end));
        }
        catch (TextEncodingMismatchException e)
        {
            // The line of the bad bytes: the next record's, plus the line breaks already decoded before them.
            int line = _nextLine + _scanLines + _buffer.AsSpan(_start + _scanPosition, _end - _start - _scanPosition).Count('\n');
            throw new RatingsFormatException(Source, line, 0, string.Create(CultureInfo.InvariantCulture,
                $"expected one text encoding throughout, but the bytes before were read as UTF-8 and this line is not valid UTF-8 ({e.Message}); the file mixes encodings or is Latin-1. Convert it to one encoding, or read it from a file or a seekable stream so that the encoding is chosen from all of its bytes."), e);
        }

        if (read == 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
        }
    }

    [DoesNotReturn]
    private void ThrowUnclosedQuote(ReadOnlySpan<char> record)
    {
        // Walking the fields finds the one whose quote is not closed and throws with its column.
        FieldCursor fields = Fields(record);
        while (fields.MoveNext())
        {
        }

        Fail(0, "expected a closing '\"' for a quoted field; none was found before the end of the file.");
    }

    [DoesNotReturn]
    private void ThrowRecordTooLong(ReadOnlySpan<char> partial)
    {
        if (Quoted)
        {
            ThrowUnclosedQuote(partial);
        }

        Fail(0, string.Create(CultureInfo.InvariantCulture, $"expected a line break within {MaxRecordChars} characters; the line is longer (is this a text file with \\n or \\r\\n line ends?)."));
    }
}
