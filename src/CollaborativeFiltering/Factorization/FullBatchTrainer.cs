using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>The loss terms at the point a full-batch step was taken from (r and g unweighted).</summary>
/// <param name="ObservedMse">(1/|Ω|) Σ (A_ij − ⟨U_i, V_j⟩)².</param>
/// <param name="Regularization">r = (1/N) Σ‖U_i‖² + (1/M) Σ‖V_j‖².</param>
/// <param name="Gravity">g = (1/(N·M)) Σ_i Σ_j ⟨U_i, V_j⟩² (0 when the trainer has no gravity term).</param>
internal readonly record struct FullBatchLosses(double ObservedMse, double Regularization, double Gravity);

/// <summary>
/// The state and kernels of one full-batch gradient-descent fit of
/// L = MSE + λ_r·r + λ_g·g over a fixed training set. Owns U and V (row-major float: the arrays it
/// was given, or copies whose rows are padded with zeros to whole SIMD vectors, see
/// <see cref="PaddedDimensions"/>), their next values, a residual per rating, the Gram matrices with the products
/// U·VᵀV and V·UᵀU, and a <see cref="WorkerPool"/>; allocates nothing per iteration.
/// </summary>
/// <remarks>
/// <para>One iteration (<see cref="Step"/>) runs up to three phases on the pool:</para>
/// <list type="number">
/// <item>Gram (only when λ_g &gt; 0): UᵀU and VᵀV, split by blocks of output rows, each entry
/// summed over all rows in index order by one worker (upper part, mirrored afterwards).</item>
/// <item>Users, over fixed blocks of the user-major CSR: for each rating the residual
/// e = ⟨U_i, V_j⟩ − A_ij (stored at its user-major position), the data gradient Σ e·V_j, then
/// U'_i = U_i − η·((2/|Ω|)·Σ e·V_j + (2λ_r/N)·U_i + (2λ_g/(N·M))·U_i·VᵀV), the last product
/// computed for the block's rows four at a time.</item>
/// <item>Items, over fixed blocks of the item-major CSR, reading residuals through
/// <see cref="RatingsDataset.ItemToUserPosition"/>: V'_j likewise with U and UᵀU.</item>
/// </list>
/// <para>Both gradients are taken at the same point, then U and V are swapped with their next
/// values. Blocks are fixed by the data and d (never by the thread count); each row and each Gram
/// entry is computed by one thread in a fixed order and loss partial sums are per block, added in
/// block order, so the result is bit-identical for any number of threads.</para>
/// </remarks>
internal sealed class FullBatchTrainer : IPoolWork, IDisposable
{
    /// <summary>Work per block, in multiply-adds (about 10–20 µs).</summary>
    private const long BlockCost = 32_768;

    /// <summary>
    /// The most bytes of U rows the item pass gathers from at a time. Beyond it (the ML-10M shape:
    /// 70k users × d = 64 is 18 MB) the item pass runs over slices of users of this size, so that the
    /// U rows and the residuals it reads stay in a core's L2 cache instead of missing on every rating.
    /// </summary>
    internal const int UserSliceBytes = 1 << 20;

    /// <summary>Gram rows per task.</summary>
    private const int GramRowsPerTask = 4;

    /// <summary>The row stride of U, V and the Gram matrices: d padded with zero columns to whole SIMD vectors (see <see cref="PaddedDimensions"/>).</summary>
    private readonly int _d;

    /// <summary>d, the embedding dimension.</summary>
    private readonly int _dimensions;
    private readonly int _n;
    private readonly int _m;
    private readonly int _count;

    private readonly int[] _userOffsets;
    private readonly int[] _userItems;
    private readonly float[] _userValues;
    private readonly int[] _itemOffsets;
    private readonly int[] _itemUsers;
    private readonly int[] _itemToUser;

    private readonly int[]? _validationOffsets;
    private readonly int[]? _validationItems;
    private readonly float[]? _validationValues;
    private readonly int _validationCount;

