using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// The Parquet reading and writing the features share, over Parquet.Net's column API: whole columns
/// read into arrays across row groups (nulls and unsupported types rejected with the row and the
/// column named), lists of floats read as fixed-length rows, and files written in one row group per
/// call. Every size read from a file's metadata is checked against <see cref="MemoryBudget"/> before
/// anything is allocated. Problems in the data are <see cref="ParquetDataException"/>s, which each
/// feature turns into its own typed exception.
/// </summary>
internal static class ParquetColumns
{
    /// <summary>The top-level field named <paramref name="name"/> (ordinal comparison), or <see langword="null"/>.</summary>
    public static Field? FindField(ParquetSchema schema, string name)
    {
        foreach (Field field in schema.Fields)
        {
            if (string.Equals(field.Name, name, StringComparison.Ordinal))
            {
                return field;
            }
        }

        return null;
    }

    /// <summary>The 1-based position of a top-level field, for messages.</summary>
    public static int Ordinal(ParquetSchema schema, Field field)
    {
        for (int i = 0; i < schema.Fields.Count; i++)
        {
            if (ReferenceEquals(schema.Fields[i], field))
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>The total row count over all row groups, checked to fit one array.</summary>
    public static int RowCount(ParquetReader reader, string what)
    {
        long rows = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
            if (group.RowCount < 0 || rows > Array.MaxLength)
            {
                throw new ParquetDataException(0, null, string.Create(CultureInfo.InvariantCulture, $"the file claims {rows:N0} or more rows of {what}; at most {Array.MaxLength:N0} fit"));
            }
        }

        return (int)rows;
    }

    /// <summary>A flat (not repeated) column's values as 64-bit integers, for ids and timestamps; integer columns of any width and timestamps (as Unix seconds) are accepted.</summary>
    public static async Task<long[]> ReadInt64Async(ParquetReader reader, DataField field, int rows, CancellationToken cancellationToken)
    {
        CheckFlat(field);
        var result = new long[rows];
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            Type type = field.ClrType;
            if (type == typeof(long))
            {
                await ReadFlatAsync(group, field, result.AsMemory(offset, n), offset, cancellationToken).ConfigureAwait(false);
            }
            else if (type == typeof(int))
            {
                int[] values = await ReadFlatAsync<int>(group, field, n, offset, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < n; i++)
                {
                    result[offset + i] = values[i];
                }
            }
            else if (type == typeof(short) || type == typeof(sbyte) || type == typeof(byte) || type == typeof(ushort) || type == typeof(uint))
            {
                await ConvertAsync(group, field, result, offset, n, cancellationToken).ConfigureAwait(false);
            }
            else if (type == typeof(DateTime))
            {
                DateTime[] values = await ReadFlatAsync<DateTime>(group, field, n, offset, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < n; i++)
                {
                    result[offset + i] = new DateTimeOffset(DateTime.SpecifyKind(values[i], DateTimeKind.Utc)).ToUnixTimeSeconds();
                }
            }
            else
            {
                throw Unsupported(field, "an integer or a timestamp");
            }

            offset += n;
        }

        return result;
    }

    /// <summary>A flat column's values as floats, for ratings: float, double and integer columns are accepted; a value that is not finite as a float is rejected.</summary>
    public static async Task<float[]> ReadSingleAsync(ParquetReader reader, DataField field, int rows, CancellationToken cancellationToken)
    {
        CheckFlat(field);
        var result = new float[rows];
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            Type type = field.ClrType;
            if (type == typeof(float))
            {
                await ReadFlatAsync(group, field, result.AsMemory(offset, n), offset, cancellationToken).ConfigureAwait(false);
            }
            else if (type == typeof(double))
            {
                double[] values = await ReadFlatAsync<double>(group, field, n, offset, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < n; i++)
                {
                    result[offset + i] = (float)values[i];
                }
            }
            else if (type == typeof(decimal))
            {
                decimal[] values = await ReadFlatAsync<decimal>(group, field, n, offset, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < n; i++)
                {
                    result[offset + i] = (float)values[i];
                }
            }
            else if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(sbyte) || type == typeof(byte))
            {
                var wide = new long[n];
                await ConvertAsync(group, field, wide, 0, n, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < n; i++)
                {
                    result[offset + i] = wide[i];
                }
            }
            else
            {
                throw Unsupported(field, "a floating-point or integer number");
            }

