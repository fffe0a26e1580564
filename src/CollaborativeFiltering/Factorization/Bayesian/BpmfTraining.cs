using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.Bayesian;

/// <summary>
/// One Bayesian PMF fit: the Gibbs sampler of Salakhutdinov and Mnih (2008) with biases. Every user
/// row x_u = [p_u; b_u] and item row y_i = [q_i; c_i] has p = d + 1 values, so that a rating is
/// r_ui ~ Normal(μ + ⟨[p_u; b_u; 1], [q_i; 1; c_i]⟩, 1/α) with μ the training mean (fixed): the bias
/// is one more coordinate of the row and shares its Gaussian–Wishart prior (the rows are
/// Normal(μ_U, Λ_U⁻¹) and (μ_U, Λ_U) Gaussian–Wishart; likewise for items). A sweep draws
/// (μ_U, Λ_U) from the users' rows, every user row from its Gaussian conditional
/// <c>Normal(Λ*⁻¹(Λ_U μ_U + α Σ_i t_ui ỹ_i), Λ*⁻¹)</c> with <c>Λ* = Λ_U + α Σ_i ỹ_i ỹ_iᵀ</c>,
/// ỹ_i = [q_i; 1] and t_ui = r_ui − μ − c_i, then the items' hyper-parameters and rows likewise, then
/// α from its Gamma conditional (unless fixed). After the burn-in every sweep is a kept sample: its
/// rows are added to running sums (the posterior-mean embeddings) and, when stored, copied into
/// <see cref="PosteriorSamples"/>; the validation ratings' predictions are added to running sums
/// (the running posterior-mean validation error).
/// </summary>
/// <remarks>
/// Rows without training ratings are drawn from the prior (their conditional) but left out of the
/// hyper-parameters' statistics, which is the same as integrating them out. Each row's draw comes from
/// its own random stream keyed by the seed, sweep, side and row, and every sum is reduced in fixed
/// block order, so the chain is bit-identical for any thread count. A row's system is assembled with
/// <see cref="GramKernel"/> from packed rows [q_i; 1] and factored by <see cref="CholeskySolver"/>; the
/// draw is one forward and one back substitution (<see cref="CholeskySolver.SolveTransposed"/>, then
/// <see cref="CholeskySolver.SolveUpper"/> of U⁻ᵀb + z). Nothing is allocated per sweep.
/// </remarks>
internal sealed class BpmfTraining : IBlockWork, ITraining<FactorizationModel>
{
    /// <summary>β₀, the prior's pseudo-count of the mean (the paper's 2).</summary>
    public const double Beta0 = 2;

    /// <summary>The Gamma(a₀/2, b₀/2) prior of α when it is sampled (libFM's a₀ = b₀ = 1).</summary>
    public const double NoiseShape0 = 1, NoiseRate0 = 1;

    private const int UserSide = 0, ItemSide = 1;

    /// <summary>The most blocks the rows' statistics are summed in: each holds a (d + 1)² Gram matrix.</summary>
    private const int MaxStatisticsBlocks = 16;

    private readonly int _d;
    private readonly int _p;
    private readonly int _stride;
    private readonly int _packedStride;
    private readonly int _n;
    private readonly int _m;
    private readonly float _mu;

    /// <summary>The training set's per-user and per-item counts, which the model keeps for support-aware ranking and minimum-support filters.</summary>
    private readonly TrainingSupport _support;
    private readonly long _seed;
    private readonly double? _fixedAlpha;
    private readonly int _burnIn;
    private readonly int _keptTotal;
    private readonly RatingRange? _range;
    private readonly BayesianMatrixOptions? _options;

    /// <summary>The training rows both ways, read through the dataset's row sources (a split is never materialised; with ordinal ratings, arrays of the fit's own that hold the latent scores), and their row offsets.</summary>
    private readonly RatingRows _userRows;
    private readonly RatingRows _itemRows;
    private readonly int[] _userOffsets;

    /// <summary>With ordinal ratings: the ratings themselves (user-major; the rows then hold the latent scores, in arrays of the fit's own), the scale's step (1 or 0.5) and ends, and where each user-major rating sits in the item-major arrays; otherwise null and 0.</summary>
    private readonly float[]? _ordinalRatings;
    private readonly int[]? _itemPosition;
    private readonly double _ordinalStep;
    private readonly double _ordinalMin;
    private readonly double _ordinalMax;
    private readonly int[] _itemOffsets;
    private readonly int[]? _validationOffsets;
    private readonly int[]? _validationItems;
    private readonly float[]? _validationValues;

    private readonly float[] _users;
    private readonly float[] _items;
    private readonly int[] _userBlocks;
    private readonly int[] _itemBlocks;
    private readonly int[] _evaluationBlocks;
    private readonly GaussianWishart _userPrior;
    private readonly GaussianWishart _itemPrior;

