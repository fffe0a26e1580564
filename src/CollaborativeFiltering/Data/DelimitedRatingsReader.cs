using System.Diagnostics.CodeAnalysis;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Reads ratings files in any delimited text layout (CSV, TSV, '::', …): one rating per line,
/// with the user id, item id, rating and optionally a timestamp in chosen columns
/// (<see cref="DelimitedRatingsOptions"/>). Extra columns are ignored; blank lines are skipped;
/// lines may end with <c>\n</c> or <c>\r\n</c>; a byte-order mark is honoured. Bad input throws
/// <see cref="RatingsFormatException"/> naming the file, the 1-based line and field, and what was
/// expected. <see cref="ReadSplit(string, string, DelimitedRatingsOptions, Catalog?, CancellationToken)"/>
/// reads a training and a test file over one catalogue.
/// </summary>
public static class DelimitedRatingsReader
{
    /// <summary>Reads a ratings file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The layout.</param>
    /// <param name="catalog">
    /// The catalogue the ids must belong to (an id not in it is an error, or skipped under
    /// <see cref="DelimitedRatingsOptions.UnknownIds"/>), or <see langword="null"/> to collect users
    /// and items from the file in order of first appearance.
    /// </param>
    /// <param name="cancellationToken">Checked between blocks of the file.</param>
    /// <returns>The ratings; timestamps are kept when <see cref="DelimitedRatingsOptions.TimestampColumn"/> is set; <see cref="RatingsDataset.LoadReport"/> says what was read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The file's folder does not exist.</exception>
    /// <exception cref="RatingsFormatException">The file is malformed, empty, names an id missing from <paramref name="catalog"/> under <see cref="UnknownIdPolicy.Reject"/>, or rates a pair twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static RatingsDataset Read(string path, DelimitedRatingsOptions options, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string full = CheckFile(path);
        using LineReader reader = LineReader.Open(full, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        return ReadCore([reader], options, catalog)[0];
    }

    /// <summary>Reads ratings from a stream (left open).</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="sourceName">The name error messages give the stream (a file name or description).</param>
    /// <param name="options">The layout.</param>
    /// <param name="catalog">The catalogue the ids must belong to, or <see langword="null"/> to collect them from the stream.</param>
    /// <param name="cancellationToken">Checked between blocks of the stream.</param>
    /// <returns>The ratings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/>, <paramref name="sourceName"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="RatingsFormatException">The data is malformed, empty, names an id missing from <paramref name="catalog"/> under <see cref="UnknownIdPolicy.Reject"/>, or rates a pair twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static RatingsDataset Read(Stream stream, string sourceName, DelimitedRatingsOptions options, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckReadable(stream, sourceName, nameof(stream));
        using LineReader reader = LineReader.FromStream(stream, sourceName, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        return ReadCore([reader], options, catalog)[0];
    }

    /// <summary>
    /// Reads a training and a test file over one shared catalogue, so that a model trained on the
    /// first scores the second: <paramref name="catalog"/> when given, else the users and items of
    /// the training file in order of first appearance, then those first seen in the test file. Both
    /// parts share one <see cref="Catalog"/> instance. Duplicates are looked for within each file.
    /// </summary>
    /// <param name="trainPath">The training file.</param>
    /// <param name="testPath">The test file.</param>
    /// <param name="options">The layout of both files.</param>
    /// <param name="catalog">The catalogue both files' ids must belong to, or <see langword="null"/> to collect them from the files.</param>
    /// <param name="cancellationToken">Checked between blocks of the files.</param>
    /// <returns>The training and test ratings.</returns>
    /// <exception cref="ArgumentNullException">A path or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A path is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A file's folder does not exist.</exception>
    /// <exception cref="RatingsFormatException">A file is malformed, empty, names an id missing from <paramref name="catalog"/> under <see cref="UnknownIdPolicy.Reject"/>, or rates a pair twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static DatasetSplit ReadSplit(string trainPath, string testPath, DelimitedRatingsOptions options, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trainPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(testPath);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string trainFull = CheckFile(trainPath), testFull = CheckFile(testPath);
        using LineReader train = LineReader.Open(trainFull, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        using LineReader test = LineReader.Open(testFull, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        RatingsDataset[] parts = ReadCore([train, test], options, catalog);
        return new DatasetSplit(parts[0], parts[1]);
    }

    /// <summary>Reads a training and a test stream (left open) over one shared catalogue; see <see cref="ReadSplit(string, string, DelimitedRatingsOptions, Catalog?, CancellationToken)"/>.</summary>
    /// <param name="train">The training bytes.</param>
    /// <param name="trainName">The name error messages give the training stream.</param>
    /// <param name="test">The test bytes.</param>
    /// <param name="testName">The name error messages give the test stream.</param>
    /// <param name="options">The layout of both streams.</param>
    /// <param name="catalog">The catalogue both streams' ids must belong to, or <see langword="null"/> to collect them from the streams.</param>
    /// <param name="cancellationToken">Checked between blocks of the streams.</param>
    /// <returns>The training and test ratings.</returns>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="catalog"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A stream cannot be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="RatingsFormatException">A stream is malformed, empty, names an id missing from <paramref name="catalog"/> under <see cref="UnknownIdPolicy.Reject"/>, or rates a pair twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static DatasetSplit ReadSplit(Stream train, string trainName, Stream test, string testName, DelimitedRatingsOptions options, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainName);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(testName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckReadable(train, trainName, nameof(train));
        CheckReadable(test, testName, nameof(test));
        using LineReader trainReader = LineReader.FromStream(train, trainName, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        using LineReader testReader = LineReader.FromStream(test, testName, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        RatingsDataset[] parts = ReadCore([trainReader, testReader], options, catalog);
        return new DatasetSplit(parts[0], parts[1]);
    }

    private static string CheckFile(string path)
    {
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder '{folder}' of the ratings file '{Path.GetFileName(full)}' does not exist.");
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The ratings file '{full}' does not exist.", full);
        }

        return full;
    }

    private static void CheckReadable(Stream stream, string name, string paramName)
    {
        if (!stream.CanRead)
        {
            ThrowHelper.Argument(paramName, $"The stream '{name}' cannot be read.");
        }
    }

    private static RatingsDataset[] ReadCore(LineReader[] readers, DelimitedRatingsOptions options, Catalog? catalog)
    {
        const string Origin = "the given catalogue";
        KnownIds known = catalog is null ? KnownIds.None : new KnownIds(catalog.Users, Origin, catalog.Items, Origin);
        var recorder = new LoadRecorder(options.Logger, strictMetadata: true);
        return SharedCatalogReader.Read(readers, options.ToLayout(), known, (users, items) => catalog ?? new Catalog(users, items), options.RatingsSettings, recorder);
    }
}
