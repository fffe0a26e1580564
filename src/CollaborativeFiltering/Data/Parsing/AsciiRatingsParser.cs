using System.Runtime.CompilerServices;
using System.Text;

namespace CollaborativeFiltering.Data.Parsing;

/// <summary>
/// The fast path of <see cref="RatingsParser.Read"/>: reads ratings lines straight from the bytes
/// of the source, without decoding them to characters, while they are plain — ASCII, no quote (in
/// quoted mode), ids written as canonical decimal numbers, ratings as <c>4</c> or <c>3.5</c>,
/// timestamps as digits. A field of another shape (white space around a number, <c>4.25</c>, an id
/// such as <c>u17</c>) is read by the general field parsers from its characters, with the same
/// result. At the first line it cannot take — a non-ASCII byte, a quote, a line longer than the
/// decoder's buffer, or any error (a missing field, an unknown id, a bad number) — it stops before
/// that line, and the general loop reads the rest of the source: every error message, and every
/// line not taken here, comes from the general path.
/// </summary>
/// <remarks>
/// What a line gives is what the general loop would give for it: the same fields (split at the
/// separator, which has no digit or '.'), the same numbers (a rating of at most five digits and
/// one decimal is one correctly rounded division, as <see cref="FieldParser.TryParseRating"/>), the
/// same ids resolved in the same order (fixed sides first, open sides only once the line is
/// accepted) and the same line numbers; blank lines are skipped, and a header is checked with
/// <see cref="RatingsParser.HeaderMatches"/>. Each byte is examined a bounded number of times,
/// however the stream's reads are sized.
/// </remarks>
internal static class AsciiRatingsParser
{
    private const byte Skip = 0, User = 1, Item = 2, Value = 3, Time = 4;

    /// <summary>The longest field read from its characters (longer ones leave the line to the general path).</summary>
    private const int MaxFallbackField = 256;

    /// <summary>Whether the fast path can start on <paramref name="reader"/>: nothing read yet, bytes that are characters in ASCII, and a separator of ASCII characters other than digits and '.'.</summary>
    /// <param name="reader">The source.</param>
    /// <returns>Whether <see cref="Read"/> may be called.</returns>
    public static bool CanRead(LineReader reader)
    {
        if (!reader.AtStart)
        {
            return false;
        }

        foreach (char c in reader.Separator)
        {
            if (c > 0x7F || char.IsAsciiDigit(c) || c == '.')
            {
                return false;
            }
        }

        return reader.Decoder.AsciiBytesAreChars;
    }