    private readonly bool _gravity;
    private readonly float[] _residuals;
    private readonly float[] _gramU;
    private readonly float[] _gramV;
    private readonly float[] _gravityU;
    private readonly float[] _gravityV;
    private readonly int _gramTasksPerMatrix;

    // Gradient coefficients (a: data term, b: L2, c: gravity) and the same times η for a step.
    private readonly float _gradA, _gradBU, _gradBV, _gradC;
    private readonly float _stepA, _stepBU, _stepBV, _stepC;

    private readonly int[] _userBlocks;
    private readonly int[] _itemBlocks;

    /// <summary>Bounds of the user slices the item pass runs over in turn (one slice while U fits in <see cref="UserSliceBytes"/>).</summary>
    private readonly int[] _userSlices;

    /// <summary>Per item, where its next slice's ratings start in the item-major CSR (empty with one slice).</summary>
    private readonly int[] _itemCursor;
    private readonly int[] _validationBlocks;
    private readonly double[] _userSse;
    private readonly double[] _userNorms;
    private readonly double[] _itemNorms;
    private readonly double[] _evaluationSse;

    private readonly float[][] _scratch;
    private readonly WorkerPool _pool;

    private float[] _u;
    private float[] _v;
    private float[] _uNext;
    private float[] _vNext;

    private Phase _phase;
    private int _userSlice;
    private bool _gradientOnly;

    /// <summary>Prepares a fit; takes ownership of <paramref name="users"/> (N·d) and <paramref name="items"/> (M·d) as the starting point.</summary>
    /// <remarks><paramref name="usersPerSlice"/> overrides the users per slice of the item pass (0: automatic, see <see cref="UserSliceBytes"/>); tests use it to run the sliced pass on small data.</remarks>
    public FullBatchTrainer(RatingsDataset train, RatingsDataset? validation, int dimensions, double learningRate, double regularizationWeight, double gravityWeight, int maxThreads, float[] users, float[] items, int usersPerSlice = 0)
    {
        Debug.Assert(train.Count > 0);
        _dimensions = dimensions;
        _d = PaddedDimensions(dimensions);
        _n = train.UserCount;
        _m = train.ItemCount;
        _count = train.Count;
        Debug.Assert(users.Length == _n * dimensions && items.Length == _m * dimensions);
        users = Pad(users, _n, dimensions, _d);
        items = Pad(items, _m, dimensions, _d);

        _userOffsets = train.ByUser.RowOffsetArray;
        _userItems = train.ByUser.ColumnArray;
        _userValues = train.ByUser.ValueArray;
        _itemOffsets = train.ByItem.RowOffsetArray;
        _itemUsers = train.ByItem.ColumnArray;
        _itemToUser = train.ItemToUserPosition;
        if (validation is { Count: > 0 })
        {
            _validationOffsets = validation.ByUser.RowOffsetArray;
            _validationItems = validation.ByUser.ColumnArray;
            _validationValues = validation.ByUser.ValueArray;
            _validationCount = validation.Count;
        }

        _gravity = gravityWeight > 0;
        _residuals = new float[_count];
        _gramU = _gravity ? new float[_d * _d] : [];
        _gramV = _gravity ? new float[_d * _d] : [];
        _gravityU = _gravity ? new float[users.Length] : [];
        _gravityV = _gravity ? new float[items.Length] : [];
        _gramTasksPerMatrix = (dimensions + GramRowsPerTask - 1) / GramRowsPerTask;

        double n = _n, m = _m;
        double a = 2.0 / _count, bu = 2.0 * regularizationWeight / n, bv = 2.0 * regularizationWeight / m, c = 2.0 * gravityWeight / (n * m);
        (_gradA, _gradBU, _gradBV, _gradC) = ((float)a, (float)bu, (float)bv, (float)c);
        (_stepA, _stepBU, _stepBV, _stepC) = ((float)(learningRate * a), (float)(learningRate * bu), (float)(learningRate * bv), (float)(learningRate * c));

        int rowCost = _gravity ? (_d * _d) + (2 * _d) : 2 * _d;
        int perSlice = usersPerSlice > 0 ? usersPerSlice
            : (long)_n * _d * sizeof(float) <= 2L * UserSliceBytes ? Math.Max(_n, 1)
            : Math.Max(1, UserSliceBytes / (_d * sizeof(float)));
        _userSlices = new int[((_n + perSlice - 1) / perSlice) + 1];
        for (int k = 1; k < _userSlices.Length; k++)
        {
            _userSlices[k] = Math.Min(_n, k * perSlice);
        }

        if (_userSlices.Length < 2)
        {
            _userSlices = [0, _n];
        }

        _itemCursor = _userSlices.Length > 2 ? new int[_m] : [];
        _userBlocks = Partition(_userOffsets, _d, rowCost);
        _itemBlocks = Partition(_itemOffsets, _d, rowCost);
        _validationBlocks = _validationOffsets is null ? [0] : Partition(_validationOffsets, _d, _d);
        _userSse = new double[_userBlocks.Length - 1];
        _userNorms = new double[_userBlocks.Length - 1];
        _itemNorms = new double[_itemBlocks.Length - 1];
        _evaluationSse = new double[_userBlocks.Length - 1 + _validationBlocks.Length - 1];

        _u = users;
        _v = items;
        _uNext = new float[users.Length];
        _vNext = new float[items.Length];

        int workers = Math.Clamp(maxThreads, 1, Math.Max(1, Math.Max(_userBlocks.Length, _itemBlocks.Length) - 1));
        _scratch = new float[workers][];
        for (int w = 0; w < workers; w++)
        {
            _scratch[w] = new float[2 * _d];
        }

        _pool = new WorkerPool(workers);
    }

