using Microsoft.ML;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>Reads a key column of any of ML.NET's key widths (byte, ushort, uint, ulong) as <see cref="ulong"/>.</summary>
internal static class KeyGetters
{
    /// <summary>A getter of the current row's key in <paramref name="column"/> (0 = missing).</summary>
    public static ValueGetter<ulong> Create(DataViewRow row, DataViewSchema.Column column)
    {
        Type raw = column.Type.RawType;
        if (raw == typeof(uint))
        {
            ValueGetter<uint> get = row.GetGetter<uint>(column);
            uint v = 0;
            return (ref ulong key) =>
            {
                get(ref v);
                key = v;
            };
        }

        if (raw == typeof(ulong))
        {
            return row.GetGetter<ulong>(column);
        }

        if (raw == typeof(ushort))
        {
            ValueGetter<ushort> get = row.GetGetter<ushort>(column);
            ushort v = 0;
            return (ref ulong key) =>
            {
                get(ref v);
                key = v;
            };
        }

        if (raw == typeof(byte))
        {
            ValueGetter<byte> get = row.GetGetter<byte>(column);
            byte v = 0;
            return (ref ulong key) =>
            {
                get(ref v);
                key = v;
            };
        }

        throw new InvalidOperationException($"The key column '{column.Name}' has raw type {raw}; ML.NET keys are byte, ushort, uint or ulong.");
    }
}