    /// <summary>The fixed row blocks the rows' statistics are summed in, per side (uniform, at most <see cref="MaxStatisticsBlocks"/>).</summary>
    private readonly int[] _userStatisticsBlocks;
    private readonly int[] _itemStatisticsBlocks;

    /// <summary>Per statistics block: count of rated rows, Σx (p), then Σxxᵀ's upper triangle (row stride <see cref="_packedStride"/>), in one row of doubles.</summary>
    private readonly double[] _blockStatistics;
    private readonly double[] _userStatistics;
    private readonly double[] _itemStatistics;
    private readonly double[] _mean;
    private readonly double[] _scatter;
    private readonly double[] _blockTrainSse;
    private readonly double[] _blockValidationSse;
    private readonly double[] _blockPosteriorSse;
    private readonly double[]? _validationSums;

    private readonly double[] _userSums;
    private readonly double[] _itemSums;
    private readonly PosteriorSamples? _samples;
    private readonly Worker[] _workers;
    private readonly WorkerPool _pool;
    private readonly SeededRandom _hyperRandom = new(0, 0);

    private Phase _phase;
    private int _iteration;
    private volatile bool _failed;
    private bool _keepThisSweep;
    private bool _statisticsReady;
    private double _alpha;
    private double _noiseVarianceSum;
    private int _kept;
    private int _stored;
    private double _trainSse;
    private double _validationSse;
    private double _posteriorSse;

    /// <summary>Prepares a fit starting from the given rows (taken over): N·(d + 1) user and M·(d + 1) item floats.</summary>
    /// <param name="train">Non-empty training ratings.</param>
    /// <param name="validation">Validation ratings over the same catalogue, or <see langword="null"/>.</param>
    /// <param name="dimensions">d.</param>
    /// <param name="burnIn">The sweeps before the first kept sample.</param>
    /// <param name="keptSamples">K, the number of sweeps that will be kept (to space the stored ones).</param>
    /// <param name="storedSamples">S ≤ K, how many kept samples to store; 0 for none.</param>
    /// <param name="noisePrecision">α fixed, or <see langword="null"/> to sample it.</param>
    /// <param name="seed">The seed of every stream.</param>
    /// <param name="maxThreads">The most workers.</param>
    /// <param name="users">The starting user rows.</param>
    /// <param name="items">The starting item rows.</param>
    /// <param name="range">The range predictions are clamped to (per sample), or <see langword="null"/>.</param>
    /// <param name="options">The options the model will carry.</param>
    public BpmfTraining(RatingsDataset train, RatingsDataset? validation, int dimensions, int burnIn, int keptSamples, int storedSamples, double? noisePrecision, long seed, int maxThreads,
        float[] users, float[] items, RatingRange? range, BayesianMatrixOptions? options)
    {
        Debug.Assert(storedSamples <= keptSamples && keptSamples > 0);
        Debug.Assert(train.Count > 0 && users.Length == train.UserCount * (dimensions + 1) && items.Length == train.ItemCount * (dimensions + 1));
        _options = options;
        _d = dimensions;
        _p = dimensions + 1;
        _stride = Math.Max(GramKernel.RowStride(_p), CholeskySolver.PaddedOrder(_p));
        _packedStride = GramKernel.RowStride(_p);
        _n = train.UserCount;
        _m = train.ItemCount;
        Catalog = train.Catalog;
        _seed = seed;
        _fixedAlpha = noisePrecision;
        _alpha = noisePrecision ?? 1;
        _burnIn = burnIn;
        _keptTotal = keptSamples;
        _range = range;
        _mu = (float)DatasetStatistics.GlobalMean(train);
        _support = TrainingSupport.Of(train);
        TrainCount = train.Count;

        if (options?.OrdinalRatings == true)
        {
            // The latent scores are rewritten every sweep: both orders in arrays of the fit's own, the ratings kept beside them.
            CsrView byUser = train.UserRows.ToCsr(train.ItemCount), byItem = train.ItemRows.ToCsr(train.UserCount);
            _ordinalRatings = byUser.ValueArray;
            (_ordinalStep, _ordinalMin, _ordinalMax) = OrdinalScale(_ordinalRatings);
            _userRows = RatingRows.Of(new CsrView(train.ItemCount, byUser.RowOffsetArray, byUser.ColumnArray, (float[])byUser.ValueArray.Clone()));
            _itemRows = RatingRows.Of(new CsrView(train.UserCount, byItem.RowOffsetArray, byItem.ColumnArray, (float[])byItem.ValueArray.Clone()));
            _itemPosition = ItemPositions(_userRows, _itemRows);
        }
        else
        {
            _userRows = train.UserRows;
            _itemRows = train.ItemRows;
        }

        _userOffsets = _userRows.Offsets;
        _itemOffsets = _itemRows.Offsets;
        if (validation is { Count: > 0 })
        {
            // The validation ratings gathered for the fit (a posterior sum is kept per rating).
            CsrView validationByUser = validation.UserRows.ToCsr(validation.ItemCount);
            _validationOffsets = validationByUser.RowOffsetArray;
            _validationItems = validationByUser.ColumnArray;
            _validationValues = validationByUser.ValueArray;
            _validationSums = new double[validation.Count];
            ValidationCount = validation.Count;
        }

        _users = users;
        _items = items;

        // A rating costs a packed-row copy and ~p²/2 Gram multiply-adds; a row its Cholesky (p³/6),
        // two triangular solves, the system assembly and its statistics (p² each).
        long perEntry = ((long)_packedStride * _packedStride / 2) + (3L * _p);
        long perRow = ((long)_p * _p * _p / 6) + (4L * _p * _p) + 64;
        _userBlocks = RowPartition.Create(_userOffsets, perEntry, perRow);
        _itemBlocks = RowPartition.Create(_itemOffsets, perEntry, perRow);
        _evaluationBlocks = _userBlocks;
        int statisticsWidth = StatisticsWidth;
        _userStatisticsBlocks = StatisticsBlocks(_n, _packedStride);
        _itemStatisticsBlocks = StatisticsBlocks(_m, _packedStride);
        _blockStatistics = new double[(Math.Max(_userStatisticsBlocks.Length, _itemStatisticsBlocks.Length) - 1) * statisticsWidth];
        _userStatistics = new double[statisticsWidth];
        _itemStatistics = new double[statisticsWidth];
        _mean = new double[_p];
        _scatter = new double[_p * _p];
        _blockTrainSse = new double[_evaluationBlocks.Length - 1];
        _blockValidationSse = new double[_evaluationBlocks.Length - 1];
        _blockPosteriorSse = new double[_evaluationBlocks.Length - 1];
        _userPrior = new GaussianWishart(_p, Beta0, _p);
        _itemPrior = new GaussianWishart(_p, Beta0, _p);

        _userSums = new double[users.Length];
        _itemSums = new double[items.Length];
        _samples = storedSamples > 0 ? new PosteriorSamples(storedSamples, _d, _n, _m) : null;

        int workers = Math.Clamp(maxThreads, 1, Math.Max(1, Math.Max(_userBlocks.Length, _itemBlocks.Length) - 1));
        _workers = new Worker[workers];
        for (int w = 0; w < workers; w++)
        {
            _workers[w] = new Worker(_p, _packedStride, _stride, Math.Max(_userRows.GatherCapacity, _itemRows.GatherCapacity));
        }

        _pool = new WorkerPool(workers);
    }

