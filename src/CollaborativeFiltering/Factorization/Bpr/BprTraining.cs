using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.Bpr;

/// <summary>One training interaction in a block: dense user and item indices.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BprEntry
{
    public int User;
    public int Item;
}

/// <summary>
/// The state and schedule of one BPR fit: p (N×d), q (M×d), b_i, the training interactions arranged in a
/// B×B grid of blocks (<see cref="StratifiedSchedule"/>), the negative samplers of the item groups, the
/// validation sample and a <see cref="WorkerPool"/>. Allocates nothing per epoch or per triple.
/// </summary>
/// <remarks>
/// <para><b>Triples.</b> An epoch draws one triple (u, i, j) per training interaction (u, i): the
/// interactions are visited block by block (each block shuffles its own with its own generator), and the
/// negative j is drawn from the item group of i, among the items u has not interacted with (up to
/// <see cref="MaxDraws"/> draws; a user who interacted with every item drawn skips the triple). Keeping j
/// in i's group keeps the blocks of a stratum on disjoint rows of q and b (LIBMF samples its BPR negatives
/// within the block in the same way). The item groups are balanced by sampling weight (equal numbers of
/// items for uniform sampling), and a user's interactions fall in every group, so over an epoch the
/// negatives follow the sampling distribution in expectation over the seeded partition.</para>
/// <para><b>Determinism.</b> The grid, the schedule, every block's order and negatives depend only on the
/// data, the stride and the seed; a block reads and writes only its own rows, and starts only once the
/// previous stratum's blocks on its user group and its item group are done (one fork-join per epoch,
/// <see cref="StratifiedRunner"/>); the losses are summed per
/// block and added in block order; the validation recall is summed per user in user order. The result is
/// bit-identical for any number of threads.</para>
/// </remarks>
internal sealed class BprTraining : IBlockWork, ITraining<FactorizationModel>
{
    /// <summary>Below this many interactions one thread does everything, on a 1×1 grid.</summary>
    internal const int MinRatingsForThreads = 20_000;

    /// <summary>The fewest items per item group (so that a negative has candidates): the grid shrinks below B = 16 for catalogues under 1,024 items.</summary>
    internal const int MinItemsPerGroup = 64;

    /// <summary>Draws of a negative before a triple is skipped.</summary>
    internal const int MaxDraws = 16;

    /// <summary>The cut-off of the validation recall.</summary>
    internal const int RecallCutoff = 10;

    /// <summary>Validation users per task.</summary>
    private const int ValidationChunk = 16;

    private const ulong PartitionStream = 61;
    private const ulong EpochStream = 62;
    private const ulong BlockStream = 63;
    private const ulong ValidationStream = 64;

    private readonly int _d;
    private readonly int _stride;
    private readonly BprKernels.KernelKind _kernel;
    private readonly int _n;
    private readonly int _m;
    private readonly int _count;
    private readonly bool _biases;

    private readonly PaddedRows _users;
    private readonly PaddedRows _items;
    private readonly float[] _bi;

    private readonly int[] _trainOffsets;
    private readonly int[] _trainItems;
    private readonly int[] _userCounts;
    private readonly int[] _itemCounts;

    private readonly int _grid;
    private readonly BprEntry[] _entries;
    private readonly int[] _blockOffsets;
    private readonly ulong[] _blockRandom;
    private readonly double[] _blockLoss;
    private readonly int[] _blockApplied;
    private readonly StratifiedSchedule _schedule;

    /// <summary>Each item group's items, ascending (offsets per group), and for popularity sampling their cumulative weights.</summary>
    private readonly int[] _groupOffsets;
    private readonly int[] _groupItems;
    private readonly double[]? _groupCumulative;
    private readonly double[] _samplingProbability;

    private readonly int[] _validationUsers;
    private readonly int[]? _validationOffsets;
    private readonly int[]? _validationItems;
    private readonly double[] _validationRecall;
    private readonly float[][] _workerScores;
    private readonly float[][] _workerTopScores;
    private readonly int[][] _workerTopItems;

