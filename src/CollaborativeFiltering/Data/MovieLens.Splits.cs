using System.Diagnostics.CodeAnalysis;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>A training and a test file over one catalogue: the 100k's predefined splits (<c>u1.base</c>/<c>u1.test</c> … <c>u5</c>, <c>ua</c>, <c>ub</c>) or any pair in a release's ratings layout.</content>
public static partial class MovieLens
{
    private const string TrainStreamName = "training ratings";
    private const string TestStreamName = "test ratings";

    /// <summary>
    /// Loads a training and a test file in a release's ratings layout over one catalogue, e.g.
    /// MovieLens 100k's predefined split <c>("u1.base", "u1.test")</c>: both parts share one
    /// <see cref="Catalog"/> instance, so a model trained on one scores the other. The catalogue
    /// is the folder's metadata (<c>u.user</c> and <c>u.item</c>: N = 943 and M = 1682 for the 100k);
    /// a side without a metadata file takes the ids of the training file, then those first seen in
    /// the test file.
    /// </summary>
    /// <remarks>
    /// The layout is the release's whose ratings file is in the folder (<c>u.data</c>, <c>ratings.dat</c>,
    /// <c>ratings.csv</c>); failing that, the one whose metadata is there (<c>u.item</c>,
    /// <c>movies.dat</c>, <c>movies.csv</c>); failing that, the training file's extension says it
    /// (<c>.csv</c>: latest, <c>.dat</c>: 1M, else 100k).
    /// </remarks>
    /// <param name="directory">The release's folder, or a folder holding exactly one <c>ml-*</c> folder that has the training file.</param>
    /// <param name="trainFileName">The training file's name in that folder, e.g. <c>u1.base</c>.</param>
    /// <param name="testFileName">The test file's name in that folder, e.g. <c>u1.test</c>.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the files.</param>
    /// <returns>The training and test ratings.</returns>
    /// <exception cref="ArgumentException">An argument is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The training or test file is not there.</exception>
    /// <exception cref="RatingsFormatException">A file is malformed, a rating names an id missing from the metadata under <see cref="UnknownIdPolicy.Reject"/>, a metadata value cannot be used under <see cref="MovieLensLoadOptions.StrictMetadata"/>, or a pair is rated twice within one file under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or a format with streams), so no call is ambiguous.")]
    public static DatasetSplit LoadSplit(string directory, string trainFileName, string testFileName, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trainFileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(testFileName);
        options = CheckOptions(options);
        string folder = LocateFile(directory, trainFileName, "training ratings");
        string testPath = Required(folder, testFileName, "test ratings");
        Release release = ReleaseOfSplit(folder, trainFileName);
        LoadRecorder recorder = options.CreateRecorder();
        ReadMetadata(release, folder, null, null, recorder, out UserTable? users, out ItemTable? items, cancellationToken);
        using LineReader train = OpenFile(Path.Combine(folder, trainFileName), release.RatingsSeparator, release.Quoted, cancellationToken);
        using LineReader test = OpenFile(testPath, release.RatingsSeparator, release.Quoted, cancellationToken);
        RatingsDataset[] parts = ReadRatings(users, items, [train, test], release.Layout, options, recorder);
        return new DatasetSplit(parts[0], parts[1]);
    }

    /// <summary>
    /// Loads a training and a test stream (left open) in a release's ratings layout over one
    /// catalogue: the items (and, for 100k and 1M, users) stream when given, else the ids of the
    /// training stream then those first seen in the test stream. Both parts share one
    /// <see cref="Catalog"/> instance. Error messages name a <see cref="FileStream"/> by its path, any
    /// other stream as "training ratings", "test ratings" or the release's metadata file name.
    /// </summary>
    /// <param name="format">The release whose layout the streams have (<see cref="MovieLensFormat.Ml100K"/> for <c>u1.base</c>/<c>u1.test</c>).</param>
    /// <param name="train">The training ratings.</param>
    /// <param name="test">The test ratings.</param>
    /// <param name="items">The items file (<c>u.item</c>, <c>movies.dat</c>, <c>movies.csv</c>), or <see langword="null"/>.</param>
    /// <param name="users">The users file (<c>u.user</c>, <c>users.dat</c>), or <see langword="null"/>; must be <see langword="null"/> for <see cref="MovieLensFormat.Latest"/>, which has none.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the streams.</param>
    /// <returns>The training and test ratings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> or <paramref name="test"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A stream cannot be read, or <paramref name="users"/> is given for a release without a users file.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> or an option is out of range; the message names it.</exception>
    /// <exception cref="RatingsFormatException">A stream is malformed, a rating names an unknown id under <see cref="UnknownIdPolicy.Reject"/>, a metadata value cannot be used under <see cref="MovieLensLoadOptions.StrictMetadata"/>, or a pair is rated twice within one stream under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or a format with streams), so no call is ambiguous.")]
    public static DatasetSplit LoadSplit(MovieLensFormat format, Stream train, Stream test, Stream? items = null, Stream? users = null, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        Release release = ReleaseOf(format);
        if (users is not null && release.UsersFile is null)
        {
            ThrowHelper.Argument(nameof(users), $"The {format} release has no users file; pass null for users.");
        }

        options = CheckOptions(options);
        LoadRecorder recorder = options.CreateRecorder();
        ReadMetadata(release, null, items, users, recorder, out UserTable? userTable, out ItemTable? itemTable, cancellationToken);
        using LineReader trainReader = OpenStream(train, TrainStreamName, release.RatingsSeparator, release.Quoted, cancellationToken);
        using LineReader testReader = OpenStream(test, TestStreamName, release.RatingsSeparator, release.Quoted, cancellationToken);
        RatingsDataset[] parts = ReadRatings(userTable, itemTable, [trainReader, testReader], release.Layout, options, recorder);
        return new DatasetSplit(parts[0], parts[1]);
    }

    /// <summary>The release a format names.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined value.</exception>
    private static Release ReleaseOf(MovieLensFormat format) => format switch
    {
        MovieLensFormat.Ml100K => Release100K,
        MovieLensFormat.Ml1M => Release1M,
        MovieLensFormat.Latest => ReleaseLatest,
        _ => ThrowHelper.ArgumentOutOfRange<Release>(nameof(format), format, "Ml100K, Ml1M or Latest"),
    };

    /// <summary>The release of a folder holding a training file: by its ratings file, else its metadata, else the file's extension.</summary>
    private static Release ReleaseOfSplit(string folder, string trainFileName)
    {
        if (TryDetect(folder, out MovieLensFormat format))
        {
            return ReleaseOf(format);
        }

        foreach (Release release in (Release[])[Release100K, Release1M, ReleaseLatest])
        {
            if (Optional(folder, release.ItemsFile) is not null)
            {
                return release;
            }
        }

        return Path.GetExtension(trainFileName).ToUpperInvariant() switch
        {
            ".CSV" => ReleaseLatest,
            ".DAT" => Release1M,
            _ => Release100K,
        };
    }
}
