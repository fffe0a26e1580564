using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Factorization.Bayesian;

/// <summary>
/// One Bayesian factorization-machine fit: the Gibbs sampler of Freudenthaler, Schmidt-Thieme and
/// Rendle (2011; libFM's MCMC) on relational blocks (Rendle, VLDB 2013). The model is
/// ŷ(x) = w₀ + Σ_j w_j x_j + Σ_f ½[(Σ_j v_jf x_j)² − Σ_j v_jf² x_j²] with a rating's x the
/// concatenation of its user's row of the user block, its item's row of the item block and (optionally)
/// its time bucket's row; ratings ~ Normal(ŷ, 1/α).
/// </summary>
/// <remarks>
/// <para>Every parameter θ enters ŷ linearly, ŷ_n = g_n + θ·h_n, so its conditional is Gaussian with
/// precision α·Σh_n² + λ and mean (α·Σ(e_n + θh_n)h_n + λμ)/precision (e the residuals, (μ, λ) the
/// group's prior). For a feature j of block B and rank f, h_n = x_j(Q′_r + R_n) with Q′_r the f-th
/// factor sum of the rating's row r without j, and R_n the other blocks' f-th sums: the sums over a
/// row's ratings need only c_r = Σ1, SR_r = ΣR_n, SR2_r = ΣR_n², E_r = Σe_n and ER_r = Σe_nR_n,
/// computed once per (block, rank) and updated in O(1) per row after each draw. So a feature costs
/// O(its rows), not O(its ratings): the user-side implicit feedback of n_u items costs O(|Ω|) per rank
/// and block instead of libFM's O(Σ_u n_u²). A pass over the ratings then applies the block's change
/// to the residuals.</para>
/// <para>The draws come from one random stream per sweep, in a fixed order, so the chain depends on the
/// seed alone. After every sweep the residuals are recomputed from the parameters (no drift).</para>
/// <para>The draws of one (block, rank) are sequential by nature (each feature's conditional depends on
/// the draws before it), but the passes around them are data-parallel and run on the
/// <see cref="WorkerPool"/>: the other blocks' sums R_n and the residual updates, rating by rating; the
/// per-row sums (c, SR, SR2, E, ER), row by row; the refresh of every row's sums and of the residuals;
/// a pass too small to pay for the hand-over (<see cref="DefaultMinParallelWork"/>) runs its blocks on the
/// calling thread. Each
/// value is computed by one thread in a fixed order and every sum over ratings is reduced over blocks
/// fixed by the data, in block order, so the chain is bit-identical for any thread count.</para>
/// </remarks>
internal sealed class FmTraining : ITraining<FactorizationMachineModel>, IBlockWork
{
    /// <summary>Ratings per block of the passes over ratings.</summary>
    private const int RatingsPerBlock = 1 << 12;

    /// <summary>
    /// The least work, in values touched, for which a pass is handed to the worker pool; a smaller pass
    /// runs its blocks on the calling thread, in block order. A value costs 0.3–1.3 ns (the calling thread's
    /// CPU time per value of each pass of a 100k-rating fit, measured with CLOCK_THREAD_CPUTIME_ID), so the
    /// per-rank passes there (90,000 values, 35–100 µs; 60 of them a sweep) are each shorter than what
    /// handing them over can cost: a fork and a join whatever the size (tens of microseconds on a two-vCPU
    /// virtual machine), and a scheduler slice when a worker holding a block is descheduled. They made two
    /// threads slower than one. At 2¹⁹ values (0.2–0.7 ms) a pass pays for the hand-over at two threads; the
    /// residual refresh of a 100k fit (2 million values) and every per-rank pass of a 1M fit (900,000) are above it.
    /// The blocks are the same either way, so the chain does not change: bit-identical at any thread count.
    /// </summary>
    internal const long DefaultMinParallelWork = 1L << 19;

    private readonly WorkerPool _pool;
    private readonly long _minParallelWork;

    /// <summary>Per <see cref="Phase"/> and block (the row passes'; index 0 for the rating passes): the pass's work in values touched.</summary>
    private readonly long[][] _passWork;
    private readonly int[] _ratingBlocks;
    private readonly int[][] _rowBlocks;
    private readonly int[] _validationBlocks;
    private readonly double[] _blockSums;
    private readonly double[] _blockValidationSse;
    private readonly double[] _blockPosteriorSse;
    private Phase _phase;
    private int _phaseBlock;
    private int _phaseRank;
    private double _phaseDelta;
    private bool _phaseKeep;

    private readonly FmLayout _layout;
    private readonly FmBlock[] _blocks;
    private readonly int _k;
    private readonly int _n;
    private readonly int _groupCount;
    private readonly long _seed;
    private readonly double? _fixedAlpha;
    private readonly int _burnIn;
    private readonly int _keptTotal;
    private readonly RatingRange? _range;
    private readonly RatingRange? _trainingScale;

    /// <summary>The training set's per-user and per-item counts, which the model keeps for support-aware ranking and minimum-support filters.</summary>
    private readonly TrainingSupport _support;
    private readonly FactorizationMachineOptions _options;

    /// <summary>The values the parameters are fitted to, user-major: the ratings, or with ordinal ratings the current latent scores (an array of the fit's own).</summary>
    private readonly float[] _y;

    /// <summary>With ordinal ratings: the ratings themselves (user-major), the scale's step (1 or 0.5) and ends, and one latent-score stream per worker; otherwise null and 0.</summary>
    private readonly float[]? _ordinalRatings;
    private readonly double _ordinalStep;
    private readonly double _ordinalMin;
    private readonly double _ordinalMax;
    private readonly SeededRandom[]? _latentRandoms;
    private int _iteration;

    /// <summary>e_n = y_n − ŷ_n, user-major.</summary>
    private readonly double[] _e;

