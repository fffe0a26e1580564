using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Loaders for the MovieLens releases (GroupLens): 100k (<c>u.data</c>, <c>u.item</c>, <c>u.user</c>),
/// 1M and 10M (<c>ratings.dat</c>, <c>movies.dat</c>, <c>users.dat</c>) and latest/25M/32M
/// (<c>ratings.csv</c>, <c>movies.csv</c>), from a directory or from streams, plus the 100k's
/// predefined splits (<c>u1.base</c>/<c>u1.test</c>, …).
/// </summary>
/// <remarks>
/// <para>
/// The catalogue: when the release's metadata files are present, its users and items are those of
/// the metadata in file order (so N = 943 and M = 1682 for the 100k, whatever the ratings file
/// holds), and a rating whose id is not listed there is an error. A side without a metadata file
/// (the latest releases have no users file) takes its ids from the ratings, in order of first appearance.
/// </para>
/// <para>
/// The files are read as they are, not as their README describes them: every text file is decoded
/// as UTF-8 when its bytes are valid UTF-8, else as Latin-1 (the 100k and 1M are Latin-1; copies
/// re-saved as UTF-8 circulate), a byte-order mark wins; lines may end with <c>\n</c> or
/// <c>\r\n</c>; blank lines (such as the empty last line of <c>u.genre</c>) are skipped; ids are
/// trimmed; titles and zip codes are kept as written (a title may end with a space, two items may
/// share a title); release dates may have one- or two-digit days.
/// </para>
/// <para>
/// Ratings are strict: a malformed rating line throws <see cref="RatingsFormatException"/> naming
/// the file, the 1-based line and field, and what was expected. Metadata is lenient by default: a
/// value the loader cannot use becomes unknown, with one warning per file (see
/// <see cref="MovieLensLoadOptions.StrictMetadata"/>). What was read, with each file's encoding and
/// the warnings, is in <see cref="RatingsDataset.LoadReport"/> and goes to
/// <see cref="MovieLensLoadOptions.Logger"/>. Parsing works over spans of a large reused buffer, in
/// time linear in the files' size, and does not allocate per line for known ids.
/// </para>
/// </remarks>
public static partial class MovieLens
{
    private const string FileU100KData = "u.data";
    private const string File1MRatings = "ratings.dat";
    private const string FileLatestRatings = "ratings.csv";

    private static readonly EnumerationOptions MlFolders = new() { MatchCasing = MatchCasing.CaseInsensitive, RecurseSubdirectories = false };

