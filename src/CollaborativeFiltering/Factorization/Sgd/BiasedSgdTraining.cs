using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CollaborativeFiltering.Data;
using X86Sse = System.Runtime.Intrinsics.X86.Sse;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.Sgd;

/// <summary>One training rating in a block: dense user and item indices and the value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BiasedSgdEntry
{
    public int User;
    public int Item;
    public float Value;
}

/// <summary>
/// The state and schedule of one biased-SGD fit: p (N×d), q (M×d), b_u, b_i, μ, the training ratings
/// arranged in a B×B grid of blocks, and a <see cref="WorkerPool"/>. Allocates nothing per epoch or
/// per rating.
/// </summary>
/// <remarks>
/// <para>Storage. p and q live in pinned <see cref="PaddedRows"/> with rows padded to <see cref="PaddedRows.WholeVectors"/>
/// floats (zero padding) and starting on 64-byte boundaries, so the row kernels need no masked tails
/// and no load crosses a cache line; <see cref="CopyUsers"/> and <see cref="CopyItems"/> give the
/// compact N×d and M×d matrices.</para>
/// <para>The grid (LIBMF's, with a fixed schedule). Users and items are each shuffled once (seeded)
/// and cut into <see cref="GridSize"/> groups holding about the same number of ratings; block (r, c)
/// holds the ratings of user group r on item group c. An epoch is B strata; each stratum is B blocks
/// of which no two share a user group or an item group (a Latin square of the grid, drawn afresh
/// each epoch from the epoch's generator), so the blocks of a stratum touch disjoint rows of p, q,
/// b_u and b_i and can run on different threads without locks. The order of the strata is random
/// per epoch too. The strata are not separated by barriers: the workers claim the blocks in schedule
/// order, and a block starts once the blocks before it on its user group and its item group have
/// finished (<see cref="RunBlocks"/>), which gives exactly the stratum-by-stratum result with one
/// fork-join per epoch. Within a block the ratings are applied in one fixed order: sorted by user and then
/// by item, as LIBMF does, and then cut into <see cref="Streams"/> streams taken in turn
/// (<see cref="Interleave"/>), so that consecutive updates rarely share a user row and can overlap.
/// The randomness of an epoch is the order of its blocks; shuffling every block every epoch (as this
/// trainer once did) cost about as much as the updates themselves at 10M ratings without changing
/// the test error on the 1M and 10M synthetic sets.</para>
/// <para>Memory layout. Rows are stored by slot, not by index: each group's users (items) take
/// consecutive rows of p (q) and entries of b_u (b_i), so a block works on two contiguous ranges
/// rather than on rows scattered over the whole matrices (at the 10M shape a user group's rows would
/// otherwise each sit on their own page, and the TLB would miss on most updates). The entries hold
/// slots; <see cref="CopyUsers"/>, <see cref="CopyItems"/>, the biases and the error passes translate
/// back to indices. While a rating is updated, the rows of the rating <see cref="PrefetchDistance"/>
/// places ahead are prefetched, which hides the memory latency once the factors outgrow L2.</para>
/// <para>B is 16, doubled (up to 64) while a group's rows of p and q together would exceed 1 MiB,
/// so that a block's rows stay in a core's L2 cache on large datasets; it depends only on N, M and the
/// stride (d and the machine's vector width).</para>
/// <para>Determinism: the grid, the strata and every block's order depend only on the data, the stride and
/// the seed, a block's updates read and write only its own rows, and the loss is summed per block
/// and added in block order, so the result is bit-identical for any number of threads.</para>
/// </remarks>
internal sealed class BiasedSgdTraining : IBlockWork, ITraining<FactorizationModel>
{
    /// <summary>The smallest B.</summary>
    internal const int MinGridSize = StratifiedSchedule.MinGridSize;

    /// <summary>Below this many ratings one thread does everything (a stratum is too small to share).</summary>
    internal const int MinRatingsForThreads = 20_000;

    /// <summary>How many ratings ahead of its update a rating's rows are prefetched.</summary>
    private const int PrefetchDistance = 32;

    /// <summary>The number of interleaved by-user streams in a block's order (see <see cref="Interleave"/>).</summary>
    internal const int Streams = 4;

    private const ulong PartitionStream = 11;
    private const ulong EpochStream = 12;

    /// <summary>The training set's per-row counts and mean, handed to the model.</summary>
    private readonly TrainingSupport _support;

    /// <summary>d, the embedding dimension.</summary>
    private readonly int _d;

    /// <summary>The row stride of the factor rows: d padded to whole SIMD vectors.</summary>
    private readonly int _stride;