    /// <summary>Reads the plain lines at the start of <paramref name="reader"/> into <paramref name="builder"/>, stopping before the first other line.</summary>
    /// <param name="reader">The source, at its start (<see cref="CanRead"/>).</param>
    /// <param name="layout">The columns.</param>
    /// <param name="builder">Receives the ratings, tagged with their line numbers.</param>
    /// <param name="knownUsers">The fixed user ids, or <see langword="null"/> when the builder collects them.</param>
    /// <param name="knownItems">The fixed item ids, or <see langword="null"/> when the builder collects them.</param>
    /// <param name="keepTimestamps">Whether parsed timestamps are stored.</param>
    /// <param name="userCache">The numeric user-id cache shared with the general loop.</param>
    /// <param name="itemCache">The numeric item-id cache shared with the general loop.</param>
    /// <param name="headerPending">Whether the header is still to be skipped; cleared once it is.</param>
    /// <returns>The number of ratings added.</returns>
    public static int Read(
        LineReader reader,
        in RatingsLayout layout,
        RatingsDatasetBuilder builder,
        IdMap? knownUsers,
        IdMap? knownItems,
        bool keepTimestamps,
        NumericIdCache userCache,
        NumericIdCache itemCache,
        ref bool headerPending)
    {
        TextDecoder decoder = reader.Decoder;
        var state = new LineState(reader, layout, builder, knownUsers, knownItems, keepTimestamps && layout.TimestampColumn >= 0, userCache, itemCache);
        bool quoted = reader.Quoted;
        int added = 0;
        int resume = 0; // bytes at the start of the buffer already known to be safe and without '\n'
        while (true)
        {
            ReadOnlySpan<byte> data = decoder.BufferedBytes;
            bool end = decoder.StreamEnded;

            // Lines are taken only from the safe prefix: ASCII, and no quote in quoted mode.
            int safe = data[resume..].IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            safe = safe < 0 ? data.Length : resume + safe;
            if (quoted)
            {
                int quote = data[resume..safe].IndexOf((byte)'"');
                safe = quote < 0 ? safe : resume + quote;
            }

            int pos = 0, lines = 0;
            bool stop = false;
            int scanFrom = resume;
            while (true)
            {
                int nl = data[scanFrom..safe].IndexOf((byte)'\n');
                int next;
                ReadOnlySpan<byte> line;
                if (nl >= 0)
                {
                    line = data[pos..(scanFrom + nl)];
                    next = scanFrom + nl + 1;
                }
                else if (safe < data.Length)
                {
                    stop = true; // this line holds a non-ASCII byte or a quote
                    break;
                }
                else if (!end || pos == data.Length)
                {
                    break; // need more bytes, or done
                }
                else
                {
                    line = data[pos..]; // the last line, without a line break
                    next = data.Length;
                }

                if (!line.IsEmpty && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                if (!line.IsEmpty)
                {
                    if (headerPending)
                    {
                        if (!IsBlank(line))
                        {
                            if (!HeaderMatches(reader, line, layout.Header))
                            {
                                stop = true;
                                break;
                            }

                            headerPending = false;
                        }
                    }
                    else if (state.TryAdd(line, reader.LinesRead + lines + 1))
                    {
                        added++;
                    }
                    else if (!IsBlank(line))
                    {
                        stop = true;
                        break;
                    }
                }

                pos = next;
                scanFrom = next;
                lines++;
            }

            decoder.SkipBytes(pos);
            reader.CountSkippedLines(lines, pos);
            if (stop || (end && decoder.BufferedBytes.IsEmpty))
            {
                return added;
            }

            resume = safe - pos; // the partial line left is safe and has no line break
            if (!decoder.ReadMoreBytes())
            {
                return added; // a line longer than the buffer: the general path reads it
            }
        }
    }

    /// <summary>Whether a line is white space only (the general loop skips such lines).</summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        // The same test as the general loop's (char.IsWhiteSpace), a block of characters at a time.
        Span<char> chars = stackalloc char[MaxFallbackField];
        while (!line.IsEmpty)
        {
            ReadOnlySpan<byte> block = line[..Math.Min(line.Length, chars.Length)];
            Ascii.ToUtf16(block, chars, out int written);
            if (!chars[..written].IsWhiteSpace())
            {
                return false;
            }

            line = line[block.Length..];
        }

        return true;
    }

    private static bool HeaderMatches(LineReader reader, ReadOnlySpan<byte> line, string? expected)
    {
        char[] chars = new char[line.Length];
        Ascii.ToUtf16(line, chars, out _);
        return RatingsParser.HeaderMatches(reader, chars, expected, out _);
    }

    /// <summary>The per-source state of the fast path: the columns, the separator's bytes, the id maps and caches.</summary>
    private sealed class LineState
    {
        private readonly byte[] _kinds;
        private readonly byte[] _separator;
        private readonly byte _separator0;
        private readonly bool _exact;
        private readonly RatingsDatasetBuilder _builder;
        private readonly IdMap? _knownUsers;
        private readonly IdMap? _knownItems;
        private readonly bool _keepTimestamps;
        private readonly NumericIdCache _userCache;
        private readonly NumericIdCache _itemCache;

