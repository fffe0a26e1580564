using System.Globalization;
using CollaborativeFiltering.Data;
using Microsoft.Data.Analysis;

namespace CollaborativeFiltering.MLNet.DataFrames;

/// <summary>
/// Reads the columns of a <see cref="DataFrame"/> that hold ratings: ids (text or numbers, whose invariant
/// text is the id, so a float column read by <c>DataFrame.LoadCsv</c> gives "196", not "196.0") and numbers.
/// A column of another type is an <see cref="ArgumentException"/> for the argument that named the column;
/// a missing value (null) or an unknown id is one for the DataFrame (<see cref="DataParamName"/>), naming the
/// column and the row.
/// </summary>
internal static class DataFrameColumns
{
    /// <summary>The parameter name of errors in the DataFrame's values.</summary>
    public const string DataParamName = "dataFrame";

    /// <summary>The column named <paramref name="name"/>.</summary>
    public static DataFrameColumn Find(DataFrame frame, string name, string role, string paramName)
    {
        int index = frame.Columns.IndexOf(name);
        if (index < 0)
        {
            throw new ArgumentException($"The DataFrame has no {role} column '{name}'. Its columns are: {string.Join(", ", frame.Columns.Select(c => $"'{c.Name}'"))}.", paramName);
        }

        return frame.Columns[index];
    }

    /// <summary>
    /// The dense index of every row's id: ids looked up in <paramref name="catalogIds"/> when given (an id
    /// it lacks is an error), else numbered in order of first appearance into <paramref name="newIds"/>.
    /// </summary>
    public static int[] Indices(DataFrameColumn column, string role, string paramName, IdMap? catalogIds, List<string> newIds)
    {
        var resolver = new IdResolver(column.Name, role, catalogIds, newIds);
        return column switch
        {
            StringDataFrameColumn text => resolver.Resolve(text.Length, row => text[row]),
            ArrowStringDataFrameColumn text => resolver.Resolve(text.Length, row => text[row]),
            PrimitiveDataFrameColumn<int> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<long> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<uint> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<ulong> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<short> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<ushort> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<byte> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<sbyte> numbers => resolver.Resolve(numbers),
            PrimitiveDataFrameColumn<float> numbers => resolver.Resolve(numbers, static v => Math.Abs(v) < MaxExactSingle),
            PrimitiveDataFrameColumn<double> numbers => resolver.Resolve(numbers, static v => Math.Abs(v) < MaxExactDouble),
            PrimitiveDataFrameColumn<decimal> numbers => resolver.Resolve(numbers),
            _ => throw new ArgumentException($"The {role} column '{column.Name}' holds {column.DataType.Name} values; expected text or numbers, whose text is the {role} id.", paramName),
        };
    }

    /// <summary>A reader of a numeric column's values as <see cref="double"/> (null for a missing value).</summary>
    /// <param name="column">The column.</param>
    /// <param name="role">"rating" or "timestamp", for messages.</param>
    /// <param name="expected">What the column should hold, for messages.</param>
    /// <param name="paramName">The argument that named the column.</param>
    /// <param name="allowSingle">Whether a float column is accepted: not for timestamps, which floats hold only to about two minutes.</param>
    public static Func<long, double?> Numbers(DataFrameColumn column, string role, string expected, string paramName, bool allowSingle = true) => column switch
    {
        PrimitiveDataFrameColumn<float> when !allowSingle => throw new ArgumentException(
            $"The {role} column '{column.Name}' holds Single values, which cannot hold Unix timestamps exactly (1260759144 becomes 1260759168); "
            + "load it as Int64 (DataFrame.LoadCsv guesses Single for every number unless given dataTypes).", paramName),
        PrimitiveDataFrameColumn<float> c => row => c[row],
        PrimitiveDataFrameColumn<double> c => row => c[row],
        PrimitiveDataFrameColumn<int> c => row => c[row],
        PrimitiveDataFrameColumn<long> c => row => c[row],
        PrimitiveDataFrameColumn<uint> c => row => c[row],
        PrimitiveDataFrameColumn<ulong> c => row => c[row],
        PrimitiveDataFrameColumn<short> c => row => c[row],
        PrimitiveDataFrameColumn<ushort> c => row => c[row],
        PrimitiveDataFrameColumn<byte> c => row => c[row],
        PrimitiveDataFrameColumn<sbyte> c => row => c[row],
        PrimitiveDataFrameColumn<decimal> c => row => (double?)c[row],
        _ => throw new ArgumentException($"The {role} column '{column.Name}' holds {column.DataType.Name} values; expected {expected}.", paramName),
    };

