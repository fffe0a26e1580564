using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;
using static CollaborativeFiltering.Internal.RowWidthKernels;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// The gradient of the t-SNE objective KL(α·P ‖ Q) for a 2-D map Y (coordinates in two arrays, x and y):
/// ∂C/∂y_i = 4·Σ_j (α·p_ij − q_ij)·w_ij·(y_i − y_j), with w_ij = 1/(1 + ‖y_i − y_j‖²), Z = Σ_{k≠l} w_kl and
/// q_ij = w_ij / Z, split into an attractive part Σ_j p_ij·w_ij·(y_i − y_j) over the stored (sparse) entries of P and
/// a repulsive part Σ_j w_ij²·(y_i − y_j) / Z over all pairs. The repulsive part is exact (all pairs, float SIMD
/// lanes whose sums move to double accumulators every <see cref="ExactChunk"/> vectors, remainder in double) or
/// Barnes–Hut (a <see cref="QuadTree"/>). When the exact method's P is dense (at least a third of the n² pairs
/// stored: perplexity 30 on cosine distances kept all but 16 of 2.8 million pairs of the synthetic MovieLens-shaped
/// set's movie embeddings; more clustered embeddings keep fewer), the attraction is summed in the same pass over all
/// pairs from a dense float copy of P, in the same float lanes as the repulsion, since w_ij and y_i − y_j are already
/// in registers there; a gathered double sum over the stored entries cost three times the whole repulsion pass. Rows are computed in fixed blocks
/// on the projection's <see cref="WorkerPool"/> and Z is summed in row order, so the result does not depend on the
/// number of threads. Allocates nothing per call.
/// Not thread-safe: one caller drives it.
/// </summary>
internal sealed class TSneGradient : IBlockWork
{
    private const int RowsPerBlock = 32;

    /// <summary>The rows whose attractive terms <see cref="AttractionOfFourRows"/> computes at once (a block's rows are a multiple of it).</summary>
    private const int AttractionRows = 4;

    /// <summary>The exact kernel moves its float lane sums into double accumulators every this many vectors.</summary>
    private const int ExactChunk = 32;

    private readonly int _n;
    private readonly TSneSparseAffinities _p;
    private readonly QuadTree? _tree;
    private readonly double _thetaSquared;
    private readonly WorkerPool _pool;
    private readonly int[][] _stacks;
    private readonly double[] _attractX;
    private readonly double[] _attractY;
    private readonly double[] _repulseX;
    private readonly double[] _repulseY;
    private readonly double[] _rowZ;
    private readonly float[] _xFloat;
    private readonly float[] _yFloat;
    private readonly float[]? _denseP;
    private readonly int _blocks;
    private double[] _x = [];
    private double[] _y = [];

    private bool _doubleOnly;

    private TSneGradient(TSneSparseAffinities p, QuadTree? tree, double theta, WorkerPool pool, bool dense = false)
    {
        int n = p.Count;
        _n = n;
        _p = p;
        _tree = tree;
        _thetaSquared = theta * theta;
        _blocks = (n + RowsPerBlock - 1) / RowsPerBlock;
        _pool = pool;
        _stacks = new int[pool.WorkerCount][];
        for (int w = 0; w < _stacks.Length; w++)
        {
            _stacks[w] = new int[QuadTree.StackSize];
        }

        _attractX = new double[n];
        _attractY = new double[n];
        _repulseX = new double[n];
        _repulseY = new double[n];
        _rowZ = new double[n];
        _xFloat = tree is null ? new float[n] : [];
        _yFloat = tree is null ? new float[n] : [];
        _denseP = dense ? Densify(p) : null;
    }

    /// <summary>Checked by the pool before every block of rows of a pass (an exact pass over n² pairs is too long to finish first); a pass that saw it cancelled throws <see cref="OperationCanceledException"/> instead of returning.</summary>
    public CancellationToken Cancellation { get; set; }