        public LineState(LineReader reader, in RatingsLayout layout, RatingsDatasetBuilder builder, IdMap? knownUsers, IdMap? knownItems, bool keepTimestamps, NumericIdCache userCache, NumericIdCache itemCache)
        {
            _kinds = new byte[layout.FieldCount];
            _kinds[layout.UserColumn] = User;
            _kinds[layout.ItemColumn] = Item;
            _kinds[layout.RatingColumn] = Value;
            if (layout.TimestampColumn >= 0)
            {
                _kinds[layout.TimestampColumn] = Time;
            }

            _separator = Encoding.ASCII.GetBytes(reader.Separator);
            _separator0 = _separator[0];
            _exact = layout.ExactFieldCount;
            _builder = builder;
            _knownUsers = knownUsers;
            _knownItems = knownItems;
            _keepTimestamps = keepTimestamps;
            _userCache = userCache;
            _itemCache = itemCache;
        }

        /// <summary>Adds the rating of a non-empty line, or returns false (adding nothing) when the line is for the general path.</summary>
        public bool TryAdd(ReadOnlySpan<byte> line, int lineNumber)
        {
            // Where the ids are: a cacheable number (>= 0), or -1 with the field's range for the general resolution.
            int userNumber = -1, itemNumber = -1;
            int userStart = 0, userEnd = 0, itemStart = 0, itemEnd = 0;
            float value = 0;
            long time = 0;
            ReadOnlySpan<byte> separator = _separator;
            byte[] kinds = _kinds;
            int p = 0;
            for (int c = 0; c < kinds.Length; c++)
            {
                if (p > line.Length)
                {
                    return false; // fewer fields than the layout's
                }

                int start = p;
                byte kind = kinds[c];
                int end;
                if (kind == Skip)
                {
                    int k = line[p..].IndexOf(separator);
                    end = k < 0 ? line.Length : p + k;
                }
                else
                {
                    // Digits, then (a rating) an optional '.' and digits; the field must end there.
                    ulong whole = 0;
                    int q = p;
                    while (q < line.Length && q - p < 19)
                    {
                        uint d = (uint)(line[q] - '0');
                        if (d > 9)
                        {
                            break;
                        }

                        whole = (whole * 10) + d;
                        q++;
                    }

                    int digits = q - p;
                    int decimals = -1;
                    uint fraction = 0;
                    if (kind == Value && q < line.Length && line[q] == (byte)'.')
                    {
                        q++;
                        decimals = 0;
                        while (q < line.Length && (uint)(line[q] - '0') <= 9 && decimals < 2)
                        {
                            fraction = (uint)(line[q] - '0');
                            decimals++;
                            q++;
                        }
                    }

                    bool plain = q == line.Length || (line[q] == _separator0 && line[q..].StartsWith(separator));
                    end = q;
                    if (!plain)
                    {
                        int k = line[p..].IndexOf(separator);
                        end = k < 0 ? line.Length : p + k;
                    }

                    switch (kind)
                    {
                        case User:
                            userStart = start;
                            userEnd = end;
                            userNumber = plain && IsCanonicalId(line, p, digits, whole) ? (int)whole : -1;
                            break;
                        case Item:
                            itemStart = start;
                            itemEnd = end;
                            itemNumber = plain && IsCanonicalId(line, p, digits, whole) ? (int)whole : -1;
                            break;
                        case Value:
                            if (plain && digits is > 0 and <= 5 && decimals == 1)
                            {
                                value = (float)((whole * 10) + fraction) / 10f; // exact numerator, one correctly rounded division
                            }
                            else if (plain && digits is > 0 and <= 7 && decimals < 0)
                            {
                                value = whole;
                            }
                            else if (!TryParseRating(line[start..end], out value))
                            {
                                return false;
                            }

                            break;
                        default:
                            if (plain && digits is > 0 and <= 18)
                            {
                                time = (long)whole;
                            }
                            else if (!TryParseInt64(line[start..end], out time))
                            {
                                return false;
                            }

                            break;
                    }
                }

                p = end + separator.Length; // past the separator, or past the end when the line ended
                if (end == line.Length && c + 1 < kinds.Length)
                {
                    return false; // fewer fields than the layout's
                }
            }

            if (_exact && p <= line.Length)
            {
                return false; // more fields than the layout's
            }

            // Fixed sides first; an open side only once the line is accepted, as the general loop does.
            int u = 0, i = 0;
            if (_knownUsers is not null && (u = ResolveId(line, userNumber, userStart, userEnd, _userCache, _knownUsers, isUser: true)) < 0)
            {
                return false;
            }

            if (_knownItems is not null && (i = ResolveId(line, itemNumber, itemStart, itemEnd, _itemCache, _knownItems, isUser: false)) < 0)
            {
                return false;
            }

            if (_knownUsers is null && !IsResolvable(line, userNumber, userStart, userEnd))
            {
                return false;
            }

            if (_knownItems is null && !IsResolvable(line, itemNumber, itemStart, itemEnd))
            {
                return false;
            }

            if (_knownUsers is null && (userNumber < 0 || (u = _userCache.Get(userNumber)) < 0))
            {
                u = ResolveId(line, userNumber, userStart, userEnd, _userCache, null, isUser: true);
            }

            if (_knownItems is null && (itemNumber < 0 || (i = _itemCache.Get(itemNumber)) < 0))
            {
                i = ResolveId(line, itemNumber, itemStart, itemEnd, _itemCache, null, isUser: false);
            }

            _builder.AddTagged(u, i, value, _keepTimestamps ? time : null, lineNumber);
            return true;
        }

