using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.SvdPlusPlus;

/// <summary>
/// The state of one SVD++ fit: p (N×d), q (M×d), the implicit factors y (M×d), b_u, b_i, μ, the training
/// ratings user-major, and a <see cref="WorkerPool"/> for the measurements. Allocates nothing per epoch
/// or per rating.
/// </summary>
/// <remarks>
/// <para><b>One epoch.</b> The users are visited in a random order (drawn per epoch from the seed), and
/// each user's ratings one after another in a random order: the implicit term z = |N(u)|^−½·Σ_(j∈N(u)) y_j
/// is summed once, the user's ratings take their SGD steps (<see cref="SvdPlusPlusKernels"/>: z and the
/// accumulated gradient g of the y_j follow every step exactly), and the accumulated gradient is pushed to
/// every y_j of N(u) once. This is Koren's (and Surprise's) per-rating SGD, which recomputes the implicit
/// sum and updates every y_j at each rating, visited user by user: the same updates in exact arithmetic,
/// in O(|Ω|·d) per epoch instead of O(Σ_u n_u²·d).</para>
/// <para><b>One thread for the updates.</b> The y_j couple every two users who rated a common item, so
/// no two users' steps can run at once without sharing parameters, and delaying the y_j updates to the
/// end of each epoch (which would let users run in parallel) oscillates at SGD step sizes: on the
/// 100k-rating synthetic set with taste-driven exposure, d = 20, lr = 0.007, its test RMSE wandered between
/// 0.706 and 0.746 over epochs 24–40 while the sequential updates improved steadily to 0.694. The updates
/// therefore run on the calling thread, which is deterministic for any thread count; the measurements
/// (every user's query and the train and validation errors) run on the pool in fixed blocks summed in block order.</para>
/// <para>Rows are <see cref="PaddedRows"/> with a stride of whole SIMD vectors where that does not waste
/// more than an eighth (<see cref="PaddedRows.WholeVectorsUnlessWasteful"/>); padding stays zero.</para>
/// </remarks>
internal sealed class SvdPlusPlusTraining : IBlockWork, ITraining<FactorizationModel>
{
    /// <summary>Below this many ratings one thread measures everything.</summary>
    internal const int MinRatingsForThreads = 20_000;

    /// <summary>Users per query task.</summary>
    private const int QueryChunk = 256;

    private const ulong EpochStream = 51;

    private readonly int _d;
    private readonly int _stride;
    private readonly SvdPlusPlusKernels.KernelKind _kernel;
    private readonly int _n;
    private readonly int _m;
    private readonly int _count;
    private readonly float _mean;

    private readonly PaddedRows _users;
    private readonly PaddedRows _items;
    private readonly PaddedRows _implicit;
    private readonly PaddedRows _queries;
    private readonly float[] _bu;
    private readonly float[] _bi;
    private readonly float[] _z;
    private readonly float[] _g;

    private readonly int[] _trainOffsets;
    private readonly int[] _trainItems;
    private readonly float[] _trainValues;
    private readonly RatingRows _trainRows;
    private readonly RatingRows? _validationRows;

    /// <summary>The training ratings user-major, each user's in the order of the last epoch.</summary>
    private readonly int[] _entryItems;
    private readonly float[] _entryValues;
    private readonly int[] _userOrder;
    private readonly SeededRandom _epochRandom;

    private readonly int[]? _validationOffsets;
    private readonly int _validationCount;
    private readonly int[] _trainChunks;
    private readonly int[] _validationChunks;
    private readonly double[] _evaluationSse;
    private readonly RatingRange? _validationRange;
    private readonly WorkerPool _pool;

    private readonly Catalog _catalog;

    /// <summary>Every user's and item's number of training ratings, and their mean, for the model.</summary>
    private readonly TrainingSupport _support;
    private readonly SvdPlusPlusOptions _options;

    private Phase _phase;
    private int _firstEvaluationTask;
    private bool _queriesCurrent;
    private double _epochLearningRate;
    private double _epochBiasLearningRate;
    private double _lastLearningRate;
    private double _lastObservedLoss;
    private float[]? _bestQueries;
    private float[]? _bestItems;
    private float[]? _bestImplicit;
    private float[]? _bestUserBiases;
    private float[]? _bestItemBiases;