    /// <summary>R_n, the other blocks' f-th factor sums of each rating, during a factor pass.</summary>
    private readonly double[] _other;

    /// <summary>Each block's row of every rating.</summary>
    private readonly int[][] _rowOf;

    private readonly double[][] _w;
    private readonly double[][] _v;
    private readonly double[][] _linear;
    private readonly double[][] _q;
    private readonly double[][] _phi;
    private readonly double[][] _counts;
    private readonly double[][] _linearCurvature;

    private readonly double[] _sr;
    private readonly double[] _sr2;
    private readonly double[] _rowE;
    private readonly double[] _rowER;
    private readonly double[] _dq;
    private readonly double[] _dphi;

    private readonly double[] _muW;
    private readonly double[] _lambdaW;
    private readonly double[] _muV;
    private readonly double[] _lambdaV;
    private readonly bool[][] _hasData;

    private readonly int[]? _validationUsers;
    private readonly int[]? _validationItems;
    private readonly int[]? _validationBuckets;
    private readonly float[]? _validationValues;
    private readonly double[]? _validationSums;
    private readonly double[] _timeWeights;
    private readonly double[] _timeMeanQ;

    private readonly double[] _userRowSums;
    private readonly double[] _itemRowSums;
    private readonly double[] _userParameterSums;
    private readonly double[] _hyperSums;
    private readonly float[] _userRows;
    private readonly float[] _itemRows;
    private readonly PosteriorSamples? _samples;

    private readonly SeededRandom _random = new(0, 0);

    private double _w0;
    private double _alpha;
    private double _sse;
    private double _validationSse;
    private double _posteriorSse;
    private double _timeMeanBias;
    private double _globalSum;
    private double _noiseVarianceSum;
    private int _kept;
    private int _stored;

    /// <summary>Prepares a fit: the layout, the ratings, factors from Normal(0, σ²) (stream 60), linear weights 0, w₀ the training mean; up to <paramref name="threads"/> workers, which take the passes of at least <paramref name="minParallelWork"/> values (<see cref="DefaultMinParallelWork"/>; tests pass 0 to run every pass of several blocks on the pool).</summary>
    public FmTraining(RatingsDataset train, WorkingRatings ratings, RatingsDataset? validation, FmLayout layout, FactorizationMachineOptions options, RatingRange? range, int threads, long minParallelWork = DefaultMinParallelWork)
    {
        _layout = layout;
        _options = options;
        _blocks = layout.Time is { } time ? [layout.User, layout.Item, time] : [layout.User, layout.Item];
        _k = options.Dimensions;
        _n = train.Count;
        _groupCount = layout.Groups.Length;
        _seed = options.Seed;
        _fixedAlpha = options.NoisePrecision;
        _alpha = options.NoisePrecision ?? 1;
        _burnIn = options.BurnIn;
        _keptTotal = options.Iterations - options.BurnIn;
        _range = range;
        _trainingScale = train.ValueRange;
        Catalog = train.Catalog;
        _support = TrainingSupport.Of(train);

        CsrView byUser = ratings.ByUser;
        if (options.OrdinalRatings)
        {
            // The latent scores are rewritten every sweep, in an array of the fit's own; they start at the ratings.
            _ordinalRatings = byUser.ValueArray;
            (_ordinalStep, _ordinalMin, _ordinalMax) = BpmfTraining.OrdinalScale(_ordinalRatings);
            _y = (float[])_ordinalRatings.Clone();
        }
        else
        {
            _y = byUser.ValueArray;
        }

        _e = new double[_n];
        _other = new double[_n];
        var userOf = new int[_n];
        for (int u = 0; u < train.UserCount; u++)
        {
            userOf.AsSpan(byUser.RowOffsetArray[u], byUser.RowOffsetArray[u + 1] - byUser.RowOffsetArray[u]).Fill(u);
        }

        _rowOf = layout.RatingBuckets is { } buckets ? [userOf, byUser.ColumnArray, buckets] : [userOf, byUser.ColumnArray];

        int b = _blocks.Length, maxRows = 0;
        _w = new double[b][];
        _v = new double[b][];
        _linear = new double[b][];
        _q = new double[b][];
        _phi = new double[b][];
        _counts = new double[b][];
        _linearCurvature = new double[b][];
        _hasData = new bool[b][];
        var init = new SeededRandom(_seed, 60);
        for (int k = 0; k < b; k++)
        {
            FmBlock block = _blocks[k];
            maxRows = Math.Max(maxRows, block.Rows);
            _w[k] = new double[block.Features];
            _v[k] = new double[_k * block.Features];
            for (int a = 0; a < _v[k].Length; a++)
            {
                _v[k][a] = options.InitStdDev * init.NextGaussian();
            }

            _linear[k] = new double[block.Rows];
            _q[k] = new double[_k * block.Rows];
            _phi[k] = new double[block.Rows];
            _counts[k] = new double[block.Rows];
            for (int r = 0; r < block.Rows; r++)
            {
                _counts[k][r] = block.RatingCount(r);
            }

            _linearCurvature[k] = new double[block.Features];
            _hasData[k] = new bool[block.Features];
            for (int j = 0; j < block.Features; j++)
            {
                double h2 = 0;
                for (int c = block.ColumnOffsets[j]; c < block.ColumnOffsets[j + 1]; c++)
                {
                    double x = block.ColumnValues[c];
                    h2 += x * x * _counts[k][block.ColumnRows[c]];
                }

                _linearCurvature[k][j] = h2;
                _hasData[k][j] = h2 > 0;
            }
        }

        _sr = new double[maxRows];
        _sr2 = new double[maxRows];
        _rowE = new double[maxRows];
        _rowER = new double[maxRows];
        _dq = new double[maxRows];
        _dphi = new double[maxRows];

        _muW = new double[_groupCount];
        _lambdaW = new double[_groupCount];
        _muV = new double[_groupCount * _k];
        _lambdaV = new double[_groupCount * _k];
        Array.Fill(_lambdaW, 1.0);
        Array.Fill(_lambdaV, 1.0);

        if (validation is { Count: > 0 })
        {
            int count = validation.Count;
            _validationUsers = new int[count];
            CsrView validationByUser = WorkingRatings.UserMajor(validation);
            _validationItems = validationByUser.ColumnArray;
            _validationValues = validationByUser.ValueArray;
            _validationBuckets = new int[count];
            _validationSums = new double[count];
            for (int u = 0; u < validation.UserCount; u++)
            {
                _validationUsers.AsSpan(validationByUser.RowOffsetArray[u], validationByUser.RowOffsetArray[u + 1] - validationByUser.RowOffsetArray[u]).Fill(u);
            }

            ReadOnlySpan<long> stamps = layout.Time is null ? default : validation.Timestamps; // a view's timestamps are gathered only when used
            for (int a = 0; a < count; a++)
            {
                _validationBuckets[a] = layout.Time is { } t && !stamps.IsEmpty ? FmLayout.TimeBucket(stamps[a], layout.TimeOrigin, layout.TimeBucketSeconds, t.Rows) : -1;
            }

            ValidationCount = count;
        }

        int timeRows = layout.Time?.Rows ?? 0, w = _k + 1;
        _timeWeights = new double[timeRows];
        for (int t = 0; t < timeRows; t++)
        {
            _timeWeights[t] = layout.Time!.RatingCount(t) / (double)_n;
        }

        _timeMeanQ = new double[_k];
        _userRowSums = new double[train.UserCount * w];
        _itemRowSums = new double[train.ItemCount * w];
        _userParameterSums = new double[layout.User.Features * w];
        _hyperSums = new double[_groupCount * 2 * w];
        _userRows = new float[train.UserCount * w];
        _itemRows = new float[train.ItemCount * w];
        int stored = options.StoredSampleCount;
        if (stored > 0)
        {
            _samples = new PosteriorSamples(stored, _k, train.UserCount, train.ItemCount);
        }

        _ratingBlocks = RowPartition.Uniform(_n, RatingsPerBlock);
        _validationBlocks = RowPartition.Uniform(ValidationCount, RatingsPerBlock);
        _rowBlocks = new int[b][];
        int mostBlocks = _ratingBlocks.Length - 1;
        for (int k = 0; k < b; k++)
        {
            _rowBlocks[k] = RowPartition.Create(_blocks[k].RatingOffsets, perEntry: 8, perRow: 8 + (4L * _k * (_blocks[k].RowOffsets[_blocks[k].Rows] + 1) / Math.Max(1, _blocks[k].Rows)));
            mostBlocks = Math.Max(mostBlocks, _rowBlocks[k].Length - 1);
        }

        _blockSums = new double[_ratingBlocks.Length - 1];
        _blockValidationSse = new double[_validationBlocks.Length - 1];
        _blockPosteriorSse = new double[_validationBlocks.Length - 1];
        _pool = new WorkerPool(Math.Clamp(threads, 1, Math.Max(1, mostBlocks)));
        _minParallelWork = minParallelWork;
        if (_ordinalRatings is not null)
        {
            _latentRandoms = new SeededRandom[_pool.WorkerCount];
            for (int a = 0; a < _latentRandoms.Length; a++)
            {
                _latentRandoms[a] = new SeededRandom(0, 0);
            }
        }

        _passWork = PassWork();
        _w0 = DatasetStatistics.GlobalMean(train);
        Refresh(keep: false);
    }