    /// <summary>
    /// Exact gradients: repulsion over all pairs, and the attraction in the same pass when P is dense enough
    /// (<see cref="IsDense"/>) and the float lanes run. O(n²) per call.
    /// </summary>
    public static TSneGradient Exact(TSneSparseAffinities p, WorkerPool pool) => new(p, null, 0, pool, IsDense(p) && UsesFloatLanes(p.Count));

    /// <summary>
    /// Exact gradients whose attraction is summed over the stored entries of P in double (<see cref="AttractionScalar"/>'s
    /// sums, four rows at a time), whatever P's density: for tests that compare the two attraction kernels.
    /// </summary>
    internal static TSneGradient ExactWithSparseAttraction(TSneSparseAffinities p, WorkerPool pool) => new(p, null, 0, pool);

    /// <summary>
    /// Whether the exact gradient keeps a dense float copy of P: when at least a third of the n² pairs are stored, so
    /// that the copy (4 bytes a pair) takes no more memory than the stored entries (12 bytes each).
    /// </summary>
    internal static bool IsDense(TSneSparseAffinities p) => 3L * p.Values.Length >= (long)p.Count * p.Count;

    /// <summary>Whether the attraction is summed in the float lanes of the all-pairs pass (from a dense copy of P).</summary>
    internal bool HasDenseAttraction => _denseP is not null;

    /// <summary>
    /// Exact gradients with the repulsion summed in double throughout, never in float SIMD lanes:
    /// for tests that check the formula to 1e-12 or by finite differences on any instruction set
    /// (the float lanes run only when n reaches <c>Vector&lt;float&gt;.Count</c>: 4 with SSE, 8 with AVX2).
    /// </summary>
    internal static TSneGradient ExactInDouble(TSneSparseAffinities p, WorkerPool pool) => new(p, null, 0, pool) { _doubleOnly = true };

    /// <summary>Barnes–Hut gradients with accuracy θ. O(n log n) per call.</summary>
    public static TSneGradient BarnesHut(TSneSparseAffinities p, double theta, WorkerPool pool) => new(p, new QuadTree(), theta, pool);

    /// <summary>
    /// Computes the gradient at (x, y) with P multiplied by <paramref name="exaggeration"/>; writes it to
    /// (gradX, gradY) and returns Z (exact, or the Barnes–Hut estimate).
    /// </summary>
    public double Compute(double[] x, double[] y, double exaggeration, Span<double> gradX, Span<double> gradY)
    {
        Evaluate(x, y);
        Cancellation.ThrowIfCancellationRequested();
        double z = SumZ();
        double inverseZ = 1 / z;
        for (int i = 0; i < _n; i++)
        {
            gradX[i] = 4 * ((exaggeration * _attractX[i]) - (_repulseX[i] * inverseZ));
            gradY[i] = 4 * ((exaggeration * _attractY[i]) - (_repulseY[i] * inverseZ));
        }

        return z;
    }

    /// <summary>
    /// KL(P‖Q) = Σ p_ij·ln(p_ij·Z / w_ij) over the stored p_ij at (x, y), with Z exact or the Barnes–Hut estimate.
    /// </summary>
    public double KullbackLeibler(double[] x, double[] y)
    {
        Evaluate(x, y);
        Cancellation.ThrowIfCancellationRequested();
        double z = SumZ();
        double kl = 0;
        TSneSparseAffinities p = _p;
        for (int i = 0; i < _n; i++)
        {
            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                int j = p.Columns[e];
                double pij = p.Values[e];
                double dx = x[i] - x[j];
                double dy = y[i] - y[j];
                kl += pij > 0 ? pij * Math.Log(pij * z * (1 + (dx * dx) + (dy * dy))) : 0;
            }
        }