    private enum Phase
    {
        Users,
        Items,
        UserStatistics,
        ItemStatistics,
        Evaluate,
        Latents,
    }

    /// <summary>The training set's catalogue.</summary>
    public Catalog Catalog { get; }

    /// <summary>|Ω|.</summary>
    public int TrainCount { get; }

    /// <summary>The number of validation ratings (0 without).</summary>
    public int ValidationCount { get; }

    /// <summary>The current user rows [p_u; b_u] (N·(d + 1)).</summary>
    public float[] Users => _users;

    /// <summary>The current item rows [q_i; c_i] (M·(d + 1)).</summary>
    public float[] Items => _items;

    /// <summary>μ, the training mean.</summary>
    public float GlobalMean => _mu;

    /// <summary>α of the current sweep.</summary>
    public double NoisePrecision => _alpha;

    /// <summary>The users' hyper-parameters of the current sweep: μ_U, Λ_U and Λ_U·μ_U.</summary>
    public GaussianWishart UserPrior => _userPrior;

    /// <summary>The items' hyper-parameters of the current sweep.</summary>
    public GaussianWishart ItemPrior => _itemPrior;

    /// <summary>The number of samples kept so far.</summary>
    public int KeptSamples => _kept;

    /// <inheritdoc/>
    public int WorkerCount => _pool.WorkerCount;

    /// <inheritdoc/>
    public bool HasValidation => _validationOffsets is not null;

    /// <inheritdoc/>
    public string? EarlyStoppingUnsupportedReason => "a Gibbs sampler's model is the average over every kept sample, not a point to stop at";

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <summary>The statistics width: the count, Σx (p), Σxxᵀ (dp×dp with dp the packed stride).</summary>
    private int StatisticsWidth => 1 + _p + (_packedStride * _packedStride);

