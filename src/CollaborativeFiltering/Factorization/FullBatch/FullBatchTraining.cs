using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.FullBatch;

/// <summary>The loss terms at the point a full-batch step was taken from (r and g unweighted).</summary>
/// <param name="ObservedMse">(1/|Ω|) Σ (A_ij − ⟨U_i, V_j⟩)².</param>
/// <param name="Regularization">r = (1/N) Σ‖U_i‖² + (1/M) Σ‖V_j‖².</param>
/// <param name="Gravity">g = (1/(N·M)) Σ_i Σ_j ⟨U_i, V_j⟩² (0 when the trainer has no gravity term).</param>
internal readonly record struct FullBatchLosses(double ObservedMse, double Regularization, double Gravity);

/// <summary>
/// The state and kernels of one full-batch gradient-descent fit of
/// L = MSE + λ_r·r + λ_g·g over a fixed training set. Owns U and V (<see cref="PaddedRows"/>: the arrays it
/// was given, or copies whose rows are padded with zeros to whole SIMD vectors, see
/// <see cref="PaddedRows.WholeVectorsUnlessWasteful"/>), their next values, a residual per rating (none when U or V is sliced), the Gram matrices with the products
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
/// <item>Items, over fixed blocks of the item-major CSR: V'_j likewise with U and UᵀU. The residuals are
/// read back through <see cref="RatingsDataset.ItemToUserPositions"/>, or recomputed: e = ⟨V_j, U_i⟩ − A_ij
/// from the item-major values (and then the user pass does not store them), because gathering 400 KB of
/// residuals written by the other core, a cache-line transfer per rating, can cost more than the d
/// multiply-adds when the two cores are far apart. The recomputed residual is the stored one bit for bit
/// (<see cref="RowKernels.DotLane"/>: a dot product depends neither on which row is shared nor on its slot
/// among four). When U is cut into slices (<see cref="UserSliceBytes"/>) every schedule recomputes, one
/// thread included: a slice's stored residuals (1.8 MB for 3,020 users at the ML-1M density) would push its
/// U rows out of L2, and recomputing was 9% faster at ML-1M, 13% with gravity, 3% at ML-10M. Likewise when
/// V is cut into slices (<see cref="ItemSliceBytes"/>): the user pass then runs once per item slice, each row's
/// sum carried in its row of U', and stores no residuals.</item>
/// </list>
/// <para>Both gradients are taken at the same point, then U and V are swapped with their next
/// values. Blocks are fixed by the data and d (never by the thread count); each row and each Gram
/// entry is computed by one thread in a fixed order and loss partial sums are per block, added in
/// block order, so the result is bit-identical for any number of threads.</para>
/// <para>Because of that, each step may take whichever <see cref="StepSchedule"/> is fastest now: all
/// workers recomputing the residuals, the calling thread alone, all workers gathering them, or all workers
/// each on its own rows, which it streams in before it starts, gathering the residuals of its own users (stored by
/// its user pass, in its own cache) and recomputing the others' (<see cref="StepSchedule.AllWorkersOwnRows"/>). A
/// <see cref="ScheduleTuner"/> times the steps (two timestamps per step, nothing allocated), probes every
/// schedule at the start, then every 128 to 1024 steps, and early when the steps slow down by 30%, cutting short
/// the probes of schedules that lose by half or more (on the 10M-rating shape, one thread always does), and never
/// probing gathering once U or V is sliced (it is then the same step as all workers recomputing). On a
/// virtual machine whose two vCPUs the hypervisor moves between a close and a far placement, two threads
/// are the faster in the first and can be slower than one in the second. The schedule changes the speed,
/// never the result.</para>
/// </remarks>
internal sealed class FullBatchTraining : IRangeWork, ITraining<FactorizationModel>
{
    /// <summary>Work per block, in multiply-adds (about 10–20 µs).</summary>
    private const long BlockCost = 32_768;

    /// <summary>
    /// The most bytes of U rows the item pass gathers from at a time. Beyond it the item pass runs over
    /// equal slices of users of at most this size (the ML-1M shape at d = 64: 6k users, 1.5 MB, two slices;
    /// ML-10M: 70k users, 18 MB, 18 slices), so that the U rows and the residuals it reads stay in a core's
    /// L2 cache instead of missing on every rating.
    /// </summary>
    internal const int UserSliceBytes = 1 << 20;

    /// <summary>
    /// The most bytes of V rows the user pass gathers from at a time: beyond it (ML-10M at d = 64: 10.7k items,
    /// 2.7 MB, three slices) the user pass runs over equal slices of items, as the item pass does over users.
    /// </summary>
    internal const int ItemSliceBytes = 1 << 20;

    /// <summary>Gram rows per task.</summary>
    private const int GramRowsPerTask = 4;

    /// <summary>The row stride of U, V and the Gram matrices: d padded with zero columns to whole SIMD vectors (<see cref="PaddedRows.WholeVectorsUnlessWasteful"/>).</summary>
    private readonly int _stride;

    /// <summary>d, the embedding dimension.</summary>
    private readonly int _d;
    private readonly int _n;
    private readonly int _m;
    private readonly int _count;

    /// <summary>The user-major row offsets (each user's ratings, all item slices); the block partition reads them.</summary>
    private readonly int[] _userOffsets;

    /// <summary>Where each user's ratings of each item slice lie in <see cref="_userItems"/> and <see cref="_userValues"/>, as <see cref="_itemSegments"/> for the item side.</summary>
    private readonly int[] _userSegments;
    private readonly int[] _userItems;
    private readonly float[] _userValues;

    /// <summary>The item-major row offsets (each item's ratings, all slices); the block partition reads them.</summary>
    private readonly int[] _itemOffsets;

    /// <summary>
    /// Where each item's ratings by each user slice lie in <see cref="_itemUsers"/> and <see cref="_itemValues"/>:
    /// segment (slice s, item j) is [<c>_itemSegments[s·M + j]</c>, <c>_itemSegments[s·M + j + 1]</c>).
    /// With one slice this is <see cref="_itemOffsets"/> itself; with several the two arrays are in slice-major order
    /// (<see cref="SliceMajor"/>), so that each slice's item pass reads its ratings in one stream.
    /// </summary>
    private readonly int[] _itemSegments;
    private readonly int[] _itemUsers;
    private readonly float[] _itemValues;

    /// <summary>Per item-major rating, its user-major position (<see cref="WorkingRatings.ItemToUserPositions()"/>), through which the item pass gathers the stored residuals; empty when U or V is sliced (every step recomputes them).</summary>
    private readonly int[] _itemToUser;

    private readonly int[]? _validationOffsets;
    private readonly int[]? _validationItems;
    private readonly float[]? _validationValues;
    private readonly int _validationCount;

