using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.Als;

/// <summary>The explicit ALS objective and errors at the current factors (sums, not means).</summary>
/// <param name="SquaredError">Σ_Ω (r − μ − b_u − b_i − ⟨p_u, q_i⟩)² over the training ratings.</param>
/// <param name="UserPenalty">Σ_u w_u·(‖p_u‖² + b_u²), w_u = n̄^(1−ν)·n_u^ν (n_u for the weighted λ, ν = 1; <see cref="AlsPenalty"/>).</param>
/// <param name="ItemPenalty">Σ_i w_i·(‖q_i‖² + b_i²), likewise.</param>
/// <param name="ValidationSquaredError">The same squared error over the validation ratings (0 without).</param>
internal readonly record struct AlsEvaluation(double SquaredError, double UserPenalty, double ItemPenalty, double ValidationSquaredError);

/// <summary>
/// The state of one explicit ALS fit: U, V and the biases, the training CSR views both ways, one
/// <see cref="AlsScratch"/> per worker and a <see cref="WorkerPool"/>. A half-sweep solves, for every
/// user (or item) independently, the weighted-λ ridge regression
/// <c>min Σ_i (r_ui − μ − b_i − b_u − ⟨p_u, q_i⟩)² + λ·n_u·(‖p_u‖² + b_u²)</c> over [p_u; b_u]
/// (with a regularization exponent ν &lt; 1, λ·n̄^(1−ν)·n_u^ν in place of λ·n_u: <see cref="AlsPenalty"/>)
/// by a Cholesky solve of its (d+1)×(d+1) normal equations (d×d without biases). Rows without
/// ratings get 0. Each row is solved by one thread from data fixed during the half-sweep, and loss
/// partial sums are per fixed block, added in block order, so results are bit-identical for any
/// thread count. Allocates nothing per half-sweep.
/// </summary>
internal sealed class AlsTraining : IBlockWork, ITraining<FactorizationModel>
{
    /// <summary>d, the embedding dimension.</summary>
    private readonly TrainingSupport _support;
    private readonly int _d;

    /// <summary>The row stride of the Gram matrices: d rounded up for <see cref="GramKernel"/> (<see cref="GramKernel.RowStride"/>).</summary>
    private readonly int _gramStride;

    private readonly int _order;
    private readonly int _n;
    private readonly int _m;
    private readonly double _lambda;

    /// <summary>The penalty weights of the user rows and of the item rows.</summary>
    private readonly AlsPenalty _userPenalty;
    private readonly AlsPenalty _itemPenalty;
    private readonly bool _biases;
    private readonly float _mu;

    /// <summary>The training rows both ways and the validation rows, read through the datasets' row sources (a split is never materialised).</summary>
    private readonly RatingRows _userRows;
    private readonly RatingRows _itemRows;
    private readonly RatingRows? _validationRows;

    private readonly float[] _u;
    private readonly float[] _v;
    private readonly float[] _bu;
    private readonly float[] _bv;

    private readonly int[] _userBlocks;
    private readonly int[] _itemBlocks;
    private readonly int[] _validationBlocks;

    /// <summary>The range validation predictions are clamped to, as the trained model's <c>Predict</c> will (null: none); the training error stays that of the objective.</summary>
    private readonly RatingRange? _validationRange;
    private readonly double[] _blockSse;
    private readonly double[] _blockUserPenalty;
    private readonly double[] _blockItemPenalty;
    private readonly double[] _blockValidationSse;

    private readonly AlsScratch[] _scratch;

    /// <summary>One row gather buffer per worker (empty when no side is a view).</summary>
    private readonly RowBuffer[] _buffers;
    private readonly WorkerPool _pool;
    private volatile bool _failed;

    private Phase _phase;

    /// <summary>The options the model carries (null for trainings built by tests, which never build a model).</summary>
    private readonly AlsOptions? _options;

    /// <summary>The number of sweeps run, and the one <see cref="_evaluation"/> was measured after (−1: none).</summary>
    private int _sweeps;
    private int _evaluatedSweep = -1;
    private AlsEvaluation _evaluation;
    private float[]? _bestUsers;
    private float[]? _bestItems;
    private float[]? _bestUserBiases;
    private float[]? _bestItemBiases;