    /// <inheritdoc/>
    public double Step(int iteration, CancellationToken cancellationToken)
    {
        _iteration = iteration;
        if (!_statisticsReady)
        {
            // The starting rows' statistics, for the first sweep's hyper-parameters.
            ComputeStatistics(UserSide, cancellationToken);
            ComputeStatistics(ItemSide, cancellationToken);
            _statisticsReady = true;
        }

        if (!SampleHyper(UserSide) || !RunSample(Phase.Users, cancellationToken))
        {
            return double.NaN;
        }

        ComputeStatistics(UserSide, cancellationToken);
        if (!SampleHyper(ItemSide) || !RunSample(Phase.Items, cancellationToken))
        {
            return double.NaN;
        }

        ComputeStatistics(ItemSide, cancellationToken);
        if (_ordinalRatings is not null)
        {
            _phase = Phase.Latents;
            _pool.Run(this, _userBlocks.Length - 1, cancellationToken);
        }

        bool keep = iteration > _burnIn;
        Evaluate(keep, cancellationToken);
        if (keep)
        {
            Keep();
        }

        if (_fixedAlpha is null)
        {
            _hyperRandom.Reset(_seed, HyperStream(iteration, 2));
            (double shape, double rate) = NoisePosterior(TrainCount, _trainSse);
            _alpha = Samplers.Gamma(_hyperRandom, shape, rate);
        }

        return _trainSse / TrainCount;
    }

    /// <summary>
    /// The conditional of α given the residuals: Gamma((a₀ + n)/2, (b₀ + Σe²)/2) under the
    /// Gamma(a₀/2, b₀/2) prior, as shape and rate.
    /// </summary>
    public static (double Shape, double Rate) NoisePosterior(long count, double squaredErrors) =>
        ((NoiseShape0 + count) / 2, (NoiseRate0 + squaredErrors) / 2);

    /// <summary>
    /// The Gaussian conditional of one row given everything else (for the exactness tests): its
    /// precision Λ* (p×p, row-major, full) and mean Λ*⁻¹b, from the current rows, prior and α.
    /// </summary>
    public void Conditional(bool user, int row, double[] precision, double[] mean)
    {
        Worker w = _workers[0];
        Assemble(user ? UserSide : ItemSide, row, w);
        int p = _p, s = _stride;
        for (int a = 0; a < p; a++)
        {
            for (int b = a; b < p; b++)
            {
                precision[(a * p) + b] = precision[(b * p) + a] = w.System[(a * s) + b];
            }
        }

        bool factored = CholeskySolver.TrySolve(w.System, p, s, w.Rhs);
        Debug.Assert(factored);
        w.Rhs.AsSpan(0, p).CopyTo(mean);
    }

    /// <summary>Draws one row from its conditional into the current rows, with the stream of the current sweep (for the tests).</summary>
    public bool DrawRow(bool user, int row, int iteration)
    {
        _iteration = iteration;
        return Draw(user ? UserSide : ItemSide, row, _workers[0]);
    }

    /// <summary>Draws the hyper-parameters of one side from the current rows (for the tests).</summary>
    public bool DrawHyper(bool user, int iteration)
    {
        _iteration = iteration;
        ComputeStatistics(user ? UserSide : ItemSide, CancellationToken.None);
        return SampleHyper(user ? UserSide : ItemSide);
    }

    /// <inheritdoc/>
    public double LearningRate(int iteration) => double.NaN;

    /// <inheritdoc/>
    public double ValidationLoss() => CurrentValidationMse() ?? double.NaN;

    /// <inheritdoc/>
    public TrainingProgress Measure(double? validationLoss)
    {
        double trainMse = _trainSse / TrainCount;
        double? validation = CurrentValidationMse();
        return new TrainingProgress { ObservedLoss = trainMse, TrainMse = trainMse, ValidationMse = validation, ValidationLoss = validation };
    }

    /// <inheritdoc/>
    public string Describe(in TrainingProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"train RMSE {progress.TrainRmse:F4} (this sample), noise σ {1 / Math.Sqrt(_alpha):F4}{(progress.ValidationRmse is { } v ? _kept > 0 ? $", validation RMSE {v:F4} (posterior mean of {_kept} samples)" : $", validation RMSE {v:F4} (this sample, burn-in)" : string.Empty)}");

    /// <inheritdoc/>
    public string Summarize(in TrainingProgress final) => string.Create(CultureInfo.InvariantCulture,
        $"{_kept} samples kept, {_stored} stored; last sample's train RMSE {final.TrainRmse:F4}{(final.ValidationRmse is { } v ? $", posterior-mean validation RMSE {v:F4}" : string.Empty)}");

    /// <inheritdoc/>
    public void KeepBest()
    {
        // Never called: EarlyStoppingUnsupportedReason turns early stopping off.
    }

    /// <inheritdoc/>
    public bool AllFinite() =>
        TensorPrimitivesExtensions.AllFinite(_users) && TensorPrimitivesExtensions.AllFinite(_items)
        && TensorPrimitivesExtensions.AllFinite(_userSums) && TensorPrimitivesExtensions.AllFinite(_itemSums) && (_samples?.Problem() is null);