    private readonly bool _gravity;
    private readonly float[] _residuals;
    private readonly PaddedRows _gramU;
    private readonly PaddedRows _gramV;
    private readonly PaddedRows _gravityU;
    private readonly PaddedRows _gravityV;
    private readonly int _gramTasksPerMatrix;

    // Gradient coefficients (a: data term, b: L2, c: gravity) and the same times η for a step.
    private readonly float _gradA, _gradBU, _gradBV, _gradC;
    private readonly float _stepA, _stepBU, _stepBV, _stepC;

    private readonly int[] _userBlocks;
    private readonly int[] _itemBlocks;

    /// <summary>Bounds of the user slices the item pass runs over in turn (one slice while U fits in <see cref="UserSliceBytes"/>).</summary>
    private readonly int[] _userSlices;

    /// <summary>Bounds of the item slices the user pass runs over in turn (one slice while V fits in <see cref="ItemSliceBytes"/>).</summary>
    private readonly int[] _itemSlices;

    /// <summary>Whether either pass is sliced: then every step recomputes the residuals (see the remarks) and the trainer keeps neither them nor the link.</summary>
    private readonly bool _sliced;

    private readonly int[] _validationBlocks;
    private readonly double[] _userSse;
    private readonly double[] _userNorms;
    private readonly double[] _itemNorms;
    private readonly double[] _evaluationSse;

    private readonly PaddedRows[] _scratch;
    private readonly WorkerPool _pool;

    private PaddedRows _u;
    private PaddedRows _v;
    private PaddedRows _uNext;
    private PaddedRows _vNext;

    private readonly Catalog _catalog;

    private readonly TrainingSupport _support;
    private readonly FactorizationOptions? _options;
    private readonly RatingRange? _predictionRange;
    private readonly double _learningRate;
    private readonly double _regularizationWeight;
    private readonly double _gravityWeight;

    /// <summary>The schedule of every step when there is no tuner (always <see cref="StepSchedule.CallerAlone"/> with one worker), and of gradient-only passes.</summary>
    private readonly StepSchedule _fixedSchedule;

    /// <summary>Chooses each step's <see cref="StepSchedule"/> (by its number); null with one worker or a fixed schedule.</summary>
    private readonly ScheduleTuner? _tuner;

    /// <summary>Steps run on each <see cref="StepSchedule"/>.</summary>
    private readonly int[] _stepsBySchedule = new int[4];

    /// <summary>Whether the current passes run on the calling thread alone.</summary>
    private bool _callerOnly;

    /// <summary>Whether the current step's item pass recomputes the residuals (and its user pass does not store them).</summary>
    private bool _recompute;

    /// <summary>Whether the current passes run in ranges (<see cref="StepSchedule.AllWorkersOwnRows"/>).</summary>
    private bool _inRanges;

    /// <summary>
    /// Per worker w and item j, at <c>2·(w·M + j)</c>: where the item's ratings by the users of w's own range of user blocks
    /// (<see cref="WorkerPool.RunInRanges"/>) start and end in the item-major arrays; empty when U or V is sliced or there is one worker.
    /// </summary>
    private readonly int[] _ownUserSpans;

    /// <summary>Per worker, on its own cache line: where <see cref="IRangeWork.BeginRange"/> leaves the sum of what it read, so that the reads are not dropped.</summary>
    private readonly float[] _streamed;

    /// <summary>Whether rows run through the register-accumulating row kernels where the stride has them (<see cref="RowWidthKernels.HasRowKernels"/>); false runs the generic loop they must match bit for bit (tests).</summary>
    private readonly bool _registerRows;

    private Phase _phase;
    private int _userSlice;
    private int _itemSlice;
    private bool _gradientOnly;
    private int _firstEvaluationBlock;
    private int _evaluationBlockEnd;

    /// <summary>The weighted loss terms of the last step (observed MSE, λ_r·r, λ_g·g) at the point it was taken from.</summary>
    private (double Observed, double Regularization, double Gravity) _lastLosses;

    /// <summary>
    /// The fit's token, checked before each phase of a step (Gram, users, each slice of items,
    /// evaluation) and by the pool before each block within it: an iteration on large data is longer
    /// than a cancellation may wait.
    /// </summary>
    private CancellationToken _cancellation;
    private float[]? _bestUsers;
    private float[]? _bestItems;

