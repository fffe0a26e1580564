using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.Bayesian;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Bayesian probabilistic matrix factorization (BPMF; Salakhutdinov and Mnih, "Bayesian Probabilistic
/// Matrix Factorization using Markov Chain Monte Carlo", ICML 2008) with user and item biases, trained
/// by Gibbs sampling. The model is r_ui ~ Normal(μ + b_u + c_i + ⟨p_u, q_i⟩, 1/α), μ the training mean;
/// the bias is one more coordinate of each row, so a user row [p_u; b_u] (and likewise an item row
/// [q_i; c_i]) is Normal(μ_U, Λ_U⁻¹) with the paper's Gaussian–Wishart hyper-prior on (μ_U, Λ_U)
/// (μ₀ = 0, β₀ = 2, ν₀ = d + 1, W₀ = I) and the biases learn their scale and their correlation with the
/// factors from the data. α is sampled (Gamma prior, as libFM) unless
/// <see cref="BayesianMatrixOptions.NoisePrecision"/> fixes it.
/// </summary>
/// <remarks>
/// <para>Each sweep draws the users' hyper-parameters, every user row from its Gaussian conditional,
/// the items' hyper-parameters and every item row, then α. After
/// <see cref="BayesianMatrixOptions.BurnIn"/> sweeps every sweep is kept. The returned
/// <see cref="FactorizationModel"/> is an ordinary one for scoring: its embeddings and biases are the
/// posterior means over the kept samples, so neighbours, recommendations, fold-in, export and
/// persistence work unchanged. Its rating prediction is exact: with stored samples
/// (<see cref="BayesianMatrixOptions.StoredSamples"/>, all by default)
/// <see cref="FactorizationModel.Predict(UserIndex, ItemIndex)"/> is the posterior mean of the prediction and
/// <see cref="FactorizationModel.PredictDistribution"/> adds its posterior standard deviation.</para>
/// <para>Cost per sweep: about |Ω|·(d + 1)²/2 multiply-adds for the rows' systems (as an ALS sweep
/// with biases) and (N + M)·(d + 1)³/6 for their Cholesky factors; no allocation per sweep. Deterministic
/// for a seed at any thread count (per-row random streams). Each fit owns its state, so one factorizer
/// can fit several datasets, also concurrently.</para>
/// </remarks>
public sealed class BayesianMatrixFactorizer : IMatrixFactorizer
{
    private const ulong InitialisationStream = 50;

    /// <summary>The log messages, event ids 3100–3106.</summary>
    private static readonly TrainingLog Log = new(nameof(BayesianMatrixFactorizer), "Bpmf", 3100, "sweep", "MSE", "sweeps");

    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives start, progress (debug: each report's train RMSE of that sample and the running posterior-mean validation RMSE), completion and divergence messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public BayesianMatrixFactorizer(BayesianMatrixOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new BayesianMatrixOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public BayesianMatrixOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationModel>.Options => Options;

    /// <summary>Trains a model by Gibbs sampling; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; rows are sampled for every user and item of its catalogue (those without ratings from the prior).</param>
    /// <param name="validation">Held-out ratings over the same catalogue whose running posterior-mean error is reported, or <see langword="null"/> (an empty set counts as none). Early stopping does not apply (the fit logs that it ignores it).</param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> sweeps and after the last,
    /// <see cref="TrainingProgress.TrainMse"/> (= <see cref="TrainingProgress.ObservedLoss"/>) of that
    /// sweep's sample and <see cref="TrainingProgress.ValidationMse"/> of the posterior-mean prediction
    /// over the samples kept so far (during the burn-in, of the current sample), each sample's
    /// prediction clamped as the model clamps. Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before every sweep and before every block of users or items within one.</param>
    /// <returns>The model: posterior-mean embeddings and biases, μ, the posterior samples (unless <see cref="BayesianMatrixOptions.StoredSamples"/> is 0), carrying <see cref="Options"/>; its <see cref="FactorizationModel.PredictionRange"/> is the training set's range when <see cref="FactorizationOptions.ClipPredictions"/> is on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainerOptions.Dimensions"/> or <see cref="BayesianMatrixOptions.StoredSamples"/> is too large for the catalogue (the rows or the stored samples do not fit in memory or in an array).</exception>
    /// <exception cref="TrainingDivergedException">A value became NaN or infinite (ratings too large for single precision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);
        BayesianMatrixOptions options = Options;
        int d = options.Dimensions, p = d + 1, n = train.UserCount, m = train.ItemCount;
        int kept = options.Iterations - options.BurnIn, stored = options.StoredSampleCount;
        // With StoredSamples at least the kept count, the number stored is set by Iterations − BurnIn: name that option.
        TrainingMemory.CheckBayesian(train, p, options.ThreadCount, stored, options.StoredSamples > kept ? nameof(TrainerOptions.Iterations) : nameof(BayesianMatrixOptions.StoredSamples));
        // Both sides' factors start from Normal(0, σ²), as libFM's and the BPMF paper's code start theirs:
        // user rows at zero would make the first sweep's user prior precision about (N + d + 1)·I (the
        // Wishart conditional of N rows with no scatter), which pins the user factors near zero and holds
        // the chain on the bias-only plateau for tens of sweeps before it finds the factors.
        var items = new float[m * p];
        var users = new float[n * p];
        var random = new SeededRandom(options.Seed, InitialisationStream);
        for (int i = 0; i < m; i++)
        {
            random.FillNormal(items.AsSpan(i * p, d), options.InitStdDev);
        }

        for (int u = 0; u < n; u++)
        {
            random.FillNormal(users.AsSpan(u * p, d), options.InitStdDev);
        }

        cancellationToken.ThrowIfCancellationRequested();
        RatingRange? range = options.ClipPredictions ? train.ValueRange : null;
        using var training = new BpmfTraining(train, validation, d, options.BurnIn, kept, stored, options.NoisePrecision, options.Seed, options.ThreadCount, users, items, range, options);
        Log.FitStarting(_logger, n, m, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"d = {d}, {options.Iterations} sweeps ({options.BurnIn} burn-in, {kept} kept, {stored} stored), α {(options.NoisePrecision is { } a ? a.ToString(CultureInfo.InvariantCulture) : "sampled")}"), training.WorkerCount);
        return TrainingLoop.Run(training, TrainingSchedule.Of(options), Log, _logger, progress, cancellationToken).WithTrainingScale(train.ValueRange);
    }

    /// <summary>Creates a training positioned at the given rows (taken over; N·(d + 1) and M·(d + 1) floats), for the exactness tests.</summary>
    internal BpmfTraining CreateTraining(RatingsDataset train, float[] users, float[] items, RatingsDataset? validation = null)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);
        BayesianMatrixOptions o = Options;
        return new BpmfTraining(train, validation, o.Dimensions, o.BurnIn, o.Iterations - o.BurnIn, o.StoredSampleCount, o.NoisePrecision, o.Seed, o.ThreadCount, users, items, o.ClipPredictions ? train.ValueRange : null, o);
    }
}