        return kl;
    }

    /// <inheritdoc/>
    public void Execute(int block, int worker)
    {
        int[] stack = _stacks[worker];
        int start = block * RowsPerBlock;
        int end = Math.Min(_n, start + RowsPerBlock);
        int i = start;
        if (_denseP is not null)
        {
            for (; i < end; i++)
            {
                ExactRow<Yes>(i);
            }

            return;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + AttractionRows <= end; i += AttractionRows)
            {
                AttractionOfFourRows(i);
            }
        }

        for (; i < end; i++)
        {
            (_attractX[i], _attractY[i]) = AttractionScalar(i);
        }

        for (i = start; i < end; i++)
        {
            if (_tree is null)
            {
                ExactRow<No>(i);
            }
            else
            {
                _tree.Repulsion(i, _x[i], _y[i], _thetaSquared, stack, out _rowZ[i], out _repulseX[i], out _repulseY[i]);
            }
        }
    }

    /// <summary>Row i's exact repulsive terms (Z_i, Σ w²·Δx, Σ w²·Δy) computed in double only: the scalar twin the SIMD kernel is tested against.</summary>
    internal void ExactRepulsionScalar(int i, out double z, out double rx, out double ry)
    {
        z = rx = ry = 0;
        for (int j = 0; j < _n; j++)
        {
            if (j == i)
            {
                continue;
            }

            double dx = _x[i] - _x[j];
            double dy = _y[i] - _y[j];
            double w = 1 / (1 + (dx * dx) + (dy * dy));
            z += w;
            double w2 = w * w;
            rx += w2 * dx;
            ry += w2 * dy;
        }
    }

    /// <summary>Row i's terms from the last <see cref="Compute"/> or <see cref="KullbackLeibler"/> call (for tests).</summary>
    internal (double Z, double AttractX, double AttractY, double RepulseX, double RepulseY) RowTerms(int i) =>
        (_rowZ[i], _attractX[i], _attractY[i], _repulseX[i], _repulseY[i]);

    private void Evaluate(double[] x, double[] y)
    {
        _x = x;
        _y = y;
        if (_tree is null)
        {
            for (int i = 0; i < _n; i++)
            {
                _xFloat[i] = (float)x[i];
                _yFloat[i] = (float)y[i];
            }
        }
        else
        {
            _tree.Build(x.AsSpan(0, _n), y.AsSpan(0, _n));
        }

        _pool.Run(this, _blocks, Cancellation);
    }

    private double SumZ()
    {
        double z = 0;
        for (int i = 0; i < _n; i++)
        {
            z += _rowZ[i];
        }

        return Math.Max(z, double.Epsilon);
    }

    /// <summary>Row i's attractive terms (Σ p·w·Δx, Σ p·w·Δy) over its stored entries in order: the definition <see cref="AttractionOfFourRows"/> matches bit for bit.</summary>
    internal (double X, double Y) AttractionScalar(int i)
    {
        TSneSparseAffinities p = _p;
        return AttractionTail(i, p.RowOffsets[i], 0, 0);
    }

    /// <summary>Row i's attractive sums continued from (ax, ay) over its entries from <paramref name="from"/> on, in order.</summary>
    private (double X, double Y) AttractionTail(int i, int from, double ax, double ay)
    {
        double[] xs = _x;
        double[] ys = _y;
        double xi = xs[i];
        double yi = ys[i];
        TSneSparseAffinities p = _p;
        int end = p.RowOffsets[i + 1];
        for (int e = from; e < end; e++)
        {
            int j = p.Columns[e];
            double dx = xi - xs[j];
            double dy = yi - ys[j];
            double pw = p.Values[e] / (1 + (dx * dx) + (dy * dy));
            ax += pw * dx;
            ay += pw * dy;
        }

        return (ax, ay);
    }

    /// <summary>
    /// The attractive terms of rows i .. i+3 at once, lane r of each vector holding row i+r: the same operations in
    /// the same order as <see cref="AttractionScalar"/> for each row (element-wise double arithmetic, each row's sums
    /// accumulated along its own entries), so the result is identical bit for bit on every instruction set. A row's
    /// sum is a chain of dependent additions, so one row at a time waits on the adder's latency at every entry;
    /// four independent chains in one vector (and the division on four lanes) take about a quarter of the time.
    /// The entries beyond the shortest of the four rows are finished one row at a time.
    /// </summary>
    private void AttractionOfFourRows(int i)
    {
        TSneSparseAffinities p = _p;
        int[] offsets = p.RowOffsets;
        int[] columns = p.Columns;
        double[] values = p.Values;
        double[] xs = _x;
        double[] ys = _y;
        int s0 = offsets[i], s1 = offsets[i + 1], s2 = offsets[i + 2], s3 = offsets[i + 3], s4 = offsets[i + 4];
        int common = Math.Min(Math.Min(s1 - s0, s2 - s1), Math.Min(s3 - s2, s4 - s3));
        var xi = Vector256.Create(xs[i], xs[i + 1], xs[i + 2], xs[i + 3]);
        var yi = Vector256.Create(ys[i], ys[i + 1], ys[i + 2], ys[i + 3]);
        Vector256<double> one = Vector256<double>.One;
        Vector256<double> ax = Vector256<double>.Zero, ay = Vector256<double>.Zero;

        // Unchecked reads: the four rows' entries [s_r, s_r + common) lie in Columns and Values by the CSR's
        // construction, and every column is a point index below n = the length of xs and ys (checked once here).
        if (xs.Length < _n || ys.Length < _n || s3 + common > columns.Length || columns.Length != values.Length)
        {
            ThrowHelper.InvalidOperation("The t-SNE affinities do not match the map.");
        }

        ref int column = ref MemoryMarshal.GetArrayDataReference(columns);
        ref double value = ref MemoryMarshal.GetArrayDataReference(values);
        ref double x = ref MemoryMarshal.GetArrayDataReference(xs);
        ref double y = ref MemoryMarshal.GetArrayDataReference(ys);
        for (int e = 0; e < common; e++)
        {
            nint j0 = Unsafe.Add(ref column, s0 + e), j1 = Unsafe.Add(ref column, s1 + e), j2 = Unsafe.Add(ref column, s2 + e), j3 = Unsafe.Add(ref column, s3 + e);
            Vector256<double> dx = xi - Vector256.Create(Unsafe.Add(ref x, j0), Unsafe.Add(ref x, j1), Unsafe.Add(ref x, j2), Unsafe.Add(ref x, j3));
            Vector256<double> dy = yi - Vector256.Create(Unsafe.Add(ref y, j0), Unsafe.Add(ref y, j1), Unsafe.Add(ref y, j2), Unsafe.Add(ref y, j3));
            Vector256<double> pw = Vector256.Create(Unsafe.Add(ref value, s0 + e), Unsafe.Add(ref value, s1 + e), Unsafe.Add(ref value, s2 + e), Unsafe.Add(ref value, s3 + e))
                / (one + (dx * dx) + (dy * dy));
            ax += pw * dx;
            ay += pw * dy;
        }

        (_attractX[i], _attractY[i]) = AttractionTail(i, s0 + common, ax.GetElement(0), ay.GetElement(0));
        (_attractX[i + 1], _attractY[i + 1]) = AttractionTail(i + 1, s1 + common, ax.GetElement(1), ay.GetElement(1));
        (_attractX[i + 2], _attractY[i + 2]) = AttractionTail(i + 2, s2 + common, ax.GetElement(2), ay.GetElement(2));
        (_attractX[i + 3], _attractY[i + 3]) = AttractionTail(i + 3, s3 + common, ax.GetElement(3), ay.GetElement(3));
    }

    /// <summary>Whether the exact repulsion of n points runs in float SIMD lanes (unless built by <see cref="ExactInDouble"/>).</summary>
    private static bool UsesFloatLanes(int n) => Vector.IsHardwareAccelerated && n >= Vector<float>.Count;

    /// <summary>P as a dense n × n float matrix, row-major, zero where no entry is stored.</summary>
    private static float[] Densify(TSneSparseAffinities p)
    {
        int n = p.Count;
        var dense = new float[checked(n * n)];
        for (int i = 0; i < n; i++)
        {
            int row = i * n;
            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                dense[row + p.Columns[e]] = (float)p.Values[e];
            }
        }

        return dense;
    }

    /// <summary>
    /// Row i's exact repulsive terms (Z_i, Σ w²·Δx, Σ w²·Δy) over all j, and with <typeparamref name="TDense"/> also its
    /// attractive terms Σ p_ij·w_ij·(y_i − y_j) from the dense copy of P, which reuse w_ij and the differences: in float
    /// SIMD lanes moved to double every <see cref="ExactChunk"/> vectors, the last n mod width pairs in double (all of them
    /// in double when built by <see cref="ExactInDouble"/> or below the vector width). Without the flag the attraction's
    /// lines compile away, and the repulsion's operations are the same in both instantiations.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per row: optimised from the first, not after thirty tier-0 rows
    private void ExactRow<TDense>(int i)
        where TDense : struct, IFlag
    {
        int n = _n;
        double z = 0, rx = 0, ry = 0, ax = 0, ay = 0;
        int j = 0;
        int width = Vector<float>.Count;
        ref float pRef = ref TDense.Value ? ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_denseP!), (nint)i * n) : ref Unsafe.NullRef<float>();
        if (UsesFloatLanes(n) && !_doubleOnly)
        {
            var vxi = new Vector<float>(_xFloat[i]);
            var vyi = new Vector<float>(_yFloat[i]);
            Vector<float> one = Vector<float>.One;
            ref float xRef = ref MemoryMarshal.GetArrayDataReference(_xFloat);
            ref float yRef = ref MemoryMarshal.GetArrayDataReference(_yFloat);
            int vectorEnd = n - (n % width);
            while (j < vectorEnd)
            {
                int chunkEnd = Math.Min(vectorEnd, j + (ExactChunk * width));
                Vector<float> vz = Vector<float>.Zero, vrx = vz, vry = vz, vax = vz, vay = vz;
                for (; j < chunkEnd; j += width)
                {
                    Vector<float> dx = vxi - Vector.LoadUnsafe(ref xRef, (nuint)j);
                    Vector<float> dy = vyi - Vector.LoadUnsafe(ref yRef, (nuint)j);
                    Vector<float> w = one / (one + (dx * dx) + (dy * dy));
                    vz += w;
                    Vector<float> w2 = w * w;
                    vrx += w2 * dx;
                    vry += w2 * dy;
                    if (TDense.Value)
                    {
                        Vector<float> pw = Vector.LoadUnsafe(ref pRef, (nuint)j) * w;
                        vax += pw * dx;
                        vay += pw * dy;
                    }
                }

                z += Vector.Sum(vz);
                rx += Vector.Sum(vrx);
                ry += Vector.Sum(vry);
                if (TDense.Value)
                {
                    ax += Vector.Sum(vax);
                    ay += Vector.Sum(vay);
                }
            }
        }

        double xi = _x[i];
        double yi = _y[i];
        for (; j < n; j++)
        {
            double dx = xi - _x[j];
            double dy = yi - _y[j];
            double w = 1 / (1 + (dx * dx) + (dy * dy));
            z += w;
            double w2 = w * w;
            rx += w2 * dx;
            ry += w2 * dy;
            if (TDense.Value)
            {
                double pw = Unsafe.Add(ref pRef, j) * w;
                ax += pw * dx;
                ay += pw * dy;
            }
        }

        // The j = i term added w = 1 to z and nothing else (dx = dy = 0, p_ii = 0).
        _rowZ[i] = z - 1;
        _repulseX[i] = rx;
        _repulseY[i] = ry;
        if (TDense.Value)
        {
            _attractX[i] = ax;
            _attractY[i] = ay;
        }
    }
}