    /// <summary>Prepares a fit from <paramref name="users"/> (N·d) and <paramref name="items"/> (M·d), copied into the trainer's aligned rows.</summary>
    /// <remarks>
    /// <paramref name="usersPerSlice"/> overrides the users per slice of the item pass (0: automatic, see
    /// <see cref="UserSliceBytes"/>); tests use it to run the sliced pass on small data.
    /// <paramref name="registerRows"/> false keeps every row on the generic loop (tests compare it with the row kernels).
    /// <paramref name="schedule"/> fixes every step's <see cref="StepSchedule"/> (null: a <see cref="ScheduleTuner"/> picks
    /// one per step; tests and the benchmark compare the schedules); <paramref name="tuner"/> replaces the default rule's
    /// parameters. With one worker every step is <see cref="StepSchedule.CallerAlone"/>.
    /// <paramref name="options"/> and <paramref name="predictionRange"/> go to the model; the validation
    /// predictions are clamped into the range, as the model's will be.
    /// </remarks>
    public FullBatchTraining(RatingsDataset train, RatingsDataset? validation, int dimensions, double learningRate, double regularizationWeight, double gravityWeight, int maxThreads, float[] users, float[] items,
        int usersPerSlice = 0, FactorizationOptions? options = null, RatingRange? predictionRange = null, bool registerRows = true,
        StepSchedule? schedule = null, ScheduleTuner? tuner = null, int itemsPerSlice = 0)
    {
        _registerRows = registerRows;
        _catalog = train.Catalog;
        _support = TrainingSupport.Of(train);
        _options = options;
        _predictionRange = predictionRange;
        _learningRate = learningRate;
        _regularizationWeight = regularizationWeight;
        _gravityWeight = gravityWeight;
        Debug.Assert(train.Count > 0);
        _d = dimensions;
        _stride = PaddedRows.WholeVectorsUnlessWasteful(dimensions);
        _n = train.UserCount;
        _m = train.ItemCount;
        _count = train.Count;
        Debug.Assert(users.Length == _n * dimensions && items.Length == _m * dimensions);

        // A split's members are gathered into the trainer's own arrays (the view builds nothing).
        var ratings = WorkingRatings.Of(train);
        _userOffsets = ratings.ByUser.RowOffsetArray;
        _itemOffsets = ratings.ByItem.RowOffsetArray;
        if (validation is { Count: > 0 })
        {
            CsrView validationByUser = WorkingRatings.UserMajor(validation);
            _validationOffsets = validationByUser.RowOffsetArray;
            _validationItems = validationByUser.ColumnArray;
            _validationValues = validationByUser.ValueArray;
            _validationCount = validation.Count;
        }

        _gravity = gravityWeight > 0;
        _gramU = new PaddedRows(_gravity ? _stride : 0, _d, _stride, aligned: true);
        _gramV = new PaddedRows(_gravity ? _stride : 0, _d, _stride, aligned: true);
        _gravityU = new PaddedRows(_gravity ? _n : 0, _d, _stride, aligned: true);
        _gravityV = new PaddedRows(_gravity ? _m : 0, _d, _stride, aligned: true);
        _gramTasksPerMatrix = (dimensions + GramRowsPerTask - 1) / GramRowsPerTask;

        double n = _n, m = _m;
        double a = 2.0 / _count, bu = 2.0 * regularizationWeight / n, bv = 2.0 * regularizationWeight / m, c = 2.0 * gravityWeight / (n * m);
        (_gradA, _gradBU, _gradBV, _gradC) = ((float)a, (float)bu, (float)bv, (float)c);
        (_stepA, _stepBU, _stepBV, _stepC) = ((float)(learningRate * a), (float)(learningRate * bu), (float)(learningRate * bv), (float)(learningRate * c));

        int rowCost = _gravity ? (_stride * _stride) + (2 * _stride) : 2 * _stride;
        int perSlice = RowsPerSlice(_n, _stride, UserSliceBytes, usersPerSlice);
        _userSlices = SliceBounds(_n, perSlice);
        int itemsPerSliceUsed = RowsPerSlice(_m, _stride, ItemSliceBytes, itemsPerSlice);
        _itemSlices = SliceBounds(_m, itemsPerSliceUsed);
        _sliced = _userSlices.Length > 2 || _itemSlices.Length > 2;
        _residuals = new float[_sliced ? 0 : _count]; // sliced, every step recomputes them
        (_itemSegments, _itemUsers, _itemValues) = _userSlices.Length > 2
            ? SliceMajor(_itemOffsets, ratings.ByItem.ColumnArray, ratings.ByItem.ValueArray, perSlice, _userSlices.Length - 1)
            : (_itemOffsets, ratings.ByItem.ColumnArray, ratings.ByItem.ValueArray);
        (_userSegments, _userItems, _userValues) = _itemSlices.Length > 2
            ? SliceMajor(_userOffsets, ratings.ByUser.ColumnArray, ratings.ByUser.ValueArray, itemsPerSliceUsed, _itemSlices.Length - 1)
            : (_userOffsets, ratings.ByUser.ColumnArray, ratings.ByUser.ValueArray);
        _itemToUser = _sliced ? [] : ratings.ItemToUserPositions();

        _userBlocks = Partition(_userOffsets, _stride, rowCost, _gravity ? 4 : 1);
        _itemBlocks = Partition(_itemOffsets, _stride, rowCost, _gravity ? 4 : 1);
        _validationBlocks = _validationOffsets is null ? [0] : Partition(_validationOffsets, _stride, _stride);
        _userSse = new double[_userBlocks.Length - 1];
        _userNorms = new double[_userBlocks.Length - 1];
        _itemNorms = new double[_itemBlocks.Length - 1];
        _evaluationSse = new double[_userBlocks.Length - 1 + _validationBlocks.Length - 1];

        // Rows on 64-byte boundaries: a row of 64 floats is then 4 cache lines, not 5, and no vector load
        // splits across two (0.9M ratings at d = 64: 10.0 -> 8.7 ms a step; see docs/architecture.md).
        _u = PaddedRows.AlignedCopy(users, _n, _d, _stride);
        _v = PaddedRows.AlignedCopy(items, _m, _d, _stride);
        _uNext = new PaddedRows(_n, _d, _stride, aligned: true);
        _vNext = new PaddedRows(_m, _d, _stride, aligned: true);

        int workers = Math.Clamp(maxThreads, 1, Math.Max(1, Math.Max(_userBlocks.Length, _itemBlocks.Length) - 1));
        _scratch = new PaddedRows[workers];
        for (int w = 0; w < workers; w++)
        {
            _scratch[w] = new PaddedRows(2, _d, _stride, aligned: true); // the row's sum, and zeros for the gravity of a model without it
        }

        _pool = new WorkerPool(workers);
        _streamed = new float[workers * 16];
        _fixedSchedule = workers == 1 ? StepSchedule.CallerAlone : schedule ?? StepSchedule.AllWorkersRecomputing;
        // Sliced, every schedule recomputes the residuals (see the remarks): gathering is then the same step as all workers recomputing.
        _tuner = workers > 1 && schedule is null ? tuner ?? new ScheduleTuner(schedules: 4, sameAs: _sliced ? [(int)StepSchedule.AllWorkersGathering] : []) : null;
        _ownUserSpans = workers > 1 && !_sliced ? OwnUserSpans(_itemOffsets, _itemUsers, _userBlocks, workers) : [];
    }

    private enum Phase
    {
        Gram,
        Users,
        Items,
        Evaluate,
    }

    /// <summary>A copy of the current user embeddings U (N·d, row-major).</summary>
    public float[] Users => _u.ToCompactArray();

    /// <summary>A copy of the current item embeddings V (M·d, row-major).</summary>
    public float[] Items => _v.ToCompactArray();

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _pool.WorkerCount;

    /// <summary>The steps run so far on <paramref name="schedule"/> (chosen by the <see cref="ScheduleTuner"/> or fixed); for tests and the benchmark.</summary>
    internal int StepsOn(StepSchedule schedule) => _stepsBySchedule[(int)schedule];

    /// <summary>A copy of the residuals the last user pass stored, user-major (it stores them when the step ran without recomputation: on one worker or gathering, and neither U nor V sliced); for tests.</summary>
    internal float[] StoredResiduals => (float[])_residuals.Clone();

