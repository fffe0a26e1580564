using System.Globalization;
using System.Runtime.CompilerServices;

namespace CollaborativeFiltering.Data.Parsing;

/// <summary>Where the fields of a ratings line are (0-based columns).</summary>
/// <param name="UserColumn">The user id's column.</param>
/// <param name="ItemColumn">The item id's column.</param>
/// <param name="RatingColumn">The rating's column.</param>
/// <param name="TimestampColumn">The timestamp's column, or -1 when there is none.</param>
/// <param name="FieldCount">The number of fields a line has (exactly, or at least when <paramref name="ExactFieldCount"/> is false).</param>
/// <param name="ExactFieldCount">Whether more fields than <paramref name="FieldCount"/> is an error.</param>
/// <param name="HasHeader">Whether the first non-blank line is a header to skip.</param>
/// <param name="Header">When set, the header the release writes (e.g. "userId,movieId,rating,timestamp"): the header's first field must match its first name (ignoring case), so that a file without a header does not silently lose its first rating.</param>
internal readonly record struct RatingsLayout(int UserColumn, int ItemColumn, int RatingColumn, int TimestampColumn, int FieldCount, bool ExactFieldCount, bool HasHeader, string? Header = null);

/// <summary>
/// The one ratings-line loop shared by every loader (MovieLens 100k/1M/latest, generic delimited):
/// reads records from a <see cref="LineReader"/>, resolves ids without allocating for known ids,
/// parses rating and timestamp from spans and adds tagged (line-numbered) entries to a builder.
/// This is the entry point to benchmark.
/// </summary>
internal static class RatingsParser
{
    /// <summary>Reads every rating line of <paramref name="reader"/> into <paramref name="builder"/>.</summary>
    /// <param name="reader">The source, positioned at its start.</param>
    /// <param name="layout">The columns.</param>
    /// <param name="builder">Receives the ratings, tagged with their line numbers.</param>
    /// <param name="knownUsers">When given, user ids must be in this map (its indices are used); else the builder resolves them.</param>
    /// <param name="usersOrigin">Where <paramref name="knownUsers"/> came from, for messages ("u.user").</param>
    /// <param name="knownItems">When given, item ids must be in this map (its indices are used); else the builder resolves them.</param>
    /// <param name="itemsOrigin">Where <paramref name="knownItems"/> came from, for messages ("u.item").</param>
    /// <param name="keepTimestamps">Whether parsed timestamps are stored.</param>
    /// <param name="unknownIds">What a well-formed line whose id is missing from a known map gets: an error, or skipped (counted in <paramref name="skipped"/>).</param>
    /// <param name="skipped">The lines skipped under <see cref="UnknownIdPolicy.Skip"/>.</param>
    /// <returns>The number of ratings read (at least one).</returns>
    /// <exception cref="RatingsFormatException">A line is malformed, an id is unknown under <see cref="UnknownIdPolicy.Reject"/>, or there is no rating at all.</exception>
    public static int Read(
        LineReader reader,
        in RatingsLayout layout,
        RatingsDatasetBuilder builder,
        IdMap? knownUsers,
        string usersOrigin,
        IdMap? knownItems,
        string itemsOrigin,
        bool keepTimestamps,
        UnknownIdPolicy unknownIds,
        out SkippedRatings skipped)
    {
        int uc = layout.UserColumn, ic = layout.ItemColumn, rc = layout.RatingColumn, tc = layout.TimestampColumn;
        int fieldCount = layout.FieldCount;
        bool exact = layout.ExactFieldCount;
        bool skip = unknownIds == UnknownIdPolicy.Skip;
        var userCache = new NumericIdCache();
        var itemCache = new NumericIdCache();
        bool headerPending = layout.HasHeader;
        int added = 0;
        skipped = default;

        // The fast path reads plain ASCII lines from the bytes in place and stops at the first line it
        // does not take (anything unusual, or an error); this loop reads the rest, so every message,
        // and every line the fast path leaves, is this loop's.
        if (reader.AllowAsciiFastPath && AsciiRatingsParser.CanRead(reader))
        {
            added = AsciiRatingsParser.Read(reader, layout, builder, knownUsers, knownItems, keepTimestamps, userCache, itemCache, ref headerPending);
        }

        if (headerPending)
        {
            SkipHeader(reader, layout.Header, "there are no ratings");
        }

        while (reader.ReadNonBlank(out ReadOnlySpan<char> line))
        {
            FieldCursor fields = reader.Fields(line);
            ReadOnlySpan<char> user = default, item = default, rating = default, time = default;
            string? userText = null, itemText = null;
            int n = 0;
            while (fields.MoveNext())
            {
                int c = n++;
                if (c == uc)
                {
                    user = fields.Current;
                    userText = fields.CurrentHasEscapes ? fields.CurrentString() : null;
                }
                else if (c == ic)
                {
                    item = fields.Current;
                    itemText = fields.CurrentHasEscapes ? fields.CurrentString() : null;
                }
                else if (c == rc)
                {
                    rating = fields.Current;
                }
                else if (c == tc)
                {
                    time = fields.Current;
                }

                if (!exact && n == fieldCount)
                {
                    break;
                }
            }

            if (n != fieldCount)
            {
                ThrowFieldCount(reader, n, fieldCount, exact);
            }

            // A side read against a fixed map is resolved first; an open side only once the line is
            // kept, so that a skipped line adds no id to it (an open side's id is -1 only when empty).
            ReadOnlySpan<char> userId = userText is null ? user.Trim() : userText.AsSpan().Trim();
            ReadOnlySpan<char> itemId = itemText is null ? item.Trim() : itemText.AsSpan().Trim();
            int u = knownUsers is null ? (userId.IsEmpty ? -1 : 0) : Resolve(userId, userCache, knownUsers, builder, isUser: true);
            if (u < 0 && !(skip && CanSkip(user, knownUsers)))
            {
                ThrowBadId(reader, uc + 1, "user", user, knownUsers, usersOrigin);
            }

            int i = knownItems is null ? (itemId.IsEmpty ? -1 : 0) : Resolve(itemId, itemCache, knownItems, builder, isUser: false);
            if (i < 0 && !(skip && CanSkip(item, knownItems)))
            {
                ThrowBadId(reader, ic + 1, "item", item, knownItems, itemsOrigin);
            }

            if (!FieldParser.TryParseRating(rating, out float value))
            {
                reader.Fail(rc + 1, $"expected a finite number for the rating, found {FieldParser.Describe(rating)}.");
            }

            long? timestamp = null;
            if (tc >= 0)
            {
                if (!FieldParser.TryParseInt64(time, out long t))
                {
                    reader.Fail(tc + 1, $"expected an integer timestamp (seconds since 1970-01-01 UTC), found {FieldParser.Describe(time)}.");
                }

                if (keepTimestamps)
                {
                    timestamp = t;
                }
            }

            if ((u | i) < 0)
            {
                skipped = Skip(skipped, reader, u < 0 ? uc + 1 : ic + 1, u < 0 ? "user" : "item", u < 0 ? user : item, u < 0 ? usersOrigin : itemsOrigin);
                continue;
            }

            if (knownUsers is null)
            {
                u = Resolve(userId, userCache, null, builder, isUser: true);
            }

            if (knownItems is null)
            {
                i = Resolve(itemId, itemCache, null, builder, isUser: false);
            }

            builder.AddTagged(u, i, value, timestamp, reader.LineNumber);
            added++;
        }

        if (added == 0)
        {
            string why = skipped.Count == 0 ? "there are no ratings" : string.Create(CultureInfo.InvariantCulture, $"there are no ratings: all {skipped.Count} name an id missing from the catalogue (the first on line {skipped.FirstLine}) and were skipped");
            reader.FailAt(reader.LinesRead + 1, 1, $"expected a rating line, found the end of the file: {why}.");
        }

        return added;
    }

