using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data.Parsing;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Writes a dataset in the MovieLens file formats (100k, 1M, latest), so that synthetic data (or a
/// split) can be read back by <see cref="MovieLens"/> or by other tools. Ids are written as they are
/// in the catalogue, ratings in user-major order, numbers in invariant culture, lines ended by
/// '\n'. Each file is written all or nothing: to a temporary file in the same folder, then moved
/// over the destination, so a failure leaves no half-written file (and an older file untouched).
/// Every field is checked before the first file is written.
/// </summary>
/// <remarks>
/// By default the files are plain and load back to the same dataset. <see cref="MovieLensWriterOptions"/>
/// asks for the irregularities of the official files (<see cref="MovieLensWriterOptions.RealShaped"/>)
/// or of copies that circulate (UTF-8 re-encoding, byte-order marks, CRLF, extra lines), to
/// exercise loaders on files shaped like the real ones.
/// </remarks>
public static class MovieLensWriter
{
    private const int CancellationCheckInterval = 1 << 16;
    private const int BufferSize = 1 << 16;
    private const string NoGenresListed = "(no genres listed)";
    private const string Separator1M = "::";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes a MovieLens 100k folder: <c>u.data</c> (user id, item id, rating, timestamp; tab-separated;
    /// timestamp 0 when the dataset has none), <c>u.item</c> (Latin-1, id|title|release date as
    /// dd-MMM-yyyy|empty video date|empty URL|one 0/1 flag per genre), <c>u.user</c>
    /// (id|age|sex|occupation|zip), <c>u.genre</c> (name|index) and, when users have occupations,
    /// <c>u.occupation</c> (one name per line, sorted). When every genre is one of the 19 of
    /// MovieLens 100k, the flags are those 19 in the release's order (unknown, Action, Adventure, …,
    /// Western), 24 fields in all; otherwise they follow the catalogue's genre list, which
    /// <c>u.genre</c> then names. A catalogue without item (user) metadata gets the ids as titles (and
    /// empty user fields), so that loading the folder gives back the same users and items in the same
    /// order.
    /// </summary>
    /// <param name="dataset">The ratings and their catalogue.</param>
    /// <param name="directory">An existing folder; files of the same names are replaced.</param>
    /// <param name="options">The irregularities to write, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Checked every 65,536 lines; a cancelled write leaves the destination as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space, or a field cannot be written in the format (it contains the separator or a line break, or a character outside Latin-1 without <see cref="MovieLensWriterOptions.Utf8"/>); the message names the user or item.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Write100K(RatingsDataset dataset, string directory, MovieLensWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string folder = CheckDirectory(directory);
        var shape = new FileShape(dataset.Catalog, options ?? MovieLensWriterOptions.Default, MovieLensFormat.Ml100K);
        Catalog catalog = dataset.Catalog;
        string[] genres = Genres100K(catalog);
        bool latin1 = !shape.Options.Utf8;
        CheckRatingIds(catalog, '\t', latin1);
        CheckItems100K(shape, genres, latin1);
        CheckUsers100K(shape, latin1);
        string[] occupations = Occupations(catalog);

        using var files = new AtomicFile();
        WriteFile(files, Path.Combine(folder, "u.data"), shape, dataset, static (w, s, d, ct) => WriteRatingLines(w, s, d, MovieLensFormat.Ml100K, appendUnlisted: true, ct), cancellationToken);
        WriteFile(files, Path.Combine(folder, "u.item"), shape, genres, static (w, s, g, ct) => WriteItems100K(w, s, g, ct), cancellationToken);
        WriteFile(files, Path.Combine(folder, "u.user"), shape, catalog, static (w, s, _, ct) => WriteUsers(w, s, MovieLensFormat.Ml100K, ct), cancellationToken);
        WriteFile(files, Path.Combine(folder, "u.genre"), shape, genres, static (w, s, g, _) => WriteGenres100K(w, s, g), cancellationToken);
        if (occupations.Length > 0)
        {
            WriteFile(files, Path.Combine(folder, "u.occupation"), shape, occupations, static (w, s, o, _) => WriteLines(w, s, o), cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        files.Commit();
    }

    /// <summary>
    /// Writes a MovieLens 1M folder ('::'-separated, Latin-1): <c>ratings.dat</c> (user id, item
    /// id, rating, timestamp; timestamp 0 when the dataset has none), <c>movies.dat</c>
    /// (id::title::genres joined by '|', every item of the catalogue) and <c>users.dat</c>
    /// (id::gender::age code::occupation code::zip). Ages are written as the 1M's age codes (the
    /// bracket's: 1 under 18, then 18, 25, 35, 45, 50, 56); occupations as their 1M code (0 to 20),
    /// an occupation outside the 1M's list as 0 ("other or not specified"). A catalogue without
    /// item (user) metadata gets the ids as titles (and empty user fields).
    /// </summary>
    /// <param name="dataset">The ratings and their catalogue.</param>
    /// <param name="directory">An existing folder; files of the same names are replaced.</param>
    /// <param name="options">The irregularities to write, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Checked every 65,536 lines; a cancelled write leaves the destination as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space, a field cannot be written in the format (it contains "::", a line break, ends with ':', a '|' in a genre, or a character outside Latin-1 without <see cref="MovieLensWriterOptions.Utf8"/>), or <see cref="MovieLensWriterOptions.NoneMovieFirstLine"/> is set and an item is "0"; the message names the user or item.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Write1M(RatingsDataset dataset, string directory, MovieLensWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string folder = CheckDirectory(directory);
        var shape = new FileShape(dataset.Catalog, options ?? MovieLensWriterOptions.Default, MovieLensFormat.Ml1M);
        Catalog catalog = dataset.Catalog;
        bool latin1 = !shape.Options.Utf8;
        CheckIds1M(catalog, latin1);
        CheckMovies1M(shape, latin1);
        CheckUsers1M(shape, latin1);

        using var files = new AtomicFile();
        WriteFile(files, Path.Combine(folder, "ratings.dat"), shape, dataset, static (w, s, d, ct) => WriteRatingLines(w, s, d, MovieLensFormat.Ml1M, appendUnlisted: true, ct), cancellationToken);
        WriteFile(files, Path.Combine(folder, "movies.dat"), shape, catalog, static (w, s, _, ct) => WriteMovies1M(w, s, ct), cancellationToken);
        WriteFile(files, Path.Combine(folder, "users.dat"), shape, catalog, static (w, s, _, ct) => WriteUsers(w, s, MovieLensFormat.Ml1M, ct), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        files.Commit();
    }

    /// <summary>
    /// Writes the ratings alone in the layout of a release's ratings file, e.g. a split as
    /// <c>u1.base</c>/<c>u1.test</c>: <see cref="MovieLensFormat.Ml100K"/> as <c>u.data</c>
    /// (tab-separated), <see cref="MovieLensFormat.Ml1M"/> as <c>ratings.dat</c> ('::'),
    /// <see cref="MovieLensFormat.Latest"/> as <c>ratings.csv</c> (header, one decimal); timestamp 0
    /// when the dataset has none. Of the options, only the encoding and line-end ones apply.
    /// </summary>
    /// <param name="dataset">The ratings.</param>
    /// <param name="path">The file to write; its folder must exist. An existing file is replaced.</param>
    /// <param name="format">The release whose ratings layout to write.</param>
    /// <param name="options">The irregularities to write, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Checked every 65,536 lines; a cancelled write leaves the destination as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space or names a folder, or an id cannot be written in the layout.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined value.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void WriteRatings(RatingsDataset dataset, string path, MovieLensFormat format, MovieLensWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Enum.IsDefined(format))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(format), format, "Ml100K, Ml1M or Latest");
        }

        string full = Path.GetFullPath(path);
        if (Path.GetFileName(full).Length == 0 || Directory.Exists(full))
        {
            ThrowHelper.Argument(nameof(path), $"The path '{full}' names a folder; give a file name such as u1.base.");
        }

        CheckDirectoryExists(Path.GetDirectoryName(full)!);
        var shape = new FileShape(dataset.Catalog, options ?? MovieLensWriterOptions.Default, format);
        bool latin1 = format != MovieLensFormat.Latest && !shape.Options.Utf8;
        switch (format)
        {
            case MovieLensFormat.Ml100K:
                CheckRatingIds(dataset.Catalog, '\t', latin1);
                break;
            case MovieLensFormat.Ml1M:
                CheckIds1M(dataset.Catalog, latin1);
                break;
            default:
                CheckRatingIds(dataset.Catalog, null, latin1: false);
                break;
        }

        WriteFile(null, full, shape, (dataset, format), static (w, s, d, ct) => WriteRatingLines(w, s, d.dataset, d.format, appendUnlisted: false, ct), cancellationToken);
    }

    /// <summary>
    /// Writes a MovieLens "latest"-style folder (UTF-8, no byte-order mark): <c>ratings.csv</c>
    /// (header <c>userId,movieId,rating,timestamp</c>; ratings with at least one decimal, e.g. 4.0 and
    /// 3.5; timestamp 0 when the dataset has none) and <c>movies.csv</c> (header
    /// <c>movieId,title,genres</c>; fields with a comma or a quote are quoted as in RFC 4180; genres
    /// joined by '|', "(no genres listed)" when there are none; every item of the catalogue, rated or
    /// not, with its id as title when the catalogue has no item metadata).
    /// </summary>
    /// <param name="dataset">The ratings and their catalogue.</param>
    /// <param name="directory">An existing folder; files of the same names are replaced.</param>
    /// <param name="options">The irregularities to write, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Checked every 65,536 lines; a cancelled write leaves the destination as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space, or a field cannot be written (a line break in an id or title, a '|' in a genre); the message names the user or item.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void WriteLatest(RatingsDataset dataset, string directory, MovieLensWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string folder = CheckDirectory(directory);
        var shape = new FileShape(dataset.Catalog, options ?? MovieLensWriterOptions.Default, MovieLensFormat.Latest);
        Catalog catalog = dataset.Catalog;
        CheckRatingIds(catalog, null, latin1: false);
        CheckMovies(shape);

        using var files = new AtomicFile();
        WriteFile(files, Path.Combine(folder, "ratings.csv"), shape, dataset, static (w, s, d, ct) => WriteRatingLines(w, s, d, MovieLensFormat.Latest, appendUnlisted: true, ct), cancellationToken);
        WriteFile(files, Path.Combine(folder, "movies.csv"), shape, catalog, static (w, s, _, ct) => WriteMovies(w, s, ct), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        files.Commit();
    }

    // ---- checks ----

    private static string CheckDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        CheckDirectoryExists(full);
        return full;
    }

    private static void CheckDirectoryExists(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(File.Exists(directory)
                ? $"'{directory}' is a file, not a folder; give the folder to write the release's files into."
                : $"The folder '{directory}' does not exist; create it before writing.");
        }
    }

    /// <summary>The genre columns of u.item: MovieLens 100k's 19 when every genre is one of them, else the catalogue's list plus any genre only items name.</summary>
    private static string[] Genres100K(Catalog catalog)
    {
        var standard = new HashSet<string>(MovieLensGenreNames.Ml100K, StringComparer.Ordinal);
        bool allStandard = true;
        foreach (string g in catalog.Genres)
        {
            allStandard &= standard.Contains(g);
        }

        foreach (ItemInfo info in catalog.ItemInfos)
        {
            foreach (string g in info.Genres)
            {
                allStandard &= standard.Contains(g);
            }
        }

        if (allStandard)
        {
            return MovieLensGenreNames.Ml100K;
        }

        var list = new List<string>(catalog.Genres);
        var seen = new HashSet<string>(catalog.Genres, StringComparer.Ordinal);
        foreach (ItemInfo info in catalog.ItemInfos)
        {
            foreach (string g in info.Genres)
            {
                if (seen.Add(g))
                {
                    list.Add(g);
                }
            }
        }

        return [.. list];
    }

    /// <summary>The users' occupations for u.occupation, sorted (ordinal); empty when no user has one.</summary>
    private static string[] Occupations(Catalog catalog)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (UserInfo info in catalog.UserInfos)
        {
            if (info.Occupation is { } occupation)
            {
                names.Add(occupation);
            }
        }

        return [.. names];
    }

    private static void CheckRatingIds(Catalog catalog, char? separator, bool latin1)
    {
        foreach (string id in catalog.Users.Ids)
        {
            CheckField(id, separator, latin1, "user", id, "id");
        }

        foreach (string id in catalog.Items.Ids)
        {
            CheckField(id, separator, latin1, "item", id, "id");
        }
    }

    private static void CheckItems100K(FileShape shape, string[] genres, bool latin1)
    {
        foreach (string g in genres)
        {
            CheckField(g, '|', latin1, "genre", g, "name");
        }

        Catalog catalog = shape.Catalog;
        for (int i = 0; i < catalog.ItemCount; i++)
        {
            string id = catalog.Items.Ids[i];
            CheckField(id, '|', latin1, "item", id, "id");
            CheckField(shape.Title(i), '|', latin1, "item", id, "title");
        }
    }

    private static void CheckUsers100K(FileShape shape, bool latin1)
    {
        Catalog catalog = shape.Catalog;
        for (int u = 0; u < catalog.UserCount; u++)
        {
            string id = catalog.Users.Ids[u];
            CheckField(id, '|', latin1, "user", id, "id");
            if (UserInfoAt(catalog, u) is { } info)
            {
                CheckField(info.Sex, '|', latin1, "user", id, "sex");
                CheckField(info.Occupation, '|', latin1, "user", id, "occupation");
                CheckField(shape.ZipCode(u), '|', latin1, "user", id, "zip code");
            }
        }
    }

    private static void CheckIds1M(Catalog catalog, bool latin1)
    {
        foreach (string id in catalog.Users.Ids)
        {
            CheckField1M(id, latin1, "user", id, "id");
        }

        foreach (string id in catalog.Items.Ids)
        {
            CheckField1M(id, latin1, "item", id, "id");
        }
    }

    private static void CheckMovies1M(FileShape shape, bool latin1)
    {
        Catalog catalog = shape.Catalog;
        for (int i = 0; i < catalog.ItemCount; i++)
        {
            string id = catalog.Items.Ids[i];
            CheckField1M(shape.Title(i), latin1, "item", id, "title");
            if (ItemInfoAt(catalog, i) is { } info)
            {
                foreach (string g in info.Genres)
                {
                    CheckField1M(g, latin1, "item", id, "genre");
                    CheckField(g, '|', latin1, "item", id, "genre");
                }
            }
        }

        if (shape.Options.NoneMovieFirstLine && catalog.Items.Contains(NoneMovieId))
        {
            ThrowHelper.Argument("options", $"NoneMovieFirstLine writes a movie '{NoneMovieId}', but the catalogue has an item '{NoneMovieId}' already.");
        }
    }

    private static void CheckUsers1M(FileShape shape, bool latin1)
    {
        Catalog catalog = shape.Catalog;
        for (int u = 0; u < catalog.UserCount; u++)
        {
            if (UserInfoAt(catalog, u) is { } info)
            {
                CheckField1M(info.Sex, latin1, "user", info.Id, "sex");
                CheckField1M(shape.ZipCode(u), latin1, "user", info.Id, "zip code");
            }
        }
    }

    private static void CheckMovies(FileShape shape)
    {
        Catalog catalog = shape.Catalog;
        for (int i = 0; i < catalog.ItemCount; i++)
        {
            string id = catalog.Items.Ids[i];
            CheckField(shape.Title(i), null, latin1: false, "item", id, "title");
            if (ItemInfoAt(catalog, i) is not { } info)
            {
                continue;
            }

            foreach (string g in info.Genres)
            {
                CheckField(g, '|', latin1: false, "item", id, "genre");
                if (g.Length == 0 || g == NoGenresListed)
                {
                    ThrowHelper.Argument("dataset", $"Item '{id}' has the genre '{g}', which movies.csv cannot tell apart from no genre.");
                }
            }
        }
    }

    /// <summary>Throws when a field holds a line break, the separator or (for Latin-1 files) a character above U+00FF.</summary>
    private static void CheckField(string? value, char? separator, bool latin1, string kind, string id, string what)
    {
        if (value is null)
        {
            return;
        }

        foreach (char c in value)
        {
            string? problem = c is '\r' or '\n' ? "a line break"
                : c == separator ? (c == '\t' ? "a tab, the separator" : $"'{c}', the separator")
                : latin1 && c > '\u00FF' ? string.Create(CultureInfo.InvariantCulture, $"the character U+{(int)c:X4}, which Latin-1 cannot encode")
                : null;
            if (problem is not null)
            {
                ThrowHelper.Argument("dataset", $"The {what} of {kind} '{id}' contains {problem}; it cannot be written in this format.");
            }
        }
    }

    /// <summary>Throws when a '::'-separated field holds the separator, ends with ':' (it would run into the next separator), or cannot be written otherwise.</summary>
    private static void CheckField1M(string? value, bool latin1, string kind, string id, string what)
    {
        if (value is null)
        {
            return;
        }

        CheckField(value, null, latin1, kind, id, what);
        if (value.Contains(Separator1M, StringComparison.Ordinal) || value.EndsWith(':'))
        {
            ThrowHelper.Argument("dataset", $"The {what} of {kind} '{id}' contains '::' or ends with ':'; it cannot be written between '::' separators.");
        }
    }

    // ---- writing ----

    /// <summary>
    /// Writes one file atomically, or, with <paramref name="files"/>, stages it in that set (see
    /// <see cref="AtomicFile"/>): a folder's files then replace the old ones together, or not at all.
    /// </summary>
    private static void WriteFile<TState>(AtomicFile? files, string path, FileShape shape, TState state, Action<TextWriter, FileShape, TState, CancellationToken> write, CancellationToken cancellationToken)
    {
        Encoding encoding = shape.Encoding;
        using AtomicFile? own = files is null ? new AtomicFile() : null;
        (files ?? own!).Stage(path, (state, shape, encoding, write, cancellationToken), static (stream, s) =>
        {
            using var writer = new StreamWriter(stream, s.encoding, BufferSize, leaveOpen: true) { NewLine = s.shape.NewLine };
            s.write(writer, s.shape, s.state, s.cancellationToken);
            writer.Flush();
        });
        own?.Commit();
    }

    private static void WriteRatingLines(TextWriter writer, FileShape shape, RatingsDataset dataset, MovieLensFormat format, bool appendUnlisted, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> users = dataset.Catalog.Users.Ids;
        IReadOnlyList<string> items = dataset.Catalog.Items.Ids;
        ReadOnlySpan<int> offsets = dataset.ByUser.RowOffsets;
        ReadOnlySpan<int> columns = dataset.ByUser.ColumnIndices;
        ReadOnlySpan<float> values = dataset.ByUser.Values;
        ReadOnlySpan<long> timestamps = dataset.Timestamps;
        string separator = format switch
        {
            MovieLensFormat.Ml100K => "\t",
            MovieLensFormat.Ml1M => Separator1M,
            _ => ",",
        };
        bool csv = format == MovieLensFormat.Latest;
        string newLine = shape.NewLine;
        if (csv)
        {
            writer.Write("userId,movieId,rating,timestamp");
            writer.Write(newLine);
        }

        Span<char> buffer = stackalloc char[32];
        long lastTimestamp = 0;
        for (int u = 0; u < dataset.UserCount; u++)
        {
            string user = users[u];
            for (int p = offsets[u]; p < offsets[u + 1]; p++)
            {
                CheckCancellation(p, cancellationToken);
                long t = timestamps.IsEmpty ? 0 : timestamps[p];
                lastTimestamp = Math.Max(lastTimestamp, t);
                WriteRatingLine(writer, user, items[columns[p]], values[p], t, separator, csv, newLine, buffer);
            }
        }

        if (appendUnlisted && shape.Options.UnlistedMovieRating && users.Count > 0)
        {
            WriteRatingLine(writer, users[0], UnlistedMovieId(dataset.Catalog), 5f, lastTimestamp, separator, csv, newLine, buffer);
        }
    }

    private static void WriteRatingLine(TextWriter writer, string user, string item, float value, long timestamp, string separator, bool csv, string newLine, Span<char> buffer)
    {
        WriteField(writer, user, csv);
        writer.Write(separator);
        WriteField(writer, item, csv);
        writer.Write(separator);
        writer.Write(FormatRating(value, csv, buffer));
        writer.Write(separator);
        timestamp.TryFormat(buffer, out int length, default, CultureInfo.InvariantCulture);
        writer.Write(buffer[..length]);
        writer.Write(newLine);
    }

    /// <summary>"999999", or the first larger number, that is not an item of the catalogue.</summary>
    private static string UnlistedMovieId(Catalog catalog)
    {
        for (long n = 999_999; ; n++)
        {
            string id = n.ToString(CultureInfo.InvariantCulture);
            if (!catalog.Items.Contains(id))
            {
                return id;
            }
        }
    }

    /// <summary>Shortest round-trip form ("4", "3.5"); with <paramref name="oneDecimal"/> a whole number gets ".0" ("4.0"), as in ratings.csv.</summary>
    private static ReadOnlySpan<char> FormatRating(float value, bool oneDecimal, Span<char> buffer)
    {
        value.TryFormat(buffer, out int length, default, CultureInfo.InvariantCulture);
        if (oneDecimal && buffer[..length].IndexOfAny('.', 'E', 'e') < 0)
        {
            buffer[length++] = '.';
            buffer[length++] = '0';
        }

        return buffer[..length];
    }

    private static void WriteItems100K(TextWriter writer, FileShape shape, string[] genres, CancellationToken cancellationToken)
    {
        Catalog catalog = shape.Catalog;
        var column = new Dictionary<string, int>(genres.Length, StringComparer.Ordinal);
        for (int g = 0; g < genres.Length; g++)
        {
            column.TryAdd(genres[g], g);
        }

        string dateFormat = shape.Options.OneDigitDays ? "d-MMM-yyyy" : "dd-MMM-yyyy";
        var flags = new bool[genres.Length];
        for (int i = 0; i < catalog.ItemCount; i++)
        {
            CheckCancellation(i, cancellationToken);
            writer.Write(catalog.Items.Ids[i]);
            writer.Write('|');
            writer.Write(shape.Title(i));
            writer.Write('|');
            bool unknown = shape.IsUnknownItem(i);
            ItemInfo? info = unknown ? null : ItemInfoAt(catalog, i);
            if (info?.ReleaseDate is DateOnly released)
            {
                writer.Write(released.ToString(dateFormat, CultureInfo.InvariantCulture));
            }

            writer.Write("||");
            Array.Clear(flags);
            if (unknown)
            {
                if (column.TryGetValue(MovieLensGenreNames.Ml100K[0], out int g))
                {
                    flags[g] = true;
                }
            }
            else if (info is not null)
            {
                foreach (string g in info.Genres)
                {
                    flags[column[g]] = true;
                }
            }

            foreach (bool on in flags)
            {
                writer.Write(on ? "|1" : "|0");
            }

            writer.Write(shape.NewLine);
        }
    }

    private static void WriteUsers(TextWriter writer, FileShape shape, MovieLensFormat format, CancellationToken cancellationToken)
    {
        Catalog catalog = shape.Catalog;
        bool codes = format == MovieLensFormat.Ml1M;
        string separator = codes ? Separator1M : "|";
        Span<char> buffer = stackalloc char[16];
        for (int u = 0; u < catalog.UserCount; u++)
        {
            CheckCancellation(u, cancellationToken);
            UserInfo? info = UserInfoAt(catalog, u);
            writer.Write(catalog.Users.Ids[u]);
            writer.Write(separator);
            int? age = info?.Age is int years && codes ? MovieLensCodes.AgeCode(years) : info?.Age;
            if (codes)
            {
                writer.Write(info?.Sex);
                writer.Write(separator);
            }

            if (age is int a)
            {
                a.TryFormat(buffer, out int length, default, CultureInfo.InvariantCulture);
                writer.Write(buffer[..length]);
            }

            writer.Write(separator);
            if (!codes)
            {
                writer.Write(info?.Sex);
                writer.Write(separator);
                writer.Write(info?.Occupation);
            }
            else if (info?.Occupation is { } occupation)
            {
                writer.Write(Math.Max(Array.IndexOf(MovieLensCodes.Occupations1M, occupation), 0).ToString(CultureInfo.InvariantCulture));
            }

            writer.Write(separator);
            writer.Write(shape.ZipCode(u));
            writer.Write(shape.NewLine);
        }
    }

    private static void WriteGenres100K(TextWriter writer, FileShape shape, string[] genres)
    {
        for (int g = 0; g < genres.Length; g++)
        {
            writer.Write(genres[g]);
            writer.Write('|');
            writer.Write(g.ToString(CultureInfo.InvariantCulture));
            writer.Write(shape.NewLine);
        }

        if (shape.Options.GenreFileEndsWithEmptyLine)
        {
            writer.Write(shape.NewLine);
        }
    }

    private static void WriteLines(TextWriter writer, FileShape shape, string[] lines)
    {
        foreach (string line in lines)
        {
            writer.Write(line);
            writer.Write(shape.NewLine);
        }
    }

    private static void WriteMovies1M(TextWriter writer, FileShape shape, CancellationToken cancellationToken)
    {
        Catalog catalog = shape.Catalog;
        if (shape.Options.NoneMovieFirstLine)
        {
            writer.Write($"{NoneMovieId}::None::None");
            writer.Write(shape.NewLine);
        }

        for (int i = 0; i < catalog.ItemCount; i++)
        {
            CheckCancellation(i, cancellationToken);
            writer.Write(catalog.Items.Ids[i]);
            writer.Write(Separator1M);
            writer.Write(shape.Title(i));
            writer.Write(Separator1M);
            if (ItemInfoAt(catalog, i) is { } info)
            {
                writer.Write(string.Join('|', info.Genres));
            }

            writer.Write(shape.NewLine);
        }
    }

    private static void WriteMovies(TextWriter writer, FileShape shape, CancellationToken cancellationToken)
    {
        Catalog catalog = shape.Catalog;
        writer.Write("movieId,title,genres");
        writer.Write(shape.NewLine);
        for (int i = 0; i < catalog.ItemCount; i++)
        {
            CheckCancellation(i, cancellationToken);
            ItemInfo? info = ItemInfoAt(catalog, i);
            WriteField(writer, catalog.Items.Ids[i], csv: true);
            writer.Write(',');
            WriteField(writer, shape.Title(i), csv: true);
            writer.Write(',');
            if (info is null || info.Genres.Count == 0)
            {
                writer.Write(NoGenresListed);
            }
            else
            {
                WriteField(writer, string.Join('|', info.Genres), csv: true);
            }

            writer.Write(shape.NewLine);
        }
    }

    /// <summary>Checks <paramref name="cancellationToken"/> once every <see cref="CancellationCheckInterval"/> lines written.</summary>
    private static void CheckCancellation(int line, CancellationToken cancellationToken)
    {
        if (line % CancellationCheckInterval == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The item's metadata, or <see langword="null"/> when the catalogue has none.</summary>
    private static ItemInfo? ItemInfoAt(Catalog catalog, int item) => catalog.ItemInfos.Count > 0 ? catalog.ItemInfos[item] : null;

    /// <summary>The user's metadata, or <see langword="null"/> when the catalogue has none.</summary>
    private static UserInfo? UserInfoAt(Catalog catalog, int user) => catalog.UserInfos.Count > 0 ? catalog.UserInfos[user] : null;

    /// <summary>Writes a field; in CSV, one holding a comma, a quote or a line end is quoted with its quotes doubled (RFC 4180).</summary>
    private static void WriteField(TextWriter writer, string value, bool csv)
    {
        if (!csv || value.AsSpan().IndexOfAny(',', '"') < 0)
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    private const string NoneMovieId = "0";

    /// <summary>What a write looks like: the options, the files' encoding and line end, and the titles and zip codes as written.</summary>
    private sealed class FileShape(Catalog catalog, MovieLensWriterOptions options, MovieLensFormat format)
    {
        private static readonly string[] LatinWords = ["Caf\u00e9", "Mis\u00e9rables", "K\u00e5disbellan", "\u00de\u00f6gn", "Ni\u00f1o"];
        private const string CanadianLetters = "ABCEGHJKLMNPRSTVXY";

        public Catalog Catalog { get; } = catalog;

        public MovieLensWriterOptions Options { get; } = options;

        public string NewLine { get; } = options.CrLf ? "\r\n" : "\n";

        /// <summary>Latin-1 for 100k and 1M unless UTF-8 is asked for; UTF-8 (with the mark when asked) otherwise.</summary>
        public Encoding Encoding { get; } = format != MovieLensFormat.Latest && !options.Utf8
            ? Encoding.Latin1
            : options.ByteOrderMark ? Utf8WithBom : Utf8NoBom;

        /// <summary>The 0-based index of the item written as ml-100k's "unknown", or -1.</summary>
        private int UnknownIndex { get; } = options.UnknownItem && format == MovieLensFormat.Ml100K && catalog.ItemCount > 0
            ? Math.Min(267, catalog.ItemCount) - 1
            : -1;

        public bool IsUnknownItem(int item) => item == UnknownIndex;

        /// <summary>The title written for an item: its title (or id), with the content irregularities asked for.</summary>
        public string Title(int item)
        {
            if (IsUnknownItem(item))
            {
                return "unknown";
            }

            int p = item + 1;
            if (Options.DuplicateTitles && p % 90 == 5 && item > 0)
            {
                return Title(item - 1);
            }

            string title = Catalog.TitleOf(item);
            if (Options.TrailingSpaceTitles && p % 500 == 3)
            {
                return title + " ";
            }

            if (Options.AccentedTitles && p % 180 == 7)
            {
                return LatinWords[p / 180 % LatinWords.Length] + " " + title;
            }

            if (Options.QuotedTitles && p % 180 == 9)
            {
                (string name, string year) = SplitYear(title);
                return name + ", The \"Director's Cut\"" + year;
            }

            if (Options.TitlesWithoutYear && p % 260 == 11)
            {
                return SplitYear(title).Name;
            }

            if (Options.TitlesWithoutYear && p % 260 == 141)
            {
                return title.TrimEnd() + " (V)";
            }

            return title;
        }

        /// <summary>The zip code written for a user: as in the catalogue, or irregular as asked for.</summary>
        public string? ZipCode(int user)
        {
            string? zip = UserInfoAt(Catalog, user)?.ZipCode;
            if (zip is null || !Options.IrregularZipCodes)
            {
                return zip;
            }

            int q = user + 1;
            if (q % 40 == 2)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{CanadianLetters[q % 18]}{q / 18 % 10}{CanadianLetters[q / 7 % 18]}{q % 10}{CanadianLetters[q / 3 % 18]}");
            }

            if (q % 90 == 4)
            {
                string five = zip.Length == 5 && zip.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 ? zip : "55455";
                return string.Create(CultureInfo.InvariantCulture, $"{five}-{q * 37 % 10_000:D4}");
            }

            return zip;
        }

        /// <summary>A title split before its " (yyyy)" suffix, when it has one: ("Toy Story", " (1995)").</summary>
        private static (string Name, string Year) SplitYear(string title)
        {
            string trimmed = title.TrimEnd();
            int open = trimmed.LastIndexOf(" (", StringComparison.Ordinal);
            return open > 0 && FieldParser.YearFromTitle(trimmed) is not null
                ? (trimmed[..open], trimmed[open..])
                : (trimmed, string.Empty);
        }
    }
}
