namespace CollaborativeFiltering.Projection;

/// <summary>Symmetric joint affinities P in CSR form (both (i, j) and (j, i) stored), summing to 1.</summary>
internal sealed class TSneSparseAffinities
{
    public TSneSparseAffinities(int count, int[] rowOffsets, int[] columns, double[] values)
    {
        Count = count;
        RowOffsets = rowOffsets;
        Columns = columns;
        Values = values;
    }

    /// <summary>The number of points n.</summary>
    public int Count { get; }

    /// <summary>Row i's entries are <c>[RowOffsets[i], RowOffsets[i+1])</c>; length n + 1.</summary>
    public int[] RowOffsets { get; }

    /// <summary>The column (neighbour) of each entry, ascending within a row.</summary>
    public int[] Columns { get; }

    /// <summary>p_ij of each entry.</summary>
    public double[] Values { get; }
}
