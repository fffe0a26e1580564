using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// The input-space side of t-SNE: distances, per-point bandwidth calibration by binary search on the
/// precision β so that each row's entropy is ln(perplexity), and the symmetrised joint affinities P,
/// dense (exact method) or over k nearest neighbours (Barnes–Hut).
/// </summary>
internal static class TSneAffinities
{
    /// <summary>The most bisection steps of one row's calibration.</summary>
    public const int MaxCalibrationSteps = 200;

    /// <summary>The calibration stops once |H(P_i) − ln(perplexity)| is at most this (nats).</summary>
    public const double EntropyTolerance = 1e-5;

    /// <summary>The exact method drops conditional affinities below this.</summary>
    public const double MinConditional = 1e-12;

    private const int RowsPerBlock = 16;

    /// <summary>The number of blocks of rows the affinities of <paramref name="n"/> points are computed in (at least 1).</summary>
    public static int BlockCount(int n) => Math.Max(1, (n + RowsPerBlock - 1) / RowsPerBlock);

    /// <summary>A copy of the data ready for <see cref="Distance"/>: unchanged for Euclidean, rows L2-normalised (zero rows kept zero) for cosine.</summary>
    public static float[] PrepareData(ReadOnlySpan<float> data, int rows, int dimensions, TSneDistance distance)
    {
        float[] x = data.ToArray();
        if (distance == TSneDistance.Cosine)
        {
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = x.AsSpan(r * dimensions, dimensions);
                double norm = Math.Sqrt(SquaredNorm(row));
                if (norm > 0)
                {
                    float inverse = (float)(1 / norm);
                    TensorPrimitives.Multiply(row, inverse, row);
                }
            }
        }

