using System.Globalization;

namespace CollaborativeFiltering.Data.Parsing;

/// <summary>
/// Walks the fields of one record of a <see cref="LineReader"/> without allocating: each
/// <see cref="MoveNext"/> exposes the next field as a span of the record. In quoted mode a field
/// that starts with <c>"</c> runs to its closing quote (doubled quotes stand for one quote; see
/// <see cref="CurrentString"/>); anything but the separator or the end of the record after the
/// closing quote is an error.
/// </summary>
internal ref struct FieldCursor
{
    private readonly LineReader _reader;
    private ReadOnlySpan<char> _rest;
    private bool _more;

    /// <summary>Creates a cursor; use <see cref="LineReader.Fields"/>.</summary>
    /// <param name="record">The record.</param>
    /// <param name="reader">The reader it came from (separator, quoting, error location).</param>
    public FieldCursor(ReadOnlySpan<char> record, LineReader reader)
    {
        _reader = reader;
        _rest = record;
        _more = true;
        Current = default;
        Column = 0;
        CurrentHasEscapes = false;
    }

    /// <summary>The current field, without its enclosing quotes.</summary>
    public ReadOnlySpan<char> Current { get; private set; }

    /// <summary>The 1-based number of the current field (0 before the first).</summary>
    public int Column { get; private set; }

    /// <summary>Whether the current field holds doubled quotes that <see cref="CurrentString"/> turns into single ones.</summary>
    public bool CurrentHasEscapes { get; private set; }

    /// <summary>Moves to the next field.</summary>
    /// <returns><see langword="false"/> when the record has no more fields.</returns>
    /// <exception cref="Data.RatingsFormatException">A quoted field is not closed, or is followed by something other than the separator.</exception>
    public bool MoveNext()
    {
        if (!_more)
        {
            return false;
        }

        Column++;
        ReadOnlySpan<char> rest = _rest;
        if (_reader.Quoted && !rest.IsEmpty && rest[0] == '"')
        {
            return MoveNextQuoted(rest);
        }

        CurrentHasEscapes = false;
        int sep = _reader.SeparatorChar != '\0' ? rest.IndexOf(_reader.SeparatorChar) : rest.IndexOf(_reader.Separator.AsSpan());
        if (sep < 0)
        {
            Current = rest;
            _rest = default;
            _more = false;
        }
        else
        {
            Current = rest[..sep];
            _rest = rest[(sep + _reader.Separator.Length)..];
        }

        return true;
    }

    /// <summary>The current field as a string, with doubled quotes undone.</summary>
    /// <returns>The field's text.</returns>
    public readonly string CurrentString() =>
        CurrentHasEscapes ? Current.ToString().Replace("\"\"", "\"", StringComparison.Ordinal) : Current.ToString();

    /// <summary>Throws a <see cref="Data.RatingsFormatException"/> at the current field.</summary>
    /// <param name="problem">What was expected and what was found.</param>
    public readonly void Fail(string problem) => _reader.Fail(Column, problem);

    private bool MoveNextQuoted(ReadOnlySpan<char> rest)
    {
        int i = 1;
        bool escaped = false;
        while (true)
        {
            int k = rest[i..].IndexOf('"');
            if (k < 0)
            {
                _reader.Fail(Column, "expected a closing '\"' for the quoted field that starts here; none was found.");
            }

            int q = i + k;
            if (q + 1 < rest.Length && rest[q + 1] == '"')
            {
                escaped = true;
                i = q + 2;
                continue;
            }

            Current = rest[1..q];
            CurrentHasEscapes = escaped;
            ReadOnlySpan<char> after = rest[(q + 1)..];
            if (after.IsEmpty)
            {
                _rest = default;
                _more = false;
            }
            else if (after.StartsWith(_reader.Separator.AsSpan()))
            {
                _rest = after[_reader.Separator.Length..];
            }
            else
            {
                _reader.Fail(Column, string.Create(CultureInfo.InvariantCulture,
                    $"expected the separator '{FieldParser.Printable(_reader.Separator)}' or the end of the line after the closing quote, found '{after[0]}'."));
            }

            return true;
        }
    }
}
