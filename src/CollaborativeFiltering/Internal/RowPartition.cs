namespace CollaborativeFiltering.Internal;

/// <summary>Block partitions of rows shared by the ALS trainers and the Gibbs samplers: fixed by the data, never by the thread count.</summary>
internal static class RowPartition
{
    /// <summary>Work per block in multiply-adds (a few hundred microseconds): enough blocks for load balance and prompt cancellation, few enough that scheduling costs nothing.</summary>
    public const long BlockCost = 1L << 20;

    /// <summary>The most rows per block, so that small inputs still split into several blocks.</summary>
    public const int MaxBlockRows = 256;

    /// <summary>
    /// Cuts the rows of a CSR into consecutive blocks costing about <see cref="BlockCost"/> each,
    /// a row costing <c>entries·perEntry + perRow</c>; depends only on the data and the costs, never
    /// on the thread count, so which rows a block solves is fixed.
    /// </summary>
    /// <returns>Block boundaries: block b holds rows <c>[bounds[b], bounds[b+1])</c>.</returns>
    public static int[] Create(int[] offsets, long perEntry, long perRow)
    {
        int rows = offsets.Length - 1;
        var bounds = new List<int> { 0 };
        long cost = 0;
        int start = 0;
        for (int r = 0; r < rows; r++)
        {
            cost += ((offsets[r + 1] - offsets[r]) * perEntry) + perRow;
            if (cost >= BlockCost || r + 1 - start >= MaxBlockRows)
            {
                bounds.Add(r + 1);
                start = r + 1;
                cost = 0;
            }
        }

        if (bounds[^1] != rows)
        {
            bounds.Add(rows);
        }

        return [.. bounds];
    }

    /// <summary>Consecutive blocks of at most <paramref name="rowsPerBlock"/> rows over <paramref name="rows"/> rows.</summary>
    public static int[] Uniform(int rows, int rowsPerBlock)
    {
        int blocks = Math.Max(1, (rows + rowsPerBlock - 1) / rowsPerBlock);
        var bounds = new int[blocks + 1];
        for (int b = 0; b <= blocks; b++)
        {
            bounds[b] = (int)Math.Min(rows, (long)b * rowsPerBlock);
        }

        return bounds;
    }
}