    /// <summary>Skips a header line; when <paramref name="expected"/> is given, checks that the header's first field is its first name.</summary>
    /// <param name="reader">The source, at its start.</param>
    /// <param name="expected">The release's header, or <see langword="null"/> to accept any.</param>
    /// <param name="whenEmpty">What an empty source means, for the message.</param>
    /// <exception cref="RatingsFormatException">The source is empty or the header is not the expected one.</exception>
    public static void SkipHeader(LineReader reader, string? expected, string whenEmpty)
    {
        string shown = expected is null ? "a header line" : $"the header line '{expected}'";
        if (!reader.ReadNonBlank(out ReadOnlySpan<char> header))
        {
            reader.FailAt(reader.LinesRead + 1, 1, $"expected {shown}, found the end of the file: {whenEmpty}.");
        }

        if (!HeaderMatches(reader, header, expected, out ReadOnlySpan<char> first))
        {
            reader.Fail(1, $"expected {shown}, found {FieldParser.Describe(first)} (is the header missing?).");
        }
    }

    /// <summary>Whether a header line's first field (trimmed) is the first name of <paramref name="expected"/>, ignoring case; always true when <paramref name="expected"/> is <see langword="null"/>.</summary>
    /// <param name="reader">The reader the line came from (separator, quoting).</param>
    /// <param name="header">The header line.</param>
    /// <param name="expected">The release's header, or <see langword="null"/> to accept any.</param>
    /// <param name="first">The header's first field, trimmed.</param>
    /// <returns>Whether the header is accepted.</returns>
    internal static bool HeaderMatches(LineReader reader, ReadOnlySpan<char> header, string? expected, out ReadOnlySpan<char> first)
    {
        first = default;
        if (expected is null)
        {
            return true;
        }

        FieldCursor fields = reader.Fields(header);
        fields.MoveNext();
        first = fields.Current.Trim();
        int comma = expected.IndexOf(reader.Separator, StringComparison.Ordinal);
        ReadOnlySpan<char> name = comma < 0 ? expected : expected.AsSpan(0, comma);
        return first.Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Builds the dataset, turning a rejected duplicate into an error that names both lines.</summary>
    /// <param name="builder">The builder filled by <see cref="Read"/> from one source.</param>
    /// <param name="source">The source's name.</param>
    /// <param name="itemColumn">The 0-based item column (reported as the duplicate's column).</param>
    /// <param name="cancellationToken">Checked before sorting and before building.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="RatingsFormatException">The policy is <see cref="DuplicatePolicy.Reject"/> and a pair is rated twice.</exception>
    public static RatingsDataset Build(RatingsDatasetBuilder builder, string source, int itemColumn, CancellationToken cancellationToken = default)
    {
        Catalog catalog = builder.CurrentCatalog();
        cancellationToken.ThrowIfCancellationRequested();
        RatingsDatasetBuilder.UserMajorRows rows = Collapse(builder, catalog.UserCount, catalog.ItemCount, source, itemColumn);
        cancellationToken.ThrowIfCancellationRequested();
        return rows.ToDataset(catalog);
    }

    /// <summary>Sorts and deduplicates the builder's ratings, turning a rejected duplicate into an error that names both lines.</summary>
    /// <param name="builder">The builder filled by <see cref="Read"/> from one source.</param>
    /// <param name="userCount">The number of users so far.</param>
    /// <param name="itemCount">The number of items so far.</param>
    /// <param name="source">The source's name.</param>
    /// <param name="itemColumn">The 0-based item column (reported as the duplicate's column).</param>
    /// <returns>The user-major rows, to build over the final catalogue.</returns>
    /// <exception cref="RatingsFormatException">The policy is <see cref="DuplicatePolicy.Reject"/> and a pair is rated twice.</exception>
    public static RatingsDatasetBuilder.UserMajorRows Collapse(RatingsDatasetBuilder builder, int userCount, int itemCount, string source, int itemColumn)
    {
        if (!builder.TryCollapse(userCount, itemCount, out RatingsDatasetBuilder.UserMajorRows rows, out int first, out int second))
        {
            int firstLine = builder.TagOf(first), secondLine = builder.TagOf(second);
            throw new RatingsFormatException(source, secondLine, itemColumn + 1, string.Create(CultureInfo.InvariantCulture,
                $"expected each (user, item) pair to be rated once, but this line rates the same user and item as line {firstLine}; set Duplicates to DuplicatePolicy.KeepLast or DuplicatePolicy.Average to accept repeated ratings."));
        }

        return rows;
    }

    /// <summary>Whether an unresolved id may be skipped: it is not empty (that is a malformed line) and was looked up in a fixed map.</summary>
    private static bool CanSkip(ReadOnlySpan<char> id, IdMap? known) => known is not null && !id.Trim().IsEmpty;

    /// <summary>Counts one more skipped line, keeping the first one's location and id.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SkippedRatings Skip(in SkippedRatings soFar, LineReader reader, int column, string kind, ReadOnlySpan<char> id, string origin) =>
        soFar.Count > 0
            ? soFar with { Count = soFar.Count + 1 }
            : new SkippedRatings(1, reader.LineNumber, column, $"{FieldParser.Article(kind)} {kind} id {FieldParser.Describe(id.Trim())} not listed in {origin}");

    /// <summary>The id's dense index, or -1 (empty, or missing from a fixed map); numeric ids go through the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Resolve(ReadOnlySpan<char> id, NumericIdCache cache, IdMap? known, RatingsDatasetBuilder builder, bool isUser)
    {
        if (!NumericIdCache.TryParse(id, out int number))
        {
            return id.IsEmpty ? -1 : ResolveText(id, known, builder, isUser);
        }

        int index = cache.Get(number);
        if (index < 0)
        {
            index = ResolveText(id, known, builder, isUser);
            if (index >= 0)
            {
                cache.Set(number, index);
            }
        }

        return index;
    }

    internal static int ResolveText(ReadOnlySpan<char> id, IdMap? known, RatingsDatasetBuilder builder, bool isUser)
    {
        if (known is not null)
        {
            return known.TryGetIndex(id, out int index) ? index : -1;
        }

        return isUser ? builder.ResolveUser(id) : builder.ResolveItem(id);
    }

    /// <summary>Fails the line unless it has exactly <paramref name="expected"/> fields (the metadata files' check).</summary>
    /// <exception cref="RatingsFormatException"><paramref name="found"/> differs from <paramref name="expected"/>.</exception>
    internal static void CheckFieldCount(LineReader reader, int found, int expected)
    {
        if (found != expected)
        {
            ThrowFieldCount(reader, found, expected, exact: true);
        }
    }

    /// <summary>The message for an empty id field: "expected a user id, found an empty field."</summary>
    internal static string EmptyIdProblem(string kind) => $"expected {FieldParser.Article(kind)} {kind} id, found an empty field.";

    private static void ThrowFieldCount(LineReader reader, int found, int expected, bool exact)
    {
        string sep = FieldParser.Printable(reader.Separator);
        string what = exact
            ? string.Create(CultureInfo.InvariantCulture, $"expected {expected} fields separated by '{sep}', found {found}.")
            : string.Create(CultureInfo.InvariantCulture, $"expected at least {expected} fields separated by '{sep}', found {found}.");
        reader.Fail(Math.Min(found, expected) + 1, what);
    }

    private static void ThrowBadId(LineReader reader, int column, string kind, ReadOnlySpan<char> id, IdMap? known, string origin)
    {
        if (id.Trim().IsEmpty)
        {
            reader.Fail(column, EmptyIdProblem(kind));
        }

        string count = known is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" ({known.Count} {kind}s)");
        reader.Fail(column, $"expected {FieldParser.Article(kind)} {kind} id listed in {origin}{count}, found {FieldParser.Describe(id)}.");
    }
}