    /// <summary>Prepares a fit and takes ownership of the given factor and bias arrays as the starting point.</summary>
    /// <param name="train">Non-empty training ratings.</param>
    /// <param name="validation">Validation ratings over the same catalogue, or <see langword="null"/>.</param>
    /// <param name="dimensions">d.</param>
    /// <param name="lambda">λ of the weighted-λ penalty, positive.</param>
    /// <param name="exponent">ν, the exponent of a row's rating count in its penalty (<see cref="AlsPenalty"/>), in [0, 1]; 1 for the weighted λ.</param>
    /// <param name="biases">Whether to learn μ-centred user and item biases (μ = the training mean).</param>
    /// <param name="maxThreads">The most workers.</param>
    /// <param name="users">U, N·d.</param>
    /// <param name="items">V, M·d.</param>
    /// <param name="userBiases">b_u, N (zeros without biases).</param>
    /// <param name="itemBiases">b_i, M (zeros without biases).</param>
    /// <param name="validationRange">The range the validation predictions are clamped to (the model's prediction range), or <see langword="null"/>.</param>
    /// <param name="options">The options the model will carry.</param>
    public AlsTraining(RatingsDataset train, RatingsDataset? validation, int dimensions, double lambda, double exponent, bool biases, int maxThreads, float[] users, float[] items, float[] userBiases, float[] itemBiases,
        RatingRange? validationRange = null, AlsOptions? options = null)
    {
        _options = options;
        _validationRange = validationRange;
        Debug.Assert(train.Count > 0 && lambda > 0);
        _d = dimensions;
        _gramStride = GramKernel.RowStride(dimensions);
        _order = dimensions + (biases ? 1 : 0);
        _n = train.UserCount;
        _m = train.ItemCount;
        Catalog = train.Catalog;
        _support = TrainingSupport.Of(train);
        _lambda = lambda;
        _userPenalty = new AlsPenalty(lambda, exponent, train.Count, _n);
        _itemPenalty = new AlsPenalty(lambda, exponent, train.Count, _m);
        _biases = biases;
        Debug.Assert(users.Length == _n * _d && items.Length == _m * _d && userBiases.Length == _n && itemBiases.Length == _m);

        _userRows = train.UserRows;
        _itemRows = train.ItemRows;
        if (validation is { Count: > 0 })
        {
            _validationRows = WorkingRatings.ValidationRows(validation);
            ValidationCount = validation.Count;
        }

        _mu = biases ? (float)DatasetStatistics.GlobalMean(train) : 0f;
        TrainCount = train.Count;

        _u = users;
        _v = items;
        _bu = userBiases;
        _bv = itemBiases;

        // A rating costs a packed-row copy, the rhs update and ~dp²/2 Gram multiply-adds; a row its
        // Cholesky solve (order³/6) and the system assembly.
        long perEntry = ((long)_gramStride * _gramStride / 2) + (3L * _gramStride);
        long perRow = ((long)_order * _order * _order / 6) + ((long)_order * _order) + 64;
        _userBlocks = RowPartition.Create(_userRows.Offsets, perEntry, perRow);
        _itemBlocks = RowPartition.Create(_itemRows.Offsets, perEntry, perRow);
        _validationBlocks = _validationRows is null ? [0] : RowPartition.Create(_validationRows.Offsets, _d, _d);
        _blockSse = new double[_userBlocks.Length - 1];
        _blockUserPenalty = new double[_userBlocks.Length - 1];
        _blockItemPenalty = new double[_itemBlocks.Length - 1];
        _blockValidationSse = new double[_validationBlocks.Length - 1];

        int workers = Math.Clamp(maxThreads, 1, Math.Max(1, Math.Max(_userBlocks.Length, _itemBlocks.Length) - 1));
        _scratch = new AlsScratch[workers];
        _buffers = new RowBuffer[workers];
        int gather = Math.Max(_userRows.GatherCapacity, Math.Max(_itemRows.GatherCapacity, _validationRows?.GatherCapacity ?? 0));
        for (int w = 0; w < workers; w++)
        {
            _scratch[w] = new AlsScratch(_d, _order, weighted: false);
            _buffers[w] = new RowBuffer(gather);
        }

        _pool = new WorkerPool(workers);
    }