    private readonly int _grid;
    private readonly BiasedSgdKernels.KernelKind _kernel;
    private readonly int _n;
    private readonly int _m;
    private readonly int _count;
    private readonly float _mean;

    /// <summary>p and q by slot: row <c>_userSlots[u]</c> holds user u's factors (likewise items), so that each group's rows are contiguous.</summary>
    private readonly PaddedRows _users;
    private readonly PaddedRows _items;

    /// <summary>b_u and b_i by slot.</summary>
    private readonly float[] _bu;
    private readonly float[] _bi;

    /// <summary>The number of training ratings of each user and item, by index (not slot).</summary>
    private readonly int[] _userCounts;
    private readonly int[] _itemCounts;

    /// <summary>Each user's and item's slot: the position of its row in <see cref="_users"/>, <see cref="_items"/>, <see cref="_bu"/> and <see cref="_bi"/>.</summary>
    private readonly int[] _userSlots;
    private readonly int[] _itemSlots;

    private readonly BiasedSgdEntry[] _entries;
    private readonly int[] _blockOffsets;
    private readonly double[] _blockSse;

    private readonly StratifiedSchedule _schedule;

    /// <summary>The training and validation ratings user-major, read through the datasets' row sources (a split is never materialised).</summary>
    private readonly RatingRows _trainRows;
    private readonly RatingRows? _validationRows;
    private readonly int _validationCount;
    private readonly int[] _trainChunks;
    private readonly int[] _validationChunks;

    /// <summary>The range validation predictions are clamped to, as the trained model's <c>Predict</c> will (null: none); the training error stays that of the objective.</summary>
    private readonly RatingRange? _validationRange;
    private readonly double[] _evaluationSse;

    private readonly WorkerPool _pool;

    private Phase _phase;
    private int _firstEvaluationTask;
    private int _evaluationTaskEnd;
    /// <summary>The epoch's next block to claim, as a position in the schedule (stratum·B + place).</summary>
    private int _nextBlock;

    /// <summary>How many blocks of each user group and of each item group this epoch has finished: a block of stratum s may start once both counts reach s.</summary>
    private readonly int[] _rowDone;
    private readonly int[] _columnDone;

    /// <summary>Set when a block fails or the epoch is cancelled, so that no worker waits for a block that will not finish.</summary>
    private volatile bool _abort;
    private CancellationToken _epochToken;
    private float _learningRate;
    private float _shrink;
    private float _biasLearningRate;
    private float _biasShrink;

    private readonly Catalog _catalog;
    private readonly BiasedSgdOptions _options;

    /// <summary>The learning rates of the next epoch (decayed after each one by multiplication, in double) and of the last epoch run.</summary>
    private double _epochLearningRate;
    private double _epochBiasLearningRate;
    private double _lastLearningRate;
    private double _lastObservedLoss;
    private float[]? _bestUsers;
    private float[]? _bestItems;
    private float[]? _bestUserBiases;
    private float[]? _bestItemBiases;

    /// <summary>
    /// Prepares a fit with <paramref name="options"/> from the starting factors <paramref name="users"/>
    /// (N·d) and <paramref name="items"/> (M·d), copied, or, when both are <see langword="null"/>, from the seeded
    /// ones (<see cref="BiasedSgdFactorizer.Initialise"/>); rows without training ratings start (and stay) at
    /// zero. <paramref name="validationRange"/> is the model's prediction range, into which validation
    /// predictions are clamped, or <see langword="null"/>. The set-up runs on the fit's workers
    /// (<see cref="Preparation"/>).
    /// </summary>
    public BiasedSgdTraining(RatingsDataset train, RatingsDataset? validation, BiasedSgdOptions options, float[]? users, float[]? items, RatingRange? validationRange = null)
    {
        int dimensions = options.Dimensions, maxThreads = options.ThreadCount;
        _catalog = train.Catalog;
        _options = options;
        _epochLearningRate = options.LearningRate;
        _epochBiasLearningRate = options.EffectiveBiasLearningRate;
        _validationRange = validationRange;
        Debug.Assert(train.Count > 0);
        _d = dimensions;
        _stride = PaddedRows.WholeVectors(dimensions);
        _kernel = BiasedSgdKernels.KindFor(_stride);
        _n = train.UserCount;
        _m = train.ItemCount;
        _count = train.Count;
        Debug.Assert((users is null && items is null) || (users!.Length == (long)_n * _d && items!.Length == (long)_m * _d));
        _grid = GridSizeFor(_n, _m, _stride);
        int blockCount = _grid * _grid;

        _trainRows = train.UserRows;
        if (validation is { Count: > 0 })
        {
            _validationRows = WorkingRatings.ValidationRows(validation);
            _validationCount = validation.Count;
        }

        int workers = _count < MinRatingsForThreads ? 1 : Math.Clamp(maxThreads, 1, _grid);
        _pool = new WorkerPool(workers);
        try
        {
            var preparation = new Preparation(train, _grid, _stride, options, users, items);
            preparation.Run(_pool);
            _support = preparation.Support;
            _userCounts = preparation.UserCounts;
            _itemCounts = preparation.ItemCounts;
            _userSlots = preparation.UserSlots;
            _itemSlots = preparation.ItemSlots;
            _users = preparation.Users;
            _items = preparation.Items;
            _entries = preparation.Entries;
            _blockOffsets = preparation.Offsets;
        }
        catch
        {
            _pool.Dispose();
            throw;
        }

        _mean = _support.Mean; // μ as DatasetStatistics.GlobalMean computes it, without a second pass
        _bu = new float[_n];
        _bi = new float[_m];
        _blockSse = new double[blockCount];
        _rowDone = new int[_grid];
        _columnDone = new int[_grid];
        _schedule = new StratifiedSchedule(_grid, new SeededRandom(options.Seed, EpochStream));

        _trainChunks = BiasedDotErrors.Chunks(_trainRows.Offsets);
        _validationChunks = _validationRows is null ? [0] : BiasedDotErrors.Chunks(_validationRows.Offsets);
        _evaluationSse = new double[_trainChunks.Length - 1 + _validationChunks.Length - 1];
    }