            for (int i = 0; i < n; i++)
            {
                if (!float.IsFinite(result[offset + i]))
                {
                    throw new ParquetDataException(offset + i + 1, field.Name, string.Create(CultureInfo.InvariantCulture, $"expected a finite number, found {result[offset + i]}"));
                }
            }

            offset += n;
        }

        return result;
    }

    /// <summary>A flat column's values as strings, for ids given as text.</summary>
    public static async Task<string[]> ReadStringsAsync(ParquetReader reader, DataField field, int rows, CancellationToken cancellationToken)
    {
        CheckFlat(field);
        if (!IsText(field))
        {
            throw Unsupported(field, "a string");
        }

        var result = new string[rows];
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            var values = new string?[n];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
            {
                result[offset + i] = values[i] ?? throw Null(field, offset + i);
            }

            offset += n;
        }

        return result;
    }

    /// <summary>
    /// A list-of-floats column (<c>array&lt;float&gt;</c>, in the standard three-level layout or a
    /// legacy two-level one) as <paramref name="rows"/> rows of exactly <paramref name="length"/> floats,
    /// row-major; a null list, a null element or a list of another length is rejected.
    /// </summary>
    public static async Task<float[]> ReadFloatListsAsync(ParquetReader reader, DataField element, int rows, int length, CancellationToken cancellationToken)
    {
        if (element.MaxRepetitionLevel != 1 || element.ClrType != typeof(float))
        {
            throw Unsupported(element, "a list of floats (array<float>)");
        }

        long total = MemoryBudget.Product(rows, length);
        MemoryBudget.ThrowIfArrayTooLong(total, nameof(rows), rows, "factors");
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Product(total, sizeof(float) + 2 * sizeof(int)), nameof(rows), rows, "factors");
        var result = new float[total];
        int row = 0;
        long written = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var group = reader.OpenRowGroupReader(g);
            long claimed = group.GetMetadata(element)?.MetaData?.NumValues ?? 0;
            long groupRows = group.RowCount;

            // A valid group has exactly `length` values per row; anything else is refused before allocating.
            if (claimed != groupRows * length)
            {
                throw new ParquetDataException(row + 1, element.Path.ToString(), string.Create(CultureInfo.InvariantCulture,
                    $"expected {length} floats in each of the row group's {groupRows:N0} rows ({groupRows * length:N0} values), found {claimed:N0} values"));
            }

            int n = (int)claimed;
            var values = new float[n];
            var definitions = new int[n];
            var repetitions = new int[n];
            await group.ReadRawAsync<float>(element, values, definitions, repetitions, cancellationToken).ConfigureAwait(false);
            int inRow = 0;
            for (int k = 0; k < n; k++)
            {
                if (repetitions[k] == 0)
                {
                    if (k > 0)
                    {
                        CheckListLength(element, row, inRow, length);
                        row++;
                    }

                    inRow = 0;
                }

                if (definitions[k] != element.MaxDefinitionLevel)
                {
                    throw new ParquetDataException(row + 1, element.Path.ToString(), "expected a list of floats, found a null or empty list or a null element");
                }

                if (inRow < length)
                {
                    result[written + inRow] = values[k];
                }

                inRow++;
                if (inRow == length)
                {
                    written += length;
                }
            }

            if (n > 0)
            {
                CheckListLength(element, row, inRow, length);
                row++;
            }
        }

        return result;
    }

    /// <summary>Whether a column holds text (Parquet.Net presents UTF-8 byte arrays as strings or character memory).</summary>
    public static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>Writes one file of one row group through <paramref name="writeColumns"/>, in the schema's column order.</summary>
    public static async Task WriteAsync(Stream destination, ParquetSchema schema, IReadOnlyDictionary<string, string>? metadata, Func<ParquetRowGroupWriter, Task> writeColumns, CancellationToken cancellationToken)
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        var writer = await ParquetWriter.CreateAsync(schema, destination, options, append: false, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            if (metadata is not null)
            {
                writer.CustomMetadata = metadata;
            }

            using var group = writer.CreateRowGroup();
            await writeColumns(group).ConfigureAwait(false);
        }
    }

    /// <summary>Writes rows of floats as a list column, every list complete (definition level at its maximum).</summary>
    public static Task WriteFloatListsAsync(ParquetRowGroupWriter group, DataField element, ReadOnlyMemory<float> values, int length, CancellationToken cancellationToken)
    {
        var definitions = new int[values.Length];
        var repetitions = new int[values.Length];
        definitions.AsSpan().Fill(element.MaxDefinitionLevel);
        for (int k = 0; k < repetitions.Length; k++)
        {
            repetitions[k] = k % length == 0 ? 0 : 1;
        }

        return group.WriteAllPartsAsync(element, values, definitions, repetitions, cancellationToken);
    }

    /// <summary>Runs Parquet.Net's asynchronous API to completion for the library's synchronous calls.</summary>
    public static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();

    /// <inheritdoc cref="Run{T}(Func{Task{T}})"/>
    public static void Run(Func<Task> work) => Task.Run(work).GetAwaiter().GetResult();

    private static void CheckListLength(DataField element, int row, int found, int length)
    {
        if (found != length)
        {
            throw new ParquetDataException(row + 1, element.Path.ToString(), string.Create(CultureInfo.InvariantCulture, $"expected a list of {length} floats, found {found}"));
        }
    }

    private static void CheckFlat(DataField field)
    {
        if (field.MaxRepetitionLevel != 0)
        {
            throw Unsupported(field, "a single value per row, not a list");
        }
    }

    private static async Task ReadFlatAsync<T>(ParquetRowGroupReader group, DataField field, Memory<T> destination, int offset, CancellationToken cancellationToken)
        where T : struct
    {
        if (field.MaxDefinitionLevel == 0)
        {
            await group.ReadRawAsync(field, destination, null, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var definitions = new int[destination.Length];
        await group.ReadRawAsync(field, destination, definitions, null, cancellationToken).ConfigureAwait(false);
        int nulls = Array.IndexOf(definitions, 0);
        if (nulls >= 0)
        {
            throw Null(field, offset + nulls);
        }
    }

    private static async Task<T[]> ReadFlatAsync<T>(ParquetRowGroupReader group, DataField field, int n, int offset, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T[n];
        await ReadFlatAsync(group, field, values.AsMemory(), offset, cancellationToken).ConfigureAwait(false);
        return values;
    }

    private static async Task ConvertAsync(ParquetRowGroupReader group, DataField field, long[] result, int offset, int n, CancellationToken cancellationToken)
    {
        Type type = field.ClrType;
        if (type == typeof(long))
        {
            await ReadFlatAsync(group, field, result.AsMemory(offset, n), offset, cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(int))
        {
            Widen(await ReadFlatAsync<int>(group, field, n, offset, cancellationToken).ConfigureAwait(false), result, offset);
        }
        else if (type == typeof(short))
        {
            Widen(await ReadFlatAsync<short>(group, field, n, offset, cancellationToken).ConfigureAwait(false), result, offset);
        }
        else if (type == typeof(sbyte))
        {
            Widen(await ReadFlatAsync<sbyte>(group, field, n, offset, cancellationToken).ConfigureAwait(false), result, offset);
        }
        else if (type == typeof(byte))
        {
            Widen(await ReadFlatAsync<byte>(group, field, n, offset, cancellationToken).ConfigureAwait(false), result, offset);
        }
        else if (type == typeof(ushort))
        {
            Widen(await ReadFlatAsync<ushort>(group, field, n, offset, cancellationToken).ConfigureAwait(false), result, offset);
        }
        else
        {
            Widen(await ReadFlatAsync<uint>(group, field, n, offset, cancellationToken).ConfigureAwait(false), result, offset);
        }
    }

    private static void Widen<T>(T[] values, long[] result, int offset)
        where T : struct, IConvertible
    {
        for (int i = 0; i < values.Length; i++)
        {
            result[offset + i] = values[i].ToInt64(CultureInfo.InvariantCulture);
        }
    }

    private static ParquetDataException Null(DataField field, int row) =>
        new(row + 1, field.Name, "expected a value, found null");

    private static ParquetDataException Unsupported(DataField field, string expected) =>
        new(0, field.Path.ToString(), string.Create(CultureInfo.InvariantCulture, $"expected {expected}, found a column of type {(IsText(field) ? "string" : field.ClrType.Name)}{(field.MaxRepetitionLevel > 0 ? " (repeated)" : "")}"));
}

/// <summary>A problem in a Parquet file's data: the 1-based row (0 for the whole column or file), the column, and what was expected.</summary>
internal sealed class ParquetDataException(long row, string? column, string problem) : Exception(problem)
{
    /// <summary>The 1-based row, or 0.</summary>
    public long Row { get; } = row;

    /// <summary>The column's name or path, or <see langword="null"/>.</summary>
    public string? Column { get; } = column;

    /// <summary>What was expected and what was found.</summary>
    public string Problem { get; } = problem;
}