    private enum Phase
    {
        Gram,
        Users,
        Items,
        Evaluate,
    }

    /// <summary>The current user embeddings U (N·d, row-major): the trainer's own array when d needs no padding, else an unpadded copy.</summary>
    public float[] Users => Unpad(_u, _n, _dimensions, _d);

    /// <summary>The current item embeddings V (M·d, row-major): the trainer's own array when d needs no padding, else an unpadded copy.</summary>
    public float[] Items => Unpad(_v, _m, _dimensions, _d);

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _pool.WorkerCount;

    /// <summary>UᵀU as of the last step (d×d, row-major); empty without gravity.</summary>
    internal ReadOnlySpan<float> UserGram => _gravity ? Unpad(_gramU, _d, _dimensions, _d).AsSpan(0, _dimensions * _dimensions) : [];

    /// <summary>VᵀV as of the last step (d×d, row-major); empty without gravity.</summary>
    internal ReadOnlySpan<float> ItemGram => _gravity ? Unpad(_gramV, _d, _dimensions, _d).AsSpan(0, _dimensions * _dimensions) : [];

    /// <summary>One full-batch gradient step; returns the loss terms at the point the step was taken from.</summary>
    public FullBatchLosses Step()
    {
        _gradientOnly = false;
        FullBatchLosses losses = RunPasses();
        (_u, _uNext) = (_uNext, _u);
        (_v, _vNext) = (_vNext, _v);
        return losses;
    }

    /// <summary>∂L/∂U and ∂L/∂V at the current point, without moving; returns the loss terms there.</summary>
    public FullBatchLosses ComputeGradient(Span<float> userGradient, Span<float> itemGradient)
    {
        _gradientOnly = true;
        try
        {
            FullBatchLosses losses = RunPasses();
            Unpad(_uNext, _n, _dimensions, _d).CopyTo(userGradient);
            Unpad(_vNext, _m, _dimensions, _d).CopyTo(itemGradient);
            return losses;
        }
        finally
        {
            _gradientOnly = false;
        }
    }