    private enum Phase
    {
        /// <summary>Per rating: R_n, the other blocks' rank-f sums.</summary>
        Other,

        /// <summary>Per row of the block: c, SR, SR2, E and ER for rank f.</summary>
        FactorRows,

        /// <summary>Per rating: the residuals after a factor pass.</summary>
        FactorResiduals,

        /// <summary>Per row of the block: E = Σe over its ratings.</summary>
        LinearRows,

        /// <summary>Per rating: the residuals after a linear pass.</summary>
        LinearResiduals,

        /// <summary>Per row of the block: its linear sum, factor sums and pairwise term.</summary>
        RefreshRows,

        /// <summary>Per rating: the residual from the parameters, and the block's sum of squares.</summary>
        Residuals,

        /// <summary>Per validation rating: the prediction, and the block's sums of squares.</summary>
        Validation,

        /// <summary>Per rating block: Σe.</summary>
        ResidualSum,

        /// <summary>Per rating: e −= Δw₀.</summary>
        ShiftResiduals,

        /// <summary>Per rating, with ordinal ratings: a new latent score, its residual, and the block's sum of squares.</summary>
        Latents,
    }

    /// <summary>The training set's catalogue.</summary>
    public Catalog Catalog { get; }

    /// <summary>The layout the fit runs on.</summary>
    public FmLayout Layout => _layout;

    /// <summary>The blocks: user, item and (with a time block) time.</summary>
    public FmBlock[] Blocks => _blocks;

    /// <summary>The number of validation ratings (0 without).</summary>
    public int ValidationCount { get; }

    /// <summary>w₀.</summary>
    public double GlobalWeight { get => _w0; set => _w0 = value; }

    /// <summary>α of the current sweep.</summary>
    public double NoisePrecision { get => _alpha; set => _alpha = value; }

    /// <summary>Each block's linear weights w (tests may set them, then call <see cref="Refresh"/>).</summary>
    public double[][] LinearWeights => _w;

    /// <summary>Each block's factors, rank-major: v_jf at [f·p + j].</summary>
    public double[][] Factors => _v;

    /// <summary>Each group's (μ_w, λ_w) and, per rank, (μ_v, λ_v).</summary>
    public (double[] MuW, double[] LambdaW, double[] MuV, double[] LambdaV) Hyper => (_muW, _lambdaW, _muV, _lambdaV);

