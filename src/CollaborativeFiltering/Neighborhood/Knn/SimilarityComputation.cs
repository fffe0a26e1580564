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

    /// <summary>
    /// The neighbour lists of every row of <paramref name="byRow"/>, with <paramref name="byColumn"/> the same
    /// ratings column-major; with <paramref name="binaryCosineKeep"/> &gt; 0 also, from the same pass, each row's
    /// that many nearest rows by the cosine of their binary vectors (<see cref="BinaryCosine"/>).
    /// </summary>
    public static (NeighborLists Lists, NeighborLists? BinaryCosineLists) Compute(SparseRows byRow, SparseRows byColumn, KnnSimilarity similarity, int minSupport, double shrinkage, int saved,
        int binaryCosineKeep, WorkerPool pool, CancellationToken cancellationToken)
    {
        return similarity switch
        {
            KnnSimilarity.Pearson => Run<PearsonKind, PearsonSums>(byRow, byColumn, minSupport, shrinkage, saved, binaryCosineKeep, pool, cancellationToken),
            KnnSimilarity.MeanSquaredDifference => Run<MeanSquaredDifferenceKind, DifferenceSums>(byRow, byColumn, minSupport, shrinkage, saved, binaryCosineKeep, pool, cancellationToken),
            _ => Run<CosineKind, ProductSums>(byRow, byColumn, minSupport, shrinkage, saved, binaryCosineKeep, pool, cancellationToken),
        };
    }

    /// <summary>
    /// Only the binary-cosine lists (<see cref="BinaryCosine"/>), for a model read from a file: the same pass
    /// counting shared entries alone, so the lists equal the fit's bit for bit. The values are not read.
    /// </summary>
    public static NeighborLists ComputeBinaryCosine(SparseRows byRow, SparseRows byColumn, int keep, WorkerPool pool, CancellationToken cancellationToken) =>
        Run<CountKind, CountSums>(byRow, byColumn, minSupport: 1, shrinkage: 0, saved: 0, keep, pool, cancellationToken).BinaryCosineLists!;

    /// <summary>|C_x ∩ C_y| / √(|C_x|·|C_y|) from the shared count and the two rows' lengths, at most 1 (Deshpande and Karypis's item similarity for item-kNN).</summary>
    public static float BinaryCosine(int shared, int lengthX, int lengthY) => (float)Math.Min(shared / Math.Sqrt((double)lengthX * lengthY), 1.0);

    /// <summary>The bytes one worker's scratch takes for <paramref name="rows"/> rows (the largest per-pair sums).</summary>
    public static long ScratchBytes(long rows, int saved) => (rows * (48 + sizeof(int))) + (8L * saved);

    private static (NeighborLists Lists, NeighborLists? BinaryCosineLists) Run<TKind, TSums>(SparseRows byRow, SparseRows byColumn, int minSupport, double shrinkage, int saved, int binaryCosineKeep,
        WorkerPool pool, CancellationToken cancellationToken)
        where TKind : ISimilarityKind<TSums>
        where TSums : unmanaged
    {
        int rows = byRow.RowCount;
        int keep = Math.Min(saved, Math.Max(rows - 1, 0));
        int cosineKeep = Math.Min(binaryCosineKeep, Math.Max(rows - 1, 0));
        var output = new Output(new int[rows][], new float[rows][], binaryCosineKeep > 0 ? new int[rows][] : null, binaryCosineKeep > 0 ? new float[rows][] : null);
        var work = new RowWork<TKind, TSums>(byRow, byColumn, minSupport, shrinkage, keep, cosineKeep, output, pool.WorkerCount);
        pool.Run(work, (rows + RowsPerBlock - 1) / RowsPerBlock, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested(); // a block skipped after a cancellation left its rows empty
        return (Assemble(output.Indices, output.Weights), output.CosineIndices is null ? null : Assemble(output.CosineIndices, output.CosineWeights!));
    }

    /// <summary>Each row's lists as the workers finish them.</summary>
    private sealed record Output(int[][] Indices, float[][] Weights, int[][]? CosineIndices, float[][]? CosineWeights);

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
    private sealed class RowWork<TKind, TSums>(SparseRows byRow, SparseRows byColumn, int minSupport, double shrinkage, int keep, int cosineKeep, Output output, int workers) : IBlockWork
        where TKind : ISimilarityKind<TSums>
        where TSums : unmanaged
    {
        private readonly Scratch?[] _scratch = new Scratch?[workers];

        public void Execute(int block, int worker)
        {
            Scratch scratch = _scratch[worker] ??= new Scratch(byRow.RowCount, keep, cosineKeep);
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
            Span<float> cosineWeights = scratch.CosineWeights;
            Span<int> cosineIndices = scratch.CosineIndices;
            int kept = 0, cosineKept = 0, length = rowOffsets[row + 1] - rowOffsets[row];
            for (int t = 0; t < metCount; t++)
            {
                int other = met[t];
                ref TSums pair = ref sums[other];
                int shared = TKind.Count(pair);
                float weight = keep > 0 ? KnnValues.Shrunk(TKind.Similarity(pair), shared, minSupport, shrinkage) : 0f;
                pair = default;
                if (weight > 0)
                {
                    TopK.Offer(heapWeights, heapIndices, ref kept, weight, other);
                }

                if (cosineKeep > 0)
                {
                    TopK.Offer(cosineWeights, cosineIndices, ref cosineKept, BinaryCosine(shared, length, rowOffsets[other + 1] - rowOffsets[other]), other);
                }
            }

            TopK.SortBestFirst(heapWeights, heapIndices, kept);
            output.Indices[row] = heapIndices[..kept].ToArray();
            output.Weights[row] = heapWeights[..kept].ToArray();
            if (output.CosineIndices is not null)
            {
                TopK.SortBestFirst(cosineWeights, cosineIndices, cosineKept);
                output.CosineIndices[row] = cosineIndices[..cosineKept].ToArray();
                output.CosineWeights![row] = cosineWeights[..cosineKept].ToArray();
            }
        }

        private sealed class Scratch(int rows, int keep, int cosineKeep)
        {
            public readonly TSums[] Sums = new TSums[rows];
            public readonly int[] Met = new int[rows];
            public readonly float[] HeapWeights = new float[keep];
            public readonly int[] HeapIndices = new int[keep];
            public readonly float[] CosineWeights = new float[cosineKeep];
            public readonly int[] CosineIndices = new int[cosineKeep];
        }
    }
}