    /// <summary>The observed MSE of the current U, V on the training set, and on the validation set when there is one.</summary>
    public (double TrainMse, double? ValidationMse) Evaluate()
    {
        RunPhase(Phase.Evaluate);
        int trainBlocks = _userBlocks.Length - 1;
        double train = 0, validation = 0;
        for (int b = 0; b < trainBlocks; b++)
        {
            train += _evaluationSse[b];
        }

        for (int b = trainBlocks; b < _evaluationSse.Length; b++)
        {
            validation += _evaluationSse[b];
        }

        return (train / _count, _validationOffsets is null ? null : validation / _validationCount);
    }

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    void IPoolWork.Execute(int worker)
    {
        float[] scratch = _scratch[worker];
        switch (_phase)
        {
            case Phase.Gram:
                for (int t = _pool.NextTask(); t < 2 * _gramTasksPerMatrix; t = _pool.NextTask())
                {
                    if (Cancellation.IsCancellationRequested)
                    {
                        break; // RunPhase throws once every worker has stopped
                    }

                    GramTask(t);
                }

                break;
            case Phase.Users:
                for (int b = _pool.NextTask(); b < _userSse.Length; b = _pool.NextTask())
                {
                    if (Cancellation.IsCancellationRequested)
                    {
                        break; // RunPhase throws once every worker has stopped
                    }

                    UserBlock(b, scratch);
                }

                break;
            case Phase.Items:
                for (int b = _pool.NextTask(); b < _itemNorms.Length; b = _pool.NextTask())
                {
                    if (Cancellation.IsCancellationRequested)
                    {
                        break; // RunPhase throws once every worker has stopped
                    }

                    ItemBlock(b, scratch);
                }

                break;
            case Phase.Evaluate:
                for (int b = _pool.NextTask(); b < _evaluationSse.Length; b = _pool.NextTask())
                {
                    if (Cancellation.IsCancellationRequested)
                    {
                        break; // RunPhase throws once every worker has stopped
                    }

                    EvaluationBlock(b);
                }

                break;
        }
    }

    /// <summary>Cuts rows into consecutive blocks of about <see cref="BlockCost"/> multiply-adds; depends only on the data and d.</summary>
    internal static int[] Partition(int[] offsets, int d, int rowCost)
    {
        int rows = offsets.Length - 1;
        var bounds = new List<int>((int)Math.Min(rows + 1, (((long)offsets[rows] * d) / BlockCost) + 2)) { 0 };
        long cost = 0;
        for (int r = 0; r < rows; r++)
        {
            cost += ((long)(offsets[r + 1] - offsets[r]) * d) + rowCost;
            if (cost >= BlockCost)
            {
                bounds.Add(r + 1);
                cost = 0;
            }
        }

        if (bounds[^1] != rows)
        {
            bounds.Add(rows);
        }

        return [.. bounds];
    }

    private FullBatchLosses RunPasses()
    {
        double gravity = 0;
        if (_gravity)
        {
            RunPhase(Phase.Gram);
            FactorKernels.MirrorUpper(_gramU, _d);
            FactorKernels.MirrorUpper(_gramV, _d);
            double sum = 0;
            for (int k = 0; k < _gramU.Length; k++)
            {
                sum += (double)_gramU[k] * _gramV[k];
            }

            gravity = sum / ((double)_n * _m);
        }

        RunPhase(Phase.Users);
        for (_userSlice = 0; _userSlice < _userSlices.Length - 1; _userSlice++)
        {
            RunPhase(Phase.Items);
        }

        double sse = 0, userNorms = 0, itemNorms = 0;
        for (int b = 0; b < _userSse.Length; b++)
        {
            sse += _userSse[b];
            userNorms += _userNorms[b];
        }

        for (int b = 0; b < _itemNorms.Length; b++)
        {
            itemNorms += _itemNorms[b];
        }

        return new FullBatchLosses(sse / _count, (userNorms / _n) + (itemNorms / _m), gravity);
    }

