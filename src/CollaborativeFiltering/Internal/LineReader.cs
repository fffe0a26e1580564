using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Reads a delimited text source record by record over one large, reused character buffer: no
/// string is allocated per line or per field. A record is a line ended by <c>\n</c> or <c>\r\n</c>
/// (the last one may lack it); in quoted mode (RFC 4180) a field that starts with <c>"</c> may hold
/// separators, doubled quotes and line breaks, and the record ends at the first line break outside
/// quotes. Records are handed out as spans into the buffer, valid until the next read. Shared by
/// every ratings and metadata reader; <see cref="Fields"/> splits a record into fields.
/// </summary>
internal sealed class LineReader : IDisposable
{
    /// <summary>Initial buffer size in characters (grown only for longer records).</summary>
    internal const int InitialBufferChars = 1 << 17;

    /// <summary>The longest record accepted, in characters; longer means a broken file (usually an unclosed quote).</summary>
    internal const int MaxRecordChars = 1 << 24;

    private const int NeedMore = -1;

    private readonly TextReader _reader;
    private readonly CancellationToken _cancellationToken;

    /// <summary>The token this reader checks, for the steps that follow the reading (sorting, building).</summary>
    public CancellationToken CancellationToken => _cancellationToken;
    private char[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private int _nextLine = 1;

    /// <summary>Creates a reader over text; <see cref="Dispose"/> disposes <paramref name="reader"/>.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">The file name or description used in error messages.</param>
    /// <param name="separator">The field separator (one or more characters, no line break).</param>
    /// <param name="quoted">Whether fields may be quoted (RFC 4180).</param>
    /// <param name="cancellationToken">Checked once per buffer fill.</param>
    public LineReader(TextReader reader, string source, string separator, bool quoted, CancellationToken cancellationToken = default)
    {
        _reader = reader;
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

    /// <summary>Opens a file for sequential reading.</summary>
    /// <param name="path">The file.</param>
    /// <param name="encoding">Its encoding (a byte-order mark, when present, wins).</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="quoted">Whether fields may be quoted.</param>
    /// <param name="cancellationToken">Checked once per buffer fill.</param>
    /// <returns>A reader that owns the file.</returns>
    public static LineReader Open(string path, Encoding encoding, string separator, bool quoted, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: false);
            return new LineReader(text, path, separator, quoted, cancellationToken);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads from a stream the caller keeps owning (it is left open).</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <param name="encoding">The encoding (a byte-order mark, when present, wins).</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="quoted">Whether fields may be quoted.</param>
    /// <param name="cancellationToken">Checked once per buffer fill.</param>
    /// <returns>A reader that leaves <paramref name="stream"/> open.</returns>
    public static LineReader FromStream(Stream stream, string source, Encoding encoding, string separator, bool quoted, CancellationToken cancellationToken)
    {
        var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        return new LineReader(text, source, separator, quoted, cancellationToken);
    }

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
            int lines = 0;
            int stop = Quoted ? ScanQuoted(data, _eof, out lines) : data.IndexOf('\n');
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
                _nextLine += lines + 1;
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
                    return true;
                }

                // Quoted mode at the end of the source: a field was opened and never closed.
                LineNumber = _nextLine;
                ThrowUnclosedQuote(data);
            }

            Fill();
        }
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
    public void Dispose() => _reader.Dispose();

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

    /// <summary>
    /// Finds the line break that ends the first record of <paramref name="data"/>, honouring quotes:
    /// its position, <c>data.Length</c> at the end of the source outside quotes, or -1 when more
    /// characters are needed (or, at the end of the source, when a quote is left open).
    /// </summary>
    private int ScanQuoted(ReadOnlySpan<char> data, bool eof, out int lines)
    {
        lines = 0;
        int pos = 0;
        while (true)
        {
            int k = data[pos..].IndexOfAny('\n', '"');
            if (k < 0)
            {
                return eof && !data.IsEmpty ? data.Length : NeedMore;
            }

            int p = pos + k;
            if (data[p] == '\n')
            {
                return p;
            }

            if (!AtFieldStart(data, p))
            {
                pos = p + 1; // a literal quote inside an unquoted field
                continue;
            }

            // Inside a quoted field: find its closing quote, skipping doubled quotes and counting line breaks.
            int q = p + 1;
            while (true)
            {
                int m = data[q..].IndexOfAny('"', '\n');
                if (m < 0)
                {
                    return NeedMore;
                }

                int r = q + m;
                if (data[r] == '\n')
                {
                    lines++;
                    q = r + 1;
                    continue;
                }

                if (r + 1 >= data.Length && !eof)
                {
                    return NeedMore; // cannot tell a closing quote from a doubled one yet
                }

                if (r + 1 < data.Length && data[r + 1] == '"')
                {
                    q = r + 2;
                    continue;
                }

                pos = r + 1;
                break;
            }

            if (pos >= data.Length)
            {
                return eof ? data.Length : NeedMore;
            }
        }
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

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxRecordChars)
            {
                LineNumber = _nextLine;
                ThrowRecordTooLong(_buffer.AsSpan(0, _end));
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxRecordChars));
        }

        int read = _reader.Read(_buffer, _end, _buffer.Length - _end);
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
