using System.Text;
using CollaborativeFiltering.Data.Parsing;

namespace CollaborativeFiltering.Data;

/// <content>The MovieLens 100k predefined splits (<c>u1.base</c>/<c>u1.test</c> … <c>u5</c>, <c>ua</c>, <c>ub</c>).</content>
public static partial class MovieLens
{
    /// <summary>
    /// Loads one of MovieLens 100k's predefined splits, e.g. <c>("u1.base", "u1.test")</c>: two
    /// files in the <c>u.data</c> layout over the catalogue of the folder's <c>u.user</c> and
    /// <c>u.item</c>, so that N = 943 and M = 1682 for both parts. Both datasets share one
    /// <see cref="Catalog"/> instance. Without the metadata files, the catalogue is the ids of the
    /// training file then those first seen in the test file.
    /// </summary>
    /// <param name="directory">The <c>ml-100k</c> folder, or a folder holding exactly one <c>ml-*</c> folder that has the training file.</param>
    /// <param name="trainFileName">The training file's name in that folder, e.g. <c>u1.base</c>.</param>
    /// <param name="testFileName">The test file's name in that folder, e.g. <c>u1.test</c>.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the files.</param>
    /// <returns>The training and test ratings.</returns>
    /// <exception cref="ArgumentException">An argument is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The training or test file is not there.</exception>
    /// <exception cref="RatingsFormatException">A file is malformed, a rating names an id missing from <c>u.user</c>/<c>u.item</c>, or a pair is rated twice within one file under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static DatasetSplit LoadSplit(string directory, string trainFileName, string testFileName, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trainFileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(testFileName);
        options = CheckOptions(options);
        string folder = LocateFile(directory, trainFileName, "MovieLens 100k training");
        string testPath = Required(folder, testFileName, "MovieLens 100k test");
        ReadMetadata(Release100K, folder, null, null, out UserTable? users, out ItemTable? items, cancellationToken);
        using LineReader train = OpenFile(Path.Combine(folder, trainFileName), Encoding.Latin1, "\t", false, cancellationToken);
        using LineReader test = OpenFile(testPath, Encoding.Latin1, "\t", false, cancellationToken);
        RatingsDataset[] parts = ReadShared(users, items, [train, test], Layout100K, options);
        return new DatasetSplit(parts[0], parts[1]);
    }
}