    private void RunPhase(Phase phase)
    {
        // Between phases U and V are untouched (a step swaps in their next values only at its end),
        // so a cancellation here leaves the trainer as it was before the step.
        Cancellation.ThrowIfCancellationRequested();
        _phase = phase;
        _pool.Run(this);
        Cancellation.ThrowIfCancellationRequested(); // blocks skipped after a cancellation left this phase unfinished
    }

    /// <summary>Checked before each phase of a step (Gram, users, each slice of items, evaluation) and before each block within it: an iteration on large data is longer than a cancellation may wait.</summary>
    public CancellationToken Cancellation { get; set; }


    /// <summary>Rows [a0, a1) of XᵀX (X = U or V), upper part; mirrored after the phase.</summary>
    private void GramTask(int task)
    {
        bool users = task < _gramTasksPerMatrix;
        int a0 = (users ? task : task - _gramTasksPerMatrix) * GramRowsPerTask;
        FactorKernels.GramRows(users ? _u : _v, users ? _n : _m, _d, a0, Math.Min(a0 + GramRowsPerTask, _dimensions), users ? _gramU : _gramV);
    }

    /// <summary>
    /// The row stride the trainer computes with: d rounded up to whole 512-bit vectors (16 floats)
    /// when those are accelerated and the padding adds at most an eighth, else to whole 256-bit
    /// vectors (8 floats); d itself below 8 or without SIMD. The padding columns start at zero and
    /// stay exactly zero (their data gradient Σ e·0, L2 term and gravity row are all 0), so the
    /// result is that of the unpadded problem, while every row kernel runs on whole vectors: at
    /// d = 30 a masked tail on rows 120 bytes apart, which straddle cache lines, cost more than the
    /// two extra columns.
    /// </summary>
    internal static int PaddedDimensions(int d)
    {
        if (!Vector256.IsHardwareAccelerated || d < Vector256<float>.Count)
        {
            return d;
        }

        int wide = (d + 15) & ~15;
        return Vector512.IsHardwareAccelerated && d >= 16 && (wide - d) * 8 <= d ? wide : (d + 7) & ~7;
    }

    /// <summary>Copies <paramref name="rows"/> rows of <paramref name="d"/> floats into rows of <paramref name="stride"/> (zero-filled); the array itself when they are equal.</summary>
    private static float[] Pad(float[] values, int rows, int d, int stride)
    {
        if (stride == d)
        {
            return values;
        }

        var padded = new float[rows * stride];
        for (int r = 0; r < rows; r++)
        {
            values.AsSpan(r * d, d).CopyTo(padded.AsSpan(r * stride, d));
        }

        return padded;
    }

