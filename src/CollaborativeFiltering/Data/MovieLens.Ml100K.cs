using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>MovieLens 100k: <c>u.data</c>, <c>u.item</c>, <c>u.user</c>, <c>u.genre</c>.</content>
public static partial class MovieLens
{
    private const string FileU100KItems = "u.item";
    private const string FileU100KUsers = "u.user";
    private const string FileU100KGenres = "u.genre";

    /// <summary>The 100k's columns: user, item, rating, timestamp, tab-separated, no header.</summary>
    private static readonly RatingsLayout Layout100K = new(0, 1, 2, 3, 4, ExactFieldCount: true, HasHeader: false);

    /// <summary>The 19 genre flag columns of <c>u.item</c>, in order, used when there is no <c>u.genre</c>.</summary>
    private static readonly string[] Genres100K = MovieLensGenreNames.Ml100K;

    /// <summary>The 100k's files: tab-separated ratings, '|'-separated metadata (Latin-1 in the release).</summary>
    private static readonly Release Release100K = new(
        MovieLensFormat.Ml100K, FileU100KData, "MovieLens 100k ratings", Layout100K, RatingsSeparator: "\t", MetadataSeparator: "|", Quoted: false,
        FileU100KItems, ReadItems100K, Genres100K, FileU100KUsers, ReadUsers100K, FileU100KGenres, ReadGenres100K);