    private readonly WorkerPool _pool;

    /// <summary>Hands each worker the epoch's blocks in an order that respects the strata (see <see cref="StratifiedRunner"/>).</summary>
    private readonly StratifiedRunner _runner;

    /// <summary><see cref="RunBlock(int)"/>, as the delegate the runner calls (created once, so an epoch allocates nothing).</summary>
    private readonly Action<int> _runBlock;
    private readonly Catalog _catalog;

    /// <summary>Every user's and item's number of training ratings, for the model's support-aware ranking and minimum-support filters.</summary>
    private readonly TrainingSupport _support;
    private readonly BprOptions _options;

    private Phase _phase;
    private CancellationToken _epochToken;
    private float _learningRate;
    private float _shrink;
    private float _biasShrink;
    private double _epochLearningRate;
    private double _lastLearningRate;
    private double _lastObservedLoss;
    private long _lastApplied;
    private int _epoch;
    private int _evaluatedEpoch = -1;
    private double _evaluatedRecall;
    private float[]? _bestUsers;
    private float[]? _bestItems;
    private float[]? _bestItemBiases;

    /// <summary>Prepares a fit from the starting factors <paramref name="users"/> (N·d) and <paramref name="items"/> (M·d), copied; users without training interactions start (and stay) at zero.</summary>
    public BprTraining(RatingsDataset train, RatingsDataset? validation, BprOptions options, float[] users, float[] items)
    {
        Debug.Assert(train.Count > 0);
        _catalog = train.Catalog;
        _support = TrainingSupport.Of(train);
        _options = options;
        _epochLearningRate = options.LearningRate;
        _biases = options.UseItemBiases;
        _d = options.Dimensions;
        _stride = PaddedRows.WholeVectorsUnlessWasteful(_d);
        _kernel = BprKernels.KindFor(_stride);
        _n = train.UserCount;
        _m = train.ItemCount;
        _count = train.Count;
        Debug.Assert(users.Length == (long)_n * _d && items.Length == (long)_m * _d);

        // A split is read through its row source: its members gathered into the trainer's own CSR for
        // the fit (it samples positives from contiguous rows), so the view builds no CSR of its own.
        CsrView byUser = train.UserRows.ToCsr(_m);
        _trainOffsets = byUser.RowOffsetArray;
        _trainItems = byUser.ColumnArray;
        _userCounts = new int[_n];
        for (int u = 0; u < _n; u++)
        {
            _userCounts[u] = _trainOffsets[u + 1] - _trainOffsets[u];
        }

        _itemCounts = TrainingSupport.ItemCountsOf(_trainItems, _m);

        _users = PaddedRows.AlignedCopy(users, _n, _d, _stride);
        for (int u = 0; u < _n; u++)
        {
            if (_userCounts[u] == 0)
            {
                _users.Row(u).Clear();
            }
        }

        _items = PaddedRows.AlignedCopy(items, _m, _d, _stride);
        _bi = new float[_m];

        // Sampling weights: 1 per item (uniform) or n_j^α (popularity).
        var weights = new double[_m];
        bool popularity = options.NegativeSampling == BprNegativeSampling.Popularity;
        double totalWeight = 0;
        for (int i = 0; i < _m; i++)
        {
            int interactions = _itemCounts[i];
            weights[i] = popularity ? (interactions == 0 ? 0 : Math.Pow(interactions, options.PopularityExponent)) : 1;
            totalWeight += weights[i];
        }

        _samplingProbability = new double[_m];
        for (int i = 0; i < _m; i++)
        {
            _samplingProbability[i] = weights[i] / totalWeight;
        }

        _grid = GridSizeFor(_n, _m, _count, _stride);
        var partitionRandom = new SeededRandom(options.Seed, PartitionStream);
        int[] userGroup = StratifiedSchedule.Groups(_userCounts, _count, _grid, partitionRandom);
        int[] itemGroup = StratifiedSchedule.GroupsByWeight(weights, _grid, partitionRandom);
        (_groupOffsets, _groupItems, _groupCumulative) = Samplers(itemGroup, weights, popularity);
        (_entries, _blockOffsets) = Arrange(userGroup, itemGroup);

        int blockCount = _grid * _grid;
        _blockRandom = new ulong[blockCount];
        ulong state = unchecked(((ulong)(uint)options.Seed * 0x9E3779B97F4A7C15UL) ^ (BlockStream * 0xD1B54A32D192ED03UL));
        for (int b = 0; b < blockCount; b++)
        {
            _blockRandom[b] = SplitMix64(ref state);
        }

        _blockLoss = new double[blockCount];
        _blockApplied = new int[blockCount];
        _schedule = new StratifiedSchedule(_grid, new SeededRandom(options.Seed, EpochStream));

        if (validation is { Count: > 0 })
        {
            CsrView validationByUser = validation.UserRows.ToCsr(_m);
            _validationOffsets = validationByUser.RowOffsetArray;
            _validationItems = validationByUser.ColumnArray;
            _validationUsers = SampleValidationUsers(_validationOffsets, options.MaxValidationUsers, new SeededRandom(options.Seed, ValidationStream));
        }
        else
        {
            _validationUsers = [];
        }

        _validationRecall = new double[_validationUsers.Length];
        int workers = _count < MinRatingsForThreads ? 1 : Math.Clamp(options.ThreadCount, 1, _grid);
        _pool = new WorkerPool(workers);
        _runner = new StratifiedRunner(_grid, workers, StratifiedRunner.RowsAsLanes(_n, _m));
        _runBlock = RunBlock;
        int scratch = _validationUsers.Length == 0 ? 0 : workers;
        _workerScores = new float[scratch][];
        _workerTopScores = new float[scratch][];
        _workerTopItems = new int[scratch][];
        for (int w = 0; w < scratch; w++)
        {
            _workerScores[w] = new float[_m];
            _workerTopScores[w] = new float[RecallCutoff];
            _workerTopItems[w] = new int[RecallCutoff];
        }
    }

