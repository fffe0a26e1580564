using System.Globalization;
using System.Runtime.CompilerServices;

namespace CollaborativeFiltering.Internal;

/// <summary>Allocation-free parsing of field values (invariant culture), with fast paths for the common MovieLens shapes.</summary>
internal static class FieldParser
{
    /// <summary>Parses a rating: a finite number ("4", "3.5", "4.0e0"; NaN and infinities are refused).</summary>
    /// <param name="s">The field.</param>
    /// <param name="value">The rating.</param>
    /// <returns><see langword="true"/> when the field is a finite number.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseRating(ReadOnlySpan<char> s, out float value)
    {
        if (s.Length == 1)
        {
            uint d = (uint)(s[0] - '0');
            if (d <= 9)
            {
                value = d;
                return true;
            }
        }
        else if (s.Length == 3 && s[1] == '.')
        {
            uint a = (uint)(s[0] - '0'), b = (uint)(s[2] - '0');
            if (a <= 9 && b <= 9)
            {
                value = ((a * 10) + b) / 10f; // one correctly rounded division: the same float as float.Parse
                return true;
            }
        }

        return float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
    }

    /// <summary>Parses a 64-bit integer (optional sign, surrounding white space allowed).</summary>
    /// <param name="s">The field.</param>
    /// <param name="value">The integer.</param>
    /// <returns><see langword="true"/> when the field is an integer in range.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseInt64(ReadOnlySpan<char> s, out long value)
    {
        if (s.Length is > 0 and <= 18)
        {
            long v = 0;
            int i = 0;
            for (; i < s.Length; i++)
            {
                uint d = (uint)(s[i] - '0');
                if (d > 9)
                {
                    break;
                }

                v = (v * 10) + d;
            }

            if (i == s.Length)
            {
                value = v;
                return true;
            }
        }

        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses a 32-bit integer (optional sign, surrounding white space allowed).</summary>
    /// <param name="s">The field.</param>
    /// <param name="value">The integer.</param>
    /// <returns><see langword="true"/> when the field is an integer in range.</returns>
    public static bool TryParseInt32(ReadOnlySpan<char> s, out int value) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// Parses a MovieLens 100k release date: a day of one or two digits, a three-letter English month
    /// in any case, a four-digit year, separated by '-' (<c>01-Jan-1995</c>, <c>4-Feb-1971</c>).
    /// </summary>
    /// <param name="s">The field, trimmed.</param>
    /// <param name="date">The date.</param>
    /// <returns><see langword="true"/> when the field is such a date and the day exists in that month.</returns>
    public static bool TryParseReleaseDate(ReadOnlySpan<char> s, out DateOnly date)
    {
        date = default;
        int dash = s.IndexOf('-');
        if (dash is < 1 or > 2 || s.Length != dash + 9 || s[dash + 4] != '-')
        {
            return false;
        }

        int day = 0;
        foreach (char c in s[..dash])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            day = (day * 10) + (c - '0');
        }

        int year = 0;
        foreach (char c in s[(dash + 5)..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            year = (year * 10) + (c - '0');
        }

        int month = MonthOf(s.Slice(dash + 1, 3));
        if (month == 0 || year == 0 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>1–12 for an English three-letter month abbreviation (any case), else 0.</summary>
    private static int MonthOf(ReadOnlySpan<char> name)
    {
        ReadOnlySpan<string> months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
        for (int m = 0; m < months.Length; m++)
        {
            if (name.Equals(months[m], StringComparison.OrdinalIgnoreCase))
            {
                return m + 1;
            }
        }

        return 0;
    }

    /// <summary>The year of a "(1995)" suffix of a title (trailing white space ignored; "(2006–2007)" gives 2006), or <see langword="null"/>.</summary>
    /// <param name="title">The title.</param>
    /// <returns>The year or <see langword="null"/>.</returns>
    public static int? YearFromTitle(ReadOnlySpan<char> title)
    {
        title = title.TrimEnd();
        if (title.Length < 6 || title[^1] != ')')
        {
            return null;
        }

        int open = title.LastIndexOf('(');
        if (open < 0)
        {
            return null;
        }

        ReadOnlySpan<char> inner = title[(open + 1)..^1];
        if (inner.Length < 4)
        {
            return null;
        }

        for (int i = 0; i < 4; i++)
        {
            if (!char.IsAsciiDigit(inner[i]))
            {
                return null;
            }
        }

        if (inner.Length > 4 && inner[4] is not ('-' or '\u2013'))
        {
            return null;
        }

        return int.Parse(inner[..4], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>A field as quoted in an error message: <c>'abc'</c>, shortened when long, or "an empty field".</summary>
    /// <param name="s">The field.</param>
    /// <returns>The description.</returns>
    public static string Describe(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return "an empty field";
        }

        const int Max = 40;
        return s.Length <= Max ? $"'{s}'" : $"'{s[..Max]}…' ({s.Length.ToString(CultureInfo.InvariantCulture)} characters)";
    }

    /// <summary>"an" before a word starting with a, e, i or o ("an item"), else "a" ("a user").</summary>
    /// <param name="word">The word that follows.</param>
    /// <returns>The article.</returns>
    public static string Article(string word) => word.Length > 0 && "aeioAEIO".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    /// <summary>A separator as written in messages: tabs shown as <c>\t</c>.</summary>
    /// <param name="separator">The separator.</param>
    /// <returns>The printable form.</returns>
    public static string Printable(string separator) => separator.Replace("\t", "\\t", StringComparison.Ordinal);
}