    /// <inheritdoc/>
    public FactorizationModel ToModel(bool best)
    {
        int d = _d, p = _p;
        var userFactors = new float[_n * d];
        var itemFactors = new float[_m * d];
        var userBiases = new float[_n];
        var itemBiases = new float[_m];
        double scale = 1.0 / Math.Max(1, _kept);
        for (int u = 0; u < _n; u++)
        {
            for (int k = 0; k < d; k++)
            {
                userFactors[(u * d) + k] = (float)(_userSums[(u * p) + k] * scale);
            }

            userBiases[u] = (float)(_userSums[(u * p) + d] * scale);
        }

        for (int i = 0; i < _m; i++)
        {
            for (int k = 0; k < d; k++)
            {
                itemFactors[(i * d) + k] = (float)(_itemSums[(i * p) + k] * scale);
            }

            itemBiases[i] = (float)(_itemSums[(i * p) + d] * scale);
        }

        return new FactorizationModel(Catalog, d, userFactors, itemFactors, userBiases, itemBiases, _mu, _options, _range, trainingScale: null, posterior: _stored > 0 ? _samples : null, support: _support);
    }

    /// <inheritdoc/>
    void IBlockWork.Execute(int block, int worker)
    {
        Worker w = _workers[worker];
        switch (_phase)
        {
            case Phase.Users:
            case Phase.Items:
                int side = _phase == Phase.Users ? UserSide : ItemSide;
                int[] blocks = side == UserSide ? _userBlocks : _itemBlocks;
                for (int r = blocks[block], end = blocks[block + 1]; r < end; r++)
                {
                    if (!Draw(side, r, w))
                    {
                        _failed = true;
                    }
                }

                break;
            case Phase.UserStatistics:
                AccumulateStatistics(UserSide, block, w);
                break;
            case Phase.ItemStatistics:
                AccumulateStatistics(ItemSide, block, w);
                break;
            case Phase.Evaluate:
                EvaluateBlock(block, w.Gather);
                break;
            case Phase.Latents:
                for (int u = _userBlocks[block], end = _userBlocks[block + 1]; u < end; u++)
                {
                    DrawLatents(u, w);
                }

                break;
        }
    }

    /// <summary>
    /// With ordinal ratings, draws user <paramref name="u"/>'s latent scores: each from Normal(prediction, 1/α)
    /// truncated to its rating's interval [r − step/2, r + step/2] (open beyond the scale's ends), from the
    /// row's own stream, into both the user-major and the item-major values (each written by this row only).
    /// </summary>
    private void DrawLatents(int u, Worker w)
    {
        int d = _d, p = _p;
        double sigma = 1 / Math.Sqrt(_alpha), half = _ordinalStep / 2;
        ReadOnlySpan<float> x = _users.AsSpan(u * p, p);
        ReadOnlySpan<float> factors = x[..d];
        float baseline = _mu + x[d];
        w.Random.Reset(_seed, LatentStream(_iteration, u));
        int[] items = _userRows.Columns;
        float[] userLatents = _userRows.Values, itemLatents = _itemRows.Values;
        for (int k = _userOffsets[u]; k < _userOffsets[u + 1]; k++)
        {
            ReadOnlySpan<float> y = _items.AsSpan(items[k] * p, p);
            double prediction = baseline + y[d] + RowKernels.Dot(factors, y[..d]);
            double r = _ordinalRatings![k];
            double lower = r <= _ordinalMin ? double.NegativeInfinity : (r - half - prediction) / sigma;
            double upper = r >= _ordinalMax ? double.PositiveInfinity : (r + half - prediction) / sigma;
            float latent = (float)(prediction + (sigma * Samplers.TruncatedStandardNormal(w.Random, lower, upper)));
            userLatents[k] = latent;
            itemLatents[_itemPosition![k]] = latent;
        }
    }

    /// <summary>The values the user rows are fitted to, user-major: the ratings, or with ordinal ratings the current latent scores; for tests.</summary>
    internal ReadOnlySpan<float> FittedValues => _userRows.Values;

    /// <summary>The same values item-major; for tests.</summary>
    internal ReadOnlySpan<float> FittedItemValues => _itemRows.Values;

    /// <summary>The latent scores' per-row stream: bits 62 and 63 clear, bit 61 set, bits 31–60 the sweep, bits 0–30 the user (apart from <see cref="RowStream"/> and <see cref="HyperStream"/>).</summary>
    private static ulong LatentStream(int iteration, int row) =>
        (1UL << 61) | ((ulong)((uint)iteration & 0x3FFF_FFFF) << 31) | (uint)row;