    /// <summary>The residuals e_n = y_n − ŷ_n of the current parameters (after <see cref="Refresh"/>).</summary>
    public double[] Residuals => _e;

    /// <summary>The stored samples so far.</summary>
    public PosteriorSamples? Samples => _samples;

    /// <inheritdoc/>
    public int WorkerCount => _pool.WorkerCount;

    /// <inheritdoc/>
    public bool HasValidation => _validationSums is not null;

    /// <inheritdoc/>
    public string? EarlyStoppingUnsupportedReason => "a Gibbs sampler's model is the average over every kept sample, not a point to stop at";

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    /// <inheritdoc/>
    void IBlockWork.Execute(int block, int worker)
    {
        switch (_phase)
        {
            case Phase.Other:
                OtherSums(_ratingBlocks[block], _ratingBlocks[block + 1]);
                break;
            case Phase.FactorRows:
                FactorRows(_rowBlocks[_phaseBlock][block], _rowBlocks[_phaseBlock][block + 1]);
                break;
            case Phase.FactorResiduals:
                FactorResiduals(_ratingBlocks[block], _ratingBlocks[block + 1]);
                break;
            case Phase.LinearRows:
                LinearRows(_rowBlocks[_phaseBlock][block], _rowBlocks[_phaseBlock][block + 1]);
                break;
            case Phase.LinearResiduals:
                LinearResiduals(_ratingBlocks[block], _ratingBlocks[block + 1]);
                break;
            case Phase.RefreshRows:
                RefreshRows(_rowBlocks[_phaseBlock][block], _rowBlocks[_phaseBlock][block + 1]);
                break;
            case Phase.Residuals:
                _blockSums[block] = ResidualsOf(_ratingBlocks[block], _ratingBlocks[block + 1]);
                break;
            case Phase.Validation:
                ValidationOf(block);
                break;
            case Phase.ResidualSum:
                double sum = 0;
                for (int n = _ratingBlocks[block], end = _ratingBlocks[block + 1]; n < end; n++)
                {
                    sum += _e[n];
                }

                _blockSums[block] = sum;
                break;
            case Phase.ShiftResiduals:
                for (int n = _ratingBlocks[block], end = _ratingBlocks[block + 1]; n < end; n++)
                {
                    _e[n] -= _phaseDelta;
                }

                break;
            case Phase.Latents:
                _blockSums[block] = DrawLatents(block, _latentRandoms![worker]);
                break;
        }
    }

    /// <summary>Runs <paramref name="phase"/> over the rating blocks, or over block <paramref name="b"/>'s row blocks.</summary>
    private void Run(Phase phase, int b = -1, int f = -1)
    {
        _phase = phase;
        _phaseBlock = b;
        _phaseRank = f;
        bool rowPass = phase is Phase.FactorRows or Phase.LinearRows or Phase.RefreshRows;
        int blocks = rowPass ? _rowBlocks[b].Length - 1
            : phase == Phase.Validation ? _validationBlocks.Length - 1
            : _ratingBlocks.Length - 1;
        if (_pool.WorkerCount > 1 && blocks > 1 && _passWork[(int)phase][rowPass ? b : 0] >= _minParallelWork)
        {
            PooledRuns++;
            _pool.Run(this, blocks);
            return;
        }

        // Too small to pay for the hand-over: the same blocks in the same order, on this thread.
        for (int block = 0; block < blocks; block++)
        {
            ((IBlockWork)this).Execute(block, 0);
        }
    }

    /// <summary>Each pass's work in values touched: per rating, the rows it reads (R_n: the other blocks; a residual: every block's k + 1 sums); per row pass, the block's ratings or its entries × (k + 1).</summary>
    private long[][] PassWork()
    {
        int b = _blocks.Length;
        long n = _n, k1 = _k + 1;
        var work = new long[Enum.GetValues<Phase>().Length][];
        long[] PerRating(long perRating) => [n * perRating];
        long[] PerRow(Func<FmBlock, long> rowWork) => [.. _blocks.Select(rowWork)];
        work[(int)Phase.Other] = PerRating(b - 1);
        work[(int)Phase.FactorRows] = PerRow(static block => block.RatingOffsets[block.Rows]);
        work[(int)Phase.FactorResiduals] = PerRating(1);
        work[(int)Phase.LinearRows] = PerRow(static block => block.RatingOffsets[block.Rows]);
        work[(int)Phase.LinearResiduals] = PerRating(1);
        work[(int)Phase.RefreshRows] = PerRow(block => (block.RowOffsets[block.Rows] + (long)block.Rows) * k1);
        work[(int)Phase.Residuals] = PerRating(b * k1);
        work[(int)Phase.Validation] = [ValidationCount * b * k1];
        work[(int)Phase.ResidualSum] = PerRating(1);
        work[(int)Phase.ShiftResiduals] = PerRating(1);
        work[(int)Phase.Latents] = PerRating(16); // a truncated-normal draw costs about as much as a residual's reads at rank 10
        return work;
    }

    /// <summary>How many passes went to the worker pool (the others ran on the calling thread); for tests.</summary>
    internal int PooledRuns { get; private set; }

    /// <summary>Σ of the per-block sums, in block order.</summary>
    private static double Total(double[] blockSums)
    {
        double total = 0;
        foreach (double x in blockSums)
        {
            total += x;
        }

        return total;
    }

