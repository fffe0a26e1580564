using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neighborhood.Knn;

/// <summary>Ratings in compressed rows with the values a similarity uses (<see cref="KnnValues"/>), aligned with the columns.</summary>
/// <param name="Offsets">Row offsets, one more than the rows.</param>
/// <param name="Columns">Column indices, ascending within each row.</param>
/// <param name="Values">The value of each entry.</param>
internal readonly record struct SparseRows(int[] Offsets, int[] Columns, float[] Values)
{
    /// <summary>The number of rows.</summary>
    public int RowCount => Offsets.Length - 1;
}

/// <summary>
/// Every row's most similar other rows, computed once: row x's similarities to all other rows come from
/// the sparse product of its ratings with the column-major ratings (for item-kNN, for each user u who
/// rated item x, every other item u rated), accumulated into per-pair sums (<see cref="ISimilarityKind{TSums}"/>)
/// of the rows it meets, so the work is Σ over columns of (column length)², not rows². Each row is then
/// finished at once: similarity, shrinkage, minimum support, and a bounded heap keeps the strongest
/// positive ones; the full similarity matrix is never stored. Rows run in parallel on the
/// <see cref="WorkerPool"/> in blocks, each row computed by one worker in a fixed order, so the lists are
/// bit-identical for any number of threads.
/// </summary>
internal static class SimilarityComputation
{
    /// <summary>Rows per block of parallel work.</summary>
    public const int RowsPerBlock = 8;

    /// <summary>The neighbour lists of every row of <paramref name="byRow"/>, with <paramref name="byColumn"/> the same ratings column-major.</summary>
    public static NeighborLists Compute(SparseRows byRow, SparseRows byColumn, KnnSimilarity similarity, int minSupport, double shrinkage, int saved, WorkerPool pool, CancellationToken cancellationToken) => similarity switch
    {
        KnnSimilarity.Pearson => Run<PearsonKind, PearsonSums>(byRow, byColumn, minSupport, shrinkage, saved, pool, cancellationToken),
        KnnSimilarity.MeanSquaredDifference => Run<MeanSquaredDifferenceKind, DifferenceSums>(byRow, byColumn, minSupport, shrinkage, saved, pool, cancellationToken),
        _ => Run<CosineKind, ProductSums>(byRow, byColumn, minSupport, shrinkage, saved, pool, cancellationToken),
    };

    /// <summary>
    /// Every row's <paramref name="keep"/> nearest rows by the cosine of their binary vectors,
    /// |C_x ∩ C_y| / √(|C_x|·|C_y|) with C_x the columns of row x (for item-kNN: the users who rated item x),
    /// through the same sparse product with every entry of row x valued 1/√|C_x|; no shrinkage, no minimum
    /// support. Bit-identical for any number of threads, as <see cref="Compute"/>.
    /// </summary>
    public static NeighborLists ComputeBinaryCosine(SparseRows byRow, SparseRows byColumn, int keep, WorkerPool pool, CancellationToken cancellationToken)
    {
        var rowScale = new float[byRow.RowCount];
        for (int r = 0; r < rowScale.Length; r++)
        {
            int count = byRow.Offsets[r + 1] - byRow.Offsets[r];
            rowScale[r] = count == 0 ? 0f : (float)(1 / Math.Sqrt(count));
        }

        var rowValues = new float[byRow.Columns.Length];
        for (int r = 0; r < rowScale.Length; r++)
        {
            rowValues.AsSpan(byRow.Offsets[r], byRow.Offsets[r + 1] - byRow.Offsets[r]).Fill(rowScale[r]);
        }

        var columnValues = new float[byColumn.Columns.Length];
        for (int p = 0; p < columnValues.Length; p++)
        {
            columnValues[p] = rowScale[byColumn.Columns[p]];
        }

        return Run<DotKind, DotSums>(byRow with { Values = rowValues }, byColumn with { Values = columnValues }, minSupport: 1, shrinkage: 0, keep, pool, cancellationToken);
    }

    /// <summary>The bytes one worker's scratch takes for <paramref name="rows"/> rows (the largest per-pair sums).</summary>
    public static long ScratchBytes(long rows, int saved) => (rows * (48 + sizeof(int))) + (8L * saved);