    /// <summary>The ordinal scale of the training ratings: step 1 when every rating is a whole number, else 0.5 when every one is a multiple of 0.5, and the lowest and highest rating.</summary>
    /// <exception cref="ArgumentException">A rating is on neither grid; the message names it and the option.</exception>
    internal static (double Step, double Min, double Max) OrdinalScale(ReadOnlySpan<float> ratings)
    {
        bool whole = true;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in ratings)
        {
            min = MathF.Min(min, v);
            max = MathF.Max(max, v);
            if (v != MathF.Round(v))
            {
                whole = false;
                if (v * 2 != MathF.Round(v * 2))
                {
                    ThrowHelper.Argument("train", string.Create(CultureInfo.InvariantCulture,
                        $"{nameof(BayesianMatrixOptions.OrdinalRatings)} needs ratings on a whole-star or half-star grid; {v} is on neither."));
                }
            }
        }

        return (whole ? 1 : 0.5, min, max);
    }

    /// <summary>For each user-major rating, its index in the item-major arrays: each item's users are listed in ascending order (the item-major view is the transpose built user by user), so walking the users in order meets each item's entries in turn.</summary>
    private static int[] ItemPositions(RatingRows userRows, RatingRows itemRows)
    {
        int[] userOffsets = userRows.Offsets, items = userRows.Columns, itemUsers = itemRows.Columns;
        int[] cursor = itemRows.Offsets[..^1];
        var position = new int[items.Length];
        for (int u = 0; u + 1 < userOffsets.Length; u++)
        {
            for (int k = userOffsets[u]; k < userOffsets[u + 1]; k++)
            {
                int j = cursor[items[k]]++;
                if (itemUsers[j] != u)
                {
                    throw new InvalidOperationException("The item-major ratings are not in user order; the latent scores cannot be linked.");
                }

                position[k] = j;
            }
        }

        return position;
    }

    /// <summary>The per-row stream: bit 63 set, bit 62 the side, bits 31–61 the sweep, bits 0–30 the row.</summary>
    private static ulong RowStream(int iteration, int side, int row) =>
        (1UL << 63) | ((ulong)side << 62) | ((ulong)(uint)iteration << 31) | (uint)row;

    /// <summary>The per-sweep streams of the hyper-parameters (kind 0 users, 1 items) and of α (kind 2): bit 62 set.</summary>
    private static ulong HyperStream(int iteration, int kind) => (1UL << 62) | ((ulong)(uint)iteration << 2) | (uint)kind;

    /// <summary>Uniform row blocks for the statistics: about 256 rows each, at most 16 blocks and at most 256 MB of Gram matrices.</summary>
    private static int[] StatisticsBlocks(int rows, int packedStride)
    {
        long gramBytes = 8L * packedStride * packedStride;
        int blocks = (int)Math.Clamp(Math.Min(rows / 256, (256L << 20) / gramBytes), 1, MaxStatisticsBlocks);
        return RowPartition.Uniform(rows, Math.Max(1, (rows + blocks - 1) / blocks));
    }

    private double? CurrentValidationMse() =>
        !HasValidation ? null : _kept > 0 ? _posteriorSse / ValidationCount : _validationSse / ValidationCount;

    private bool SampleHyper(int side)
    {
        double[] statistics = side == UserSide ? _userStatistics : _itemStatistics;
        int p = _p, dp = _packedStride;
        int count = (int)statistics[0];
        for (int a = 0; a < p; a++)
        {
            _mean[a] = count == 0 ? 0 : statistics[1 + a] / count;
        }

        for (int a = 0; a < p; a++)
        {
            for (int b = 0; b < p; b++)
            {
                // S = Σxxᵀ − n·x̄x̄ᵀ (only the upper triangle was summed).
                double sum = statistics[1 + p + (Math.Min(a, b) * dp) + Math.Max(a, b)];
                _scatter[(a * p) + b] = sum - (count * _mean[a] * _mean[b]);
            }
        }

        _hyperRandom.Reset(_seed, HyperStream(_iteration, side));
        return (side == UserSide ? _userPrior : _itemPrior).Sample(count, _mean, _scatter, _hyperRandom);
    }

    private bool RunSample(Phase phase, CancellationToken cancellationToken)
    {
        _failed = false;
        _phase = phase;
        _pool.Run(this, (phase == Phase.Users ? _userBlocks : _itemBlocks).Length - 1, cancellationToken);
        return !_failed;
    }

    /// <summary>Sums the count, Σx and Σxxᵀ of one side's rated rows in fixed blocks, then adds the blocks in order.</summary>
    private void ComputeStatistics(int side, CancellationToken cancellationToken)
    {
        _phase = side == UserSide ? Phase.UserStatistics : Phase.ItemStatistics;
        int blocks = (side == UserSide ? _userStatisticsBlocks : _itemStatisticsBlocks).Length - 1;
        _pool.Run(this, blocks, cancellationToken);
        double[] total = side == UserSide ? _userStatistics : _itemStatistics;
        int width = StatisticsWidth;
        Array.Clear(total);
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<double> partial = _blockStatistics.AsSpan(b * width, width);
            for (int k = 0; k < width; k++)
            {
                total[k] += partial[k];
            }
        }
    }

    /// <summary>Count, Σx and the upper triangle of Σxxᵀ (by <see cref="GramKernel"/>, on packed chunks) over the block's rows that have ratings.</summary>
    private void AccumulateStatistics(int side, int block, Worker w)
    {
        int p = _p, dp = _packedStride, width = StatisticsWidth;
        int[] blocks = side == UserSide ? _userStatisticsBlocks : _itemStatisticsBlocks;
        int[] offsets = side == UserSide ? _userOffsets : _itemOffsets;
        float[] rows = side == UserSide ? _users : _items;
        Span<double> statistics = _blockStatistics.AsSpan(block * width, width);
        statistics.Clear();
        Span<double> sum = statistics.Slice(1, p);
        Span<double> gram = statistics[(1 + p)..];
        int packed = 0;
        for (int r = blocks[block], end = blocks[block + 1]; r < end; r++)
        {
            if (offsets[r + 1] == offsets[r])
            {
                continue;
            }

            ReadOnlySpan<float> x = rows.AsSpan(r * p, p);
            x.CopyTo(w.Packed.Row(packed));
            for (int a = 0; a < p; a++)
            {
                sum[a] += x[a];
            }

            statistics[0]++;
            if (++packed == GramKernel.ChunkRows)
            {
                GramKernel.Accumulate(w.Packed.Values, w.Packed.Values, packed, dp, gram, dp, overwrite: false);
                packed = 0;
            }
        }

        if (packed > 0)
        {
            GramKernel.Accumulate(w.Packed.Values, w.Packed.Values, packed, dp, gram, dp, overwrite: false);
        }
    }

    /// <summary>
    /// Assembles row <paramref name="r"/>'s system into the worker's buffers: the upper triangle of
    /// Λ* = Λ + α Σ ỹỹᵀ and b = Λμ + α Σ t·ỹ, ỹ = [other row's factors; 1], t = r − μ − other bias.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Assemble(int side, int r, Worker w)
    {
        int d = _d, p = _p, s = _stride, dp = _packedStride;
        (RatingRows ratings, float[] other, GaussianWishart prior) = side == UserSide
            ? (_userRows, _items, _userPrior)
            : (_itemRows, _users, _itemPrior);
        int end = ratings.Row(r, w.Gather, out ReadOnlySpan<int> columns, out ReadOnlySpan<float> values), start = 0;
        Span<double> system = w.System;
        Span<double> rhs = w.Rhs;
        rhs.Clear();
        float mu = _mu;
        if (end == start)
        {
            system.Clear();
        }

        for (int c0 = start; c0 < end; c0 += GramKernel.ChunkRows)
        {
            int rows = Math.Min(GramKernel.ChunkRows, end - c0);
            for (int k = 0; k < rows; k++)
            {
                int j = columns[c0 + k];
                ReadOnlySpan<float> y = other.AsSpan(j * p, p);
                Span<float> packed = w.Packed.PaddedRow(k);
                y[..d].CopyTo(packed);
                packed[d] = 1;
                double t = values[c0 + k] - mu - y[d];
                for (int a = 0; a < d; a++)
                {
                    rhs[a] += t * y[a];
                }

                rhs[d] += t;
            }

            GramKernel.Accumulate(w.Packed.Values, w.Packed.Values, rows, dp, system, s, overwrite: c0 == start);
        }

        double alpha = _alpha;
        ReadOnlySpan<double> lambda = prior.Precision;
        ReadOnlySpan<double> lambdaMu = prior.PrecisionTimesMean;
        int padded = CholeskySolver.PaddedOrder(p);
        for (int a = 0; a < p; a++)
        {
            Span<double> row = system.Slice(a * s, padded);
            for (int b = a; b < p; b++)
            {
                row[b] = (alpha * row[b]) + lambda[(a * p) + b];
            }

            row[p..].Clear();
            rhs[a] = (alpha * rhs[a]) + lambdaMu[a];
        }

        rhs[p..].Clear();
    }

    /// <summary>Draws row <paramref name="r"/> of one side from its conditional with its own stream; false when the system is not positive definite or the draw not finite.</summary>
    private bool Draw(int side, int r, Worker w)
    {
        Assemble(side, r, w);
        int p = _p, s = _stride;
        Span<double> rhs = w.Rhs;
        if (!CholeskySolver.TryFactor(w.System, p, s))
        {
            return false;
        }

        // x = Λ*⁻¹b + U⁻¹z = U⁻¹(U⁻ᵀb + z), with Λ* = UᵀU.
        CholeskySolver.SolveTransposed(w.System, p, s, rhs);
        w.Random.Reset(_seed, RowStream(_iteration, side, r));
        for (int a = 0; a < p; a++)
        {
            rhs[a] += w.Random.NextGaussian();
        }

        CholeskySolver.SolveUpper(w.System, p, s, rhs);
        Span<float> x = (side == UserSide ? _users : _items).AsSpan(r * p, p);
        bool finite = true;
        for (int a = 0; a < p; a++)
        {
            float v = (float)rhs[a];
            finite &= float.IsFinite(v);
            x[a] = v;
        }

        return finite;
    }

    /// <summary>The train SSE of the current sample, and the validation SSEs of this sample and of the running posterior mean (updated when keeping).</summary>
    private void Evaluate(bool keep, CancellationToken cancellationToken)
    {
        _phase = Phase.Evaluate;
        _keepThisSweep = keep;
        _pool.Run(this, _evaluationBlocks.Length - 1, cancellationToken);
        _trainSse = _validationSse = _posteriorSse = 0;
        for (int b = 0; b < _blockTrainSse.Length; b++)
        {
            _trainSse += _blockTrainSse[b];
            _validationSse += _blockValidationSse[b];
            _posteriorSse += _blockPosteriorSse[b];
        }
    }

    private void EvaluateBlock(int block, RowBuffer buffer)
    {
        int d = _d, p = _p;
        float mu = _mu;
        double train = 0, validation = 0, posterior = 0;
        int keptAfter = _kept + 1;
        for (int u = _evaluationBlocks[block], end = _evaluationBlocks[block + 1]; u < end; u++)
        {
            ReadOnlySpan<float> x = _users.AsSpan(u * p, p);
            ReadOnlySpan<float> factors = x[..d];
            float baseline = mu + x[d];
            int count = _userRows.Row(u, buffer, out ReadOnlySpan<int> items, out ReadOnlySpan<float> values);
            for (int k = 0; k < count; k++)
            {
                ReadOnlySpan<float> y = _items.AsSpan(items[k] * p, p);
                double e = values[k] - (baseline + y[d] + RowKernels.Dot(factors, y[..d]));
                train += e * e;
            }

            if (_validationOffsets is null)
            {
                continue;
            }

            for (int k = _validationOffsets[u]; k < _validationOffsets[u + 1]; k++)
            {
                ReadOnlySpan<float> y = _items.AsSpan(_validationItems![k] * p, p);
                float f = baseline + y[d] + RowKernels.Dot(factors, y[..d]);
                if (_range is { } range)
                {
                    f = range.Clamp(f);
                }

                double e = _validationValues![k] - f;
                validation += e * e;
                if (_keepThisSweep)
                {
                    double mean = (_validationSums![k] += f) / keptAfter;
                    double ep = _validationValues[k] - mean;
                    posterior += ep * ep;
                }
            }
        }

        _blockTrainSse[block] = train;
        _blockValidationSse[block] = validation;
        _blockPosteriorSse[block] = posterior;
    }

    /// <summary>Adds the current sweep to the running sums and, when its turn has come, to the stored samples.</summary>
    private void Keep()
    {
        int kept = _kept++;
        for (int k = 0; k < _users.Length; k++)
        {
            _userSums[k] += _users[k];
        }

        for (int k = 0; k < _items.Length; k++)
        {
            _itemSums[k] += _items[k];
        }

        _noiseVarianceSum += 1 / _alpha;
        if (_samples is null || _stored >= _samples.Count)
        {
            return;
        }

        // Slot j holds kept sample ⌊(j + 1)·K/S⌋ − 1: evenly spaced, the last sample always among them.
        long wanted = (((long)_stored + 1) * _keptTotal / _samples.Count) - 1;
        if (kept == wanted)
        {
            _users.CopyTo(_samples.UserRows(_stored));
            _items.CopyTo(_samples.ItemRows(_stored));
            _samples.SetScalars(_stored, _mu, (float)(1 / _alpha));
            _stored++;
        }
    }

    /// <summary>One worker's buffers: packed rows, the system and right-hand side, and a reusable random stream.</summary>
    private sealed class Worker
    {
        public Worker(int p, int packedStride, int stride, int gather)
        {
            Packed = new PaddedRows(GramKernel.ChunkRows, p, packedStride);
            System = new double[stride * stride];
            Rhs = new double[stride];
            Gather = new RowBuffer(gather);
        }

        /// <summary>Where a split's row is gathered (empty when the training set has storage of its own).</summary>
        public RowBuffer Gather { get; }

        public PaddedRows Packed { get; }

        public double[] System { get; }

        public double[] Rhs { get; }

        public SeededRandom Random { get; } = new(0, 0);
    }
}
