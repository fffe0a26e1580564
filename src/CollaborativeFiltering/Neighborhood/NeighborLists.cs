using System.Globalization;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// The neighbour lists of a kNN model in compressed rows: row r's neighbours are
/// <c>[Offsets[r], Offsets[r + 1])</c> of <see cref="IndexArray"/> and <see cref="WeightArray"/>, strongest
/// first (weight descending, then index ascending), never r itself, each weight positive and at most 1.
/// Beside them, each row's neighbours in ascending index order with their rank in the strength order, so
/// that a prediction intersects a row with a user's sorted ratings by a merge walk instead of a search per
/// neighbour. Immutable once built.
/// </summary>
internal sealed class NeighborLists
{
    private readonly int[] _sortedIndices;
    private readonly int[] _ranks;

    /// <summary>Takes the arrays over; the caller has checked them (<see cref="Problem"/> on load).</summary>
    public NeighborLists(int[] offsets, int[] indices, float[] weights)
    {
        OffsetArray = offsets;
        IndexArray = indices;
        WeightArray = weights;
        _sortedIndices = (int[])indices.Clone();
        _ranks = new int[indices.Length];
        for (int r = 0; r + 1 < offsets.Length; r++)
        {
            int start = offsets[r], length = offsets[r + 1] - start;
            Span<int> ranks = _ranks.AsSpan(start, length);
            for (int t = 0; t < length; t++)
            {
                ranks[t] = t;
            }

            _sortedIndices.AsSpan(start, length).Sort(ranks);
        }
    }

    /// <summary>The row offsets, RowCount + 1 of them.</summary>
    public int[] OffsetArray { get; }

    /// <summary>The neighbours of every row, row after row.</summary>
    public int[] IndexArray { get; }

    /// <summary>Their weights (similarities), aligned with <see cref="IndexArray"/>.</summary>
    public float[] WeightArray { get; }

    /// <summary>The number of rows (items of an item-kNN model, users of a user-kNN model).</summary>
    public int RowCount => OffsetArray.Length - 1;

    /// <summary>The total number of neighbours kept.</summary>
    public int Count => IndexArray.Length;

    /// <summary>The neighbours of <paramref name="row"/>, strongest first.</summary>
    public ReadOnlySpan<int> Indices(int row) => IndexArray.AsSpan(OffsetArray[row], OffsetArray[row + 1] - OffsetArray[row]);

    /// <summary>The weights of the neighbours of <paramref name="row"/>, aligned with <see cref="Indices"/>.</summary>
    public ReadOnlySpan<float> Weights(int row) => WeightArray.AsSpan(OffsetArray[row], OffsetArray[row + 1] - OffsetArray[row]);

    /// <summary>The neighbours of <paramref name="row"/> in ascending index order.</summary>
    public ReadOnlySpan<int> SortedIndices(int row) => _sortedIndices.AsSpan(OffsetArray[row], OffsetArray[row + 1] - OffsetArray[row]);

    /// <summary>For each entry of <see cref="SortedIndices"/>, its position in <see cref="Indices"/> (0 for the strongest).</summary>
    public ReadOnlySpan<int> Ranks(int row) => _ranks.AsSpan(OffsetArray[row], OffsetArray[row + 1] - OffsetArray[row]);

    /// <summary>
    /// What is wrong with lists read from a file, and the byte offset of the culprit (from
    /// <paramref name="offsetsAt"/>, <paramref name="indicesAt"/> and <paramref name="weightsAt"/>, where the
    /// three arrays start), or <see langword="null"/>: the offsets must run from 0 to the number of entries
    /// without decreasing, each row may hold at most <paramref name="maxPerRow"/> neighbours, every index must
    /// be another row in <c>[0, rows)</c>, every weight in (0, 1], and each row strongest first.
    /// </summary>
    public static (string Problem, long Offset)? Problem(int[] offsets, int[] indices, float[] weights, int maxPerRow, long offsetsAt, long indicesAt, long weightsAt)
    {
        int rows = offsets.Length - 1;
        if (offsets[0] != 0 || offsets[rows] != indices.Length || weights.Length != indices.Length)
        {
            return (string.Create(CultureInfo.InvariantCulture, $"the neighbour offsets run from {offsets[0]} to {offsets[rows]}; expected 0 to {indices.Length}"), offsetsAt);
        }

        for (int r = 0; r < rows; r++)
        {
            int start = offsets[r], end = offsets[r + 1];
            if (end < start || end - start > maxPerRow)
            {
                return (string.Create(CultureInfo.InvariantCulture, $"row {r} has {end - start} neighbours; expected 0 to {maxPerRow}"), offsetsAt + (4L * (r + 1)));
            }

            for (int p = start; p < end; p++)
            {
                int index = indices[p];
                float weight = weights[p];
                if ((uint)index >= (uint)rows || index == r)
                {
                    return (string.Create(CultureInfo.InvariantCulture, $"row {r} has the neighbour {index}; expected another row in [0, {rows})"), indicesAt + (4L * p));
                }

                if (!(weight > 0 && weight <= 1))
                {
                    return (string.Create(CultureInfo.InvariantCulture, $"row {r} has the weight {weight}; expected a number in (0, 1]"), weightsAt + (4L * p));
                }

                if (p > start && (weight > weights[p - 1] || (weight == weights[p - 1] && index <= indices[p - 1])))
                {
                    return (string.Create(CultureInfo.InvariantCulture, $"row {r}'s neighbours are not strongest first at entry {p - start}"), weightsAt + (4L * p));
                }
            }
        }

        return null;
    }
}
