using System.Diagnostics.CodeAnalysis;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Reads a ratings file in any delimited text layout (CSV, TSV, '::', …): one rating per line,
/// with the user id, item id, rating and optionally a timestamp in chosen columns
/// (<see cref="DelimitedRatingsOptions"/>). Extra columns are ignored; blank lines are skipped;
/// lines may end with <c>\n</c> or <c>\r\n</c>. Bad input throws <see cref="RatingsFormatException"/>
/// naming the file, the 1-based line and field, and what was expected.
/// </summary>
public static class DelimitedRatingsReader
{
    /// <summary>Reads a ratings file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The layout.</param>
    /// <param name="catalog">
    /// The catalogue the ids must belong to (an id not in it is an error), or <see langword="null"/>
    /// to collect users and items from the file in order of first appearance.
    /// </param>
    /// <param name="cancellationToken">Checked between blocks of the file.</param>
    /// <returns>The ratings; timestamps are kept when <see cref="DelimitedRatingsOptions.TimestampColumn"/> is set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The file's folder does not exist.</exception>
    /// <exception cref="RatingsFormatException">The file is malformed, empty, names an id missing from <paramref name="catalog"/>, or rates a pair twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static RatingsDataset Read(string path, DelimitedRatingsOptions options, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
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

        using LineReader reader = LineReader.Open(full, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        return ReadCore(reader, options, catalog);
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
    /// <exception cref="RatingsFormatException">The data is malformed, empty, names an id missing from <paramref name="catalog"/>, or rates a pair twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static RatingsDataset Read(Stream stream, string sourceName, DelimitedRatingsOptions options, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!stream.CanRead)
        {
            ThrowHelper.Argument(nameof(stream), $"The stream '{sourceName}' cannot be read.");
        }

        using LineReader reader = LineReader.FromStream(stream, sourceName, options.Encoding, options.Separator, options.IsQuoted, cancellationToken);
        return ReadCore(reader, options, catalog);
    }

    private static RatingsDataset ReadCore(LineReader reader, DelimitedRatingsOptions options, Catalog? catalog)
    {
        RatingsLayout layout = options.ToLayout();
        var builder = new RatingsDatasetBuilder(catalog, options.Duplicates);
        const string Origin = "the given catalogue";
        RatingsParser.Read(reader, layout, builder, catalog?.Users, Origin, catalog?.Items, Origin, keepTimestamps: true);
        reader.CancellationToken.ThrowIfCancellationRequested();
        return RatingsParser.Build(builder, reader.Source, layout.ItemColumn, reader.CancellationToken);
    }
}