    /// <summary>
    /// Loads MovieLens 100k from its folder: the ratings of <c>u.data</c> over the catalogue of
    /// <c>u.user</c> (943 users) and <c>u.item</c> (1682 items), with genres named by <c>u.genre</c>.
    /// The metadata files are optional: a side without one takes its ids from <c>u.data</c>.
    /// Release dates are read as <c>dd-MMM-yyyy</c> or <c>d-MMM-yyyy</c> (the release has both) and
    /// may be empty (item 267, "unknown"); <c>u.item</c> may be Latin-1 (as released) or UTF-8.
    /// </summary>
    /// <param name="directory">The <c>ml-100k</c> folder, or a folder holding exactly one <c>ml-*</c> folder that has <c>u.data</c>.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the files.</param>
    /// <returns>The ratings; <see cref="ItemInfo.ReleaseDate"/> and <see cref="ItemInfo.Year"/> come from the release date (else a "(1995)" title suffix), genres from the flags.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>u.data</c> is not there.</exception>
    /// <exception cref="RatingsFormatException">A file is malformed, a rating names an id missing from <c>u.user</c>/<c>u.item</c> under <see cref="UnknownIdPolicy.Reject"/>, a metadata value cannot be used under <see cref="MovieLensLoadOptions.StrictMetadata"/>, or a pair is rated twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or streams), so no call is ambiguous.")]
    public static RatingsDataset Load100K(string directory, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        LoadFromFolder(Release100K, directory, options, cancellationToken);

    /// <summary>
    /// Loads MovieLens 100k from streams (left open): <c>u.data</c>, and optionally <c>u.item</c>
    /// and <c>u.user</c>. Genres are named by the release's 19 flag columns (unknown, Action, …,
    /// Western). Error messages name a <see cref="FileStream"/> by its path, any other stream by the
    /// release's file name (<c>u.data</c>, <c>u.item</c>, <c>u.user</c>).
    /// </summary>
    /// <param name="ratings">The <c>u.data</c> bytes.</param>
    /// <param name="items">The <c>u.item</c> bytes (Latin-1 or UTF-8, told apart by content), or <see langword="null"/> to take the items from the ratings.</param>
    /// <param name="users">The <c>u.user</c> bytes, or <see langword="null"/> to take the users from the ratings.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the streams.</param>
    /// <returns>The ratings over the catalogue.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A stream cannot be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="RatingsFormatException">A stream is malformed, a rating names an unknown id under <see cref="UnknownIdPolicy.Reject"/>, a metadata value cannot be used under <see cref="MovieLensLoadOptions.StrictMetadata"/>, or a pair is rated twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or streams), so no call is ambiguous.")]
    public static RatingsDataset Load100K(Stream ratings, Stream? items, Stream? users, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        LoadFromStreams(Release100K, ratings, items, users, options, cancellationToken);

    /// <summary><c>u.genre</c>: "name|index" lines, indices 0, 1, 2, … in order.</summary>
    private static string[] ReadGenres100K(LineReader reader)
    {
        var names = new List<string>();
        while (reader.ReadNonBlank(out ReadOnlySpan<char> line))
        {
            FieldCursor f = reader.Fields(line);
            string? name = null;
            ReadOnlySpan<char> index = default;
            int n = 0;
            while (f.MoveNext())
            {
                if (++n == 1)
                {
                    name = f.Current.Trim().ToString();
                }
                else if (n == 2)
                {
                    index = f.Current;
                }
            }

            RatingsParser.CheckFieldCount(reader, n, 2);
            if (name!.Length == 0)
            {
                reader.Fail(1, "expected a genre name, found an empty field.");
            }

            if (!FieldParser.TryParseInt32(index, out int k) || k != names.Count)
            {
                reader.Fail(2, string.Create(CultureInfo.InvariantCulture, $"expected the genre index {names.Count} (genres are listed in flag-column order), found {FieldParser.Describe(index)}."));
            }

            names.Add(name);
        }

        if (names.Count == 0)
        {
            reader.FailAt(reader.LinesRead + 1, 1, "expected a 'name|index' genre line, found the end of the file: there are no genres.");
        }

        return [.. names];
    }

    /// <summary>
    /// <c>u.item</c>: id|title|release date|video release date|IMDb URL|one 0/1 flag per genre. The
    /// title is kept as written; a date or flag that cannot be read is unknown (a flag: not set),
    /// through <paramref name="recorder"/>.
    /// </summary>
    private static ItemTable ReadItems100K(LineReader reader, IReadOnlyList<string> genres, LoadRecorder recorder)
    {
        int fieldCount = 5 + genres.Count;
        var ids = new MetadataIds();
        var infos = new List<ItemInfo>();
        var flags = new bool[genres.Count];
        while (reader.ReadNonBlank(out ReadOnlySpan<char> line))
        {
            FieldCursor f = reader.Fields(line);
            string id = string.Empty, title = string.Empty;
            DateOnly? released = null;
            int n = 0, flagged = 0;
            while (f.MoveNext())
            {
                int c = n++;
                ReadOnlySpan<char> v = f.Current;
                switch (c)
                {
                    case 0:
                        id = RequireId(f, "item");
                        break;
                    case 1:
                        title = v.ToString();
                        break;
                    case 2:
                        released = ParseReleaseDate(reader, f, recorder);
                        break;
                    case 3 or 4:
                        break; // video release date, IMDb URL
                    default:
                        if (c < fieldCount)
                        {
                            bool on = ParseFlag(reader, f, genres[c - 5], recorder);
                            flags[c - 5] = on;
                            flagged += on ? 1 : 0;
                        }

                        break;
                }
            }

            RatingsParser.CheckFieldCount(reader, n, fieldCount);
            ids.Add(reader, id, "item");
            string[] itemGenres = flagged == 0 ? [] : new string[flagged];
            for (int g = 0, w = 0; g < flags.Length && w < flagged; g++)
            {
                if (flags[g])
                {
                    itemGenres[w++] = genres[g];
                }
            }

            int? year = released?.Year ?? FieldParser.YearFromTitle(title);
            infos.Add(new ItemInfo(id, title, released, year, itemGenres));
        }

        if (infos.Count == 0)
        {
            reader.FailAt(reader.LinesRead + 1, 1, "expected an item line, found the end of the file: there are no items.");
        }

        return new ItemTable(ids.Build(), [.. infos], genres, reader.Source);
    }

    /// <summary><c>u.user</c>: id|age|sex|occupation|zip code.</summary>
    private static UserTable ReadUsers100K(LineReader reader, LoadRecorder recorder) => ReadUserLines(reader, recorder, ageColumn: 1, occupationCodes: false);

    /// <summary>
    /// User lines of the 100k and 1M layouts: id, then age and sex (in the order <paramref name="ageColumn"/>
    /// gives, 1 or 2), occupation (a name, or a 1M code when <paramref name="occupationCodes"/>), zip
    /// code. Sex, occupation names and zip codes are opaque text (a zip code may be <c>T8H1N</c> or
    /// <c>98107-2117</c>); an age or occupation code that cannot be read is unknown, through <paramref name="recorder"/>.
    /// </summary>
    private static UserTable ReadUserLines(LineReader reader, LoadRecorder recorder, int ageColumn, bool occupationCodes)
    {
        int sexColumn = 3 - ageColumn;
        var ids = new MetadataIds();
        var infos = new List<UserInfo>();
        var pool = new StringPool();
        while (reader.ReadNonBlank(out ReadOnlySpan<char> line))
        {
            FieldCursor f = reader.Fields(line);
            string id = string.Empty;
            string? sex = null, occupation = null, zip = null;
            int? age = null;
            int n = 0;
            while (f.MoveNext())
            {
                ReadOnlySpan<char> v = f.Current.Trim();
                int c = n++;
                if (c == 0)
                {
                    id = RequireId(f, "user");
                }
                else if (c == ageColumn)
                {
                    age = occupationCodes ? ParseAgeCode(reader, f, recorder) : ParseAge(reader, f, recorder);
                }
                else if (c == sexColumn)
                {
                    sex = v.IsEmpty ? null : pool.Get(v);
                }
                else if (c == 3)
                {
                    occupation = occupationCodes ? ParseOccupation(reader, f, recorder) : v.IsEmpty ? null : pool.Get(v);
                }
                else if (c == 4)
                {
                    zip = v.IsEmpty ? null : v.ToString();
                }
            }

            RatingsParser.CheckFieldCount(reader, n, 5);
            ids.Add(reader, id, "user");
            infos.Add(new UserInfo(id, age, sex, occupation, zip));
        }

        if (infos.Count == 0)
        {
            reader.FailAt(reader.LinesRead + 1, 1, "expected a user line, found the end of the file: there are no users.");
        }

        return new UserTable(ids.Build(), [.. infos], reader.Source);
    }

    /// <summary>The current field as a release date (<c>dd-MMM-yyyy</c> or <c>d-MMM-yyyy</c>), <see langword="null"/> when empty or unusable.</summary>
    private static DateOnly? ParseReleaseDate(LineReader reader, FieldCursor f, LoadRecorder recorder)
    {
        ReadOnlySpan<char> v = f.Current.Trim();
        if (v.IsEmpty)
        {
            return null;
        }

        if (FieldParser.TryParseReleaseDate(v, out DateOnly date))
        {
            return date;
        }

        recorder.Unusable(reader, f.Column, $"expected a release date like 01-Jan-1995 or 4-Feb-1971, or an empty field, found {FieldParser.Describe(v)}.");
        return null;
    }

    /// <summary>The current field as a genre flag: <see langword="true"/> for 1; <see langword="false"/> for 0 and, through <paramref name="recorder"/>, for anything else.</summary>
    private static bool ParseFlag(LineReader reader, FieldCursor f, string genre, LoadRecorder recorder)
    {
        ReadOnlySpan<char> v = f.Current.Trim();
        if (v.Length == 1 && v[0] is '0' or '1')
        {
            return v[0] == '1';
        }

        recorder.Unusable(reader, f.Column, $"expected the genre flag 0 or 1 for '{genre}', found {FieldParser.Describe(f.Current)}.");
        return false;
    }

    /// <summary>The current field as a non-empty id (trimmed).</summary>
    private static string RequireId(FieldCursor f, string kind)
    {
        ReadOnlySpan<char> v = f.Current.Trim();
        if (v.IsEmpty)
        {
            f.Fail(RatingsParser.EmptyIdProblem(kind));
        }

        return f.CurrentHasEscapes ? f.CurrentString().Trim() : v.ToString();
    }

    /// <summary>The current field as an age in years (0 to <see cref="MaxAge"/>), <see langword="null"/> when empty or unusable.</summary>
    private static int? ParseAge(LineReader reader, FieldCursor f, LoadRecorder recorder)
    {
        ReadOnlySpan<char> v = f.Current.Trim();
        if (v.IsEmpty)
        {
            return null;
        }

        if (FieldParser.TryParseInt32(v, out int age) && age is >= 0 and <= MaxAge)
        {
            return age;
        }

        recorder.Unusable(reader, f.Column, string.Create(CultureInfo.InvariantCulture, $"expected an age (a whole number from 0 to {MaxAge}), found {FieldParser.Describe(v)}."));
        return null;
    }

    /// <summary>The oldest age read as one.</summary>
    private const int MaxAge = 130;
}