        return x;
    }

    /// <summary>
    /// The distance between two prepared rows: ‖a − b‖² for Euclidean; 1 − ⟨a, b⟩ clamped to [0, 2] for cosine
    /// (rows already normalised, so a zero row is at distance 1 from everything).
    /// </summary>
    public static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b, TSneDistance distance)
    {
        if (distance == TSneDistance.Euclidean)
        {
            double e = TensorPrimitives.Distance(a, b);
            return e * e;
        }

        double c = 1 - (double)TensorPrimitives.Dot(a, b);
        return Math.Clamp(c, 0, 2);
    }

    /// <summary>
    /// Finds the precision β of one point's Gaussian kernel so that the entropy of
    /// p_j = exp(−β·d_j) / Σ_k exp(−β·d_k) is <paramref name="targetEntropy"/> (within <see cref="EntropyTolerance"/>,
    /// when reachable), writes the normalised p_j and returns β. Distances are shifted by their minimum first,
    /// which leaves p unchanged and keeps the exponentials from underflowing.
    /// </summary>
    public static double CalibrateRow(ReadOnlySpan<double> distances, double targetEntropy, Span<double> probabilities)
    {
        double[] shifted = distances.ToArray();
        return CalibrateRowInPlace(shifted, targetEntropy, probabilities);
    }

    /// <summary>
    /// <see cref="CalibrateRow"/> on a row of distances it may overwrite: <paramref name="shifted"/> is shifted by its minimum in place.
    /// Each bisection step takes the exponentials, their sum and Σ p_j·d_j in SIMD lanes (<see cref="ExponentialSums"/>):
    /// the exact method calibrates n rows of n − 1 distances, twenty to forty steps each, and 1,682 such rows took
    /// 455 ms with one <see cref="Math.Exp(double)"/> at a time against 65 ms in lanes (one thread, once compiled).
    /// </summary>
    internal static double CalibrateRowInPlace(Span<double> shifted, double targetEntropy, Span<double> probabilities)
    {
        int k = shifted.Length;
        if (k == 0)
        {
            return 1;
        }

        Span<double> p = probabilities[..k];
        double minimum = double.PositiveInfinity;
        foreach (double d in shifted)
        {
            minimum = Math.Min(minimum, d);
        }

        for (int j = 0; j < k; j++)
        {
            shifted[j] -= minimum;
        }

        double beta = 1;
        double low = 0;
        double high = double.PositiveInfinity;
        bool haveLow = false;
        double sum = 1;
        for (int step = 0; step < MaxCalibrationSteps; step++)
        {
            (sum, double weighted) = ExponentialSums(shifted, beta, p);

            // sum ≥ 1: the nearest neighbour's term is exp(0).
            double entropy = Math.Log(sum) + (beta * weighted / sum);
            double difference = entropy - targetEntropy;
            if (Math.Abs(difference) <= EntropyTolerance || step == MaxCalibrationSteps - 1)
            {
                break;
            }

            if (difference > 0)
            {
                low = beta;
                haveLow = true;
                beta = double.IsPositiveInfinity(high) ? beta * 2 : (beta + high) / 2;
            }
            else
            {
                high = beta;
                beta = haveLow ? (beta + low) / 2 : beta / 2;
            }
        }

        double inverse = 1 / sum;
        for (int j = 0; j < k; j++)
        {
            p[j] *= inverse;
        }

        return beta;
    }

    /// <summary>
    /// p_j = exp(−β·d_j) written out, and (Σ p_j, Σ p_j·d_j): whole vectors through <see cref="Vector.Exp(Vector{double})"/>
    /// with the sums in lanes, the last d.Length mod width one at a time. The order of the additions depends only on
    /// the length (not on the buffers' addresses, as <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/>'s does), so a
    /// row's affinities do not depend on which worker computed them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Sum, double Weighted) ExponentialSums(ReadOnlySpan<double> shifted, double beta, Span<double> p)
    {
        int k = shifted.Length;
        int j = 0;
        double sum = 0, weighted = 0;
        if (Vector.IsHardwareAccelerated && k >= Vector<double>.Count)
        {
            int width = Vector<double>.Count;
            var minusBeta = new Vector<double>(-beta);
            Vector<double> sums = Vector<double>.Zero, products = Vector<double>.Zero;
            for (; j <= k - width; j += width)
            {
                var d = new Vector<double>(shifted[j..]);
                Vector<double> e = Vector.Exp(minusBeta * d);
                e.CopyTo(p[j..]);
                sums += e;
                products += e * d;
            }

            sum = Vector.Sum(sums);
            weighted = Vector.Sum(products);
        }

        for (; j < k; j++)
        {
            double e = Math.Exp(-beta * shifted[j]);
            p[j] = e;
            sum += e;
            weighted += e * shifted[j];
        }

        return (sum, weighted);
    }

    /// <summary>
    /// Joint affinities over all pairs (the exact method): each row's conditional affinities calibrated over all
    /// other points, entries below <see cref="MinConditional"/> dropped (together less than n·10⁻¹² of a row's unit
    /// mass; on spread-out data such as the synthetic set's movie embeddings under cosine distance, almost none), then
    /// P = (C + Cᵀ) / Σ(C + Cᵀ) in CSR form (<see cref="SymmetrizeSortedRows"/>). O(n²·D) time, memory proportional
    /// to the kept entries.
    /// </summary>
    public static TSneSparseAffinities AllPairs(float[] x, int n, int dimensions, TSneDistance distance, double perplexity, WorkerPool pool, CancellationToken cancellationToken)
    {
        var work = new AllPairsWork(x, n, dimensions, distance, Math.Log(perplexity), pool.WorkerCount);
        pool.Run(work, BlockCount(n), cancellationToken);
        return SymmetrizeSortedRows(work.RowColumns, work.RowValues, n, cancellationToken: cancellationToken);
    }

    /// <summary>Rows of Cᵀ that <see cref="SymmetrizeSortedRows"/> gathers at a time.</summary>
    internal const int SymmetrizeRowsPerBlock = 32;

    /// <summary>
    /// <see cref="Symmetrize(int[], int[], double[], int, CancellationToken)"/> of conditional affinities given row by
    /// row, each row's columns ascending (as <see cref="AllPairsWork"/> writes them): the same P, bit for bit, without
    /// its sort and its scratch arrays of 2·nnz entries. Rows of Cᵀ are gathered <paramref name="rowsPerBlock"/> at a
    /// time: row j's entries with columns in the block's range are consecutive (one cursor per row, which only moves
    /// forward), so one sweep over the rows copies them into the block's rows of Cᵀ, each in ascending j; then C_i and
    /// Cᵀ_i merge in one linear pass. Once to count each row's merged entries and once to write them: O(nnz) for the
    /// entries plus O(n²/rowsPerBlock) for the cursors, and scratch of rowsPerBlock·n entries. (Merging one row at a
    /// time against every other row's cursor touched n arrays per row: at n = 1,682 with almost every pair kept, one
    /// thread, it took 146–151 ms against 116–119 ms so, most of what is left being the first touch of the result's
    /// 34 MB.) Only the result is allocated uninitialised (every entry is written), so that
    /// its pages are first touched in the loops, and every loop checks <paramref name="cancellationToken"/> before each
    /// block or row: with n² entries, one unchecked pass (or the zeroing of its arrays) takes long enough, page faults
    /// included, to delay a cancellation by seconds.
    /// </summary>
    internal static TSneSparseAffinities SymmetrizeSortedRows(int[][] rowColumns, double[][] rowValues, int n, int rowsPerBlock = SymmetrizeRowsPerBlock, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerBlock, 1);
        int width = Math.Max(1, Math.Min(rowsPerBlock, n));
        var cursor = new int[n];
        var transposedCounts = new int[width];
        var transposedColumns = new int[checked(width * n)];
        var transposedValues = new double[width * n];
        var offsets = new int[n + 1];
        for (int first = 0; first < n; first += width)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(n, first + width);
            TransposeBlock(rowColumns, null, n, first, end, cursor, transposedCounts, transposedColumns, transposedValues);
            for (int i = first; i < end; i++)
            {
                int t = i - first;
                int merged = MergeRow(rowColumns[i], null, transposedColumns.AsSpan(t * n, transposedCounts[t]), default, default, default);
                offsets[i + 1] = checked(offsets[i] + merged);
            }
        }

        int entries = offsets[n];
        int[] mergedColumns = GC.AllocateUninitializedArray<int>(entries);
        double[] mergedValues = GC.AllocateUninitializedArray<double>(entries);
        Array.Clear(cursor);
        double total = 0;
        for (int first = 0; first < n; first += width)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(n, first + width);
            TransposeBlock(rowColumns, rowValues, n, first, end, cursor, transposedCounts, transposedColumns, transposedValues);
            for (int i = first; i < end; i++)
            {
                int t = i - first, count = transposedCounts[t];
                int start = offsets[i], length = offsets[i + 1] - start;
                MergeRow(rowColumns[i], rowValues[i], transposedColumns.AsSpan(t * n, count), transposedValues.AsSpan(t * n, count), mergedColumns.AsSpan(start, length), mergedValues.AsSpan(start, length));
                for (int e = start; e < start + length; e++)
                {
                    total += mergedValues[e];
                }
            }
        }

        double inverse = total > 0 ? 1 / total : 0;
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Span<double> row = mergedValues.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
            TensorPrimitives.Multiply(row, inverse, row);
        }

        return new TSneSparseAffinities(n, offsets, mergedColumns, mergedValues);
    }

    /// <summary>
    /// Rows [<paramref name="first"/>, <paramref name="end"/>) of Cᵀ: every row j's entries with a column in that range
    /// (from its <paramref name="cursor"/> on, which this moves past them), appended to row (column − first) of the
    /// scratch, n entries apart, so that each row of Cᵀ lists its columns j ascending; without values when
    /// <paramref name="rowValues"/> is null.
    /// </summary>
    private static void TransposeBlock(int[][] rowColumns, double[][]? rowValues, int n, int first, int end, int[] cursor, int[] counts, int[] columns, double[] values)
    {
        Array.Clear(counts);
        for (int j = 0; j < n; j++)
        {
            int[] row = rowColumns[j];
            int c = cursor[j];
            for (; c < row.Length && row[c] < end; c++)
            {
                int t = row[c] - first;
                int at = (t * n) + counts[t]++;
                columns[at] = j;
                if (rowValues is not null)
                {
                    values[at] = rowValues[j][c];
                }
            }

            cursor[j] = c;
        }
    }

    /// <summary>
    /// Merges row i of C (<paramref name="columns"/>) with row i of Cᵀ (<paramref name="transposedColumns"/>), both
    /// ascending, and returns the merged length; with <paramref name="values"/>, writes the merged row, C_ij + C_ji where
    /// both are stored.
    /// </summary>
    private static int MergeRow(int[] columns, double[]? values, ReadOnlySpan<int> transposedColumns, ReadOnlySpan<double> transposedValues, Span<int> mergedColumns, Span<double> mergedValues)
    {
        int own = 0, other = 0, write = 0;
        while (own < columns.Length || other < transposedColumns.Length)
        {
            int a = own < columns.Length ? columns[own] : int.MaxValue;
            int b = other < transposedColumns.Length ? transposedColumns[other] : int.MaxValue;
            if (values is not null)
            {
                mergedColumns[write] = Math.Min(a, b);
                mergedValues[write] = a < b ? values[own] : a > b ? transposedValues[other] : values[own] + transposedValues[other];
            }

            own += a <= b ? 1 : 0;
            other += b <= a ? 1 : 0;
            write++;
        }

        return write;
    }

    /// <summary>
    /// The k nearest neighbours of every point by brute force (O(n²·D), parallel over rows), sorted by distance then
    /// index, with their calibrated conditional affinities: row i occupies <c>[i*k, (i+1)*k)</c> of both arrays.
    /// </summary>
    public static (int[] Neighbors, double[] Conditional) NearestNeighbors(float[] x, int n, int dimensions, TSneDistance distance, double perplexity, int k, WorkerPool pool, CancellationToken cancellationToken)
    {
        var work = new NearestNeighborsWork(x, n, dimensions, distance, Math.Log(perplexity), k, pool.WorkerCount);
        pool.Run(work, BlockCount(n), cancellationToken);
        int[] neighbors = work.Neighbors;
        double[] conditional = work.Conditional;
        return (neighbors, conditional);
    }

    /// <summary>Symmetrises kNN conditional affinities (k per row): P = (C + Cᵀ) / Σ(C + Cᵀ) in CSR form, columns ascending in each row.</summary>
    public static TSneSparseAffinities Symmetrize(int[] neighbors, double[] conditional, int n, int k, CancellationToken cancellationToken = default)
    {
        var rows = new int[n + 1];
        for (int i = 0; i <= n; i++)
        {
            rows[i] = i * k;
        }

        return Symmetrize(rows, neighbors, conditional, n, cancellationToken);
    }

    /// <summary>
    /// Symmetrises conditional affinities given in CSR form (row i: entries [rows[i], rows[i+1])): P = (C + Cᵀ) / Σ(C + Cᵀ),
    /// columns ascending in each row. Its large arrays are allocated uninitialised (every entry is written), so that
    /// faulting their pages in happens in the loops, and every loop checks <paramref name="cancellationToken"/> before each row.
    /// </summary>
    public static TSneSparseAffinities Symmetrize(int[] rows, int[] neighbors, double[] conditional, int n, CancellationToken cancellationToken = default)
    {
        var counts = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            counts[i] += rows[i + 1] - rows[i];
            for (int e = rows[i]; e < rows[i + 1]; e++)
            {
                counts[neighbors[e]]++;
            }
        }

        var offsets = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            offsets[i + 1] = offsets[i] + counts[i];
        }

        int[] columns = GC.AllocateUninitializedArray<int>(offsets[n]);
        double[] values = GC.AllocateUninitializedArray<double>(offsets[n]);
        var cursor = new int[n];
        Array.Copy(offsets, cursor, n);
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int e = rows[i]; e < rows[i + 1]; e++)
            {
                int j = neighbors[e];
                double v = conditional[e];
                columns[cursor[i]] = j;
                values[cursor[i]++] = v;
                columns[cursor[j]] = i;
                values[cursor[j]++] = v;
            }
        }

        // Sort each row by column and merge the (at most two) entries of each pair.
        var mergedOffsets = new int[n + 1];
        int write = 0;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = offsets[i];
            int length = offsets[i + 1] - start;
            Array.Sort(columns, values, start, length);
            int rowStart = write;
            for (int e = start; e < start + length; e++)
            {
                if (write > rowStart && columns[write - 1] == columns[e])
                {
                    values[write - 1] += values[e];
                }
                else
                {
                    columns[write] = columns[e];
                    values[write] = values[e];
                    write++;
                }
            }

            for (int e = rowStart; e < write; e++)
            {
                total += values[e];
            }

            mergedOffsets[i + 1] = write;
        }

        // The merged entries, normalised, into arrays of their exact length.
        int[] keptColumns = GC.AllocateUninitializedArray<int>(write);
        double[] keptValues = GC.AllocateUninitializedArray<double>(write);
        double inverse = total > 0 ? 1 / total : 0;
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = mergedOffsets[i];
            int length = mergedOffsets[i + 1] - start;
            columns.AsSpan(start, length).CopyTo(keptColumns.AsSpan(start));
            TensorPrimitives.Multiply(values.AsSpan(start, length), inverse, keptValues.AsSpan(start, length));
        }

        return new TSneSparseAffinities(n, mergedOffsets, keptColumns, keptValues);
    }

    private static double SquaredNorm(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (float v in row)
        {
            sum += (double)v * v;
        }

        return sum;
    }

    // Max-heap on (distance, index): the root is the farthest kept neighbour (the larger index on a tie).
    private static bool Greater(double[] d, int[] idx, int a, int b) => d[a] > d[b] || (d[a] == d[b] && idx[a] > idx[b]);

    private static void SiftUp(double[] d, int[] idx, int position)
    {
        while (position > 0)
        {
            int parent = (position - 1) / 2;
            if (!Greater(d, idx, position, parent))
            {
                return;
            }

            (d[position], d[parent]) = (d[parent], d[position]);
            (idx[position], idx[parent]) = (idx[parent], idx[position]);
            position = parent;
        }
    }

    private static void SiftDown(double[] d, int[] idx, int size)
    {
        int position = 0;
        while (true)
        {
            int left = (2 * position) + 1;
            if (left >= size)
            {
                return;
            }

            int largest = left;
            int right = left + 1;
            if (right < size && Greater(d, idx, right, left))
            {
                largest = right;
            }

            if (!Greater(d, idx, largest, position))
            {
                return;
            }

            (d[position], d[largest]) = (d[largest], d[position]);
            (idx[position], idx[largest]) = (idx[largest], idx[position]);
            position = largest;
        }
    }

    /// <summary>One block of rows of <see cref="AllPairs"/>: each row's calibrated conditional affinities over all other points, small ones dropped, columns ascending.</summary>
    private sealed class AllPairsWork(float[] x, int n, int dimensions, TSneDistance distance, double targetEntropy, int workers) : IBlockWork
    {
        private readonly double[][] _distances = Buffers(workers, n - 1);
        private readonly double[][] _probabilities = Buffers(workers, n - 1);

        public int[][] RowColumns { get; } = new int[n][];

        public double[][] RowValues { get; } = new double[n][];

        public void Execute(int block, int worker)
        {
            double[] distances = _distances[worker], probabilities = _probabilities[worker];
            int end = Math.Min(n, (block + 1) * RowsPerBlock);
            for (int i = block * RowsPerBlock; i < end; i++)
            {
                ReadOnlySpan<float> xi = x.AsSpan(i * dimensions, dimensions);
                int m = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j != i)
                    {
                        distances[m++] = Distance(xi, x.AsSpan(j * dimensions, dimensions), distance);
                    }
                }

                CalibrateRowInPlace(distances, targetEntropy, probabilities);
                int kept = 0;
                foreach (double p in probabilities)
                {
                    kept += p >= MinConditional ? 1 : 0;
                }

                var columns = new int[kept];
                var values = new double[kept];
                kept = 0;
                for (int e = 0; e < n - 1; e++)
                {
                    if (probabilities[e] >= MinConditional)
                    {
                        columns[kept] = e < i ? e : e + 1;
                        values[kept++] = probabilities[e];
                    }
                }

                RowColumns[i] = columns;
                RowValues[i] = values;
            }
        }
    }

    /// <summary>One block of rows of <see cref="NearestNeighbors"/>: each row's k nearest points by brute force and their calibrated affinities.</summary>
    private sealed class NearestNeighborsWork(float[] x, int n, int dimensions, TSneDistance distance, double targetEntropy, int k, int workers) : IBlockWork
    {
        private readonly double[][] _distances = Buffers(workers, k);
        private readonly int[][] _indices = IndexBuffers(workers, k);

        public int[] Neighbors { get; } = new int[(long)n * k];

        public double[] Conditional { get; } = new double[(long)n * k];

        public void Execute(int block, int worker)
        {
            double[] distances = _distances[worker];
            int[] indices = _indices[worker];
            int end = Math.Min(n, (block + 1) * RowsPerBlock);
            for (int i = block * RowsPerBlock; i < end; i++)
            {
                ReadOnlySpan<float> xi = x.AsSpan(i * dimensions, dimensions);
                int count = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i)
                    {
                        continue;
                    }

                    double dj = Distance(xi, x.AsSpan(j * dimensions, dimensions), distance);
                    if (count < k)
                    {
                        distances[count] = dj;
                        indices[count] = j;
                        count++;
                        SiftUp(distances, indices, count - 1);
                    }
                    else if (dj < distances[0])
                    {
                        // j is larger than every kept index, so a tie keeps the smaller index.
                        distances[0] = dj;
                        indices[0] = j;
                        SiftDown(distances, indices, k);
                    }
                }

                // Heap-sort in place: ascending by (distance, index).
                for (int last = k - 1; last > 0; last--)
                {
                    (distances[0], distances[last]) = (distances[last], distances[0]);
                    (indices[0], indices[last]) = (indices[last], indices[0]);
                    SiftDown(distances, indices, last);
                }

                indices.AsSpan().CopyTo(Neighbors.AsSpan(i * k, k));
                CalibrateRowInPlace(distances, targetEntropy, Conditional.AsSpan(i * k, k));
            }
        }

        private static int[][] IndexBuffers(int workers, int length)
        {
            var buffers = new int[workers][];
            for (int w = 0; w < workers; w++)
            {
                buffers[w] = new int[length];
            }

            return buffers;
        }
    }

    private static double[][] Buffers(int workers, int length)
    {
        var buffers = new double[workers][];
        for (int w = 0; w < workers; w++)
        {
            buffers[w] = new double[length];
        }

        return buffers;
    }
}