    /// <summary>
    /// The residuals e = ⟨U_i, V_j⟩ − A_ij at the current point as a parallel step's item pass recomputes
    /// them (each item row's ratings in groups of four through <see cref="FullBatchKernels.Residuals4"/>, the
    /// rest through <see cref="FullBatchKernels.Residual"/>), put back in user-major order; for tests, which
    /// compare them with <see cref="StoredResiduals"/> bit for bit. Only with neither U nor V sliced: a sliced trainer
    /// stores none and keeps no item-to-user link.
    /// </summary>
    internal float[] RecomputedResiduals()
    {
        if (_sliced)
        {
            throw new InvalidOperationException("A sliced trainer keeps no item-to-user link.");
        }

        var result = new float[_count];
        int stride = _stride;
        ref float uBase = ref _u.First;
        ref float vBase = ref _v.First;
        ref float valueRef = ref MemoryMarshal.GetArrayDataReference(_itemValues);
        bool grouped = Avx.IsSupported && stride >= 8;
        for (int r = 0; r < _m; r++)
        {
            ref float vRow = ref Unsafe.Add(ref vBase, r * stride);
            int q = _itemOffsets[r], qe = _itemOffsets[r + 1];
            for (; grouped && q <= qe - 4; q += 4)
            {
                Vector128<float> e = FullBatchKernels.Residuals4(ref vRow, ref Unsafe.Add(ref uBase, _itemUsers[q] * stride), ref Unsafe.Add(ref uBase, _itemUsers[q + 1] * stride),
                    ref Unsafe.Add(ref uBase, _itemUsers[q + 2] * stride), ref Unsafe.Add(ref uBase, _itemUsers[q + 3] * stride), ref valueRef, q, stride);
                for (int k = 0; k < 4; k++)
                {
                    result[_itemToUser[q + k]] = e.GetElement(k);
                }
            }

            for (; q < qe; q++)
            {
                result[_itemToUser[q]] = FullBatchKernels.Residual(ref vRow, ref Unsafe.Add(ref uBase, _itemUsers[q] * stride), _itemValues[q], stride);
            }
        }

        return result;
    }

    /// <summary>UᵀU as of the last step (d×d, row-major); empty without gravity.</summary>
    internal ReadOnlySpan<float> UserGram => _gravity ? _gramU.ToCompactArray().AsSpan(0, _d * _d) : [];

    /// <summary>VᵀV as of the last step (d×d, row-major); empty without gravity.</summary>
    internal ReadOnlySpan<float> ItemGram => _gravity ? _gramV.ToCompactArray().AsSpan(0, _d * _d) : [];