    /// <summary>
    /// Prepares a fit from the starting factors <paramref name="users"/> (N·d), <paramref name="items"/> and
    /// <paramref name="implicitFactors"/> (M·d each), copied; rows without training ratings start (and stay)
    /// at zero. <paramref name="validationRange"/> is the range validation predictions are clamped to, or null.
    /// </summary>
    public SvdPlusPlusTraining(RatingsDataset train, RatingsDataset? validation, SvdPlusPlusOptions options, float[] users, float[] items, float[] implicitFactors, RatingRange? validationRange = null)
    {
        Debug.Assert(train.Count > 0);
        _catalog = train.Catalog;
        _support = TrainingSupport.Of(train);
        _options = options;
        _validationRange = validationRange;
        _epochLearningRate = options.LearningRate;
        _epochBiasLearningRate = options.EffectiveBiasLearningRate;
        _d = options.Dimensions;
        _stride = PaddedRows.WholeVectorsUnlessWasteful(_d);
        _kernel = SvdPlusPlusKernels.KindFor(_stride);
        _n = train.UserCount;
        _m = train.ItemCount;
        _count = train.Count;
        Debug.Assert(users.Length == (long)_n * _d && items.Length == (long)_m * _d && implicitFactors.Length == (long)_m * _d);

        // A split is read through its row source: its members gathered into the trainer's own CSR (held
        // for the fit, not by the view), so the view never builds CSR arrays of its own.
        CsrView byUser = train.UserRows.ToCsr(_m);
        _trainOffsets = byUser.RowOffsetArray;
        _trainItems = byUser.ColumnArray;
        _trainValues = byUser.ValueArray;
        _trainRows = RatingRows.Of(byUser);
        _entryItems = (int[])_trainItems.Clone();
        _entryValues = (float[])_trainValues.Clone();
        if (validation is { Count: > 0 })
        {
            _validationRows = WorkingRatings.ValidationRows(validation);
            _validationOffsets = _validationRows.Offsets;
            _validationCount = validation.Count;
        }

        _mean = (float)DatasetStatistics.GlobalMean(train);
        int[] itemCounts = _support.ItemCounts;
        _users = Pad(users, _n, r => _trainOffsets[r + 1] > _trainOffsets[r]);
        _items = Pad(items, _m, r => itemCounts[r] > 0);
        _implicit = Pad(implicitFactors, _m, r => itemCounts[r] > 0);
        _queries = new PaddedRows(_n, _d, _stride, aligned: true);
        _bu = new float[_n];
        _bi = new float[_m];
        _z = new float[_stride];
        _g = new float[_stride];

        _userOrder = new int[_n];
        for (int u = 0; u < _n; u++)
        {
            _userOrder[u] = u;
        }

        _epochRandom = new SeededRandom(options.Seed, EpochStream);
        _trainChunks = BiasedDotErrors.Chunks(_trainOffsets);
        _validationChunks = _validationOffsets is null ? [0] : BiasedDotErrors.Chunks(_validationOffsets);
        _evaluationSse = new double[_trainChunks.Length - 1 + _validationChunks.Length - 1];
        int workers = _count < MinRatingsForThreads ? 1 : Math.Max(1, options.ThreadCount);
        _pool = new WorkerPool(Math.Min(workers, Math.Max(_evaluationSse.Length, (_n + QueryChunk - 1) / QueryChunk)));
    }

    private enum Phase
    {
        Queries,
        Evaluate,
    }

    /// <summary>μ, the mean training rating.</summary>
    public float GlobalMean => _mean;

    /// <summary>The kernel family in use.</summary>
    public SvdPlusPlusKernels.KernelKind Kernel => _kernel;

    /// <summary>b_u (live).</summary>
    public float[] UserBiases => _bu;

    /// <summary>b_i (live).</summary>
    public float[] ItemBiases => _bi;

    /// <inheritdoc/>
    public int WorkerCount => _pool.WorkerCount;

    /// <inheritdoc/>
    public bool HasValidation => _validationOffsets is not null;

    /// <inheritdoc/>
    string? ITraining<FactorizationModel>.EarlyStoppingUnsupportedReason => null;

    /// <summary>
    /// One epoch with the given step sizes and penalties: every training rating once, user by user (see
    /// remarks). Returns the sum of squared errors, each taken just before its own update. Checks
    /// <paramref name="cancellationToken"/> before every user.
    /// </summary>
    public double RunEpoch(float learningRate, float regularization, float implicitRegularization, float biasLearningRate, float biasRegularization, CancellationToken cancellationToken)
    {
        _queriesCurrent = false;
        _epochRandom.Shuffle(_userOrder.AsSpan());
        return _kernel switch
        {
            SvdPlusPlusKernels.KernelKind.Width512 => RunEpoch<SvdPlusPlusKernels.Width512>(learningRate, regularization, implicitRegularization, biasLearningRate, biasRegularization, cancellationToken),
            SvdPlusPlusKernels.KernelKind.Width256 => RunEpoch<SvdPlusPlusKernels.Width256>(learningRate, regularization, implicitRegularization, biasLearningRate, biasRegularization, cancellationToken),
            _ => RunEpoch<SvdPlusPlusKernels.Scalar>(learningRate, regularization, implicitRegularization, biasLearningRate, biasRegularization, cancellationToken),
        };
    }