    private enum Phase
    {
        Users,
        Items,
        Evaluate,
    }

    /// <summary>The training set's catalogue.</summary>
    public Catalog Catalog { get; }

    /// <summary>U (N·d, row-major).</summary>
    public float[] Users => _u;

    /// <summary>V (M·d, row-major).</summary>
    public float[] Items => _v;

    /// <summary>b_u (zeros without biases).</summary>
    public float[] UserBiases => _bu;

    /// <summary>b_i (zeros without biases).</summary>
    public float[] ItemBiases => _bv;

    /// <summary>μ: the training mean with biases, else 0.</summary>
    public float GlobalMean => _mu;

    /// <summary>|Ω|.</summary>
    public int TrainCount { get; }

    /// <summary>The number of validation ratings (0 without).</summary>
    public int ValidationCount { get; }

    /// <summary>Whether a validation set was given.</summary>
    public bool HasValidation => _validationRows is not null;

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _pool.WorkerCount;

    /// <summary>The number of user blocks of a half-sweep (for tests).</summary>
    internal int UserBlockCount => _userBlocks.Length - 1;

    /// <summary>User block boundaries: block b holds users <c>[bounds[b], bounds[b+1])</c> (for tests).</summary>
    internal ReadOnlySpan<int> UserBlockBounds => _userBlocks;

    /// <summary>Test hook: called with the block index before each solve block starts (on the worker's thread).</summary>
    internal Action<int>? BlockStarting { get; set; }

    /// <summary>Solves every user's row from the current V and item biases.</summary>
    /// <returns><see langword="false"/> when a system was not positive definite or a solution not finite (the fit diverged).</returns>
    /// <exception cref="OperationCanceledException">Cancelled between two blocks.</exception>
    public bool SolveUsers(CancellationToken cancellationToken) => RunSolve(Phase.Users, cancellationToken);

    /// <summary>Solves every item's row from the current U and user biases.</summary>
    /// <returns><see langword="false"/> when the fit diverged.</returns>
    /// <exception cref="OperationCanceledException">Cancelled between two blocks.</exception>
    public bool SolveItems(CancellationToken cancellationToken) => RunSolve(Phase.Items, cancellationToken);

    /// <summary>The squared errors and penalties at the current factors.</summary>
    public AlsEvaluation Evaluate()
    {
        RunPhase(Phase.Evaluate);
        double sse = 0, userPenalty = 0, itemPenalty = 0, validation = 0;
        for (int b = 0; b < _blockSse.Length; b++)
        {
            sse += _blockSse[b];
            userPenalty += _blockUserPenalty[b];
        }

        for (int b = 0; b < _blockItemPenalty.Length; b++)
        {
            itemPenalty += _blockItemPenalty[b];
        }

        for (int b = 0; b < _blockValidationSse.Length; b++)
        {
            validation += _blockValidationSse[b];
        }

        return new AlsEvaluation(sse, userPenalty, itemPenalty, validation);
    }

    /// <summary>Solves one row with worker <paramref name="worker"/>'s buffers (benchmarks and tests); allocates nothing.</summary>
    /// <returns><see langword="false"/> when the system was not positive definite or the solution not finite.</returns>
    public bool SolveRow(bool user, int row, int worker = 0) => user
        ? SolveRow(row, _userRows, _userPenalty, _v, _bv, _u, _bu, _scratch[worker], _buffers[worker])
        : SolveRow(row, _itemRows, _itemPenalty, _u, _bu, _v, _bv, _scratch[worker], _buffers[worker]);

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    string? ITraining<FactorizationModel>.EarlyStoppingUnsupportedReason => null;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.Step(int iteration, CancellationToken cancellationToken)
    {
        bool solved = SolveUsers(cancellationToken) && SolveItems(cancellationToken);
        _sweeps++;
        return solved ? 0 : double.NaN;
    }

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.LearningRate(int iteration) => double.NaN;

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.ValidationLoss() => EvaluateOnce().ValidationSquaredError / ValidationCount;