        /// <summary>A canonical decimal id the cache takes: 1 to 7 digits, no leading zero, at most <see cref="NumericIdCache.MaxId"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsCanonicalId(ReadOnlySpan<byte> line, int start, int digits, ulong value) =>
            digits is > 0 and <= 7 && (line[start] != (byte)'0' || digits == 1) && value <= NumericIdCache.MaxId;

        /// <summary>Whether an open side's id can be added: a number, or a field that is not blank (the general loop refuses a blank id).</summary>
        private static bool IsResolvable(ReadOnlySpan<byte> line, int number, int start, int end)
        {
            if (number >= 0)
            {
                return true;
            }

            ReadOnlySpan<byte> field = line[start..end];
            return field.Length <= MaxFallbackField && !IsBlank(field);
        }

        /// <summary>The id's index as the general loop resolves it (through the cache when numeric), or -1 (unknown to a fixed side, or a field for the general path).</summary>
        private int ResolveId(ReadOnlySpan<byte> line, int number, int start, int end, NumericIdCache cache, IdMap? known, bool isUser)
        {
            if (number >= 0)
            {
                int index = cache.Get(number);
                if (index >= 0)
                {
                    return index;
                }
            }

            ReadOnlySpan<byte> field = line[start..end];
            if (field.Length > MaxFallbackField)
            {
                return -1;
            }

            Span<char> chars = stackalloc char[field.Length];
            Ascii.ToUtf16(field, chars, out _);
            ReadOnlySpan<char> id = chars.Trim();
            return id.IsEmpty ? -1 : RatingsParser.Resolve(id, cache, known, _builder, isUser);
        }

        private static bool TryParseRating(ReadOnlySpan<byte> field, out float value)
        {
            value = 0;
            if (field.Length > MaxFallbackField)
            {
                return false;
            }

            Span<char> chars = stackalloc char[field.Length];
            Ascii.ToUtf16(field, chars, out _);
            return FieldParser.TryParseRating(chars, out value);
        }

        private static bool TryParseInt64(ReadOnlySpan<byte> field, out long value)
        {
            value = 0;
            if (field.Length > MaxFallbackField)
            {
                return false;
            }

            Span<char> chars = stackalloc char[field.Length];
            Ascii.ToUtf16(field, chars, out _);
            return FieldParser.TryParseInt64(chars, out value);
        }
    }
}