    private enum Phase
    {
        Sgd,
        Evaluate,
    }

    /// <summary>μ, the mean training rating.</summary>
    public float GlobalMean => _mean;

    /// <summary>B, the number of user groups and of item groups.</summary>
    public int GridSize => _grid;

    /// <summary>The kernel family in use.</summary>
    public BiasedSgdKernels.KernelKind Kernel => _kernel;

    /// <summary>b_u by user index, as a new array.</summary>
    public float[] UserBiases => Unslot(_bu, _userSlots);

    /// <summary>b_i by item index, as a new array.</summary>
    public float[] ItemBiases => Unslot(_bi, _itemSlots);

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _pool.WorkerCount;

    /// <summary>Whether a validation set with ratings was given.</summary>
    public bool HasValidation => _validationRows is not null;

    /// <summary>
    /// One epoch with the given step sizes and penalties: every training rating once, in this epoch's
    /// stratified random order. Returns the sum of squared errors, each taken just before its own
    /// update. Checks <paramref name="cancellationToken"/> before every block (|Ω|/B² ratings on average).
    /// </summary>
    public double RunEpoch(float learningRate, float regularization, float biasLearningRate, float biasRegularization, CancellationToken cancellationToken)
    {
        _learningRate = learningRate;
        _shrink = 1 - (learningRate * regularization);
        _biasLearningRate = biasLearningRate;
        _biasShrink = 1 - (biasLearningRate * biasRegularization);
        _schedule.Plan(_blockOffsets);
        Array.Clear(_rowDone);
        Array.Clear(_columnDone);
        _nextBlock = 0;
        _abort = false;
        _epochToken = cancellationToken;
        _phase = Phase.Sgd;
        _pool.Run(this, _pool.WorkerCount, cancellationToken);
        _epochToken = default;
        cancellationToken.ThrowIfCancellationRequested();

        double sse = 0;
        foreach (double blockSse in _blockSse)
        {
            sse += blockSse;
        }

        return sse;
    }

    /// <summary>
    /// The mean squared error of μ + b_u + b_i + ⟨p_u, q_i⟩ on the training set (NaN when
    /// <paramref name="includeTrain"/> is false), and on the validation set when there is one and
    /// <paramref name="includeValidation"/> is true (else null).
    /// </summary>
    public (double TrainMse, double? ValidationMse) Evaluate(bool includeTrain = true, bool includeValidation = true)
    {
        int trainChunks = _trainChunks.Length - 1;
        _phase = Phase.Evaluate;
        _firstEvaluationTask = includeTrain ? 0 : trainChunks;
        _evaluationTaskEnd = includeValidation ? _evaluationSse.Length : trainChunks;
        _pool.Run(this, _evaluationTaskEnd - _firstEvaluationTask);
        double train = 0, validation = 0;
        for (int c = 0; c < trainChunks && includeTrain; c++)
        {
            train += _evaluationSse[c];
        }

        for (int c = trainChunks; c < _evaluationTaskEnd; c++)
        {
            validation += _evaluationSse[c];
        }

        return (includeTrain ? train / _count : double.NaN, _validationRows is null || !includeValidation ? null : validation / _validationCount);
    }