    /// <inheritdoc/>
    TrainingProgress ITraining<FactorizationModel>.Measure(double? validationLoss)
    {
        AlsEvaluation e = EvaluateOnce();
        double trainMse = e.SquaredError / TrainCount;
        double? validationMse = HasValidation ? e.ValidationSquaredError / ValidationCount : null;
        return new TrainingProgress
        {
            ObservedLoss = trainMse,
            RegularizationLoss = _lambda * (e.UserPenalty + e.ItemPenalty) / TrainCount,
            TrainMse = trainMse,
            ValidationMse = validationMse,
            ValidationLoss = validationMse,
        };
    }

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Describe(in TrainingProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"train MSE {Display.Number(progress.TrainMse)}{(progress.ValidationMse is { } v ? $", validation MSE {Display.Number(v)}" : string.Empty)}; objective/|Ω| {Display.Number(progress.TotalLoss)} = squared error {Display.Number(progress.ObservedLoss)} + regularization {Display.Number(progress.RegularizationLoss)}");

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture, $"train MSE {Display.Number(final.TrainMse)}");

    /// <inheritdoc/>
    void ITraining<FactorizationModel>.KeepBest()
    {
        _bestUsers ??= new float[_u.Length];
        _bestItems ??= new float[_v.Length];
        _bestUserBiases ??= new float[_bu.Length];
        _bestItemBiases ??= new float[_bv.Length];
        _u.CopyTo(_bestUsers, 0);
        _v.CopyTo(_bestItems, 0);
        _bu.CopyTo(_bestUserBiases, 0);
        _bv.CopyTo(_bestItemBiases, 0);
    }

    /// <inheritdoc/>
    bool ITraining<FactorizationModel>.AllFinite() =>
        TensorPrimitivesExtensions.AllFinite(_u) && TensorPrimitivesExtensions.AllFinite(_v) && TensorPrimitivesExtensions.AllFinite(_bu) && TensorPrimitivesExtensions.AllFinite(_bv);

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.ToModel(bool best) => Model(best, copy: false);

    /// <inheritdoc/>
    /// <remarks>A sweep depends on the current factors only.</remarks>
    bool ITraining<FactorizationModel>.Continuable => true;

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.CopyModel(bool best) => Model(best, copy: true);

    /// <summary>The model of the current or best parameters, taking the training's arrays or copies of them.</summary>
    private FactorizationModel Model(bool best, bool copy)
    {
        float[] users = Own(best ? _bestUsers! : _u), items = Own(best ? _bestItems! : _v);
        return _biases
            ? new FactorizationModel(Catalog, _d, users, items, Own(best ? _bestUserBiases! : _bu), Own(best ? _bestItemBiases! : _bv), _mu, _options, _validationRange, support: _support)
            : new FactorizationModel(Catalog, _d, users, items, null, null, 0, _options, _validationRange, support: _support);

        float[] Own(float[] array) => copy ? (float[])array.Clone() : array;
    }

    /// <inheritdoc/>
    long ITraining<FactorizationModel>.RetainedBytes =>
        ((_bestUsers is null ? 4L : 8L) * ((long)_u.Length + _v.Length + _bu.Length + _bv.Length))
        + (16L * TrainCount) + (8L * ValidationCount);

    /// <summary>The evaluation of the current sweep, measured once however often the loop asks.</summary>
    private AlsEvaluation EvaluateOnce()
    {
        if (_evaluatedSweep != _sweeps)
        {
            _evaluation = Evaluate();
            _evaluatedSweep = _sweeps;
        }

        return _evaluation;
    }

    /// <inheritdoc/>
    void IBlockWork.Execute(int block, int worker)
    {
        AlsScratch scratch = _scratch[worker];
        RowBuffer buffer = _buffers[worker];
        switch (_phase)
        {
            case Phase.Users:
                BlockStarting?.Invoke(block);
                for (int r = _userBlocks[block], end = _userBlocks[block + 1]; r < end; r++)
                {
                    if (!SolveRow(r, _userRows, _userPenalty, _v, _bv, _u, _bu, scratch, buffer))
                    {
                        _failed = true;
                    }
                }

                break;
            case Phase.Items:
                BlockStarting?.Invoke(block);
                for (int r = _itemBlocks[block], end = _itemBlocks[block + 1]; r < end; r++)
                {
                    if (!SolveRow(r, _itemRows, _itemPenalty, _u, _bu, _v, _bv, scratch, buffer))
                    {
                        _failed = true;
                    }
                }

                break;
            case Phase.Evaluate:
                int userTasks = _blockSse.Length, itemTasks = _blockItemPenalty.Length;
                if (block < userTasks)
                {
                    EvaluateUsers(block, buffer);
                }
                else if (block < userTasks + itemTasks)
                {
                    _blockItemPenalty[block - userTasks] = Penalty(_itemBlocks, block - userTasks, _itemRows.Offsets, _itemPenalty, _v, _bv);
                }
                else
                {
                    int b = block - userTasks - itemTasks;
                    _blockValidationSse[b] = SquaredError(_validationBlocks[b], _validationBlocks[b + 1], _validationRows!, _validationRange, buffer);
                }

                break;
        }
    }

    /// <summary>Runs a solve phase, checking <paramref name="cancellationToken"/> before every block; <see langword="false"/> when a row failed.</summary>
    private bool RunSolve(Phase phase, CancellationToken cancellationToken)
    {
        _failed = false;
        RunPhase(phase, cancellationToken);
        return !_failed;
    }

    private void RunPhase(Phase phase, CancellationToken cancellationToken = default)
    {
        _phase = phase;
        _pool.Run(this, phase switch
        {
            Phase.Users => _userBlocks.Length - 1,
            Phase.Items => _itemBlocks.Length - 1,
            _ => _blockSse.Length + _blockItemPenalty.Length + _blockValidationSse.Length,
        }, cancellationToken);
    }

    /// <summary>
    /// Solves row <paramref name="r"/> of the target side: gathers the other side's rows of its
    /// ratings into packed chunks (with targets t = r − μ − b_other), accumulates the Gram matrix,
    /// Σ t·y and Σ y, adds λ·n to the diagonal, and solves by Cholesky.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SolveRow(int r, RatingRows rows, in AlsPenalty penalty, float[] other, float[] otherBias, float[] target, float[] targetBias, AlsScratch s, RowBuffer buffer)
    {
        int d = _d, dp = _gramStride, order = _order, stride = s.Stride;
        int count = rows.Row(r, buffer, out ReadOnlySpan<int> columns, out ReadOnlySpan<float> values);
        Span<float> row = target.AsSpan(r * d, d);
        if (count == 0)
        {
            row.Clear();
            targetBias[r] = 0;
            return true;
        }

        double lambdaN = penalty.Weight(count);
        Span<double> system = s.System;
        Span<double> rhs = s.Rhs;
        Span<double> sum = s.Sum;
        Span<float> chunkRhs = s.ChunkRhs;
        Span<float> chunkSum = _biases ? s.ChunkSum : default;
        rhs.Clear();
        sum.Clear();
        double targetSum = 0;
        float mu = _mu;
        for (int c0 = 0; c0 < count; c0 += GramKernel.ChunkRows)
        {
            int chunk = Math.Min(GramKernel.ChunkRows, count - c0);
            chunkRhs.Clear();
            chunkSum.Clear();
            for (int k = 0; k < chunk; k++)
            {
                int j = columns[c0 + k];
                float t = values[c0 + k] - mu - otherBias[j];
                targetSum += t;
                AlsRowKernels.Pack(other.AsSpan(j * d, d), s.Packed.PaddedRow(k), t, chunkRhs, chunkSum);
            }

            GramKernel.Accumulate(s.Packed.Values, s.Packed.Values, chunk, dp, system, stride, overwrite: c0 == 0);
            AlsRowKernels.AddWidened(chunkRhs, rhs);
            if (_biases)
            {
                AlsRowKernels.AddWidened(chunkSum, sum);
            }
        }

        int padded = CholeskySolver.PaddedOrder(order);
        for (int a = 0; a < d; a++)
        {
            system[(a * stride) + a] += lambdaN;
        }

        if (_biases)
        {
            for (int a = 0; a < d; a++)
            {
                system[(a * stride) + d] = sum[a];
            }

            system[(d * stride) + d] = count + lambdaN;
            rhs[d] = targetSum;
        }

        for (int a = 0; a < order; a++)
        {
            system.Slice((a * stride) + order, padded - order).Clear();
        }

        rhs[order..].Clear();
        if (!CholeskySolver.TrySolve(system, order, stride, rhs))
        {
            return false;
        }

        bool finite = true;
        for (int k = 0; k < d; k++)
        {
            float x = (float)rhs[k];
            finite &= float.IsFinite(x);
            row[k] = x;
        }

        float bias = _biases ? (float)rhs[d] : 0f;
        targetBias[r] = bias;
        return finite && float.IsFinite(bias);
    }

    private void EvaluateUsers(int block, RowBuffer buffer)
    {
        int r0 = _userBlocks[block], r1 = _userBlocks[block + 1];
        _blockSse[block] = SquaredError(r0, r1, _userRows, null, buffer);
        _blockUserPenalty[block] = Penalty(_userBlocks, block, _userRows.Offsets, _userPenalty, _u, _bu);
    }

    /// <summary>Σ w_r·(‖x_r‖² + b_r²) over a block's rows in double, w_r the row's penalty weight in units of λ (n_r for the weighted λ).</summary>
    private double Penalty(int[] blocks, int block, int[] offsets, in AlsPenalty weights, float[] factors, float[] biases)
    {
        int d = _d;
        double penalty = 0;
        for (int r = blocks[block], end = blocks[block + 1]; r < end; r++)
        {
            int count = offsets[r + 1] - offsets[r];
            if (count == 0)
            {
                continue;
            }

            ReadOnlySpan<float> x = factors.AsSpan(r * d, d);
            double norm = (double)biases[r] * biases[r];
            for (int k = 0; k < d; k++)
            {
                norm += (double)x[k] * x[k];
            }

            penalty += weights.Relative(count) * norm;
        }

        return penalty;
    }

    /// <summary>Σ (r − μ − b_u − b_i − ⟨p_u, q_i⟩)² over users [r0, r1) of user-major rows, in double; the predictions clamped to <paramref name="range"/> when given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double SquaredError(int r0, int r1, RatingRows rows, RatingRange? range, RowBuffer buffer)
    {
        int d = _d;
        float[] u = _u, v = _v, bv = _bv;
        bool clamp = range.HasValue;
        float low = range.GetValueOrDefault().Min, high = range.GetValueOrDefault().Max;
        double sse = 0;
        for (int r = r0; r < r1; r++)
        {
            ReadOnlySpan<float> x = u.AsSpan(r * d, d);
            float baseline = _mu + _bu[r];
            int pe = rows.Row(r, buffer, out ReadOnlySpan<int> items, out ReadOnlySpan<float> values), p = 0;
            for (; p <= pe - 4; p += 4)
            {
                int i0 = items[p], i1 = items[p + 1], i2 = items[p + 2], i3 = items[p + 3];
                Vector128<float> dots = RowKernels.Dot4(x, v.AsSpan(i0 * d, d), v.AsSpan(i1 * d, d), v.AsSpan(i2 * d, d), v.AsSpan(i3 * d, d));
                double e0 = values[p] - Clamp(baseline + bv[i0] + dots.GetElement(0), clamp, low, high);
                double e1 = values[p + 1] - Clamp(baseline + bv[i1] + dots.GetElement(1), clamp, low, high);
                double e2 = values[p + 2] - Clamp(baseline + bv[i2] + dots.GetElement(2), clamp, low, high);
                double e3 = values[p + 3] - Clamp(baseline + bv[i3] + dots.GetElement(3), clamp, low, high);
                sse += (e0 * e0) + (e1 * e1) + (e2 * e2) + (e3 * e3);
            }

            for (; p < pe; p++)
            {
                int i = items[p];
                double e = values[p] - Clamp(baseline + bv[i] + RowKernels.Dot(x, v.AsSpan(i * d, d)), clamp, low, high);
                sse += e * e;
            }
        }

        return sse;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static float Clamp(float prediction, bool clamp, float low, float high) =>
            !clamp ? prediction : prediction < low ? low : prediction > high ? high : prediction;
    }
}