    /// <inheritdoc/>
    public double Step(int iteration, CancellationToken cancellationToken)
    {
        _random.Reset(_seed, (1UL << 61) | (uint)iteration);
        if (_ordinalRatings is not null)
        {
            // Albert–Chib: the latent scores given the parameters, then α and the parameters given the latent scores.
            _iteration = iteration;
            Run(Phase.Latents);
            _sse = Total(_blockSums);
        }

        if (_fixedAlpha is null)
        {
            (double shape, double rate) = BpmfTraining.NoisePosterior(_n, _sse);
            _alpha = Samplers.Gamma(_random, shape, rate);
        }

        SampleGlobal();
        for (int g = 0; g < _groupCount; g++)
        {
            SampleHyper(g, -1);
        }

        for (int b = 0; b < _blocks.Length; b++)
        {
            SampleLinear(b);
        }

        for (int f = 0; f < _k; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int g = 0; g < _groupCount; g++)
            {
                SampleHyper(g, f);
            }

            for (int b = 0; b < _blocks.Length; b++)
            {
                SampleFactors(b, f);
            }
        }

        bool keep = iteration > _burnIn;
        Refresh(keep);
        if (keep)
        {
            Keep();
        }

        return _sse / _n;
    }

    /// <summary>The conditional of w₀ (flat prior): mean w₀ + Σe/n, precision α·n.</summary>
    public (double Mean, double Precision) GlobalConditional()
    {
        Run(Phase.ResidualSum);
        return (_w0 + (Total(_blockSums) / _n), _alpha * _n);
    }

    /// <summary>The conditional of linear weight j of block b, from the current residuals.</summary>
    public (double Mean, double Precision) LinearConditional(int b, int j)
    {
        PrepareLinear(b);
        return LinearMoments(b, j);
    }

    /// <summary>The conditional of factor v_jf of block b, from the current residuals and factor sums.</summary>
    public (double Mean, double Precision) FactorConditional(int b, int j, int f)
    {
        PrepareFactor(b, f);
        return FactorMoments(b, j, f);
    }

    /// <summary>
    /// Recomputes from the parameters every row's linear sum, factor sums and within-row pairwise term,
    /// the residuals and their sum of squares, and the validation predictions (added to their running
    /// sums when <paramref name="keep"/>).
    /// </summary>
    public void Refresh(bool keep)
    {
        int k = _k;
        for (int b = 0; b < _blocks.Length; b++)
        {
            Run(Phase.RefreshRows, b);
        }

        // The time block's rating-weighted mean row, for predictions without a time.
        _timeMeanBias = 0;
        Array.Clear(_timeMeanQ);
        if (_blocks.Length == 3)
        {
            int rows = _blocks[2].Rows;
            for (int t = 0; t < rows; t++)
            {
                _timeMeanBias += _timeWeights[t] * (_linear[2][t] + _phi[2][t]);
                for (int f = 0; f < k; f++)
                {
                    _timeMeanQ[f] += _timeWeights[t] * _q[2][(f * rows) + t];
                }
            }
        }

        Run(Phase.Residuals);
        _sse = Total(_blockSums);
        if (_validationSums is null)
        {
            return;
        }

        _phaseKeep = keep;
        Run(Phase.Validation);
        _validationSse = Total(_blockValidationSse);
        _posteriorSse = Total(_blockPosteriorSse);
    }

    /// <summary>Rows [start, end) of block <see cref="_phaseBlock"/>: linear sum, factor sums and within-row pairwise term from the parameters.</summary>
    private void RefreshRows(int start, int end)
    {
        int k = _k, b = _phaseBlock;
        FmBlock block = _blocks[b];
        double[] w = _w[b], v = _v[b], linear = _linear[b], q = _q[b], phi = _phi[b];
        int p = block.Features, rows = block.Rows;
        for (int r = start; r < end; r++)
        {
            double l = 0, squares = 0;
            for (int c = block.RowOffsets[r]; c < block.RowOffsets[r + 1]; c++)
            {
                l += block.RowValues[c] * w[block.RowFeatures[c]];
            }

            double pairs = 0;
            for (int f = 0; f < k; f++)
            {
                double sum = 0;
                squares = 0;
                for (int c = block.RowOffsets[r]; c < block.RowOffsets[r + 1]; c++)
                {
                    double xv = block.RowValues[c] * v[(f * p) + block.RowFeatures[c]];
                    sum += xv;
                    squares += xv * xv;
                }

                q[(f * rows) + r] = sum;
                pairs += 0.5 * ((sum * sum) - squares);
            }

            linear[r] = l;
            phi[r] = pairs;
        }
    }

    /// <summary>
    /// With ordinal ratings, draws the latent scores of rating block <paramref name="block"/>: each from
    /// Normal(ŷ_n, 1/α) truncated to its rating's interval [r − step/2, r + step/2] (open beyond the scale's
    /// ends), ŷ_n = y_n − e_n the current parameters' prediction, from the block's own stream of the sweep;
    /// sets y_n and e_n and returns the block's sum of squared residuals.
    /// </summary>
    private double DrawLatents(int block, SeededRandom random)
    {
        double sigma = 1 / Math.Sqrt(_alpha), half = _ordinalStep / 2, sse = 0;
        random.Reset(_seed, LatentStream(_iteration, block));
        float[] ratings = _ordinalRatings!;
        for (int n = _ratingBlocks[block], end = _ratingBlocks[block + 1]; n < end; n++)
        {
            double prediction = _y[n] - _e[n];
            double r = ratings[n];
            double lower = r <= _ordinalMin ? double.NegativeInfinity : (r - half - prediction) / sigma;
            double upper = r >= _ordinalMax ? double.PositiveInfinity : (r + half - prediction) / sigma;
            float latent = (float)(prediction + (sigma * Samplers.TruncatedStandardNormal(random, lower, upper)));
            double e = latent - prediction;
            _y[n] = latent;
            _e[n] = e;
            sse += e * e;
        }

        return sse;
    }

    /// <summary>The latent scores' per-block stream: bit 62 set (apart from the sweep's stream, bit 61, and the initial factors', 60), bits 31–61 the sweep, bits 0–30 the rating block.</summary>
    private static ulong LatentStream(int iteration, int block) =>
        (1UL << 62) | ((ulong)((uint)iteration & 0x7FFF_FFFF) << 31) | (uint)block;

    /// <summary>The values the parameters are fitted to, user-major: the ratings, or with ordinal ratings the current latent scores; for tests.</summary>
    internal ReadOnlySpan<float> FittedValues => _y;

    /// <summary>The residuals of ratings [start, end) from the parameters; returns their sum of squares.</summary>
    private double ResidualsOf(int start, int end)
    {
        double sse = 0;
        for (int n = start; n < end; n++)
        {
            int t = _blocks.Length == 3 ? _rowOf[2][n] : -1;
            double e = _y[n] - Predict(_rowOf[0][n], _rowOf[1][n], t);
            _e[n] = e;
            sse += e * e;
        }

        return sse;
    }

    /// <summary>The validation predictions of one block, added to their running sums when the sweep is kept; its sums of squares.</summary>
    private void ValidationOf(int block)
    {
        bool keep = _phaseKeep;
        double validation = 0, posterior = 0;
        int keptAfter = _kept + 1;
        for (int a = _validationBlocks[block], end = _validationBlocks[block + 1]; a < end; a++)
        {
            double f = Predict(_validationUsers![a], _validationItems![a], _validationBuckets![a]);
            if (_range is { } range)
            {
                f = Math.Clamp(f, range.Min, range.Max);
            }

            double e = _validationValues![a] - f;
            validation += e * e;
            if (keep)
            {
                double ep = _validationValues[a] - ((_validationSums![a] += f) / keptAfter);
                posterior += ep * ep;
            }
        }

        _blockValidationSse[block] = validation;
        _blockPosteriorSse[block] = posterior;
    }

    /// <inheritdoc/>
    public double LearningRate(int iteration) => double.NaN;

    /// <inheritdoc/>
    public double ValidationLoss() => CurrentValidationMse() ?? double.NaN;

    /// <inheritdoc/>
    public TrainingProgress Measure(double? validationLoss)
    {
        double trainMse = _sse / _n;
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
    public bool AllFinite()
    {
        foreach (double[] w in _w)
        {
            if (!TensorPrimitivesExtensions.AllFinite(w))
            {
                return false;
            }
        }

        foreach (double[] v in _v)
        {
            if (!TensorPrimitivesExtensions.AllFinite(v))
            {
                return false;
            }
        }

        return double.IsFinite(_w0) && TensorPrimitivesExtensions.AllFinite(_userRowSums) && TensorPrimitivesExtensions.AllFinite(_itemRowSums)
            && TensorPrimitivesExtensions.AllFinite(_userRows) && TensorPrimitivesExtensions.AllFinite(_itemRows) && (_samples?.Problem() is null);
    }

    /// <inheritdoc/>
    public FactorizationMachineModel ToModel(bool best)
    {
        int k = _k, w = k + 1;
        double scale = 1.0 / Math.Max(1, _kept);
        var users = new float[Catalog.UserCount * k];
        var userBiases = new float[Catalog.UserCount];
        var items = new float[Catalog.ItemCount * k];
        var itemBiases = new float[Catalog.ItemCount];
        Unpack(_userRowSums, users, userBiases, scale, k);
        Unpack(_itemRowSums, items, itemBiases, scale, k);
        var userParameters = new float[_userParameterSums.Length];
        for (int a = 0; a < userParameters.Length; a++)
        {
            userParameters[a] = (float)(_userParameterSums[a] * scale);
        }

        var hyper = new float[_hyperSums.Length];
        for (int a = 0; a < hyper.Length; a++)
        {
            hyper[a] = (float)(_hyperSums[a] * scale);
        }

        return new FactorizationMachineModel(Catalog, _options, _layout, k, users, userBiases, items, itemBiases, (float)(_globalSum * scale),
            userParameters, hyper, (float)(1 / (_noiseVarianceSum * scale)), _range, _trainingScale, _stored > 0 ? _samples : null, _support);

        static void Unpack(double[] sums, float[] factors, float[] biases, double scale, int k)
        {
            for (int r = 0; r < biases.Length; r++)
            {
                for (int f = 0; f < k; f++)
                {
                    factors[(r * k) + f] = (float)(sums[(r * (k + 1)) + f] * scale);
                }

                biases[r] = (float)(sums[(r * (k + 1)) + k] * scale);
            }
        }
    }

    /// <summary>The current parameters' prediction for a user, an item and a time bucket (−1: averaged over the training ratings' times).</summary>
    private double Predict(int user, int item, int bucket)
    {
        int k = _k, rowsU = _blocks[0].Rows, rowsI = _blocks[1].Rows;
        double[] qu = _q[0], qi = _q[1];
        double prediction = _w0 + _linear[0][user] + _phi[0][user] + _linear[1][item] + _phi[1][item];
        if (_blocks.Length == 3)
        {
            int rowsT = _blocks[2].Rows;
            double[] qt = _q[2];
            prediction += bucket >= 0 ? _linear[2][bucket] + _phi[2][bucket] : _timeMeanBias;
            for (int f = 0; f < k; f++)
            {
                double a = qu[(f * rowsU) + user], b = qi[(f * rowsI) + item], c = bucket >= 0 ? qt[(f * rowsT) + bucket] : _timeMeanQ[f];
                prediction += (a * b) + (a * c) + (b * c);
            }

            return prediction;
        }

        for (int f = 0; f < k; f++)
        {
            prediction += qu[(f * rowsU) + user] * qi[(f * rowsI) + item];
        }

        return prediction;
    }

    private double? CurrentValidationMse() =>
        !HasValidation ? null : _kept > 0 ? _posteriorSse / ValidationCount : _validationSse / ValidationCount;

    private double NextGaussian(double mean, double precision) => mean + (_random.NextGaussian() / Math.Sqrt(precision));

    public void SampleGlobal()
    {
        (double mean, double precision) = GlobalConditional();
        double delta = NextGaussian(mean, precision) - _w0;
        _w0 += delta;
        _phaseDelta = delta;
        Run(Phase.ShiftResiduals);
    }

    /// <summary>Draws λ then μ of group <paramref name="g"/>'s linear weights (<paramref name="f"/> = −1) or rank-f factors, from its features that have data.</summary>
    public void SampleHyper(int g, int f)
    {
        FmGroupSpec spec = _layout.Groups[g];
        int b = (int)spec.Block, p = _blocks[b].Features;
        double[] values = f < 0 ? _w[b] : _v[b];
        int start = (f < 0 ? 0 : f * p) + spec.Offset;
        bool[] hasData = _hasData[b];
        ref double mu = ref f < 0 ? ref _muW[g] : ref _muV[(g * _k) + f];
        ref double lambda = ref f < 0 ? ref _lambdaW[g] : ref _lambdaV[(g * _k) + f];
        int count = 0;
        double sum = 0, squares = 0;
        for (int j = 0; j < spec.Count; j++)
        {
            if (hasData[spec.Offset + j])
            {
                double x = values[start + j];
                count++;
                sum += x;
                squares += (x - mu) * (x - mu);
            }
        }

        (double shape, double rate) = NormalGamma.Precision(count, squares, mu);
        lambda = Samplers.Gamma(_random, shape, rate);
        (double mean, double precision) = NormalGamma.Mean(count, sum, lambda);
        mu = NextGaussian(mean, precision);
    }

    /// <summary>E_r = Σe_n over each row's ratings.</summary>
    private void PrepareLinear(int b) => Run(Phase.LinearRows, b);

    /// <summary>E_r for rows [start, end) of block <see cref="_phaseBlock"/>.</summary>
    private void LinearRows(int start, int stop)
    {
        FmBlock block = _blocks[_phaseBlock];
        for (int r = start; r < stop; r++)
        {
            double sum = 0;
            int end = block.RatingOffsets[r + 1];
            if (block.RatingIndices is null)
            {
                for (int a = block.RatingOffsets[r]; a < end; a++)
                {
                    sum += _e[a];
                }
            }
            else
            {
                for (int a = block.RatingOffsets[r]; a < end; a++)
                {
                    sum += _e[block.RatingIndices[a]];
                }
            }

            _rowE[r] = sum;
            _dq[r] = 0;
        }
    }

    /// <summary>Ratings [start, end): e −= the change of their row's linear sum in block <see cref="_phaseBlock"/>.</summary>
    private void LinearResiduals(int start, int end)
    {
        int[] rowOf = _rowOf[_phaseBlock];
        for (int n = start; n < end; n++)
        {
            _e[n] -= _dq[rowOf[n]];
        }
    }

    private (double Mean, double Precision) LinearMoments(int b, int j)
    {
        FmBlock block = _blocks[b];
        int g = block.FeatureGroups[j];
        double theta = _w[b][j], h2 = _linearCurvature[b][j], eh = 0;
        for (int c = block.ColumnOffsets[j]; c < block.ColumnOffsets[j + 1]; c++)
        {
            eh += block.ColumnValues[c] * _rowE[block.ColumnRows[c]];
        }

        double precision = (_alpha * h2) + _lambdaW[g];
        return (((_alpha * (eh + (theta * h2))) + (_lambdaW[g] * _muW[g])) / precision, precision);
    }

    public void SampleLinear(int b)
    {
        FmBlock block = _blocks[b];
        PrepareLinear(b);
        double[] w = _w[b], counts = _counts[b];
        for (int j = 0; j < block.Features; j++)
        {
            (double mean, double precision) = LinearMoments(b, j);
            double delta = NextGaussian(mean, precision) - w[j];
            w[j] += delta;
            for (int c = block.ColumnOffsets[j]; c < block.ColumnOffsets[j + 1]; c++)
            {
                int r = block.ColumnRows[c];
                double dx = delta * block.ColumnValues[c];
                _rowE[r] -= dx * counts[r];
                _dq[r] += dx;
            }
        }

        double[] linear = _linear[b];
        Run(Phase.LinearResiduals, b);
        for (int r = 0; r < block.Rows; r++)
        {
            linear[r] += _dq[r];
        }
    }

    /// <summary>R_n for every rating and, per row of block b, SR, SR2, E and ER, for rank f.</summary>
    private void PrepareFactor(int b, int f)
    {
        Run(Phase.Other, b, f);
        Run(Phase.FactorRows, b, f);
    }

    /// <summary>R_n of ratings [start, end): the other blocks' rank-f sums, added in block order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OtherSums(int start, int end)
    {
        int b = _phaseBlock, f = _phaseRank;
        double[] other = _other;
        other.AsSpan(start, end - start).Clear();
        for (int o = 0; o < _blocks.Length; o++)
        {
            if (o == b)
            {
                continue;
            }

            int rows = _blocks[o].Rows;
            ReadOnlySpan<double> qf = _q[o].AsSpan(f * rows, rows);
            int[] rowOf = _rowOf[o];
            for (int n = start; n < end; n++)
            {
                other[n] += qf[rowOf[n]];
            }
        }
    }

    /// <summary>SR, SR2, E and ER of rows [start, end) of block <see cref="_phaseBlock"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FactorRows(int start, int stop)
    {
        double[] other = _other;
        FmBlock block = _blocks[_phaseBlock];
        for (int r = start; r < stop; r++)
        {
            double sr = 0, sr2 = 0, e = 0, er = 0;
            int end = block.RatingOffsets[r + 1];
            for (int a = block.RatingOffsets[r]; a < end; a++)
            {
                int n = block.RatingIndices is null ? a : block.RatingIndices[a];
                double x = other[n], en = _e[n];
                sr += x;
                sr2 += x * x;
                e += en;
                er += en * x;
            }

            _sr[r] = sr;
            _sr2[r] = sr2;
            _rowE[r] = e;
            _rowER[r] = er;
            _dq[r] = 0;
            _dphi[r] = 0;
        }
    }

    private (double Mean, double Precision) FactorMoments(int b, int j, int f)
    {
        FmBlock block = _blocks[b];
        int p = block.Features, rows = block.Rows, g = block.FeatureGroups[j];
        double theta = _v[b][(f * p) + j];
        ReadOnlySpan<double> qf = _q[b].AsSpan(f * rows, rows);
        double[] counts = _counts[b];
        double h2 = 0, eh = 0;
        for (int c = block.ColumnOffsets[j]; c < block.ColumnOffsets[j + 1]; c++)
        {
            int r = block.ColumnRows[c];
            double x = block.ColumnValues[c];
            double qp = qf[r] - (theta * x);
            h2 += x * x * ((counts[r] * qp * qp) + (2 * qp * _sr[r]) + _sr2[r]);
            eh += x * ((qp * _rowE[r]) + _rowER[r]);
        }

        int h = (g * _k) + f;
        double precision = (_alpha * h2) + _lambdaV[h];
        return (((_alpha * (eh + (theta * h2))) + (_lambdaV[h] * _muV[h])) / precision, precision);
    }

    public void SampleFactors(int b, int f)
    {
        FmBlock block = _blocks[b];
        PrepareFactor(b, f);
        int p = block.Features, rows = block.Rows;
        double[] v = _v[b], counts = _counts[b];
        Span<double> qf = _q[b].AsSpan(f * rows, rows);
        for (int j = 0; j < p; j++)
        {
            (double mean, double precision) = FactorMoments(b, j, f);
            double theta = v[(f * p) + j];
            double delta = NextGaussian(mean, precision) - theta;
            v[(f * p) + j] = theta + delta;
            for (int c = block.ColumnOffsets[j]; c < block.ColumnOffsets[j + 1]; c++)
            {
                int r = block.ColumnRows[c];
                double x = block.ColumnValues[c];
                double qp = qf[r] - (theta * x);
                double dx = delta * x;
                qf[r] += dx;
                _rowE[r] -= dx * ((counts[r] * qp) + _sr[r]);
                _rowER[r] -= dx * ((qp * _sr[r]) + _sr2[r]);
                _dphi[r] += dx * qp;
                _dq[r] += dx;
            }
        }

        Run(Phase.FactorResiduals, b, f);
        double[] phi = _phi[b];
        for (int r = 0; r < rows; r++)
        {
            phi[r] += _dphi[r];
        }
    }

    /// <summary>Ratings [start, end): e −= the change of their row's pairwise and factor terms in block <see cref="_phaseBlock"/>.</summary>
    private void FactorResiduals(int start, int end)
    {
        int[] rowOf = _rowOf[_phaseBlock];
        for (int n = start; n < end; n++)
        {
            int r = rowOf[n];
            _e[n] -= _dphi[r] + (_dq[r] * _other[n]);
        }
    }

    /// <summary>Adds the current sweep's context-free rows, time rows, user-block parameters and hyper-parameters to the running sums and, in its turn, to the stored samples.</summary>
    private void Keep()
    {
        int k = _k, w = k + 1;
        int kept = _kept++;
        double global = _w0 + _timeMeanBias;
        ContextRows(0, _userRows);
        ContextRows(1, _itemRows);
        Add(_userRowSums, _userRows);
        Add(_itemRowSums, _itemRows);
        _globalSum += global;
        _noiseVarianceSum += 1 / _alpha;
        int p = _blocks[0].Features;
        for (int j = 0; j < p; j++)
        {
            _userParameterSums[j * w] += _w[0][j];
            for (int f = 0; f < k; f++)
            {
                _userParameterSums[(j * w) + 1 + f] += _v[0][(f * p) + j];
            }
        }

        for (int g = 0; g < _groupCount; g++)
        {
            int at = g * 2 * w;
            _hyperSums[at] += _muW[g];
            _hyperSums[at + 1] += _lambdaW[g];
            for (int f = 0; f < k; f++)
            {
                _hyperSums[at + 2 + f] += _muV[(g * k) + f];
                _hyperSums[at + 2 + k + f] += _lambdaV[(g * k) + f];
            }
        }

        if (_samples is null || _stored >= _samples.Count)
        {
            return;
        }

        long wanted = (((long)_stored + 1) * _keptTotal / _samples.Count) - 1;
        if (kept == wanted)
        {
            _userRows.CopyTo(_samples.UserRows(_stored));
            _itemRows.CopyTo(_samples.ItemRows(_stored));
            _samples.SetScalars(_stored, (float)global, (float)(1 / _alpha));
            _stored++;
        }

        static void Add(double[] sums, float[] values)
        {
            for (int a = 0; a < sums.Length; a++)
            {
                sums[a] += values[a];
            }
        }
    }

    /// <summary>Block b's context-free rows [q_r; L_r + Φ_r + ⟨q_r, q̄_T⟩] (the time block folded in as the rating-weighted mean).</summary>
    private void ContextRows(int b, float[] destination)
    {
        int k = _k, rows = _blocks[b].Rows;
        double[] q = _q[b];
        for (int r = 0; r < rows; r++)
        {
            double bias = _linear[b][r] + _phi[b][r];
            for (int f = 0; f < k; f++)
            {
                double x = q[(f * rows) + r];
                destination[(r * (k + 1)) + f] = (float)x;
                bias += x * _timeMeanQ[f];
            }

            destination[(r * (k + 1)) + k] = (float)bias;
        }

        Debug.Assert(destination.Length == rows * (k + 1));
    }
}