    /// <summary>
    /// The L2 term that per-rating SGD minimises, as a mean over the training ratings:
    /// (1/|Ω|)·(Σ_u n_u·(λ‖p_u‖² + λ_b·b_u²) + Σ_i n_i·(λ‖q_i‖² + λ_b·b_i²)), n = a row's number of training ratings.
    /// </summary>
    public double RegularizationLoss(double regularization, double biasRegularization)
    {
        double users = Penalty(UserRows, _bu, _userCounts, _userSlots, _stride, regularization, biasRegularization);
        double items = Penalty(ItemRows, _bi, _itemCounts, _itemSlots, _stride, regularization, biasRegularization);
        return (users + items) / _count;

        static double Penalty(ReadOnlySpan<float> factors, float[] biases, int[] counts, int[] slots, int stride, double lambda, double biasLambda)
        {
            double total = 0;
            for (int r = 0; r < counts.Length; r++)
            {
                if (counts[r] != 0)
                {
                    int slot = slots[r];
                    ReadOnlySpan<float> row = factors.Slice(slot * stride, stride);
                    total += counts[r] * ((lambda * RowKernels.Dot(row, row)) + (biasLambda * biases[slot] * biases[slot]));
                }
            }

            return total;
        }
    }

    /// <inheritdoc/>
    string? ITraining<FactorizationModel>.EarlyStoppingUnsupportedReason => null;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.Step(int iteration, CancellationToken cancellationToken)
    {
        _lastLearningRate = _epochLearningRate;
        double sse = RunEpoch((float)_epochLearningRate, (float)_options.Regularization, (float)_epochBiasLearningRate, (float)_options.BiasRegularization, cancellationToken);
        _epochLearningRate *= _options.LearningRateDecay;
        _epochBiasLearningRate *= _options.LearningRateDecay;
        _lastObservedLoss = sse / _count;
        return _lastObservedLoss;
    }

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.LearningRate(int iteration) => _lastLearningRate;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.ValidationLoss() => Evaluate(includeTrain: false).ValidationMse!.Value;

