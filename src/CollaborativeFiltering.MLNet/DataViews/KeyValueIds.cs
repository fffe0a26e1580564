using System.Globalization;
using CollaborativeFiltering.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// The ids behind a key column: the text of its key values (the annotation ML.NET's MapValueToKey
/// attaches: key k stands for the k-th value), or, for a key column without key values, the key
/// numbers themselves ("1" for key 1, ...). These become the catalogue's ids, so that key k is the
/// user or item at dense index k − 1 and a model's ids are the ids the pipeline started from.
/// </summary>
internal static class KeyValueIds
{
    /// <summary>The ids of a key column's keys 1…count, in order: its key values as text, else the key numbers.</summary>
    public static IdMap Read(DataViewSchema.Column column, string role, string paramName)
    {
        ulong count = ((KeyDataViewType)column.Type).Count;
        string[]? values = TryReadValues(column, role, paramName);
        if (values is not null)
        {
            try
            {
                return new IdMap(values);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentOutOfRangeException(paramName, $"The key values of the {role} column '{column.Name}' cannot be the {role} ids: {e.Message}");
            }
        }

        if (count > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Create(CultureInfo.InvariantCulture,
                $"The {role} column '{column.Name}' is a key of {count} values; at most {int.MaxValue} {role}s are supported."));
        }

        try
        {
            return IdMap.Sequential((int)count);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Create(CultureInfo.InvariantCulture,
                $"The {role} column '{column.Name}' is a key of {count} values without key values, too many to give each an id: {e.Message}"));
        }
    }

    /// <summary>The key values of a key column as text, one per key in key order, or <see langword="null"/> when it has none.</summary>
    public static string[]? TryReadValues(DataViewSchema.Column column, string role, string paramName)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationKindKeyValues) is not { } annotation
            || annotation.Type is not VectorDataViewType { ItemType: PrimitiveDataViewType itemType })
        {
            return null;
        }

        Type raw = itemType.RawType;
        string[]? values =
            raw == typeof(ReadOnlyMemory<char>) ? Read<ReadOnlyMemory<char>>(column, static v => v.ToString()) :
            raw == typeof(float) ? Read<float>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(double) ? Read<double>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(int) ? Read<int>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(uint) ? Read<uint>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(long) ? Read<long>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(ulong) ? Read<ulong>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(short) ? Read<short>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(ushort) ? Read<ushort>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(sbyte) ? Read<sbyte>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(byte) ? Read<byte>(column, static v => v.ToString(CultureInfo.InvariantCulture)) :
            raw == typeof(bool) ? Read<bool>(column, static v => v ? "True" : "False") :
            throw new ArgumentOutOfRangeException(paramName,
                $"The key values of the {role} column '{column.Name}' are of type {itemType}; expected text or numbers, whose text becomes the {role} ids.");

        ulong count = ((KeyDataViewType)column.Type).Count;
        if ((ulong)values.Length != count)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Create(CultureInfo.InvariantCulture,
                $"The {role} column '{column.Name}' is a key of {count} values but has {values.Length} key values; expected one per key."));
        }

        return values;
    }

    /// <summary>The annotation kind of key values (ML.NET's <c>AnnotationUtils.Kinds.KeyValues</c>, internal to ML.NET).</summary>
    private const string AnnotationKindKeyValues = "KeyValues";

    private static string[] Read<T>(DataViewSchema.Column column, Func<T, string> format)
    {
        VBuffer<T> buffer = default;
        column.GetKeyValues(ref buffer);
        var values = new string[buffer.Length];
        int i = 0;
        foreach (T value in buffer.DenseValues())
        {
            values[i++] = format(value);
        }

        return values;
    }
}