    /// <summary>One full-batch gradient step; returns the loss terms at the point the step was taken from.</summary>
    public FullBatchLosses Step()
    {
        _gradientOnly = false;
        FullBatchLosses losses;
        if (_tuner is { } tuner)
        {
            // Every schedule gives the same bits; the tuner picks the fastest now (see the remarks).
            var schedule = (StepSchedule)tuner.Choice;
            long start = Stopwatch.GetTimestamp();
            losses = RunPasses(schedule);
            tuner.Record(Stopwatch.GetTimestamp() - start);
            _stepsBySchedule[(int)schedule]++;
        }
        else
        {
            losses = RunPasses(_fixedSchedule);
            _stepsBySchedule[(int)_fixedSchedule]++;
        }

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
            FullBatchLosses losses = RunPasses(_fixedSchedule);
            _uNext.CopyTo(userGradient);
            _vNext.CopyTo(itemGradient);
            return losses;
        }
        finally
        {
            _gradientOnly = false;
        }
    }

    /// <summary>Whether a validation set with ratings was given.</summary>
    public bool HasValidation => _validationOffsets is not null;

    /// <summary>
    /// The observed MSE of the current U, V on the training set (NaN when <paramref name="includeTrain"/>
    /// is false), and on the validation set when there is one and <paramref name="includeValidation"/> is
    /// true (else null); validation predictions are clamped into the prediction range, if any.
    /// </summary>
    public (double TrainMse, double? ValidationMse) Evaluate(bool includeTrain = true, bool includeValidation = true)
    {
        int trainBlocks = _userBlocks.Length - 1;
        _firstEvaluationBlock = includeTrain ? 0 : trainBlocks;
        _evaluationBlockEnd = includeValidation ? _evaluationSse.Length : trainBlocks;
        // On the caller alone while the steps run there (the other workers are parked: waking them would cost
        // more than they save); per-block sums added in block order either way.
        _callerOnly = _tuner?.Choice == (int)StepSchedule.CallerAlone;
        try
        {
            RunPhase(Phase.Evaluate);
        }
        finally
        {
            _callerOnly = false;
        }

        double train = 0, validation = 0;
        for (int b = 0; b < trainBlocks && includeTrain; b++)
        {
            train += _evaluationSse[b];
        }

        for (int b = trainBlocks; b < _evaluationBlockEnd; b++)
        {
            validation += _evaluationSse[b];
        }

        return (includeTrain ? train / _count : double.NaN, _validationOffsets is null || !includeValidation ? null : validation / _validationCount);
    }

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.Step(int iteration, CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        FullBatchLosses losses = Step();
        _lastLosses = (losses.ObservedMse, _regularizationWeight * losses.Regularization, _gravityWeight * losses.Gravity);
        return _lastLosses.Observed + _lastLosses.Regularization + _lastLosses.Gravity;
    }

    /// <inheritdoc/>
    string? ITraining<FactorizationModel>.EarlyStoppingUnsupportedReason => null;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.LearningRate(int iteration) => _learningRate;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.ValidationLoss() => Evaluate(includeTrain: false).ValidationMse!.Value;

    /// <inheritdoc/>
    TrainingProgress ITraining<FactorizationModel>.Measure(double? validationLoss)
    {
        (double trainMse, double? validationMse) = Evaluate(includeValidation: validationLoss is null);
        validationMse ??= validationLoss;
        return new TrainingProgress
        {
            ObservedLoss = _lastLosses.Observed,
            RegularizationLoss = _lastLosses.Regularization,
            GravityLoss = _lastLosses.Gravity,
            TrainMse = trainMse,
            ValidationMse = validationMse,
            ValidationLoss = validationMse,
        };
    }

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Describe(in TrainingProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"train MSE {Display.Number(progress.TrainMse)}{(progress.ValidationMse is { } v ? $", validation MSE {Display.Number(v)}" : string.Empty)}; loss {Display.Number(progress.TotalLoss)} = observed {Display.Number(progress.ObservedLoss)} + regularization {Display.Number(progress.RegularizationLoss)} + gravity {Display.Number(progress.GravityLoss)}");

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture, $"train MSE {Display.Number(final.TrainMse)}");

    /// <inheritdoc/>
    void ITraining<FactorizationModel>.KeepBest()
    {
        _bestUsers ??= new float[_n * _d];
        _bestItems ??= new float[_m * _d];
        _u.CopyTo(_bestUsers);
        _v.CopyTo(_bestItems);
    }

    /// <inheritdoc/>
    bool ITraining<FactorizationModel>.AllFinite() => TensorPrimitivesExtensions.AllFinite(_u.Values) && TensorPrimitivesExtensions.AllFinite(_v.Values);

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.ToModel(bool best) => best
        ? new FactorizationModel(_catalog, _d, _bestUsers!, _bestItems!, null, null, 0, _options, _predictionRange, support: _support)
        : new FactorizationModel(_catalog, _d, Users, Items, null, null, 0, _options, _predictionRange, support: _support);

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();


    /// <inheritdoc/>
    void IBlockWork.Execute(int block, int worker)
    {
        switch (_phase)
        {
            case Phase.Gram:
                GramTask(block);
                break;
            case Phase.Users:
                UserBlock(block, _scratch[worker]);
                break;
            case Phase.Items:
                ItemBlock(block, worker);
                break;
            case Phase.Evaluate:
                EvaluationBlock(_firstEvaluationBlock + block);
                break;
        }
    }

    /// <summary>
    /// Before a worker's own range of user or item blocks (<see cref="StepSchedule.AllWorkersOwnRows"/>): zeroes the
    /// rows of U' or V' they write (on the first slice of the item pass; the later ones add to them), so that the
    /// other core's copies of those lines, read last step, are dropped in one burst rather than at each row's
    /// store; then reads the rows the pass gathers (V, or the slice's rows of U) one cache line at a time in
    /// order, so that the half the other core wrote arrives in a stream rather than as a stalled load per
    /// rating. Nothing it writes is read before the blocks overwrite it: the results are the same bits.
    /// </summary>
    void IRangeWork.BeginRange(int first, int end, int worker)
    {
        bool users = _phase == Phase.Users;
        if (!users && _phase != Phase.Items)
        {
            return;
        }

        int[] bounds = users ? _userBlocks : _itemBlocks;
        if (users ? _itemSlice == 0 : _userSlice == 0)
        {
            (users ? _uNext : _vNext).Values.Slice(bounds[first] * _stride, (bounds[end] - bounds[first]) * _stride).Clear();
        }

        (int[] slices, int slice, PaddedRows rows) = users ? (_itemSlices, _itemSlice, _v) : (_userSlices, _userSlice, _u);
        ReadOnlySpan<float> gathered = rows.Values.Slice(slices[slice] * _stride, (slices[slice + 1] - slices[slice]) * _stride);
        _streamed[worker * 16] = FullBatchKernels.ReadLines(gathered);
    }

    /// <summary>
    /// Rows per slice (<paramref name="requested"/> when positive): all <paramref name="rows"/> while they fit in
    /// <paramref name="sliceBytes"/>, else as few equal slices as keep each within it.
    /// </summary>
    internal static int RowsPerSlice(int rows, int stride, int sliceBytes, int requested = 0)
    {
        if (requested > 0)
        {
            return requested;
        }

        long bytes = (long)rows * stride * sizeof(float);
        long slices = Math.Max(1, (bytes + sliceBytes - 1) / sliceBytes);
        return (int)Math.Max(1, (rows + slices - 1) / slices);
    }

    /// <summary>
    /// <see cref="_ownUserSpans"/>: for each of <paramref name="workers"/> workers, its own range of user blocks as
    /// <see cref="WorkerPool.RunInRanges"/> deals them (<see cref="WorkerPool.OwnRange"/>), and for each item where the
    /// ratings by those users start and end in its row (the rows' users ascend).
    /// </summary>
    private static int[] OwnUserSpans(int[] itemOffsets, int[] itemUsers, int[] userBlocks, int workers)
    {
        int m = itemOffsets.Length - 1, blocks = userBlocks.Length - 1;
        var spans = new int[2 * workers * m];
        for (int w = 0; w < workers; w++)
        {
            (int firstBlock, int endBlock) = WorkerPool.OwnRange(w, workers, blocks);
            int firstUser = userBlocks[firstBlock], endUser = userBlocks[endBlock];
            for (int j = 0; j < m; j++)
            {
                int q = itemOffsets[j], length = itemOffsets[j + 1] - q;
                int start = LowerBound(itemUsers.AsSpan(q, length), firstUser), end = LowerBound(itemUsers.AsSpan(q, length), endUser);
                spans[2 * ((w * m) + j)] = q + start;
                spans[(2 * ((w * m) + j)) + 1] = q + end;
            }
        }

        return spans;

        static int LowerBound(ReadOnlySpan<int> sorted, int value)
        {
            int index = sorted.BinarySearch(value);
            return index >= 0 ? index : ~index;
        }
    }

    /// <summary>The bounds 0, k, 2k, …, <paramref name="rows"/> of slices of <paramref name="perSlice"/> rows (0, 0 with no rows).</summary>
    private static int[] SliceBounds(int rows, int perSlice)
    {
        var bounds = new int[Math.Max(1, (rows + perSlice - 1) / perSlice) + 1];
        for (int k = 1; k < bounds.Length; k++)
        {
            bounds[k] = Math.Min(rows, k * perSlice);
        }

        return bounds;
    }

    /// <summary>
    /// A CSR's ratings (<paramref name="offsets"/>, <paramref name="columns"/> and <paramref name="values"/>, each row's
    /// columns ascending) rearranged slice-major for <paramref name="slices"/> slices of <paramref name="columnsPerSlice"/>
    /// columns: all rows' ratings in the first slice's columns, row by row, then the second slice's, and so on. Returns the
    /// segment offsets (slice s, row j: [segments[s·R + j], segments[s·R + j + 1]), R·slices + 1 of them for R rows) and
    /// the two arrays in the new order. Each row keeps its ratings in column order, split at the slice bounds, so a row's
    /// sum over its segments in slice order is the same chain as over the row. The item pass reads the item-major
    /// ratings so when U is sliced, the user pass the user-major ones when V is.
    /// </summary>
    /// <remarks>
    /// In row order, a slice's pass took a few cache lines from each row's place in the arrays (72 MB at the ML-10M
    /// shape), a DRAM and TLB miss per segment that the hardware prefetcher could not foresee; slice-major, it reads one
    /// stream. Costs one pass over the ratings and, where the arrays are the data set's own, 8 bytes per rating for the
    /// trainer's copies (a sliced trainer then holds no residuals and no item-to-user link, 8 bytes per rating that an
    /// unsliced one needs).
    /// </remarks>
    internal static (int[] Segments, int[] Columns, float[] Values) SliceMajor(int[] offsets, int[] columns, float[] values, int columnsPerSlice, int slices)
    {
        int rows = offsets.Length - 1;
        int count = offsets[rows];
        var segments = new int[(rows * slices) + 1];
        for (int j = 0; j < rows; j++)
        {
            for (int q = offsets[j]; q < offsets[j + 1]; q++)
            {
                segments[((columns[q] / columnsPerSlice) * rows) + j + 1]++;
            }
        }

        for (int k = 1; k < segments.Length; k++)
        {
            segments[k] += segments[k - 1];
        }

        int[] cursor = segments.AsSpan(0, rows * slices).ToArray();
        var slicedColumns = new int[count];
        var slicedValues = new float[count];
        for (int j = 0; j < rows; j++)
        {
            for (int q = offsets[j]; q < offsets[j + 1]; q++)
            {
                int to = cursor[((columns[q] / columnsPerSlice) * rows) + j]++;
                slicedColumns[to] = columns[q];
                slicedValues[to] = values[q];
            }
        }

        return (segments, slicedColumns, slicedValues);
    }

    /// <summary>
    /// Cuts rows into consecutive blocks of about <see cref="BlockCost"/> multiply-adds, each (but the
    /// last) a whole number of <paramref name="rowMultiple"/> rows; depends only on the data, d and the
    /// multiple. With gravity the multiple is 4, the rows <see cref="FullBatchKernels.MultiplyRows"/>
    /// takes at a time: a block of 4k + 1 rows would run its last row through the 1-row kernel, at a
    /// quarter of the register blocking (and blocks hold only a handful of rows at d ≈ 50).
    /// </summary>
    internal static int[] Partition(int[] offsets, int d, int rowCost, int rowMultiple = 1)
    {
        int rows = offsets.Length - 1;
        var bounds = new List<int>((int)Math.Min(rows + 1, (((long)offsets[rows] * d) / BlockCost) + 2)) { 0 };
        long cost = 0;
        for (int r = 0; r < rows; r++)
        {
            cost += ((long)(offsets[r + 1] - offsets[r]) * d) + rowCost;
            if (cost >= BlockCost && (r + 1 - bounds[^1]) % rowMultiple == 0)
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

    private FullBatchLosses RunPasses(StepSchedule schedule)
    {
        _callerOnly = schedule == StepSchedule.CallerAlone;
        _inRanges = schedule == StepSchedule.AllWorkersOwnRows;
        _recompute = schedule == StepSchedule.AllWorkersRecomputing || _sliced; // see the remarks; own rows unsliced gather their own users' residuals (ItemBlock)
        try
        {
            return RunPasses();
        }
        finally
        {
            _callerOnly = false; // evaluations run on every worker, claiming blocks from the shared counter
            _inRanges = false;
        }
    }

    private FullBatchLosses RunPasses()
    {
        double gravity = 0;
        if (_gravity)
        {
            RunPhase(Phase.Gram);
            Span<float> gramU = _gramU.Values, gramV = _gramV.Values;
            FullBatchKernels.MirrorUpper(gramU, _stride);
            FullBatchKernels.MirrorUpper(gramV, _stride);
            double sum = 0;
            for (int k = 0; k < gramU.Length; k++)
            {
                sum += (double)gramU[k] * gramV[k];
            }

            gravity = sum / ((double)_n * _m);
        }

        for (_itemSlice = 0; _itemSlice < _itemSlices.Length - 1; _itemSlice++)
        {
            RunPhase(Phase.Users);
        }

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
        // so a cancellation here leaves the training as it was before the step.
        _cancellation.ThrowIfCancellationRequested();
        _phase = phase;
        int blocks = phase switch
        {
            Phase.Gram => 2 * _gramTasksPerMatrix,
            Phase.Users => _userSse.Length,
            Phase.Items => _itemNorms.Length,
            _ => _evaluationBlockEnd - _firstEvaluationBlock,
        };
        // Each block checks the token first; a cancelled phase throws once every worker has stopped.
        if (_inRanges && phase is Phase.Users or Phase.Items)
        {
            _pool.RunInRanges(this, blocks, _cancellation);
        }
        else
        {
            _pool.Run(this, blocks, _callerOnly, _cancellation);
        }
    }


    /// <summary>Rows [a0, a1) of XᵀX (X = U or V), upper part; mirrored after the phase.</summary>
    private void GramTask(int task)
    {
        bool users = task < _gramTasksPerMatrix;
        int a0 = (users ? task : task - _gramTasksPerMatrix) * GramRowsPerTask;
        FullBatchKernels.GramRows((users ? _u : _v).Values, users ? _n : _m, _stride, a0, Math.Min(a0 + GramRowsPerTask, _d), (users ? _gramU : _gramV).Values);
    }

    /// <summary>
    /// Users [first, end) of a user block, their ratings of the items of the current item slice
    /// (<see cref="_itemSlice"/>): the residuals (stored when the step does not recompute them), Σ e·V_j accumulated
    /// in the row's scratch (one slice) or in its row of U' (several slices, its segment of the slice in
    /// <see cref="_userSegments"/>), then on the last slice the step (or gradient) of each row. Every row sums its
    /// ratings in item order, whatever the slices; the block's squared errors are added slice by slice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UserBlock(int block, PaddedRows scratch)
    {
        int stride = _stride;
        Span<float> u = _u.Values, v = _v.Values, next = _uNext.Values;
        float[] residuals = _residuals;
        int[] items = _userItems;
        float[] values = _userValues;
        int slices = _itemSlices.Length - 1, slice = _itemSlice;
        bool sliced = slices > 1, firstSlice = slice == 0, lastSlice = slice == slices - 1;
        ref int segment = ref MemoryMarshal.GetArrayDataReference(_userSegments); // the slice's segments: [segment[r], segment[r + 1]) is row r's
        segment = ref Unsafe.Add(ref segment, slice * _n);
        Span<float> scratchData = scratch.PaddedRow(0);
        ReadOnlySpan<float> gravity = scratch.PaddedRow(1); // stays 0 without gravity
        ReadOnlySpan<float> gravityRows = _gravityU.Values;
        int first = _userBlocks[block], end = _userBlocks[block + 1];
        if (_gravity && lastSlice)
        {
            // U_i·VᵀV for the block's rows, four rows at a time.
            FullBatchKernels.MultiplyRows(u.Slice(first * stride, (end - first) * stride), end - first, stride, _gramV.Values, _gravityU.Values.Slice(first * stride, (end - first) * stride));
        }

        // The hot loop reads rows through unchecked references: every index comes from the
        // dataset's CSR arrays, which hold valid item indices and positions by construction.
        ref float vBase = ref MemoryMarshal.GetReference(v);
        ref int itemRef = ref MemoryMarshal.GetArrayDataReference(items);
        ref float valueRef = ref MemoryMarshal.GetArrayDataReference(values);
        ref float residualRef = ref MemoryMarshal.GetArrayDataReference(residuals);
        bool grouped = Avx.IsSupported && stride >= 8;
        bool rowKernels = grouped && _registerRows && RowWidthKernels.HasRowKernels(stride);
        bool store = !_recompute; // a parallel step's item pass recomputes the residuals instead of reading them from the other core
        double sse = 0, norms = 0;
        for (int r = first; r < end; r++)
        {
            ReadOnlySpan<float> x = u.Slice(r * stride, stride);
            ref float xRef = ref MemoryMarshal.GetReference(x);
            Span<float> data = sliced ? next.Slice(r * stride, stride) : scratchData;
            ref float dataRef = ref MemoryMarshal.GetReference(data);
            int p = Unsafe.Add(ref segment, r), pe = Unsafe.Add(ref segment, r + 1);
            if (rowKernels)
            {
                // Sliced, the row's sum so far is in its row of U' (none on the first slice), and the chain goes on from it.
                FullBatchKernels.UserRow(stride, ref xRef, ref vBase, ref itemRef, ref valueRef, ref residualRef, p, pe, ref dataRef, ref sse, store, continued: sliced && !firstSlice);
            }
            else
            {
                UserRowWithoutKernel(stride, ref xRef, v, items, values, residuals, p, pe, data, ref sse, grouped, store, firstSlice);
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

            norms += RowKernels.Dot(x, x);
            if (_gravity)
            {
                gravity = gravityRows.Slice(r * stride, stride);
            }

            if (_gradientOnly)
            {
                FullBatchKernels.Gradient(x, scratchData, gravity, _gradA, _gradBU, _gradC, next.Slice(r * stride, stride));
            }
            else
            {
                FullBatchKernels.Step(x, scratchData, gravity, _stepA, _stepBU, _stepC, next.Slice(r * stride, stride));
            }
        }

        _userSse[block] = firstSlice ? sse : _userSse[block] + sse;
        if (lastSlice)
        {
            _userNorms[block] = norms;
        }
    }

    /// <summary>
    /// <see cref="UserBlock"/>'s row where no register kernel fits the stride (under 8 or over 64 floats, or the
    /// kernels turned off): four ratings at a time (<see cref="RowKernels.Dot4(ref float, ref float, ref float, ref float, ref float, int)"/>,
    /// <see cref="RowKernels.MultiplyAdd4(float, ref float, float, ref float, float, ref float, float, ref float, ref float, int)"/>), then one at a
    /// time, in the kernels' order. Apart from <see cref="UserBlock"/> so that compiling the common path does not
    /// compile this one too (the first step of a fit paid for both).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void UserRowWithoutKernel(int stride, ref float xRef, ReadOnlySpan<float> v, int[] items, float[] values, float[] residuals, int p, int pe, Span<float> data, ref double sse, bool grouped, bool store, bool firstSlice)
    {
        if (firstSlice)
        {
            data.Clear();
        }

        ref float vBase = ref MemoryMarshal.GetReference(v);
        ref int itemRef = ref MemoryMarshal.GetArrayDataReference(items);
        ref float valueRef = ref MemoryMarshal.GetArrayDataReference(values);
        ref float residualRef = ref MemoryMarshal.GetArrayDataReference(residuals);
        ref float dataRef = ref MemoryMarshal.GetReference(data);
        for (; grouped && p <= pe - 4; p += 4)
        {
            ref float y0 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p) * stride);
            ref float y1 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p + 1) * stride);
            ref float y2 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p + 2) * stride);
            ref float y3 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref itemRef, p + 3) * stride);
            Vector128<float> e = RowKernels.Dot4(ref xRef, ref y0, ref y1, ref y2, ref y3, stride) - Vector128.LoadUnsafe(ref valueRef, (nuint)p);
            if (store)
            {
                e.StoreUnsafe(ref residualRef, (nuint)p);
            }

            float e0 = e.GetElement(0), e1 = e.GetElement(1), e2 = e.GetElement(2), e3 = e.GetElement(3);
            sse += ((double)e0 * e0) + ((double)e1 * e1) + ((double)e2 * e2) + ((double)e3 * e3);
            RowKernels.MultiplyAdd4(e0, ref y0, e1, ref y1, e2, ref y2, e3, ref y3, ref dataRef, stride);
        }

        for (; p < pe; p++)
        {
            ReadOnlySpan<float> y = v.Slice(items[p] * stride, stride);
            float e = RowKernels.DotLane(ref xRef, ref MemoryMarshal.GetReference(y), stride) - values[p]; // a lane of Dot4, as the item pass recomputes it
            if (store)
            {
                residuals[p] = e;
            }

            sse += (double)e * e;
            RowKernels.MultiplyAdd(e, y, data);
        }
    }

    /// <summary>
    /// <see cref="ItemBlock"/>'s row where no register kernel fits the stride: four ratings at a time, then one at a
    /// time, each residual recomputed from <paramref name="vRow"/> (<see cref="FullBatchKernels.Residuals4"/>,
    /// <see cref="FullBatchKernels.Residual"/>) or read through <paramref name="link"/>. Apart from
    /// <see cref="ItemBlock"/> for the reason <see cref="UserRowWithoutKernel"/> is.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ItemRowWithoutKernel(int stride, ref float vRow, ReadOnlySpan<float> u, int[] users, int[] link, float[] residuals, float[] itemValues, int q, int qe, Span<float> data, bool grouped, bool recompute, bool firstSlice)
    {
        if (firstSlice)
        {
            data.Clear();
        }

        ref float uBase = ref MemoryMarshal.GetReference(u);
        ref int userRef = ref MemoryMarshal.GetArrayDataReference(users);
        ref int linkRef = ref MemoryMarshal.GetArrayDataReference(link);
        ref float residualRef = ref MemoryMarshal.GetArrayDataReference(residuals);
        ref float valueRef = ref MemoryMarshal.GetArrayDataReference(itemValues);
        ref float dataRef = ref MemoryMarshal.GetReference(data);
        for (; grouped && q <= qe - 4; q += 4)
        {
            ref float y0 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q) * stride);
            ref float y1 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q + 1) * stride);
            ref float y2 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q + 2) * stride);
            ref float y3 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref userRef, q + 3) * stride);
            Vector128<float> e = recompute
                ? FullBatchKernels.Residuals4(ref vRow, ref y0, ref y1, ref y2, ref y3, ref valueRef, q, stride)
                : Vector128.Create(
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q)),
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q + 1)),
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q + 2)),
                    Unsafe.Add(ref residualRef, Unsafe.Add(ref linkRef, q + 3)));
            RowKernels.MultiplyAdd4(e.GetElement(0), ref y0, e.GetElement(1), ref y1, e.GetElement(2), ref y2, e.GetElement(3), ref y3, ref dataRef, stride);
        }

        for (; q < qe; q++)
        {
            ref float y = ref Unsafe.Add(ref uBase, users[q] * stride);
            float e = recompute ? FullBatchKernels.Residual(ref vRow, ref y, itemValues[q], stride) : residuals[link[q]];
            RowKernels.MultiplyAdd(e, MemoryMarshal.CreateReadOnlySpan(ref y, stride), data);
        }
    }

    /// <summary>
    /// Items [first, end) of an item block, their ratings by the users of the current user slice
    /// (<see cref="_userSlice"/>): Σ e·U_i accumulated in the row's scratch (one slice) or in its row
    /// of V' (several slices, its segment of the slice in <see cref="_itemSegments"/>), then on the last slice the
    /// step (or gradient) of each row. Every row sums its ratings in user order, whatever the slices.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ItemBlock(int block, int worker)
    {
        PaddedRows scratch = _scratch[worker];
        int stride = _stride;
        Span<float> u = _u.Values, v = _v.Values, next = _vNext.Values;
        float[] residuals = _residuals;
        int[] users = _itemUsers, link = _itemToUser;
        int slices = _userSlices.Length - 1, slice = _userSlice;
        bool sliced = slices > 1, firstSlice = slice == 0, lastSlice = slice == slices - 1;
        ref int segment = ref MemoryMarshal.GetArrayDataReference(_itemSegments); // the slice's segments: [segment[r], segment[r + 1]) is row r's
        segment = ref Unsafe.Add(ref segment, slice * _m);
        Span<float> scratchData = scratch.PaddedRow(0);
        ReadOnlySpan<float> gravity = scratch.PaddedRow(1); // stays 0 without gravity
        ReadOnlySpan<float> gravityRows = _gravityV.Values;
        int first = _itemBlocks[block], end = _itemBlocks[block + 1];
        if (_gravity && lastSlice)
        {
            // V_j·UᵀU for the block's rows, four rows at a time.
            FullBatchKernels.MultiplyRows(v.Slice(first * stride, (end - first) * stride), end - first, stride, _gramU.Values, _gravityV.Values.Slice(first * stride, (end - first) * stride));
        }

        // Unchecked references, as in UserBlock: user indices and link positions are valid by construction.
        ref float uBase = ref MemoryMarshal.GetReference(u);
        ref int userRef = ref MemoryMarshal.GetArrayDataReference(users);
        ref int linkRef = ref MemoryMarshal.GetArrayDataReference(link);
        ref float residualRef = ref MemoryMarshal.GetArrayDataReference(residuals);
        ref float vBase = ref MemoryMarshal.GetReference(v);
        ref float valueRef = ref MemoryMarshal.GetArrayDataReference(_itemValues);
        bool recompute = _recompute;
        bool mixed = _inRanges && !recompute; // own rows, unsliced: gather the own users' residuals, recompute the others'
        bool grouped = Avx.IsSupported && stride >= 8; // as the user pass: Dot4 there, Dot4 here
        bool rowKernels = grouped && _registerRows && RowWidthKernels.HasRowKernels(stride);
        double norms = 0;
        for (int r = first; r < end; r++)
        {
            Span<float> data = sliced ? next.Slice(r * stride, stride) : scratchData;
            int q = Unsafe.Add(ref segment, r), qe = Unsafe.Add(ref segment, r + 1);

            ref float dataRef = ref MemoryMarshal.GetReference(data);
            ref float vRow = ref Unsafe.Add(ref vBase, r * stride);
            if (rowKernels && mixed)
            {
                // The users before, in and after this worker's own range, in that order: one chain, carried through the row's data.
                int own = 2 * ((worker * _m) + r), ownFirst = _ownUserSpans[own], ownEnd = _ownUserSpans[own + 1];
                bool started = false;
                if (ownFirst > q)
                {
                    FullBatchKernels.ItemRow(stride, ref uBase, ref userRef, ref linkRef, ref residualRef, q, ownFirst, ref dataRef, true, ref vRow, ref valueRef);
                    started = true;
                }

                if (ownEnd > ownFirst)
                {
                    FullBatchKernels.ItemRow(stride, ref uBase, ref userRef, ref linkRef, ref residualRef, ownFirst, ownEnd, ref dataRef, false, ref vRow, ref valueRef, continued: started);
                    started = true;
                }

                if (qe > ownEnd || !started)
                {
                    FullBatchKernels.ItemRow(stride, ref uBase, ref userRef, ref linkRef, ref residualRef, ownEnd, qe, ref dataRef, true, ref vRow, ref valueRef, continued: started);
                }
            }
            else if (rowKernels)
            {
                // Sliced, the row's sum so far is in its row of V' (none on the first slice), and the chain goes on from it.
                FullBatchKernels.ItemRow(stride, ref uBase, ref userRef, ref linkRef, ref residualRef, q, qe, ref dataRef, recompute, ref vRow, ref valueRef, continued: sliced && !firstSlice);
            }
            else
            {
                ItemRowWithoutKernel(stride, ref vRow, u, users, link, residuals, _itemValues, q, qe, data, grouped, recompute, firstSlice);
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

            ReadOnlySpan<float> x = v.Slice(r * stride, stride);
            norms += RowKernels.Dot(x, x);
            if (_gravity)
            {
                gravity = gravityRows.Slice(r * stride, stride);
            }

            if (_gradientOnly)
            {
                FullBatchKernels.Gradient(x, scratchData, gravity, _gradA, _gradBV, _gradC, next.Slice(r * stride, stride));
            }
            else
            {
                FullBatchKernels.Step(x, scratchData, gravity, _stepA, _stepBV, _stepC, next.Slice(r * stride, stride));
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
        int[] segments = train ? _userSegments : _validationOffsets!; // a training row's ratings lie in its segments of the item slices, in item order
        int slices = train ? _itemSlices.Length - 1 : 1;
        int[] items = train ? _userItems : _validationItems!;
        float[] values = train ? _userValues : _validationValues!;
        int stride = _stride;
        Span<float> u = _u.Values, v = _v.Values;
        bool clamp = !train && _predictionRange.HasValue;
        RatingRange range = _predictionRange.GetValueOrDefault();
        double sse = 0;
        for (int r = bounds[b], end = bounds[b + 1]; r < end; r++)
        {
            ReadOnlySpan<float> x = u.Slice(r * stride, stride);
            for (int k = 0; k < slices; k++)
            {
                for (int p = segments[(k * _n) + r], pe = segments[(k * _n) + r + 1]; p < pe; p++)
                {
                    float prediction = RowKernels.Dot(x, v.Slice(items[p] * stride, stride));
                    if (clamp)
                    {
                        prediction = range.Clamp(prediction);
                    }

                    double e = prediction - values[p];
                    sse += e * e;
                }
            }
        }

        _evaluationSse[block] = sse;
    }
}