    /// <summary>2²⁴: from here on a float cannot hold every whole number, so two ids may have become one.</summary>
    private const float MaxExactSingle = 16_777_216f;

    /// <summary>2⁵³: the same for a double.</summary>
    private const double MaxExactDouble = 9_007_199_254_740_992d;

    /// <summary>An error in the DataFrame's values (parameter <see cref="DataParamName"/>).</summary>
    public static ArgumentException ValueError(string message, string paramName = DataParamName) => new(message, paramName);

    /// <summary>The message for a missing value.</summary>
    public static string MissingValue(string role, string column, long row) =>
        string.Create(CultureInfo.InvariantCulture, $"Row {row} of the {role} column '{column}' is missing (null); every rating needs a user, an item and a value.");

    /// <summary>Turns a column's values into dense indices, formatting each distinct value once.</summary>
    private sealed class IdResolver
    {
        private readonly string _column;
        private readonly string _role;
        private readonly IdMap? _catalogIds;
        private readonly List<string> _newIds;
        private readonly Dictionary<string, int> _newIndices = new(StringComparer.Ordinal);

        public IdResolver(string column, string role, IdMap? catalogIds, List<string> newIds)
        {
            _column = column;
            _role = role;
            _catalogIds = catalogIds;
            _newIds = newIds;
        }

        public int[] Resolve(long length, Func<long, string?> idOfRow)
        {
            var indices = new int[CheckedLength(length)];
            for (long row = 0; row < length; row++)
            {
                indices[row] = IndexOf(idOfRow(row) ?? throw ValueError(MissingValue(_role, _column, row)), row);
            }

            return indices;
        }

        public int[] Resolve<T>(PrimitiveDataFrameColumn<T> column, Func<T, bool>? exact = null)
            where T : unmanaged, IFormattable
        {
            var indices = new int[CheckedLength(column.Length)];
            var seen = new Dictionary<T, int>();
            for (long row = 0; row < column.Length; row++)
            {
                T value = column[row] ?? throw ValueError(MissingValue(_role, _column, row));
                if (!seen.TryGetValue(value, out int index))
                {
                    if (exact is not null && !exact(value))
                    {
                        throw ValueError(string.Create(CultureInfo.InvariantCulture,
                            $"Row {row} of the {_role} column '{_column}' holds {value}, too large for a {typeof(T).Name} to tell neighbouring ids apart; load the ids as text or integers (DataFrame.LoadCsv guesses Single for every number unless given dataTypes)."));
                    }

                    index = IndexOf(value.ToString(null, CultureInfo.InvariantCulture), row);
                    seen.Add(value, index);
                }

                indices[row] = index;
            }

            return indices;
        }

        private int IndexOf(string id, long row)
        {
            if (_catalogIds is not null)
            {
                return _catalogIds.TryGetIndex(id, out int known) ? known : throw ValueError(
                    string.Create(CultureInfo.InvariantCulture, $"Row {row} of the {_role} column '{_column}' holds the {_role} id '{id}', which is not in the catalogue."));
            }

            if (!_newIndices.TryGetValue(id, out int index))
            {
                index = _newIds.Count;
                _newIds.Add(id);
                _newIndices.Add(id, index);
            }

            return index;
        }

        private static int CheckedLength(long length) => length <= Array.MaxLength
            ? (int)length
            : throw ValueError(string.Create(CultureInfo.InvariantCulture, $"The DataFrame has {length} rows; at most {Array.MaxLength} ratings fit in a dataset."));
    }
}