    /// <summary>The training ratings (item, value) in the order the last epoch applied them, and the users in that order. For tests.</summary>
    internal (int[] Users, List<(int Item, float Value)>[] Ratings) LastEpochOrder()
    {
        var ratings = new List<(int, float)>[_n];
        for (int u = 0; u < _n; u++)
        {
            ratings[u] = [];
            for (int p = _trainOffsets[u]; p < _trainOffsets[u + 1]; p++)
            {
                ratings[u].Add((_entryItems[p], _entryValues[p]));
            }
        }

        return ((int[])_userOrder.Clone(), ratings);
    }

    /// <summary>
    /// The mean squared error of μ + b_u + b_i + ⟨q_i, p_u + |N(u)|^−½·Σ y_j⟩ on the training set (NaN when
    /// <paramref name="includeTrain"/> is false), and on the validation set when there is one and
    /// <paramref name="includeValidation"/> is true (else null), validation predictions clamped as the model will.
    /// </summary>
    public (double TrainMse, double? ValidationMse) Evaluate(bool includeTrain = true, bool includeValidation = true)
    {
        ComputeQueries();
        int trainChunks = _trainChunks.Length - 1;
        int end = includeValidation ? _evaluationSse.Length : trainChunks;
        _phase = Phase.Evaluate;
        _firstEvaluationTask = includeTrain ? 0 : trainChunks;
        _pool.Run(this, end - _firstEvaluationTask);
        double train = 0, validation = 0;
        for (int c = 0; c < trainChunks && includeTrain; c++)
        {
            train += _evaluationSse[c];
        }

        for (int c = trainChunks; c < end; c++)
        {
            validation += _evaluationSse[c];
        }

        return (includeTrain ? train / _count : double.NaN, _validationOffsets is null || !includeValidation ? null : validation / _validationCount);
    }

    /// <summary>
    /// The L2 term that per-rating SGD minimises, as a mean over the training ratings:
    /// (1/|Ω|)·(Σ_u n_u·(λ‖p_u‖² + λ_b·b_u²) + Σ_i n_i·(λ‖q_i‖² + λ_b·b_i²) + Σ_j w_j·λ_y‖y_j‖²), n = a row's
    /// number of training ratings and w_j = Σ_(u∋j) n_u (every rating of u penalises every y_j of N(u)).
    /// </summary>
    public double RegularizationLoss(double regularization, double implicitRegularization, double biasRegularization)
    {
        double total = 0;
        ReadOnlySpan<float> p = _users.Values, q = _items.Values, y = _implicit.Values;
        var implicitWeights = new long[_m];
        for (int u = 0; u < _n; u++)
        {
            int n = _trainOffsets[u + 1] - _trainOffsets[u];
            if (n == 0)
            {
                continue;
            }

            ReadOnlySpan<float> row = p.Slice(u * _stride, _stride);
            total += n * ((regularization * RowKernels.Dot(row, row)) + (biasRegularization * _bu[u] * _bu[u]));
            for (int k = _trainOffsets[u]; k < _trainOffsets[u + 1]; k++)
            {
                implicitWeights[_trainItems[k]] += n;
                ReadOnlySpan<float> item = q.Slice(_trainItems[k] * _stride, _stride);
                int i = _trainItems[k];
                total += (regularization * RowKernels.Dot(item, item)) + (biasRegularization * _bi[i] * _bi[i]);
            }
        }

        for (int j = 0; j < _m; j++)
        {
            if (implicitWeights[j] != 0)
            {
                ReadOnlySpan<float> row = y.Slice(j * _stride, _stride);
                total += implicitWeights[j] * implicitRegularization * RowKernels.Dot(row, row);
            }
        }

        return total / _count;
    }

