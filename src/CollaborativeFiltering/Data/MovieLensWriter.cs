using System.Globalization;
using System.Text;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Writes a dataset in the MovieLens file formats, so that synthetic data (or a split) can be read
/// back by <c>MovieLens.Load100K</c>/<c>LoadLatest</c> or by other tools. Ids are written as they
/// are in the catalogue, ratings in user-major order, numbers in invariant culture, lines ended by
/// '\n'. Each file is written all or nothing: to a temporary file in the same folder, then moved
/// over the destination, so a failure leaves no half-written file (and an older file untouched).
/// Every field is checked before the first file is written.
/// </summary>
public static class MovieLensWriter
{
    private const int CancellationCheckInterval = 1 << 16;
    private const int BufferSize = 1 << 16;
    private const string NoGenresListed = "(no genres listed)";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes a MovieLens 100k folder: <c>u.data</c> (user id, item id, rating, timestamp; tab-separated;
    /// timestamp 0 when the dataset has none), <c>u.item</c> (Latin-1, id|title|release date as
    /// dd-MMM-yyyy|empty video date|empty URL|one 0/1 flag per genre), <c>u.user</c>
    /// (id|age|sex|occupation|zip) and <c>u.genre</c> (name|index). When every genre is one of the 19
    /// of MovieLens 100k, the flags are those 19 in the release's order (unknown, Action, Adventure, …,
    /// Western), 24 fields in all; otherwise they follow the catalogue's genre list, which
    /// <c>u.genre</c> then names. A catalogue without item (user) metadata gets the ids as titles (and
    /// empty user fields), so that loading the folder gives back the same users and items in the same
    /// order.
    /// </summary>
    /// <param name="dataset">The ratings and their catalogue.</param>
    /// <param name="directory">An existing folder; files of the same names are replaced.</param>
    /// <param name="cancellationToken">Checked every 65,536 lines; a cancelled write leaves the destination as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space, or a field cannot be written in the format (it contains the separator or a line break, or a character outside Latin-1); the message names the user or item.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Write100K(RatingsDataset dataset, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string folder = CheckDirectory(directory);
        Catalog catalog = dataset.Catalog;
        string[] genres = Genres100K(catalog);
        CheckRatingIds(catalog, '\t', latin1: true);
        CheckItems100K(catalog, genres);
        CheckUsers100K(catalog);

        using var files = new AtomicFile();
        StageFile(files, Path.Combine(folder, "u.data"), Encoding.Latin1, dataset, static (w, d, ct) => WriteRatingLines(w, d, '\t', csv: false, ct), cancellationToken);
        StageFile(files, Path.Combine(folder, "u.item"), Encoding.Latin1, (catalog, genres), static (w, s, ct) => WriteItems100K(w, s.catalog, s.genres, ct), cancellationToken);
        StageFile(files, Path.Combine(folder, "u.user"), Encoding.Latin1, catalog, static (w, c, ct) => WriteUsers100K(w, c, ct), cancellationToken);
        StageFile(files, Path.Combine(folder, "u.genre"), Encoding.Latin1, genres, static (w, g, _) => WriteGenres100K(w, g), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        files.Commit();
    }

    /// <summary>
    /// Writes the ratings alone in the format of <c>u.data</c> (user id, item id, rating, timestamp;
    /// tab-separated; timestamp 0 when the dataset has none), e.g. a split as <c>u1.base</c>/<c>u1.test</c>.
    /// </summary>
    /// <param name="dataset">The ratings.</param>
    /// <param name="path">The file to write; its folder must exist. An existing file is replaced.</param>
    /// <param name="cancellationToken">Checked every 65,536 lines; a cancelled write leaves the destination as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space or names a folder, or an id contains a tab, a line break or a character outside Latin-1.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void WriteRatings100K(RatingsDataset dataset, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (Path.GetFileName(full).Length == 0)
        {
            ThrowHelper.Argument(nameof(path), $"The path '{path}' names a folder; give a file name such as u1.base.");
        }

        CheckDirectoryExists(Path.GetDirectoryName(full)!);
        CheckRatingIds(dataset.Catalog, '\t', latin1: true);
        WriteFile(full, Encoding.Latin1, dataset, static (w, d, ct) => WriteRatingLines(w, d, '\t', csv: false, ct), cancellationToken);
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
    /// <param name="cancellationToken">Checked every 65,536 lines; a cancelled write leaves the destination as it was.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space, or a field cannot be written (a line break in an id or title, a '|' in a genre); the message names the user or item.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void WriteLatest(RatingsDataset dataset, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string folder = CheckDirectory(directory);
        Catalog catalog = dataset.Catalog;
        CheckRatingIds(catalog, null, latin1: false);
        CheckMovies(catalog);

        using var files = new AtomicFile();
        StageFile(
            files,
            Path.Combine(folder, "ratings.csv"),
            Utf8NoBom,
            dataset,
            static (w, d, ct) =>
            {
                w.Write("userId,movieId,rating,timestamp\n");
                WriteRatingLines(w, d, ',', csv: true, ct);
            },
            cancellationToken);
        StageFile(files, Path.Combine(folder, "movies.csv"), Utf8NoBom, catalog, static (w, c, ct) => WriteMovies(w, c, ct), cancellationToken);
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
            throw new DirectoryNotFoundException($"The folder '{directory}' does not exist; create it before writing.");
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

    private static void CheckItems100K(Catalog catalog, string[] genres)
    {
        foreach (string g in genres)
        {
            CheckField(g, '|', latin1: true, "genre", g, "name");
        }

        foreach (ItemInfo info in catalog.ItemInfos)
        {
            CheckField(info.Title, '|', latin1: true, "item", info.Id, "title");
        }

        foreach (string id in catalog.Items.Ids)
        {
            CheckField(id, '|', latin1: true, "item", id, "id");
        }
    }

    private static void CheckUsers100K(Catalog catalog)
    {
        foreach (string id in catalog.Users.Ids)
        {
            CheckField(id, '|', latin1: true, "user", id, "id");
        }

        foreach (UserInfo info in catalog.UserInfos)
        {
            CheckField(info.Sex, '|', latin1: true, "user", info.Id, "sex");
            CheckField(info.Occupation, '|', latin1: true, "user", info.Id, "occupation");
            CheckField(info.ZipCode, '|', latin1: true, "user", info.Id, "zip code");
        }
    }

    private static void CheckMovies(Catalog catalog)
    {
        foreach (ItemInfo info in catalog.ItemInfos)
        {
            CheckField(info.Title, null, latin1: false, "item", info.Id, "title");
            foreach (string g in info.Genres)
            {
                CheckField(g, '|', latin1: false, "item", info.Id, "genre");
                if (g.Length == 0 || g == NoGenresListed)
                {
                    ThrowHelper.Argument("dataset", $"Item '{info.Id}' has the genre '{g}', which movies.csv cannot tell apart from no genre.");
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

    // ---- writing ----

    private static void WriteFile<TState>(string path, Encoding encoding, TState state, Action<TextWriter, TState, CancellationToken> write, CancellationToken cancellationToken)
    {
        using var files = new AtomicFile();
        StageFile(files, path, encoding, state, write, cancellationToken);
        files.Commit();
    }

    /// <summary>Writes one file of a set to its temporary name (see <see cref="AtomicFile"/>): the set's files replace the old ones together, or not at all.</summary>
    private static void StageFile<TState>(AtomicFile files, string path, Encoding encoding, TState state, Action<TextWriter, TState, CancellationToken> write, CancellationToken cancellationToken) =>
        files.Stage(path, (state, encoding, write, cancellationToken), static (stream, s) =>
        {
            using var writer = new StreamWriter(stream, s.encoding, BufferSize, leaveOpen: true) { NewLine = "\n" };
            s.write(writer, s.state, s.cancellationToken);
            writer.Flush();
        });

    private static void WriteRatingLines(TextWriter writer, RatingsDataset dataset, char separator, bool csv, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> users = dataset.Catalog.Users.Ids;
        IReadOnlyList<string> items = dataset.Catalog.Items.Ids;
        ReadOnlySpan<int> offsets = dataset.ByUser.RowOffsets;
        ReadOnlySpan<int> columns = dataset.ByUser.ColumnIndices;
        ReadOnlySpan<float> values = dataset.ByUser.Values;
        ReadOnlySpan<long> timestamps = dataset.Timestamps;
        Span<char> buffer = stackalloc char[32];
        for (int u = 0; u < dataset.UserCount; u++)
        {
            string user = users[u];
            for (int p = offsets[u]; p < offsets[u + 1]; p++)
            {
                CheckCancellation(p, cancellationToken);
                WriteField(writer, user, csv);
                writer.Write(separator);
                WriteField(writer, items[columns[p]], csv);
                writer.Write(separator);
                writer.Write(FormatRating(values[p], csv, buffer));
                writer.Write(separator);
                long t = timestamps.IsEmpty ? 0 : timestamps[p];
                t.TryFormat(buffer, out int length, default, CultureInfo.InvariantCulture);
                writer.Write(buffer[..length]);
                writer.Write('\n');
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

    private static void WriteItems100K(TextWriter writer, Catalog catalog, string[] genres, CancellationToken cancellationToken)
    {
        var column = new Dictionary<string, int>(genres.Length, StringComparer.Ordinal);
        for (int g = 0; g < genres.Length; g++)
        {
            column.TryAdd(genres[g], g);
        }

        var flags = new bool[genres.Length];
        for (int i = 0; i < catalog.ItemCount; i++)
        {
            CheckCancellation(i, cancellationToken);
            string id = catalog.Items.Ids[i];
            ItemInfo? info = ItemInfoAt(catalog, i);
            writer.Write(id);
            writer.Write('|');
            writer.Write(catalog.GetItemTitle(i));
            writer.Write('|');
            if (info?.ReleaseDate is DateOnly released)
            {
                writer.Write(released.ToString("dd-MMM-yyyy", CultureInfo.InvariantCulture));
            }

            writer.Write("||");
            Array.Clear(flags);
            if (info is not null)
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

            writer.Write('\n');
        }
    }

    private static void WriteUsers100K(TextWriter writer, Catalog catalog, CancellationToken cancellationToken)
    {
        Span<char> buffer = stackalloc char[16];
        for (int u = 0; u < catalog.UserCount; u++)
        {
            CheckCancellation(u, cancellationToken);
            UserInfo? info = UserInfoAt(catalog, u);
            writer.Write(catalog.Users.Ids[u]);
            writer.Write('|');
            if (info?.Age is int age)
            {
                age.TryFormat(buffer, out int length, default, CultureInfo.InvariantCulture);
                writer.Write(buffer[..length]);
            }

            writer.Write('|');
            writer.Write(info?.Sex);
            writer.Write('|');
            writer.Write(info?.Occupation);
            writer.Write('|');
            writer.Write(info?.ZipCode);
            writer.Write('\n');
        }
    }

    private static void WriteGenres100K(TextWriter writer, string[] genres)
    {
        for (int g = 0; g < genres.Length; g++)
        {
            writer.Write(genres[g]);
            writer.Write('|');
            writer.Write(g.ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }

    private static void WriteMovies(TextWriter writer, Catalog catalog, CancellationToken cancellationToken)
    {
        writer.Write("movieId,title,genres\n");
        for (int i = 0; i < catalog.ItemCount; i++)
        {
            CheckCancellation(i, cancellationToken);
            string id = catalog.Items.Ids[i];
            ItemInfo? info = ItemInfoAt(catalog, i);
            WriteField(writer, id, csv: true);
            writer.Write(',');
            WriteField(writer, catalog.GetItemTitle(i), csv: true);
            writer.Write(',');
            if (info is null || info.Genres.Count == 0)
            {
                writer.Write(NoGenresListed);
            }
            else
            {
                WriteField(writer, string.Join('|', info.Genres), csv: true);
            }

            writer.Write('\n');
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

    /// <summary>Writes a field; in CSV, one holding a comma or a quote is quoted with its quotes doubled (RFC 4180).</summary>
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
}