    /// <summary>
    /// Loads the MovieLens release in <paramref name="directory"/>, whichever it is (see
    /// <see cref="DetectFormat(string)"/>): the same as calling <see cref="Load100K(string, MovieLensLoadOptions?, CancellationToken)"/>,
    /// <see cref="Load1M(string, MovieLensLoadOptions?, CancellationToken)"/> or <see cref="LoadLatest(string, MovieLensLoadOptions?, CancellationToken)"/>.
    /// </summary>
    /// <param name="directory">The release's folder, or a folder holding exactly one extracted <c>ml-*</c> folder.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the files.</param>
    /// <returns>The ratings over the release's catalogue.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">No ratings file of a known release is there.</exception>
    /// <exception cref="RatingsFormatException">A file is malformed; the message names file, line and field.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static RatingsDataset Load(string directory, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = CheckOptions(options);
        string folder = LocateRelease(directory, out MovieLensFormat format);
        return LoadFromReleaseFolder(ReleaseOf(format), folder, options, cancellationToken);
    }

    /// <summary>
    /// Says which release a folder holds, by its ratings file: <c>u.data</c> → <see cref="MovieLensFormat.Ml100K"/>,
    /// <c>ratings.dat</c> → <see cref="MovieLensFormat.Ml1M"/>, <c>ratings.csv</c> → <see cref="MovieLensFormat.Latest"/>
    /// (checked in that order). A folder without any of them but with exactly one <c>ml-*</c>
    /// subfolder (an extracted zip) is judged by that subfolder.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The release's format.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">No ratings file of a known release is there; the message lists what was looked for.</exception>
    public static MovieLensFormat DetectFormat(string directory)
    {
        LocateRelease(directory, out MovieLensFormat format);
        return format;
    }

    /// <summary>Default options when none are given; validated before any file is opened.</summary>
    private static MovieLensLoadOptions CheckOptions(MovieLensLoadOptions? options)
    {
        options ??= MovieLensLoadOptions.Default;
        options.Validate();
        return options;
    }

    private static bool TryDetect(string folder, out MovieLensFormat format)
    {
        if (File.Exists(Path.Combine(folder, FileU100KData)))
        {
            format = MovieLensFormat.Ml100K;
            return true;
        }

        if (File.Exists(Path.Combine(folder, File1MRatings)))
        {
            format = MovieLensFormat.Ml1M;
            return true;
        }

        if (File.Exists(Path.Combine(folder, FileLatestRatings)))
        {
            format = MovieLensFormat.Latest;
            return true;
        }

        format = default;
        return false;
    }

    /// <summary>The folder that holds a release's files: <paramref name="directory"/> itself or its only <c>ml-*</c> subfolder.</summary>
    private static string LocateRelease(string directory, out MovieLensFormat format)
    {
        string full = CheckDirectory(directory);
        if (TryDetect(full, out format))
        {
            return full;
        }

        string[] subfolders = Directory.GetDirectories(full, "ml-*", MlFolders);
        if (subfolders.Length == 1 && TryDetect(subfolders[0], out format))
        {
            return subfolders[0];
        }

        throw NotFound(full, subfolders, $"no MovieLens ratings file: looked for {FileU100KData} (MovieLens 100k), {File1MRatings} (1M/10M) and {FileLatestRatings} (latest/25M/32M)", Path.Combine(full, FileU100KData));
    }

    /// <summary>The folder holding <paramref name="fileName"/>: <paramref name="directory"/> itself or its only <c>ml-*</c> subfolder.</summary>
    private static string LocateFile(string directory, string fileName, string what)
    {
        string full = CheckDirectory(directory);
        if (File.Exists(Path.Combine(full, fileName)))
        {
            return full;
        }

        string[] subfolders = Directory.GetDirectories(full, "ml-*", MlFolders);
        if (subfolders.Length == 1 && File.Exists(Path.Combine(subfolders[0], fileName)))
        {
            return subfolders[0];
        }

        throw NotFound(full, subfolders, $"no {what} file '{fileName}'", Path.Combine(full, fileName));
    }

    private static string CheckDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"The MovieLens folder '{full}' does not exist; expected a folder holding {FileU100KData} (100k), {File1MRatings} (1M) or {FileLatestRatings} (latest/25M/32M), or one extracted ml-* folder.");
        }

        return full;
    }

    private static FileNotFoundException NotFound(string folder, string[] subfolders, string problem, string path)
    {
        string where = subfolders.Length switch
        {
            0 => "; it has no ml-* subfolder either",
            1 => $", nor in its subfolder '{Path.GetFileName(subfolders[0])}'",
            _ => string.Create(CultureInfo.InvariantCulture, $"; it has {subfolders.Length} ml-* subfolders ({string.Join(", ", Array.ConvertAll(subfolders, Path.GetFileName))}): pass one of them"),
        };
        return new FileNotFoundException($"The folder '{folder}' has {problem}{where}.", path);
    }

    /// <summary>The full path of a release file, or <see langword="null"/> when the (optional) file is absent.</summary>
    private static string? Optional(string folder, string fileName)
    {
        string path = Path.Combine(folder, fileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The full path of a required release file.</summary>
    private static string Required(string folder, string fileName, string what)
    {
        string path = Path.Combine(folder, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The {what} file '{fileName}' is not in '{folder}'.", path);
    }

    /// <summary>The name a stream goes by in messages: a file stream's path, else the release's file name.</summary>
    private static string SourceName(Stream stream, string fileName) => stream is FileStream file ? file.Name : fileName;

    /// <summary>Opens a release file; its encoding is chosen by content (UTF-8 when valid, else Latin-1).</summary>
    private static LineReader OpenFile(string path, string separator, bool quoted, CancellationToken cancellationToken) =>
        LineReader.Open(path, encoding: null, separator, quoted, cancellationToken);

    /// <summary>Reads a release file from a stream the caller owns; its encoding is chosen by content.</summary>
    private static LineReader OpenStream(Stream stream, string fileName, string separator, bool quoted, CancellationToken cancellationToken)
    {
        if (!stream.CanRead)
        {
            ThrowHelper.Argument(nameof(stream), $"The stream for {fileName} cannot be read.");
        }

        return LineReader.FromStream(stream, SourceName(stream, fileName), encoding: null, separator, quoted, cancellationToken);
    }

    /// <summary>
    /// Reads ratings files over one shared catalogue: the sides with metadata are fixed (an unknown
    /// id is an error, or skipped as the options say); the others grow from the ratings.
    /// </summary>
    private static RatingsDataset[] ReadRatings(UserTable? users, ItemTable? items, LineReader[] readers, in RatingsLayout layout, MovieLensLoadOptions options, LoadRecorder recorder)
    {
        var known = new KnownIds(users?.Ids, users?.Origin ?? KnownIds.None.UsersOrigin, items?.Ids, items?.Origin ?? KnownIds.None.ItemsOrigin);
        return SharedCatalogReader.Read(readers, layout, known, (u, i) => new Catalog(u, i, users?.Infos, items?.Infos, items?.Genres), options.RatingsSettings, recorder);
    }

    /// <summary>Users read from a release's users file.</summary>
    private sealed record UserTable(IdMap Ids, UserInfo[] Infos, string Origin);

    /// <summary>Items read from a release's items file, with the genre vocabulary.</summary>
    private sealed record ItemTable(IdMap Ids, ItemInfo[] Infos, IReadOnlyList<string> Genres, string Origin);

    /// <summary>Builds a metadata id map, refusing an id listed twice (naming both lines).</summary>
    private sealed class MetadataIds
    {
        private readonly IdMap.Builder _ids = new();
        private readonly List<int> _lines = [];

        public int Count => _ids.Count;

        public void Add(LineReader reader, string id, string kind)
        {
            if (!_ids.TryAdd(id, out int index))
            {
                reader.Fail(1, string.Create(CultureInfo.InvariantCulture, $"expected each {kind} id once, but '{id}' is also listed on line {_lines[index]}."));
            }

            _lines.Add(reader.LineNumber);
        }

        public IdMap Build() => _ids.Build();
    }

    /// <summary>Splits '|'-separated genre lists into shared strings and collects the vocabulary in order.</summary>
    private sealed class GenreVocabulary
    {
        private readonly StringPool _pool = new();
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];

        public GenreVocabulary(IEnumerable<string>? preset = null)
        {
            if (preset is not null)
            {
                foreach (string name in preset)
                {
                    Register(_pool.Add(name));
                }
            }
        }

        public IReadOnlyList<string> Names => _names;

        public string[] Parse(ReadOnlySpan<char> field)
        {
            field = field.Trim();
            if (field.IsEmpty || field.SequenceEqual("(no genres listed)"))
            {
                return [];
            }

            int count = field.Count('|') + 1;
            var genres = new string[count];
            int n = 0;
            foreach (Range r in field.Split('|'))
            {
                ReadOnlySpan<char> name = field[r].Trim();
                if (name.IsEmpty)
                {
                    continue;
                }

                string s = _pool.Get(name);
                Register(s);
                genres[n++] = s;
            }

            return n == count ? genres : genres[..n];
        }

        private void Register(string name)
        {
            if (_known.Add(name))
            {
                _names.Add(name);
            }
        }
    }
}