    /// <inheritdoc/>
    TrainingProgress ITraining<FactorizationModel>.Measure(double? validationLoss)
    {
        // When early stopping has already scored the validation set this epoch, only the training set is scored.
        (double trainMse, double? validationMse) = Evaluate(includeTrain: true, includeValidation: validationLoss is null);
        validationMse ??= validationLoss;
        return new TrainingProgress
        {
            ObservedLoss = _lastObservedLoss,
            RegularizationLoss = RegularizationLoss(_options.Regularization, _options.BiasRegularization),
            TrainMse = trainMse,
            ValidationMse = validationMse,
            ValidationLoss = validationMse,
        };
    }

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Describe(in TrainingProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"train MSE {Display.Number(progress.TrainMse)}{(progress.ValidationMse is { } v ? $", validation MSE {Display.Number(v)}" : string.Empty)}; epoch loss {Display.Number(progress.ObservedLoss)}, regularization {Display.Number(progress.RegularizationLoss)}");

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture, $"train MSE {Display.Number(final.TrainMse)}");

    /// <inheritdoc/>
    void ITraining<FactorizationModel>.KeepBest()
    {
        _bestUsers ??= new float[_n * _d];
        _bestItems ??= new float[_m * _d];
        _bestUserBiases ??= new float[_n];
        _bestItemBiases ??= new float[_m];
        CopyParametersTo(_bestUsers, _bestItems, _bestUserBiases, _bestItemBiases);
    }

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.ToModel(bool best) => Model(best, copy: false);

    /// <inheritdoc/>
    /// <remarks>An epoch depends on the epoch's number only (the learning rates decay per epoch; the block order comes from the epoch stream in sequence).</remarks>
    bool ITraining<FactorizationModel>.Continuable => true;

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.CopyModel(bool best) => Model(best, copy: true);

    /// <summary>The model of the best parameters (the snapshot's arrays, or copies of them) or of the current ones (always copied out of the padded rows).</summary>
    private FactorizationModel Model(bool best, bool copy)
    {
        return best
            ? new FactorizationModel(_catalog, _d, Own(_bestUsers!), Own(_bestItems!), Own(_bestUserBiases!), Own(_bestItemBiases!), _mean, _options, _validationRange, support: _support)
            : new FactorizationModel(_catalog, _d, CopyUsers(), CopyItems(), UserBiases, ItemBiases, _mean, _options, _validationRange, support: _support);

        float[] Own(float[] array) => copy ? (float[])array.Clone() : array;
    }

    /// <inheritdoc/>
    long ITraining<FactorizationModel>.RetainedBytes =>
        (12L * _entries.Length)
        + (4L * (_users.Values.Length + _items.Values.Length))
        + (_bestUsers is null ? 0 : 4L * ((long)_bestUsers.Length + _bestItems!.Length + _n + _m))
        + (8L * (_validationRows?.Count ?? 0))
        + (4L * 6 * ((long)_n + _m));

    /// <summary>Whether every parameter is finite.</summary>
    public bool AllFinite() =>
        TensorPrimitivesExtensions.AllFinite(UserRows) && TensorPrimitivesExtensions.AllFinite(ItemRows)
        && TensorPrimitivesExtensions.AllFinite(_bu) && TensorPrimitivesExtensions.AllFinite(_bi);

    /// <summary>p as a new compact N×d row-major array (rows by user index).</summary>
    public float[] CopyUsers()
    {
        var users = new float[_n * _d];
        Unslot(_users, _userSlots, users);
        return users;
    }

    /// <summary>q as a new compact M×d row-major array (rows by item index).</summary>
    public float[] CopyItems()
    {
        var items = new float[_m * _d];
        Unslot(_items, _itemSlots, items);
        return items;
    }

    /// <summary>Copies p and q (compact) and b_u, b_i into the given arrays (N·d, M·d, N, M), by user and item index.</summary>
    public void CopyParametersTo(float[] users, float[] items, float[] userBiases, float[] itemBiases)
    {
        Unslot(_users, _userSlots, users);
        Unslot(_items, _itemSlots, items);
        for (int u = 0; u < _n; u++)
        {
            userBiases[u] = _bu[_userSlots[u]];
        }

        for (int i = 0; i < _m; i++)
        {
            itemBiases[i] = _bi[_itemSlots[i]];
        }
    }

    /// <summary>The ratings, by user and item index, in the order the last epoch applied them (strata in order; within a stratum, blocks in schedule order). For tests.</summary>
    internal List<BiasedSgdEntry> LastEpochOrder()
    {
        int[] userOfSlot = Inverse(_userSlots), itemOfSlot = Inverse(_itemSlots);
        var order = new List<BiasedSgdEntry>(_count);
        foreach (int block in _schedule.Blocks)
        {
            foreach (BiasedSgdEntry entry in _entries.AsSpan(_blockOffsets[block], _blockOffsets[block + 1] - _blockOffsets[block]))
            {
                order.Add(new BiasedSgdEntry { User = userOfSlot[entry.User], Item = itemOfSlot[entry.Item], Value = entry.Value });
            }
        }

        return order;

        static int[] Inverse(int[] slots)
        {
            var inverse = new int[slots.Length];
            for (int r = 0; r < slots.Length; r++)
            {
                inverse[slots[r]] = r;
            }

            return inverse;
        }
    }

    /// <summary>The number of ratings in each block, row-major over the grid. For tests.</summary>
    internal int[] BlockSizes()
    {
        var sizes = new int[_grid * _grid];
        for (int b = 0; b < sizes.Length; b++)
        {
            sizes[b] = _blockOffsets[b + 1] - _blockOffsets[b];
        }

        return sizes;
    }

    /// <summary>The blocks of every stratum of the last epoch, in order (B strata of B blocks). For tests.</summary>
    internal ReadOnlySpan<int> Schedule => _schedule.Blocks;

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    void IBlockWork.Execute(int task, int worker)
    {
        if (_phase == Phase.Evaluate)
        {
            EvaluationTask(_firstEvaluationTask + task);
            return;
        }

        RunBlocks();
    }

    /// <summary>
    /// One worker's share of an epoch: claims the schedule's blocks in order (stratum by stratum) and runs
    /// each once the blocks before it on the same user group and the same item group have finished. Only
    /// those can have written its rows, and no later block on them can start before it ends, so every
    /// block sees exactly what it would see if the strata ran one after another with a barrier between
    /// them: the result is the same for any number of workers, while a worker never idles at the end of
    /// a stratum waiting for the slowest block, and an epoch is one fork-join instead of B.
    /// </summary>
    private void RunBlocks()
    {
        int grid = _grid, total = grid * grid;
        while (!_abort)
        {
            int position = Interlocked.Increment(ref _nextBlock) - 1;
            if (position >= total)
            {
                return;
            }

            if (_epochToken.IsCancellationRequested)
            {
                _abort = true;
                return;
            }

            int stratum = position / grid;
            int block = _schedule.Block(stratum, position - (stratum * grid));
            int row = block / grid, column = block - (row * grid);
            var spin = default(SpinWait);
            while (Volatile.Read(ref _rowDone[row]) < stratum || Volatile.Read(ref _columnDone[column]) < stratum)
            {
                if (_abort)
                {
                    return;
                }

                spin.SpinOnce(sleep1Threshold: -1);
            }

            bool finished = false;
            try
            {
                RunBlock(block);
                finished = true;
            }
            finally
            {
                if (!finished)
                {
                    _abort = true;
                }
            }

            Interlocked.Increment(ref _rowDone[row]);
            Interlocked.Increment(ref _columnDone[column]);
        }
    }

    private void RunBlock(int block)
    {
        switch (_kernel)
        {
            case BiasedSgdKernels.KernelKind.Fused512:
                switch (_stride / 16)
                {
                    case 1: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V1>>(block); break;
                    case 2: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V2>>(block); break;
                    case 3: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V3>>(block); break;
                    case 4: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V4>>(block); break;
                    case 5: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V5>>(block); break;
                    case 6: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V6>>(block); break;
                    case 7: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V7>>(block); break;
                    default: RunBlock<BiasedSgdKernels.Fused512<BiasedSgdKernels.V8>>(block); break;
                }

                break;
            case BiasedSgdKernels.KernelKind.Loop512:
                RunBlock<BiasedSgdKernels.Loop512>(block);
                break;
            case BiasedSgdKernels.KernelKind.Loop256:
                RunBlock<BiasedSgdKernels.Loop256>(block);
                break;
            default:
                RunBlock<BiasedSgdKernels.Scalar>(block);
                break;
        }
    }

    /// <summary>Applies one block's updates in the block's fixed order (<see cref="Interleave"/>), fetching the rows of the rating <see cref="PrefetchDistance"/> ahead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunBlock<TKernel>(int block)
        where TKernel : struct, BiasedSgdKernels.IRowKernel
    {
        int start = _blockOffsets[block], length = _blockOffsets[block + 1] - start;
        if (length == 0)
        {
            _blockSse[block] = 0;
            return;
        }

        ref BiasedSgdEntry entries = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), start);

        int stride = _stride;
        float mean = _mean, lr = _learningRate, shrink = _shrink, biasLr = _biasLearningRate, biasShrink = _biasShrink;
        ref float u = ref _users.First;
        ref float v = ref _items.First;
        ref float bu = ref MemoryMarshal.GetArrayDataReference(_bu);
        ref float bi = ref MemoryMarshal.GetArrayDataReference(_bi);
        double sse = 0;
        for (int k = 0; k < length; k++)
        {
            if (k + PrefetchDistance < length)
            {
                ref BiasedSgdEntry ahead = ref Unsafe.Add(ref entries, k + PrefetchDistance);
                PrefetchRow(ref Unsafe.Add(ref u, (nint)ahead.User * stride), stride);
                PrefetchRow(ref Unsafe.Add(ref v, (nint)ahead.Item * stride), stride);
            }

            ref BiasedSgdEntry entry = ref Unsafe.Add(ref entries, k);
            int user = entry.User, item = entry.Item;
            ref float userBias = ref Unsafe.Add(ref bu, user);
            ref float itemBias = ref Unsafe.Add(ref bi, item);
            float target = entry.Value - mean - userBias - itemBias;
            float e = TKernel.Update(ref Unsafe.Add(ref u, (nint)user * stride), ref Unsafe.Add(ref v, (nint)item * stride), stride, target, lr, shrink);
            userBias = (biasShrink * userBias) + (biasLr * e);
            itemBias = (biasShrink * itemBias) + (biasLr * e);
            sse += (double)e * e;
        }

        _blockSse[block] = sse;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluationTask(int task)
    {
        int trainChunks = _trainChunks.Length - 1;
        bool train = task < trainChunks;
        int[] bounds = train ? _trainChunks : _validationChunks;
        int chunk = train ? task : task - trainChunks;
        _evaluationSse[task] = train
            ? BiasedDotErrors.Sse(UserRows, ItemRows, _stride, _mean, _bu, _bi, _trainRows, bounds[chunk], bounds[chunk + 1], null, _userSlots, _itemSlots)
            : BiasedDotErrors.Sse(UserRows, ItemRows, _stride, _mean, _bu, _bi, _validationRows!, bounds[chunk], bounds[chunk + 1], _validationRange, _userSlots, _itemSlots);
    }

    /// <summary>B for N users, M items and padded rows of <paramref name="stride"/> floats (<see cref="StratifiedSchedule.GridSizeFor"/>).</summary>
    internal static int GridSizeFor(int n, int m, int stride) => StratifiedSchedule.GridSizeFor(n, m, stride);

    /// <summary>The ratings of <paramref name="rows"/> (user-major; a view's members), as slots, grouped by block (row-major over the grid), each block in its fixed order (<see cref="Interleave"/>), and the block offsets.</summary>
    private static (BiasedSgdEntry[] Entries, int[] Offsets) Arrange(RatingRows rows, int count, int grid, int[] userGroup, int[] itemGroup, int[] userSlots, int[] itemSlots)
    {
        int blockCount = grid * grid;
        // Straight from the training rows: for a split, the root's ratings that are members, so the
        // schedule is the one copy of the ratings the fit makes.
        int[] trainItems = rows.Columns;
        float[] trainValues = rows.Values;
        var offsets = new int[blockCount + 1];
        foreach ((int u, int p) in rows.MemberEntries())
        {
            offsets[(userGroup[u] * grid) + itemGroup[trainItems[p]] + 1]++;
        }

        for (int b = 0; b < blockCount; b++)
        {
            offsets[b + 1] += offsets[b];
        }

        var cursor = offsets.AsSpan(0, blockCount).ToArray();
        var entries = new BiasedSgdEntry[count];
        foreach ((int u, int p) in rows.MemberEntries())
        {
            int item = trainItems[p];
            entries[cursor[(userGroup[u] * grid) + itemGroup[item]]++] = new BiasedSgdEntry { User = userSlots[u], Item = itemSlots[item], Value = trainValues[p] };
        }

        var sorted = new BiasedSgdEntry[MaxBlockLength(offsets)];
        for (int block = 0; block < blockCount; block++)
        {
            Interleave(entries.AsSpan(offsets[block], offsets[block + 1] - offsets[block]), sorted);
        }

        return (entries, offsets);

        static int MaxBlockLength(int[] offsets)
        {
            int longest = 0;
            for (int b = 0; b + 1 < offsets.Length; b++)
            {
                longest = Math.Max(longest, offsets[b + 1] - offsets[b]);
            }

            return longest;
        }
    }

    /// <summary>
    /// Reorders a block sorted by user, then item, into <see cref="Streams"/> interleaved streams: stream s
    /// is the sorted ratings <c>[s·L/S, (s+1)·L/S)</c>, and the block takes one rating from each stream in
    /// turn (skipping a stream once it is used up). Consecutive ratings then belong to different users
    /// (apart from a user cut by a stream boundary), so the processor can overlap their updates, where
    /// a user's consecutive ratings would each wait for the previous one's store of p_u.
    /// </summary>
    private static void Interleave(Span<BiasedSgdEntry> block, BiasedSgdEntry[] scratch)
    {
        int length = block.Length;
        block.CopyTo(scratch);
        int k = 0;
        for (int j = 0; k < length; j++)
        {
            for (int stream = 0; stream < Streams; stream++)
            {
                long start = (long)stream * length / Streams, end = (long)(stream + 1) * length / Streams;
                if (start + j < end)
                {
                    block[k++] = scratch[start + j];
                }
            }
        }
    }

    /// <summary>Copies compact row r into row <c>slots[r]</c> of <paramref name="padded"/> for each row with ratings; the other rows stay zero.</summary>
    private static void Place(float[] compact, int[] counts, int[] slots, PaddedRows padded)
    {
        int d = padded.Width;
        for (int r = 0; r < slots.Length; r++)
        {
            if (counts[r] != 0)
            {
                compact.AsSpan(r * d, d).CopyTo(padded.Row(slots[r]));
            }
        }
    }

    /// <summary>Copies the padded rows out, row <c>slots[r]</c> to compact row r.</summary>
    private static void Unslot(PaddedRows padded, int[] slots, Span<float> compact)
    {
        int d = padded.Width;
        for (int r = 0; r < slots.Length; r++)
        {
            padded.Row(slots[r]).CopyTo(compact.Slice(r * d, d));
        }
    }

    /// <summary>The values by index from values by slot.</summary>
    private static float[] Unslot(float[] bySlot, int[] slots)
    {
        var byIndex = new float[slots.Length];
        for (int r = 0; r < slots.Length; r++)
        {
            byIndex[r] = bySlot[slots[r]];
        }

        return byIndex;
    }

    private ReadOnlySpan<float> UserRows => _users.Values;

    private ReadOnlySpan<float> ItemRows => _items.Values;

    /// <summary>Asks for a padded row (pinned) to be brought into the cache ahead of its update; nothing where the instruction set has no prefetch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRow(ref float row, int stride)
    {
        if (X86Sse.IsSupported)
        {
            byte* p = (byte*)Unsafe.AsPointer(ref row);
            for (int offset = 0; offset < stride * sizeof(float); offset += 64)
            {
                X86Sse.Prefetch0(p + offset);
            }
        }
    }

    /// <summary>
    /// The set-up of a fit, run on the fit's pool as two rounds of two tasks so that on two or more workers
    /// its independent halves overlap. First round: the ratings' side (the support, the grid's groups and
    /// slots, then <see cref="Arrange"/>) beside the factors' side (the pinned padded rows allocated and
    /// their pages touched, then the seeded draws when no starting factors were given). Second round: the
    /// users' and the items' starting rows copied into their slots. One worker runs the tasks in order; a
    /// task computes the same whoever runs it, so the fit is the same for any thread count.
    /// </summary>
    /// <remarks>
    /// The halves are about equal at the 1M shape (d = 64): the ratings' side about 14 ms and the factors'
    /// side about 13–18 ms on one core of the machine this was measured on, where a first touch of a page
    /// costs about 10 µs, so touching the fresh rows here takes their page faults off the placing round.
    /// </remarks>
    private sealed class Preparation(RatingsDataset train, int grid, int stride, BiasedSgdOptions options, float[]? users, float[]? items) : IBlockWork
    {
        private const int FloatsPerPage = 4096 / sizeof(float);

        private float[]? _compactUsers = users;
        private float[]? _compactItems = items;
        private bool _placing;

        /// <summary>The training set's counts and mean.</summary>
        public TrainingSupport Support { get; private set; } = null!;

        /// <summary>The number of training ratings of each user, by index (a copy of the support's).</summary>
        public int[] UserCounts { get; private set; } = null!;

        /// <summary>The number of training ratings of each item, by index (a copy of the support's).</summary>
        public int[] ItemCounts { get; private set; } = null!;

        /// <summary>Each user's slot (see <see cref="BiasedSgdTraining"/>).</summary>
        public int[] UserSlots { get; private set; } = null!;

        /// <summary>Each item's slot.</summary>
        public int[] ItemSlots { get; private set; } = null!;

        /// <summary>The ratings as slots, grouped by block, each block in its fixed order.</summary>
        public BiasedSgdEntry[] Entries { get; private set; } = null!;

        /// <summary>The block offsets into <see cref="Entries"/>.</summary>
        public int[] Offsets { get; private set; } = null!;

        /// <summary>p by slot: the starting user rows, zero for users without ratings.</summary>
        public PaddedRows Users { get; private set; } = null!;

        /// <summary>q by slot: the starting item rows, zero for items without ratings.</summary>
        public PaddedRows Items { get; private set; } = null!;

        /// <summary>Runs both rounds on <paramref name="pool"/>.</summary>
        public void Run(WorkerPool pool)
        {
            pool.Run(this, 2);
            _placing = true;
            pool.Run(this, 2);
        }

        /// <inheritdoc/>
        public void Execute(int task, int worker)
        {
            if (_placing)
            {
                if (task == 0)
                {
                    Place(_compactUsers!, UserCounts, UserSlots, Users);
                }
                else
                {
                    Place(_compactItems!, ItemCounts, ItemSlots, Items);
                }
            }
            else if (task == 0)
            {
                PrepareRatings();
            }
            else
            {
                PrepareFactors();
            }
        }

        private void PrepareRatings()
        {
            Support = TrainingSupport.Of(train);

            // The counts from the support (the same per-row counts); the item side without reading any item-major view.
            UserCounts = (int[])Support.UserCounts.Clone();
            ItemCounts = (int[])Support.ItemCounts.Clone();
            var partitionRandom = new SeededRandom(options.Seed, PartitionStream);
            int[] userGroup = StratifiedSchedule.Groups(UserCounts, train.Count, grid, partitionRandom);
            int[] itemGroup = StratifiedSchedule.Groups(ItemCounts, train.Count, grid, partitionRandom);
            UserSlots = StratifiedSchedule.GroupMajorSlots(userGroup, grid);
            ItemSlots = StratifiedSchedule.GroupMajorSlots(itemGroup, grid);
            (Entries, Offsets) = Arrange(train.UserRows, train.Count, grid, userGroup, itemGroup, UserSlots, ItemSlots);
        }

        private void PrepareFactors()
        {
            Users = Touched(new PaddedRows(train.UserCount, options.Dimensions, stride, aligned: true));
            Items = Touched(new PaddedRows(train.ItemCount, options.Dimensions, stride, aligned: true));
            if (_compactUsers is null || _compactItems is null)
            {
                (_compactUsers, _compactItems) = BiasedSgdFactorizer.Initialise(train.UserCount, train.ItemCount, options.Dimensions, options.InitStdDev, options.Seed);
            }
        }

        /// <summary>Writes a zero into every page of the (zeroed) rows, so that the pages are faulted in by this task rather than by the copy.</summary>
        private static PaddedRows Touched(PaddedRows rows)
        {
            float[] array = rows.Array;
            for (int k = 0; k < array.Length; k += FloatsPerPage)
            {
                array[k] = 0;
            }

            return rows;
        }
    }
}