    private enum Phase
    {
        Sgd,
        Validate,
    }

    /// <summary>B, the number of user groups and of item groups.</summary>
    public int GridSize => _grid;

    /// <summary>The kernel family in use.</summary>
    public BprKernels.KernelKind Kernel => _kernel;

    /// <summary>b_i (live; zero without item biases).</summary>
    public float[] ItemBiases => _bi;

    /// <summary>The validation users whose recall is measured, ascending.</summary>
    public ReadOnlySpan<int> ValidationUsers => _validationUsers;

    /// <summary>The number of triples the last epoch applied (interactions whose negative could not be drawn are skipped).</summary>
    public long LastApplied => _lastApplied;

    /// <inheritdoc/>
    public int WorkerCount => _pool.WorkerCount;

    /// <inheritdoc/>
    public bool HasValidation => _validationUsers.Length > 0;

    /// <inheritdoc/>
    string? ITraining<FactorizationModel>.EarlyStoppingUnsupportedReason => null;

    /// <summary>
    /// One epoch with the given step size and penalties: one triple per training interaction, in this
    /// epoch's stratified order. Returns the sum of −ln σ(x_uij) over the applied triples, each taken just
    /// before its own update. Checks <paramref name="cancellationToken"/> before every block.
    /// </summary>
    public double RunEpoch(float learningRate, float regularization, float biasRegularization, CancellationToken cancellationToken)
    {
        _epoch++;
        _learningRate = learningRate;
        _shrink = 1 - (learningRate * regularization);
        _biasShrink = 1 - (learningRate * biasRegularization);
        _schedule.Plan(_blockOffsets);
        _runner.Start(_schedule.Blocks);
        _phase = Phase.Sgd;
        _epochToken = cancellationToken;
        _pool.Run(this, _runner.Tasks, cancellationToken);
        _epochToken = default;
        cancellationToken.ThrowIfCancellationRequested();

        double loss = 0;
        long applied = 0;
        for (int b = 0; b < _blockLoss.Length; b++)
        {
            loss += _blockLoss[b];
            applied += _blockApplied[b];
        }

        _lastApplied = applied;
        return loss;
    }