    private static NeighborLists Run<TKind, TSums>(SparseRows byRow, SparseRows byColumn, int minSupport, double shrinkage, int saved, WorkerPool pool, CancellationToken cancellationToken)
        where TKind : ISimilarityKind<TSums>
        where TSums : unmanaged
    {
        int rows = byRow.RowCount;
        int keep = Math.Min(saved, Math.Max(rows - 1, 0));
        var indices = new int[rows][];
        var weights = new float[rows][];
        var work = new RowWork<TKind, TSums>(byRow, byColumn, minSupport, shrinkage, keep, indices, weights, pool.WorkerCount);
        pool.Run(work, (rows + RowsPerBlock - 1) / RowsPerBlock, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested(); // a block skipped after a cancellation left its rows empty
        return Assemble(indices, weights);
    }

    private static NeighborLists Assemble(int[][] indices, float[][] weights)
    {
        var offsets = new int[indices.Length + 1];
        for (int r = 0; r < indices.Length; r++)
        {
            offsets[r + 1] = checked(offsets[r] + indices[r].Length);
        }

        var allIndices = new int[offsets[^1]];
        var allWeights = new float[offsets[^1]];
        for (int r = 0; r < indices.Length; r++)
        {
            indices[r].CopyTo(allIndices, offsets[r]);
            weights[r].CopyTo(allWeights, offsets[r]);
        }

        return new NeighborLists(offsets, allIndices, allWeights);
    }

    /// <summary>The rows of one run; each worker has its own per-pair sums, list of rows met and heap.</summary>
    private sealed class RowWork<TKind, TSums>(SparseRows byRow, SparseRows byColumn, int minSupport, double shrinkage, int keep, int[][] indices, float[][] weights, int workers) : IBlockWork
        where TKind : ISimilarityKind<TSums>
        where TSums : unmanaged
    {
        private readonly Scratch?[] _scratch = new Scratch?[workers];

        public void Execute(int block, int worker)
        {
            Scratch scratch = _scratch[worker] ??= new Scratch(byRow.RowCount, keep);
            int end = Math.Min(byRow.RowCount, (block + 1) * RowsPerBlock);
            for (int row = block * RowsPerBlock; row < end; row++)
            {
                ComputeRow(row, scratch);
            }
        }

        private void ComputeRow(int row, Scratch scratch)
        {
            TSums[] sums = scratch.Sums;
            int[] met = scratch.Met;
            int metCount = 0;
            int[] rowOffsets = byRow.Offsets, rowColumns = byRow.Columns;
            float[] rowValues = byRow.Values;
            int[] columnOffsets = byColumn.Offsets, columnRows = byColumn.Columns;
            float[] columnValues = byColumn.Values;
            for (int p = rowOffsets[row]; p < rowOffsets[row + 1]; p++)
            {
                int column = rowColumns[p];
                float a = rowValues[p];
                for (int q = columnOffsets[column]; q < columnOffsets[column + 1]; q++)
                {
                    int other = columnRows[q];
                    if (other == row)
                    {
                        continue;
                    }

                    ref TSums pair = ref sums[other];
                    if (TKind.Count(pair) == 0)
                    {
                        met[metCount++] = other;
                    }

                    TKind.Add(ref pair, a, columnValues[q]);
                }
            }

            Span<float> heapWeights = scratch.HeapWeights;
            Span<int> heapIndices = scratch.HeapIndices;
            int kept = 0;
            for (int t = 0; t < metCount; t++)
            {
                int other = met[t];
                ref TSums pair = ref sums[other];
                float weight = KnnValues.Shrunk(TKind.Similarity(pair), TKind.Count(pair), minSupport, shrinkage);
                pair = default;
                if (weight > 0)
                {
                    TopK.Offer(heapWeights, heapIndices, ref kept, weight, other);
                }
            }

            TopK.SortBestFirst(heapWeights, heapIndices, kept);
            indices[row] = heapIndices[..kept].ToArray();
            weights[row] = heapWeights[..kept].ToArray();
        }

        private sealed class Scratch(int rows, int keep)
        {
            public readonly TSums[] Sums = new TSums[rows];
            public readonly int[] Met = new int[rows];
            public readonly float[] HeapWeights = new float[keep];
            public readonly int[] HeapIndices = new int[keep];
        }
    }
}