    /// <summary>The first <paramref name="d"/> floats of each of <paramref name="rows"/> rows of <paramref name="stride"/>; the array itself when they are equal.</summary>
    private static float[] Unpad(float[] values, int rows, int d, int stride)
    {
        if (stride == d)
        {
            return values;
        }

        var unpadded = new float[rows * d];
        for (int r = 0; r < rows; r++)
        {
            values.AsSpan(r * stride, d).CopyTo(unpadded.AsSpan(r * d, d));
        }

        return unpadded;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UserBlock(int block, float[] scratch)
    {
        int d = _d;
        float[] u = _u, v = _v, next = _uNext, residuals = _residuals;
        int[] offsets = _userOffsets, items = _userItems;
        float[] values = _userValues;
        Span<float> data = scratch.AsSpan(0, d);
        ReadOnlySpan<float> gravity = scratch.AsSpan(d, d); // stays 0 without gravity
        ReadOnlySpan<float> gravityRows = _gravityU;
        int first = _userBlocks[block], end = _userBlocks[block + 1];
        if (_gravity)
        {
            // U_i·VᵀV for the block's rows, four rows at a time.
            FactorKernels.MultiplyRows(u.AsSpan(first * d, (end - first) * d), end - first, d, _gramV, _gravityU.AsSpan(first * d, (end - first) * d));
        }

        // The hot loop reads rows through unchecked references: every index comes from the
        // dataset's CSR arrays, which hold valid item indices and positions by construction.
        ref float vBase = ref MemoryMarshal.GetArrayDataReference(v);
        ref int itemRef = ref MemoryMarshal.GetArrayDataReference(items);
        ref float valueRef = ref MemoryMarshal.GetArrayDataReference(values);
        ref float residualRef = ref MemoryMarshal.GetArrayDataReference(residuals);
        ref float dataRef = ref MemoryMarshal.GetReference(data);
        bool grouped = Avx.IsSupported && d >= 8;
        double sse = 0, norms = 0;
        for (int r = first; r < end; r++)
        {
            ReadOnlySpan<float> x = u.AsSpan(r * d, d);
            ref float xRef = ref MemoryMarshal.GetReference(x);
            data.Clear();
            int p = offsets[r], pe = offsets[r + 1];
            for (; grouped && p <= pe - 4; p += 4)
            {
                ref float y0 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p) * d);
                ref float y1 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p + 1) * d);
                ref float y2 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p + 2) * d);
                ref float y3 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p + 3) * d);
                Vector128<float> e = FactorKernels.Dot4(ref xRef, ref y0, ref y1, ref y2, ref y3, d) - Vector128.LoadUnsafe(ref valueRef, (nuint)p);
                e.StoreUnsafe(ref residualRef, (nuint)p);
                float e0 = e.GetElement(0), e1 = e.GetElement(1), e2 = e.GetElement(2), e3 = e.GetElement(3);
                sse += ((double)e0 * e0) + ((double)e1 * e1) + ((double)e2 * e2) + ((double)e3 * e3);
                FactorKernels.MultiplyAdd4(e0, ref y0, e1, ref y1, e2, ref y2, e3, ref y3, ref dataRef, d);
            }

            for (; p < pe; p++)
            {
                ReadOnlySpan<float> y = v.AsSpan(items[p] * d, d);
                float e = FactorKernels.Dot(x, y) - values[p];
                residuals[p] = e;
                sse += (double)e * e;
                FactorKernels.MultiplyAdd(e, y, data);
            }

            norms += FactorKernels.Dot(x, x);
            if (_gravity)
            {
                gravity = gravityRows.Slice(r * d, d);
            }

            if (_gradientOnly)
            {
                FactorKernels.Gradient(x, data, gravity, _gradA, _gradBU, _gradC, next.AsSpan(r * d, d));
            }
            else
            {
                FactorKernels.Step(x, data, gravity, _stepA, _stepBU, _stepC, next.AsSpan(r * d, d));
            }
        }

        _userSse[block] = sse;
        _userNorms[block] = norms;
    }

    /// <summary>
    /// Items [first, end) of an item block, their ratings by the users of the current user slice
    /// (<see cref="_userSlice"/>): Σ e·U_i accumulated in the row's scratch (one slice) or in its row
    /// of V' (several slices, continuing from <see cref="_itemCursor"/>), then on the last slice the
    /// step (or gradient) of each row. Every row sums its ratings in user order, whatever the slices.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ItemBlock(int block, float[] scratch)
    {
        int d = _d;
        float[] u = _u, v = _v, next = _vNext, residuals = _residuals;
        int[] offsets = _itemOffsets, users = _itemUsers, link = _itemToUser;
        int slices = _userSlices.Length - 1, slice = _userSlice;
        bool sliced = slices > 1, firstSlice = slice == 0, lastSlice = slice == slices - 1;
        int userEnd = _userSlices[slice + 1];
        Span<float> scratchData = scratch.AsSpan(0, d);
        ReadOnlySpan<float> gravity = scratch.AsSpan(d, d); // stays 0 without gravity
        ReadOnlySpan<float> gravityRows = _gravityV;
        int first = _itemBlocks[block], end = _itemBlocks[block + 1];
        if (_gravity && lastSlice)
        {
            // V_j·UᵀU for the block's rows, four rows at a time.
            FactorKernels.MultiplyRows(v.AsSpan(first * d, (end - first) * d), end - first, d, _gramU, _gravityV.AsSpan(first * d, (end - first) * d));
        }

        // Unchecked references, as in UserBlock: user indices and link positions are valid by construction.
        ref float uBase = ref MemoryMarshal.GetArrayDataReference(u);
        ref int userRef = ref MemoryMarshal.GetArrayDataReference(users);
        ref int linkRef = ref MemoryMarshal.GetArrayDataReference(link);
        ref float residualRef = ref MemoryMarshal.GetArrayDataReference(residuals);
        bool grouped = Vector256.IsHardwareAccelerated && d >= 8;
        double norms = 0;
        for (int r = first; r < end; r++)
        {
            Span<float> data = sliced ? next.AsSpan(r * d, d) : scratchData;
            int q, qe;
            if (sliced)
            {
                q = firstSlice ? offsets[r] : _itemCursor[r];
                qe = q;
                int rowEnd = offsets[r + 1];
                while (qe < rowEnd && users[qe] < userEnd)
                {
                    qe++;
                }

                _itemCursor[r] = qe;
            }
            else
            {
                q = offsets[r];
                qe = offsets[r + 1];
            }

            if (firstSlice)
            {
                data.Clear();
            }

            ref float dataRef = ref MemoryMarshal.GetReference(data);
            for (; grouped && q <= qe - 4; q += 4)
            {
                FactorKernels.MultiplyAdd4(
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q)), ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q) * d),
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q + 1)), ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q + 1) * d),
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q + 2)), ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q + 2) * d),
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q + 3)), ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q + 3) * d),
                    ref dataRef,
                    d);
            }

            for (; q < qe; q++)
            {
                FactorKernels.MultiplyAdd(residuals[link[q]], u.AsSpan(users[q] * d, d), data);
            }

            if (!lastSlice)
            {
                continue;
            }

            if (sliced)
            {
                // The step reads the accumulated data while writing the same row: step from a copy.
                data.CopyTo(scratchData);
            }

            ReadOnlySpan<float> x = v.AsSpan(r * d, d);
            norms += FactorKernels.Dot(x, x);
            if (_gravity)
            {
                gravity = gravityRows.Slice(r * d, d);
            }

            if (_gradientOnly)
            {
                FactorKernels.Gradient(x, scratchData, gravity, _gradA, _gradBV, _gradC, next.AsSpan(r * d, d));
            }
            else
            {
                FactorKernels.Step(x, scratchData, gravity, _stepA, _stepBV, _stepC, next.AsSpan(r * d, d));
            }
        }

        if (lastSlice)
        {
            _itemNorms[block] = norms;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluationBlock(int block)
    {
        int trainBlocks = _userBlocks.Length - 1;
        bool train = block < trainBlocks;
        int[] bounds = train ? _userBlocks : _validationBlocks;
        int b = train ? block : block - trainBlocks;
        int[] offsets = train ? _userOffsets : _validationOffsets!;
        int[] items = train ? _userItems : _validationItems!;
        float[] values = train ? _userValues : _validationValues!;
        int d = _d;
        float[] u = _u, v = _v;
        double sse = 0;
        for (int r = bounds[b], end = bounds[b + 1]; r < end; r++)
        {
            ReadOnlySpan<float> x = u.AsSpan(r * d, d);
            for (int p = offsets[r], pe = offsets[r + 1]; p < pe; p++)
            {
                double e = FactorKernels.Dot(x, v.AsSpan(items[p] * d, d)) - values[p];
                sse += e * e;
            }
        }

        _evaluationSse[block] = sse;
    }
}