    /// <summary>
    /// Recall@10 of the validation items over the sampled validation users: for each, the share of their
    /// validation items among the 10 best-scored items they have no training interaction with (scores
    /// ⟨p_u, q_j⟩ + b_j, as the model's), averaged over the users. NaN without validation.
    /// </summary>
    public double ValidationRecall()
    {
        if (_validationUsers.Length == 0)
        {
            return double.NaN;
        }

        if (_evaluatedEpoch != _epoch)
        {
            _phase = Phase.Validate;
            _pool.Run(this, (_validationUsers.Length + ValidationChunk - 1) / ValidationChunk);
            double total = 0;
            foreach (double recall in _validationRecall)
            {
                total += recall;
            }

            _evaluatedRecall = total / _validationUsers.Length;
            _evaluatedEpoch = _epoch;
        }

        return _evaluatedRecall;
    }

    /// <summary>
    /// The L2 term of the objective, as the expected penalty per triple: (1/|Ω|)·(Σ_u n_u·(λ/2)‖p_u‖² +
    /// Σ_i n_i·((λ/2)‖q_i‖² + (λ_b/2)b_i²)) for the users and interacted items, plus Σ_j π_j·((λ/2)‖q_j‖² +
    /// (λ_b/2)b_j²) for the negative, π the sampling distribution.
    /// </summary>
    public double RegularizationLoss(double regularization, double biasRegularization)
    {
        ReadOnlySpan<float> p = _users.Values, q = _items.Values;
        double users = 0, positives = 0, negatives = 0;
        for (int u = 0; u < _n; u++)
        {
            ReadOnlySpan<float> row = p.Slice(u * _stride, _stride);
            users += _userCounts[u] * RowKernels.Dot(row, row);
        }

        for (int i = 0; i < _m; i++)
        {
            ReadOnlySpan<float> row = q.Slice(i * _stride, _stride);
            double penalty = (regularization * RowKernels.Dot(row, row)) + (biasRegularization * _bi[i] * _bi[i]);
            positives += _itemCounts[i] * penalty;
            negatives += _samplingProbability[i] * penalty;
        }

        return 0.5 * ((((regularization * users) + positives) / _count) + negatives);
    }

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.Step(int iteration, CancellationToken cancellationToken)
    {
        _lastLearningRate = _epochLearningRate;
        double loss = RunEpoch((float)_epochLearningRate, (float)_options.Regularization, (float)_options.BiasRegularization, cancellationToken);
        _epochLearningRate *= _options.LearningRateDecay;
        _lastObservedLoss = _lastApplied == 0 ? 0 : loss / _lastApplied;
        return _lastObservedLoss;
    }

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.LearningRate(int iteration) => _lastLearningRate;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.ValidationLoss() => 1 - ValidationRecall();

