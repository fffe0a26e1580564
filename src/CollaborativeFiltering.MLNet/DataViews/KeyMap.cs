using CollaborativeFiltering.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// Translates the keys of one input column into dense indices of a catalogue's users or items. ML.NET
/// keys are 1-based and 0 means missing; a key column that carries key values is matched to the
/// catalogue by id (the key's value as text), so keys from another MapValueToKey (other data, another
/// order) still find their users and items; one without key values must have as many keys as the
/// catalogue has entries, and key k is entry k − 1. A missing key, a key beyond the key count and a key
/// whose id the catalogue lacks all map to −1, which scores NaN (as ML.NET's matrix factorization does)
/// and is skipped in training data.
/// </summary>
internal sealed class KeyMap
{
    private readonly ulong _count;
    private readonly int[]? _indices;

    private KeyMap(ulong count, int[]? indices)
    {
        _count = count;
        _indices = indices;
    }

    /// <summary>Whether key k is index k − 1 for every key (no table).</summary>
    public bool IsIdentity => _indices is null;

    /// <summary>The dense index of a key, or −1 when the key is missing, out of range or not in the catalogue.</summary>
    public int this[ulong key] => key - 1 >= _count ? -1 : _indices is null ? (int)(key - 1) : _indices[key - 1];

    /// <summary>The map of a key column onto a catalogue's ids.</summary>
    /// <param name="column">A key column (checked by <see cref="ColumnChecks"/>).</param>
    /// <param name="ids">The catalogue's users or items.</param>
    /// <param name="role">"user" or "item", for messages.</param>
    /// <param name="paramName">The argument the column came from.</param>
    public static KeyMap Create(DataViewSchema.Column column, IdMap ids, string role, string paramName)
    {
        ulong count = ((KeyDataViewType)column.Type).Count;
        string[]? values = KeyValueIds.TryReadValues(column, role, paramName);
        if (values is null)
        {
            if (count != (ulong)ids.Count)
            {
                throw new ArgumentOutOfRangeException(paramName,
                    $"The {role} column '{column.Name}' is a key of {count} values without key values, and the model has {ids.Count} {role}s: "
                    + $"without key values, key k can only stand for the model's k-th {role}, so the counts must agree. Map the {role} ids to keys "
                    + "with the MapValueToKey transformer the model was trained with (it records the ids as key values).");
            }

            return new KeyMap(count, null);
        }

        bool identity = values.Length == ids.Count;
        var indices = new int[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            indices[k] = ids.TryGetIndex(values[k], out int index) ? index : -1;
            identity &= index == k;
        }

        return new KeyMap(count, identity ? null : indices);
    }

    /// <summary>The map of a key column whose ids are the catalogue's, as read by <see cref="KeyValueIds.Read"/>: key k is index k − 1.</summary>
    public static KeyMap Identity(DataViewSchema.Column column) => new(((KeyDataViewType)column.Type).Count, null);
}