    /// <inheritdoc/>
    double ITraining<FactorizationModel>.Step(int iteration, CancellationToken cancellationToken)
    {
        _lastLearningRate = _epochLearningRate;
        double sse = RunEpoch((float)_epochLearningRate, (float)_options.Regularization, (float)_options.EffectiveImplicitRegularization,
            (float)_epochBiasLearningRate, (float)_options.BiasRegularization, cancellationToken);
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
        (double trainMse, double? validationMse) = Evaluate(includeTrain: true, includeValidation: validationLoss is null);
        validationMse ??= validationLoss;
        return new TrainingProgress
        {
            ObservedLoss = _lastObservedLoss,
            RegularizationLoss = RegularizationLoss(_options.Regularization, _options.EffectiveImplicitRegularization, _options.BiasRegularization),
            TrainMse = trainMse,
            ValidationMse = validationMse,
            ValidationLoss = validationMse,
        };
    }

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Describe(in TrainingProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"train MSE {progress.TrainMse}{(progress.ValidationMse is { } v ? $", validation MSE {v}" : string.Empty)}; epoch loss {progress.ObservedLoss}, regularization {progress.RegularizationLoss}");

    /// <inheritdoc/>
    string ITraining<FactorizationModel>.Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture, $"train MSE {final.TrainMse}");

    /// <inheritdoc/>
    void ITraining<FactorizationModel>.KeepBest()
    {
        ComputeQueries();
        _bestQueries ??= new float[_n * _d];
        _bestItems ??= new float[_m * _d];
        _bestImplicit ??= new float[_m * _d];
        _bestUserBiases ??= new float[_n];
        _bestItemBiases ??= new float[_m];
        _queries.CopyTo(_bestQueries);
        _items.CopyTo(_bestItems);
        _implicit.CopyTo(_bestImplicit);
        _bu.CopyTo(_bestUserBiases, 0);
        _bi.CopyTo(_bestItemBiases, 0);
    }

    /// <inheritdoc/>
    FactorizationModel ITraining<FactorizationModel>.ToModel(bool best)
    {
        if (best)
        {
            return new FactorizationModel(_catalog, _d, _bestQueries!, _bestItems!, _bestUserBiases, _bestItemBiases, _mean, _options, _validationRange, implicitItemFactors: _bestImplicit, support: _support);
        }

        ComputeQueries();
        return new FactorizationModel(_catalog, _d, _queries.ToCompactArray(), _items.ToCompactArray(), (float[])_bu.Clone(), (float[])_bi.Clone(), _mean, _options, _validationRange,
            implicitItemFactors: _implicit.ToCompactArray(), support: _support);
    }

    /// <inheritdoc/>
    public bool AllFinite()
    {
        ComputeQueries();
        return TensorPrimitivesExtensions.AllFinite(_users.Values) && TensorPrimitivesExtensions.AllFinite(_items.Values) && TensorPrimitivesExtensions.AllFinite(_implicit.Values)
            && TensorPrimitivesExtensions.AllFinite(_queries.Values) && TensorPrimitivesExtensions.AllFinite(_bu) && TensorPrimitivesExtensions.AllFinite(_bi);
    }

    /// <summary>p as a new compact N×d array (the explicit part of each user's query).</summary>
    public float[] CopyUsers() => _users.ToCompactArray();

    /// <summary>q as a new compact M×d array.</summary>
    public float[] CopyItems() => _items.ToCompactArray();

    /// <summary>y as a new compact M×d array.</summary>
    public float[] CopyImplicitFactors() => _implicit.ToCompactArray();

    /// <summary>Every user's query p_u + |N(u)|^−½·Σ y_j, as a new compact N×d array.</summary>
    public float[] CopyQueries()
    {
        ComputeQueries();
        return _queries.ToCompactArray();
    }

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    void IBlockWork.Execute(int task, int worker)
    {
        if (_phase == Phase.Queries)
        {
            QueryTask(task);
        }
        else
        {
            EvaluationTask(_firstEvaluationTask + task);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double RunEpoch<TKernel>(float lr, float regularization, float implicitRegularization, float biasLr, float biasRegularization, CancellationToken cancellationToken)
        where TKernel : struct, SvdPlusPlusKernels.IRowKernel
    {
        int stride = _stride;
        float mean = _mean;
        float shrink = 1 - (lr * regularization);
        float implicitShrink = 1 - (lr * implicitRegularization);
        float biasShrink = 1 - (biasLr * biasRegularization);
        ref float p0 = ref _users.First;
        ref float q0 = ref _items.First;
        ref float y0 = ref _implicit.First;
        ref float z = ref MemoryMarshal.GetArrayDataReference(_z);
        ref float g = ref MemoryMarshal.GetArrayDataReference(_g);
        double sse = 0;
        foreach (int u in _userOrder)
        {
            int start = _trainOffsets[u], n = _trainOffsets[u + 1] - start;
            if (n == 0)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            Span<int> items = _entryItems.AsSpan(start, n);
            Span<float> values = _entryValues.AsSpan(start, n);
            for (int a = n - 1; a > 0; a--)
            {
                int b = _epochRandom.NextInt(a + 1);
                (items[a], items[b]) = (items[b], items[a]);
                (values[a], values[b]) = (values[b], values[a]);
            }

            // z = |N(u)|^−½·Σ_(j∈N(u)) y_j, g = 0.
            float scale = 1 / MathF.Sqrt(n);
            _z.AsSpan().Clear();
            _g.AsSpan().Clear();
            foreach (int j in items)
            {
                TKernel.Add(ref Unsafe.Add(ref y0, (nint)j * stride), ref z, stride);
            }

            TKernel.Combine(scale, ref z, 0, ref g, stride);

            ref float p = ref Unsafe.Add(ref p0, (nint)u * stride);
            float userBias = _bu[u];
            float decay = 1;
            for (int k = 0; k < n; k++)
            {
                int i = items[k];
                ref float itemBias = ref _bi[i];
                float target = values[k] - mean - userBias - itemBias;
                float e = TKernel.Update(ref p, ref z, ref Unsafe.Add(ref q0, (nint)i * stride), ref g, stride, target, lr, shrink, implicitShrink);
                userBias = (biasShrink * userBias) + (biasLr * e);
                itemBias = (biasShrink * itemBias) + (biasLr * e);
                decay *= implicitShrink;
                sse += (double)e * e;
            }

            _bu[u] = userBias;

            // Every y_j of N(u): the n per-rating updates y_j ← c_y·y_j + |N(u)|^−½·lr·e·q_i at once.
            foreach (int j in items)
            {
                TKernel.Combine(decay, ref Unsafe.Add(ref y0, (nint)j * stride), scale, ref g, stride);
            }
        }

        return sse;
    }

    /// <summary>Every user's query p_u + |N(u)|^−½·Σ y_j at the current parameters, on the pool (once per change of the parameters).</summary>
    private void ComputeQueries()
    {
        if (_queriesCurrent)
        {
            return;
        }

        _phase = Phase.Queries;
        _pool.Run(this, (_n + QueryChunk - 1) / QueryChunk);
        _queriesCurrent = true;
    }

    private void QueryTask(int task)
    {
        int stride = _stride;
        ReadOnlySpan<float> p = _users.Values, y = _implicit.Values;
        Span<float> queries = _queries.Values;
        for (int u = task * QueryChunk, end = Math.Min(_n, u + QueryChunk); u < end; u++)
        {
            Span<float> query = queries.Slice(u * stride, stride);
            query.Clear();
            int start = _trainOffsets[u], n = _trainOffsets[u + 1] - start;
            if (n == 0)
            {
                continue;
            }

            foreach (int j in _trainItems.AsSpan(start, n))
            {
                RowKernels.MultiplyAdd(1f, y.Slice(j * stride, stride), query);
            }

            float scale = 1 / MathF.Sqrt(n);
            for (int k = 0; k < stride; k++)
            {
                query[k] = p[(u * stride) + k] + (scale * query[k]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluationTask(int task)
    {
        int trainChunks = _trainChunks.Length - 1;
        bool train = task < trainChunks;
        int[] bounds = train ? _trainChunks : _validationChunks;
        int chunk = train ? task : task - trainChunks;
        _evaluationSse[task] = train
            ? BiasedDotErrors.Sse(_queries.Values, _items.Values, _stride, _mean, _bu, _bi, _trainRows, bounds[chunk], bounds[chunk + 1], null)
            : BiasedDotErrors.Sse(_queries.Values, _items.Values, _stride, _mean, _bu, _bi, _validationRows!, bounds[chunk], bounds[chunk + 1], _validationRange);
    }

    /// <summary>Pinned padded rows holding the compact rows, row 0 on a 64-byte boundary; rows that <paramref name="keep"/> rejects, and the padding, are zero.</summary>
    private PaddedRows Pad(float[] compact, int rows, Func<int, bool> keep)
    {
        PaddedRows padded = PaddedRows.AlignedCopy(compact, rows, _d, _stride);
        for (int r = 0; r < rows; r++)
        {
            if (!keep(r))
            {
                padded.Row(r).Clear();
            }
        }

        return padded;
    }
}