    /// <inheritdoc/>
    TrainingProgress ITraining<FactorizationModel>.Measure(double? validationLoss)
    {
        var progress = new TrainingProgress
        {
            ObservedLoss = _lastObservedLoss,
            RegularizationLoss = RegularizationLoss(_options.Regularization, _options.BiasRegularization),
        };
        if (!HasValidation)
        {
            return progress;
        }

        double recall = ValidationRecall();
        return progress with { ValidationLoss = 1 - recall, ValidationRecallAt10 = recall };
    }

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Describe(in TrainingProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"BPR loss {progress.ObservedLoss}, regularization {progress.RegularizationLoss}{(progress.ValidationRecallAt10 is { } r ? $", validation recall@10 {r}" : string.Empty)}");

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture,
        $"BPR loss {final.ObservedLoss}{(final.ValidationRecallAt10 is { } r ? $", validation recall@10 {r}" : string.Empty)}");

    /// <inheritdoc/>
    void ITraining<FactorizationModel>.KeepBest()
    {
        _bestUsers ??= new float[_n * _d];
        _bestItems ??= new float[_m * _d];
        _bestItemBiases ??= new float[_m];
        _users.CopyTo(_bestUsers);
        _items.CopyTo(_bestItems);
        _bi.CopyTo(_bestItemBiases, 0);
    }

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.ToModel(bool best)
    {
        float[] users = best ? _bestUsers! : _users.ToCompactArray();
        float[] items = best ? _bestItems! : _items.ToCompactArray();
        float[]? itemBiases = !_biases ? null : best ? _bestItemBiases! : (float[])_bi.Clone();
        return new FactorizationModel(_catalog, _d, users, items, itemBiases is null ? null : new float[_n], itemBiases, 0, _options, support: _support);
    }

    /// <inheritdoc/>
    public bool AllFinite() =>
        TensorPrimitivesExtensions.AllFinite(_users.Values) && TensorPrimitivesExtensions.AllFinite(_items.Values) && TensorPrimitivesExtensions.AllFinite(_bi);

    /// <summary>p as a new compact N×d array.</summary>
    public float[] CopyUsers() => _users.ToCompactArray();

    /// <summary>q as a new compact M×d array.</summary>
    public float[] CopyItems() => _items.ToCompactArray();

    /// <summary>The number of interactions in each block, row-major over the grid. For tests.</summary>
    internal int[] BlockSizes()
    {
        var sizes = new int[_grid * _grid];
        for (int b = 0; b < sizes.Length; b++)
        {
            sizes[b] = _blockOffsets[b + 1] - _blockOffsets[b];
        }

        return sizes;
    }

    /// <summary>The items of each item group, ascending. For tests.</summary>
    internal int[][] ItemGroups()
    {
        var groups = new int[_grid][];
        for (int c = 0; c < _grid; c++)
        {
            groups[c] = _groupItems[_groupOffsets[c].._groupOffsets[c + 1]];
        }

        return groups;
    }

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    void IBlockWork.Execute(int task, int worker)
    {
        if (_phase == Phase.Validate)
        {
            ValidationTask(task, worker);
            return;
        }

        _runner.Run(task, _runBlock, _epochToken);
    }

    private void RunBlock(int block)
    {
        switch (_kernel)
        {
            case BprKernels.KernelKind.Width512:
                RunBlock<BprKernels.Width512>(block);
                break;
            case BprKernels.KernelKind.Width256:
                RunBlock<BprKernels.Width256>(block);
                break;
            default:
                RunBlock<BprKernels.Scalar>(block);
                break;
        }
    }

    /// <summary>Shuffles one block's interactions with the block's generator, then draws each one's negative and applies its update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunBlock<TKernel>(int block)
        where TKernel : struct, BprKernels.IRowKernel
    {
        int start = _blockOffsets[block], length = _blockOffsets[block + 1] - start;
        _blockLoss[block] = 0;
        _blockApplied[block] = 0;
        if (length == 0)
        {
            return;
        }

        ref BprEntry entries = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), start);
        ulong state = _blockRandom[block];
        for (int a = length - 1; a > 0; a--)
        {
            int b = (int)(((SplitMix64(ref state) >> 32) * (ulong)(uint)(a + 1)) >> 32);
            (Unsafe.Add(ref entries, a), Unsafe.Add(ref entries, b)) = (Unsafe.Add(ref entries, b), Unsafe.Add(ref entries, a));
        }

        int group = block % _grid;
        ReadOnlySpan<int> candidates = _groupItems.AsSpan(_groupOffsets[group], _groupOffsets[group + 1] - _groupOffsets[group]);
        ReadOnlySpan<double> cumulative = _groupCumulative is null ? default : _groupCumulative.AsSpan(_groupOffsets[group], candidates.Length);
        int stride = _stride;
        float lr = _learningRate, shrink = _shrink, biasShrink = _biasShrink;
        bool biases = _biases;
        ref float u0 = ref _users.First;
        ref float v0 = ref _items.First;
        ref float bi = ref MemoryMarshal.GetArrayDataReference(_bi);
        double loss = 0;
        int applied = 0;
        for (int k = 0; k < length; k++)
        {
            ref BprEntry entry = ref Unsafe.Add(ref entries, k);
            int user = entry.User, item = entry.Item;
            int negative = DrawNegative(candidates, cumulative, _trainItems.AsSpan(_trainOffsets[user], _userCounts[user]), ref state);
            if (negative < 0)
            {
                continue;
            }

            ref float positiveBias = ref Unsafe.Add(ref bi, item);
            ref float negativeBias = ref Unsafe.Add(ref bi, negative);
            float x = TKernel.Update(ref Unsafe.Add(ref u0, (nint)user * stride), ref Unsafe.Add(ref v0, (nint)item * stride), ref Unsafe.Add(ref v0, (nint)negative * stride),
                stride, positiveBias - negativeBias, lr, shrink, out float gradient);
            if (biases)
            {
                positiveBias = (biasShrink * positiveBias) + (lr * gradient);
                negativeBias = (biasShrink * negativeBias) - (lr * gradient);
            }

            loss += BprKernels.Loss(x);
            applied++;
        }

        _blockRandom[block] = state;
        _blockLoss[block] = loss;
        _blockApplied[block] = applied;
    }

    /// <summary>
    /// B: 1 below <see cref="MinRatingsForThreads"/> interactions (one thread; negatives from the whole
    /// catalogue), else the biased-SGD grid (<see cref="StratifiedSchedule.GridSizeFor"/>) halved while an item
    /// group would hold fewer than <see cref="MinItemsPerGroup"/> items. Depends on the data's sizes only.
    /// </summary>
    internal static int GridSizeFor(int n, int m, int count, int stride)
    {
        if (count < MinRatingsForThreads)
        {
            return 1;
        }

        int grid = StratifiedSchedule.GridSizeFor(n, m, stride);
        while (grid > 1 && m / grid < MinItemsPerGroup)
        {
            grid /= 2;
        }

        return grid;
    }

    /// <summary>An item of the group the user has no interaction with, drawn uniformly or by the cumulative weights; −1 after <see cref="MaxDraws"/> draws of the user's own items.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DrawNegative(ReadOnlySpan<int> candidates, ReadOnlySpan<double> cumulative, ReadOnlySpan<int> userItems, ref ulong state)
    {
        if (candidates.IsEmpty)
        {
            return -1;
        }

        for (int attempt = 0; attempt < MaxDraws; attempt++)
        {
            ulong bits = SplitMix64(ref state);
            int index;
            if (cumulative.IsEmpty)
            {
                index = (int)(((bits >> 32) * (ulong)(uint)candidates.Length) >> 32);
            }
            else
            {
                index = FirstAbove(cumulative, (bits >> 11) * (1.0 / (1UL << 53)) * cumulative[^1]);
            }

            int item = candidates[index];
            if (userItems.BinarySearch(item) < 0)
            {
                return item;
            }
        }

        return -1;
    }

    /// <summary>The first index whose cumulative weight exceeds <paramref name="target"/> (&lt; the last one), so that zero-weight items are never chosen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstAbove(ReadOnlySpan<double> cumulative, double target)
    {
        int low = 0, high = cumulative.Length - 1;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (cumulative[middle] > target)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    private void ValidationTask(int task, int worker)
    {
        float[] scores = _workerScores[worker];
        Span<float> topScores = _workerTopScores[worker];
        Span<int> topItems = _workerTopItems[worker];
        ReadOnlySpan<float> p = _users.Values, q = _items.Values;
        for (int k = task * ValidationChunk, end = Math.Min(_validationUsers.Length, k + ValidationChunk); k < end; k++)
        {
            int u = _validationUsers[k];
            ScoreKernel.DotAll(q, _stride, p.Slice(u * _stride, _stride), scores);
            if (_biases)
            {
                for (int j = 0; j < _m; j++)
                {
                    scores[j] += _bi[j];
                }
            }

            int kept = TopK.Select(scores, _trainItems.AsSpan(_trainOffsets[u], _userCounts[u]), -1, topScores, topItems);
            ReadOnlySpan<int> relevant = _validationItems!.AsSpan(_validationOffsets![u], _validationOffsets[u + 1] - _validationOffsets[u]);
            int hits = 0;
            for (int r = 0; r < kept; r++)
            {
                hits += relevant.BinarySearch(topItems[r]) >= 0 ? 1 : 0;
            }

            _validationRecall[k] = (double)hits / relevant.Length;
        }
    }

    /// <summary>The users with validation interactions, at most <paramref name="max"/> of them drawn from the seed, ascending.</summary>
    private static int[] SampleValidationUsers(int[] offsets, int max, SeededRandom random)
    {
        var users = new List<int>();
        for (int u = 0; u + 1 < offsets.Length; u++)
        {
            if (offsets[u + 1] > offsets[u])
            {
                users.Add(u);
            }
        }

        int[] all = [.. users];
        if (all.Length > max)
        {
            random.Shuffle(all.AsSpan());
            all = all[..max];
            Array.Sort(all);
        }

        return all;
    }

    /// <summary>Each item group's items, ascending, with their cumulative sampling weights for popularity sampling.</summary>
    private (int[] Offsets, int[] Items, double[]? Cumulative) Samplers(int[] itemGroup, double[] weights, bool popularity)
    {
        var offsets = new int[_grid + 1];
        foreach (int g in itemGroup)
        {
            offsets[g + 1]++;
        }

        for (int g = 0; g < _grid; g++)
        {
            offsets[g + 1] += offsets[g];
        }

        var cursor = offsets[.._grid];
        var items = new int[_m];
        for (int i = 0; i < _m; i++)
        {
            items[cursor[itemGroup[i]]++] = i;
        }

        if (!popularity)
        {
            return (offsets, items, null);
        }

        var cumulative = new double[_m];
        for (int g = 0; g < _grid; g++)
        {
            double sum = 0;
            for (int k = offsets[g]; k < offsets[g + 1]; k++)
            {
                sum += weights[items[k]];
                cumulative[k] = sum;
            }
        }

        return (offsets, items, cumulative);
    }

    /// <summary>The interactions grouped by block (row-major over the grid), user-major within a block, and the block offsets.</summary>
    private (BprEntry[] Entries, int[] Offsets) Arrange(int[] userGroup, int[] itemGroup)
    {
        int blockCount = _grid * _grid;
        var offsets = new int[blockCount + 1];
        for (int u = 0; u < _n; u++)
        {
            int row = userGroup[u] * _grid;
            for (int p = _trainOffsets[u]; p < _trainOffsets[u + 1]; p++)
            {
                offsets[row + itemGroup[_trainItems[p]] + 1]++;
            }
        }

        for (int b = 0; b < blockCount; b++)
        {
            offsets[b + 1] += offsets[b];
        }

        var cursor = offsets[..blockCount];
        var entries = new BprEntry[_count];
        for (int u = 0; u < _n; u++)
        {
            int row = userGroup[u] * _grid;
            for (int p = _trainOffsets[u]; p < _trainOffsets[u + 1]; p++)
            {
                int item = _trainItems[p];
                entries[cursor[row + itemGroup[item]]++] = new BprEntry { User = u, Item = item };
            }
        }

        return (entries, offsets);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
