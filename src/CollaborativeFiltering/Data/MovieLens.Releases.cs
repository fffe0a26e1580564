using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>The loading flow shared by the releases: a <see cref="Release"/> names each release's files and readers.</content>
public static partial class MovieLens
{
    /// <summary>
    /// Loads a release's ratings over its metadata from its folder: options checked first, then
    /// the folder located by the ratings file, then the optional metadata files read, then the ratings.
    /// </summary>
    private static RatingsDataset LoadFromFolder(Release release, string directory, MovieLensLoadOptions? options, CancellationToken cancellationToken)
    {
        options = CheckOptions(options);
        string folder = LocateFile(directory, release.RatingsFile, release.RatingsDescription);
        return LoadFromReleaseFolder(release, folder, options, cancellationToken);
    }

    /// <summary>Loads a release from the folder that holds its ratings file (already located), with checked options: the optional metadata files first, then the ratings.</summary>
    private static RatingsDataset LoadFromReleaseFolder(Release release, string folder, MovieLensLoadOptions options, CancellationToken cancellationToken)
    {
        LoadRecorder recorder = options.CreateRecorder();
        ReadMetadata(release, folder, null, null, recorder, out UserTable? users, out ItemTable? items, cancellationToken);
        using LineReader ratings = OpenFile(Path.Combine(folder, release.RatingsFile), release.RatingsSeparator, release.Quoted, cancellationToken);
        return ReadRatings(users, items, [ratings], release.Layout, options, recorder)[0];
    }

    /// <summary>
    /// Loads a release's ratings over its metadata from streams (left open), each named in messages
    /// by its path when it is a <see cref="FileStream"/>, else by the release's file name.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    private static RatingsDataset LoadFromStreams(Release release, Stream ratings, Stream? items, Stream? users, MovieLensLoadOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        options = CheckOptions(options);
        LoadRecorder recorder = options.CreateRecorder();
        ReadMetadata(release, null, items, users, recorder, out UserTable? userTable, out ItemTable? itemTable, cancellationToken);
        using LineReader data = OpenStream(ratings, release.RatingsFile, release.RatingsSeparator, release.Quoted, cancellationToken);
        return ReadRatings(userTable, itemTable, [data], release.Layout, options, recorder)[0];
    }

    /// <summary>
    /// Reads a release's metadata, in order genres, items, users: from <paramref name="folder"/>'s
    /// files when it is set (an absent file is skipped), else from <paramref name="items"/> and
    /// <paramref name="users"/> (a <see langword="null"/> stream is skipped; genres have no stream,
    /// so the release's preset genres apply).
    /// </summary>
    private static void ReadMetadata(Release release, string? folder, Stream? items, Stream? users, LoadRecorder recorder, out UserTable? userTable, out ItemTable? itemTable, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> genres = ReadOptional<IReadOnlyList<string>>(release, folder, release.GenresFile, null, release.ReadGenres is null ? null : (reader, _) => release.ReadGenres(reader), recorder, "genres", g => g.Count, cancellationToken)
            ?? release.Genres;
        itemTable = ReadOptional(release, folder, release.ItemsFile, items, (reader, r) => release.ReadItems(reader, genres, r), recorder, "items", t => t.Infos.Length, cancellationToken);
        userTable = ReadOptional(release, folder, release.UsersFile, users, release.ReadUsers, recorder, "users", t => t.Infos.Length, cancellationToken);
    }

    /// <summary>Reads one metadata file or stream with <paramref name="read"/>, or gives <see langword="null"/> when the release has no such file or it is absent.</summary>
    private static T? ReadOptional<T>(
        Release release,
        string? folder,
        string? fileName,
        Stream? stream,
        Func<LineReader, LoadRecorder, T>? read,
        LoadRecorder recorder,
        string contents,
        Func<T, int> count,
        CancellationToken cancellationToken)
        where T : class
    {
        if (fileName is null || read is null)
        {
            return null;
        }

        string? path = folder is null ? null : Optional(folder, fileName);
        if (path is null && stream is null)
        {
            return null;
        }

        using LineReader reader = path is not null
            ? OpenFile(path, release.MetadataSeparator, release.Quoted, cancellationToken)
            : OpenStream(stream!, fileName, release.MetadataSeparator, release.Quoted, cancellationToken);
        T table = read(reader, recorder);
        recorder.FileRead(reader, count(table), contents);
        return table;
    }

    /// <summary>How one MovieLens release is laid out: its files' names and separators, and the readers of its metadata files. Every file's encoding is chosen by content.</summary>
    /// <param name="Format">The release's format.</param>
    /// <param name="RatingsFile">The ratings file's name, e.g. <c>u.data</c>.</param>
    /// <param name="RatingsDescription">What the ratings file is called in a missing-file message, e.g. "MovieLens 100k ratings".</param>
    /// <param name="Layout">The ratings file's columns.</param>
    /// <param name="RatingsSeparator">The ratings file's field separator.</param>
    /// <param name="MetadataSeparator">The metadata files' field separator.</param>
    /// <param name="Quoted">Whether fields may be quoted (RFC 4180).</param>
    /// <param name="ItemsFile">The items file's name.</param>
    /// <param name="ReadItems">Reads the items file, given the genre names.</param>
    /// <param name="Genres">The genre names used when there is no genres file to read.</param>
    /// <param name="UsersFile">The users file's name, or <see langword="null"/> when the release has none.</param>
    /// <param name="ReadUsers">Reads the users file.</param>
    /// <param name="GenresFile">The genres file's name, or <see langword="null"/> when the release has none.</param>
    /// <param name="ReadGenres">Reads the genres file.</param>
    private sealed record Release(
        MovieLensFormat Format,
        string RatingsFile,
        string RatingsDescription,
        RatingsLayout Layout,
        string RatingsSeparator,
        string MetadataSeparator,
        bool Quoted,
        string ItemsFile,
        Func<LineReader, IReadOnlyList<string>, LoadRecorder, ItemTable> ReadItems,
        IReadOnlyList<string> Genres,
        string? UsersFile = null,
        Func<LineReader, LoadRecorder, UserTable>? ReadUsers = null,
        string? GenresFile = null,
        Func<LineReader, IReadOnlyList<string>>? ReadGenres = null);
}
