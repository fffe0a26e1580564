using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CollaborativeFiltering.Internal;
using Parquet;
using Parquet.Schema;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Reads ratings from a Apache Parquet file (as written by Spark, pandas, Polars, DuckDB or
/// Parquet.Net): one rating per row, the user id, item id, rating and optionally a timestamp in
/// columns chosen by name (<see cref="ParquetRatingsOptions"/>), over any number of row groups and
/// with any of Parquet's compressions. Integer ids become their decimal text (<c>42</c> → <c>"42"</c>),
/// so a model trained on the Parquet file and one trained on the same ratings as CSV share ids.
/// Bad input throws <see cref="RatingsFormatException"/> naming the file, the 1-based row (as the
/// line) and the 1-based column, and what was expected.
/// </summary>
public static class ParquetRatingsReader
{
    /// <summary>Reads a Parquet ratings file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The column names, or <see langword="null"/> for <see cref="ParquetRatingsOptions.Default"/>.</param>
    /// <param name="catalog">The catalogue the ids must belong to (an id not in it is an error), or <see langword="null"/> to collect users and items from the file in order of first appearance.</param>
    /// <param name="cancellationToken">Checked between row groups.</param>
    /// <returns>The ratings, with timestamps when the timestamp column is present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The file's folder does not exist.</exception>
    /// <exception cref="RatingsFormatException">The file is not Parquet, lacks a column, holds a column of another type, a null or non-finite value, no rows, an id missing from <paramref name="catalog"/>, or a pair rated twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static RatingsDataset Read(string path, ParquetRatingsOptions? options = null, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= ParquetRatingsOptions.Default;
        options.Validate();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadCore(stream, path, options, catalog, cancellationToken);
    }

    /// <summary>Reads Parquet ratings from a readable, seekable stream (left open).</summary>
    /// <param name="stream">The bytes of one Parquet file.</param>
    /// <param name="sourceName">The name error messages give the stream.</param>
    /// <param name="options">The column names, or <see langword="null"/> for <see cref="ParquetRatingsOptions.Default"/>.</param>
    /// <param name="catalog">The catalogue the ids must belong to, or <see langword="null"/> to collect them from the stream.</param>
    /// <param name="cancellationToken">Checked between row groups.</param>
    /// <returns>The ratings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="sourceName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read or cannot seek (Parquet's footer is at the end).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="RatingsFormatException">As for <see cref="Read(string, ParquetRatingsOptions?, Catalog?, CancellationToken)"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a file path or a stream), so no call is ambiguous.")]
    public static RatingsDataset Read(Stream stream, string sourceName, ParquetRatingsOptions? options = null, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanRead || !stream.CanSeek)
        {
            ThrowHelper.Argument(nameof(stream), $"The stream '{sourceName}' must be readable and seekable: a Parquet file's footer is at its end.");
        }

        options ??= ParquetRatingsOptions.Default;
        options.Validate();
        return ReadCore(stream, sourceName, options, catalog, cancellationToken);
    }

    private static RatingsDataset ReadCore(Stream stream, string source, ParquetRatingsOptions options, Catalog? catalog, CancellationToken cancellationToken)
    {
        ParquetSchema? schema = null;
        try
        {
            return ParquetColumns.Run(async () =>
            {
                ParquetReader reader;
                if (ParquetFooter.Problem(stream) is { } footer)
                {
                    throw new RatingsFormatException(source, 0, 0, $"expected a Parquet file: {footer}.");
                }

                try
                {
                    reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
                {
                    throw new RatingsFormatException(source, 0, 0, $"expected a Parquet file: {e.Message}", e);
                }

                await using (reader.ConfigureAwait(false))
                {
                    schema = reader.Schema;
                    DataField user = Column(schema, options.UserColumn, nameof(options.UserColumn), source);
                    DataField item = Column(schema, options.ItemColumn, nameof(options.ItemColumn), source);
                    DataField rating = Column(schema, options.RatingColumn, nameof(options.RatingColumn), source);
                    DataField? timestamp = options.TimestampColumn is { } t && ParquetColumns.FindField(schema, t) is not null
                        ? Column(schema, t, nameof(options.TimestampColumn), source)
                        : null;
                    int rows = ParquetColumns.RowCount(reader, "ratings");
                    MemoryBudget.ThrowIfTooLarge(MemoryBudget.Product(rows, 64), nameof(stream), source, "ratings");
                    string[] users = await ReadIdsAsync(reader, user, rows, cancellationToken).ConfigureAwait(false);
                    string[] items = await ReadIdsAsync(reader, item, rows, cancellationToken).ConfigureAwait(false);
                    float[] values = await ParquetColumns.ReadSingleAsync(reader, rating, rows, cancellationToken).ConfigureAwait(false);
                    long[]? times = timestamp is null ? null : await ParquetColumns.ReadInt64Async(reader, timestamp, rows, cancellationToken).ConfigureAwait(false);
                    return Build(source, schema, user, item, users, items, values, times, options, catalog, cancellationToken);
                }
            });
        }
        catch (ParquetDataException e)
        {
            int column = 0;
            if (schema is not null && e.Column is { } name)
            {
                string top = name.Split('/')[0];
                column = ParquetColumns.FindField(schema, top) is { } field ? ParquetColumns.Ordinal(schema, field) : 0;
            }

            throw new RatingsFormatException(source, checked((int)Math.Min(e.Row, int.MaxValue)), column, e.Column is null ? e.Problem : $"column '{e.Column}': {e.Problem}", e);
        }
        catch (Exception e) when (e is not (RatingsFormatException or OperationCanceledException or OutOfMemoryException))
        {
            // Parquet.Net reports damaged pages, Thrift headers and encodings with many exception types.
            throw new RatingsFormatException(source, 0, 0, $"the Parquet data cannot be read: {e.Message}", e);
        }
    }

    private static DataField Column(ParquetSchema schema, string name, string option, string source)
    {
        Field? field = ParquetColumns.FindField(schema, name);
        if (field is null)
        {
            string names = string.Join(", ", schema.Fields.Select(f => $"'{f.Name}'"));
            throw new RatingsFormatException(source, 0, 0, $"expected a column named '{name}' ({option}); the file has {names}");
        }

        if (field is not DataField data)
        {
            throw new RatingsFormatException(source, 0, ParquetColumns.Ordinal(schema, field), $"expected column '{name}' ({option}) to hold one value per row, found a {field.SchemaType} column");
        }

        return data;
    }

    private static async Task<string[]> ReadIdsAsync(ParquetReader reader, DataField field, int rows, CancellationToken cancellationToken)
    {
        if (ParquetColumns.IsText(field))
        {
            return await ParquetColumns.ReadStringsAsync(reader, field, rows, cancellationToken).ConfigureAwait(false);
        }

        long[] numbers = await ParquetColumns.ReadInt64Async(reader, field, rows, cancellationToken).ConfigureAwait(false);
        var ids = new string[rows];
        var seen = new Dictionary<long, string>();
        for (int r = 0; r < rows; r++)
        {
            long n = numbers[r];
            if (!seen.TryGetValue(n, out string? id))
            {
                id = n.ToString(CultureInfo.InvariantCulture);
                seen.Add(n, id);
            }

            ids[r] = id;
        }

        return ids;
    }

    private static RatingsDataset Build(string source, ParquetSchema schema, DataField userField, DataField itemField, string[] users, string[] items, float[] values, long[]? times, ParquetRatingsOptions options, Catalog? catalog, CancellationToken cancellationToken)
    {
        if (values.Length == 0)
        {
            throw new RatingsFormatException(source, 0, 0, "expected at least one rating, found no rows");
        }

        var builder = new RatingsDatasetBuilder(catalog, options.Duplicates);
        for (int r = 0; r < values.Length; r++)
        {
            if ((r & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (catalog is not null)
            {
                if (!catalog.Users.Contains(users[r]))
                {
                    throw new RatingsFormatException(source, r + 1, ParquetColumns.Ordinal(schema, userField), $"the user id '{users[r]}' is not in the catalogue");
                }

                if (!catalog.Items.Contains(items[r]))
                {
                    throw new RatingsFormatException(source, r + 1, ParquetColumns.Ordinal(schema, itemField), $"the item id '{items[r]}' is not in the catalogue");
                }
            }

            builder.Add(users[r], items[r], values[r], times?[r]);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidOperationException e)
        {
            throw new RatingsFormatException(source, 0, 0, e.Message, e);
        }
    }
}
