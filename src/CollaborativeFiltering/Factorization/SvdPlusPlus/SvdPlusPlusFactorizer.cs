using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.SvdPlusPlus;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// SVD++ (Koren 2008, "Factorization meets the neighborhood"): biased matrix factorization whose user
/// side also learns from which items each user rated. It predicts
/// <c>μ + b_u + b_i + ⟨q_i, p_u + |N(u)|^−½·Σ_(j∈N(u)) y_j⟩</c>, N(u) being the items u rated in the
/// training set and y_j a second factor per item (its "implicit" factor), and for each training rating,
/// with e = r − prediction and z = |N(u)|^−½·Σ_(j∈N(u)) y_j, applies (every right-hand side as before the rating)
/// <code>
/// b_u += lr_b·(e − λ_b·b_u)          b_i += lr_b·(e − λ_b·b_i)
/// p_u += lr·(e·q_i − λ·p_u)          q_i += lr·(e·(p_u + z) − λ·q_i)
/// y_j += lr·(e·|N(u)|^−½·q_i − λ_y·y_j)   for every j ∈ N(u)
/// </code>
/// as Surprise's <c>SVDpp</c> does. This minimises
/// Σ_(u,i)∈Ω [(r − prediction)² + λ_b(b_u² + b_i²) + λ(‖p_u‖² + ‖q_i‖²) + λ_y·Σ_(j∈N(u)) ‖y_j‖²].
/// Factors start from Normal(0, <see cref="TrainerOptions.InitStdDev"/>²), biases from 0; the learning
/// rates are multiplied by <see cref="SvdPlusPlusOptions.LearningRateDecay"/> after every epoch.
/// </summary>
/// <remarks>
/// <para><b>The implicit term once per user, not per rating.</b> Each epoch visits the users in a random
/// order and each user's ratings together, in a random order: the implicit sum z is computed once per
/// user, kept exact through the user's steps (each step moves it by exactly what the updates of the y_j
/// would), and the y_j receive the user's accumulated updates once at the end. These are the updates
/// above, in exact arithmetic, at O(|Ω|·d) per epoch; implementations that recompute z and update every
/// y_j at each rating (Surprise's) do O(Σ_u n_u²·d) work, about a hundred times more on MovieLens.</para>
/// <para><b>Determinism and threads.</b> The y_j are shared by every two users who rated a common item,
/// so the updates run in one sequence on the fitting thread (bit-identical for any
/// <see cref="TrainerOptions.MaxDegreeOfParallelism"/>); the measurements (every user's query, the train and
/// validation errors) use the other threads.</para>
/// <para><b>The model.</b> The result is a <see cref="FactorizationModel"/> whose
/// <see cref="FactorizationModel.UserEmbeddings"/> are the users' effective queries
/// p_u + |N(u)|^−½·Σ_(j∈N(u)) y_j (so predictions, recommendations, neighbours and exports use the full
/// SVD++ user representation) and whose <see cref="FactorizationModel.ImplicitItemFactors"/> are the y_j;
/// a new user's query (<see cref="FactorizationModel.ComputeNewUserQuery"/>,
/// <c>Recommender.RecommendForNewUser</c>) uses the implicit term of the items they rated. Users and items
/// without training ratings keep zero factors and biases.</para>
/// <para><b>Early stopping.</b> With <see cref="TrainerOptions.EarlyStoppingPatience"/> &gt; 0 and a
/// validation set, the validation MSE is measured after every epoch; training stops once it has not
/// improved for that many epochs, and the parameters of the best epoch are returned.</para>
/// </remarks>
public sealed class SvdPlusPlusFactorizer : IMatrixFactorizer
{
    private const ulong InitialisationStream = 50;

    /// <summary>The log messages, event ids 1310–1316.</summary>
    private static readonly TrainingLog Log = new(nameof(SvdPlusPlusFactorizer), "SvdPlusPlus", 1310, "epoch", "MSE", "epochs");

    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults of <see cref="SvdPlusPlusOptions"/>.</param>
    /// <param name="logger">Receives start, progress (debug), early-stop, completion, cancellation and divergence messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public SvdPlusPlusFactorizer(SvdPlusPlusOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new SvdPlusPlusOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public SvdPlusPlusOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationModel>.Options => Options;

    /// <summary>Trains a model; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; parameters are learned for every user and item of its catalogue, and N(u) is the items u rated here.</param>
    /// <param name="validation">Held-out ratings over the same catalogue whose MSE is reported and drives early stopping, or <see langword="null"/> (an empty set counts as none).</param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> epochs, after the last and after an early
    /// stop, the train and validation MSE of the model after that epoch, the mean of the squared errors seen
    /// during the epoch (each taken just before its own update: <see cref="TrainingProgress.ObservedLoss"/>)
    /// and the L2 term after the epoch as a mean over the training ratings (every rating's penalty, the y_j of
    /// N(u) included: <see cref="TrainingProgress.RegularizationLoss"/>). Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before every epoch and before every user's ratings.</param>
    /// <returns>The trained model, with biases, μ and implicit item factors, carrying <see cref="Options"/>; its <see cref="FactorizationModel.PredictionRange"/> is the training set's <see cref="RatingsDataset.ValueRange"/> when <see cref="FactorizationOptions.ClipPredictions"/> is on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainerOptions.Dimensions"/> is so large that the factor tables do not fit in one array or in memory.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN or infinite (the learning rate is too large).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckArguments(train, validation);
        (float[] users, float[] items, float[] implicitFactors) = Initialise(train.UserCount, train.ItemCount, Options.Dimensions, Options.InitStdDev, Options.Seed);
        return Train(train, validation, users, items, implicitFactors, progress, cancellationToken);
    }

    /// <summary>Fits from given initial factors (copied) instead of the seeded random ones; rows without training ratings are still zeroed.</summary>
    internal FactorizationModel Fit(RatingsDataset train, float[] users, float[] items, float[] implicitFactors, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckArguments(train, validation);
        return Train(train, validation, users, items, implicitFactors, progress, cancellationToken);
    }

    /// <summary>A training positioned at the given factors (copied), for tests and benchmarks.</summary>
    internal SvdPlusPlusTraining CreateTraining(RatingsDataset train, float[] users, float[] items, float[] implicitFactors, RatingsDataset? validation = null) =>
        new(train, validation, Options, users, items, implicitFactors);

    /// <summary>A training positioned at the seeded initial factors, for tests and benchmarks.</summary>
    internal SvdPlusPlusTraining CreateTraining(RatingsDataset train, RatingsDataset? validation = null)
    {
        (float[] users, float[] items, float[] implicitFactors) = Initialise(train.UserCount, train.ItemCount, Options.Dimensions, Options.InitStdDev, Options.Seed);
        return CreateTraining(train, users, items, implicitFactors, validation);
    }

    /// <summary>p, then q, then y, every entry from Normal(0, σ²), drawn in row-major order from the seed's initialisation stream.</summary>
    internal static (float[] Users, float[] Items, float[] ImplicitFactors) Initialise(int n, int m, int d, double stdDev, int seed)
    {
        var random = new SeededRandom(seed, InitialisationStream);
        var users = new float[n * d];
        var items = new float[m * d];
        var implicitFactors = new float[m * d];
        random.FillNormal(users, stdDev);
        random.FillNormal(items, stdDev);
        random.FillNormal(implicitFactors, stdDev);
        return (users, items, implicitFactors);
    }

    private void CheckArguments(RatingsDataset train, RatingsDataset? validation)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);
        TrainingMemory.CheckSvdPlusPlus(train, Options.Dimensions, Options.EarlyStoppingPatience > 0 && validation is { Count: > 0 });
    }

    private FactorizationModel Train(RatingsDataset train, RatingsDataset? validation, float[] users, float[] items, float[] implicitFactors, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SvdPlusPlusOptions options = Options;
        RatingRange? range = options.ClipPredictions ? train.ValueRange : null;
        using var training = new SvdPlusPlusTraining(train, validation, options, users, items, implicitFactors, range);
        Log.FitStarting(_logger, train.UserCount, train.ItemCount, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"μ = {training.GlobalMean}, d = {options.Dimensions}, {options.Iterations} epochs, learning rate {options.LearningRate} (biases {options.EffectiveBiasLearningRate}) × {options.LearningRateDecay} per epoch, λ = {options.Regularization}, λ_y = {options.EffectiveImplicitRegularization}, λ_b = {options.BiasRegularization}"),
            training.WorkerCount);
        return TrainingLoop.Run(training, TrainingSchedule.Of(options), Log, _logger, progress, cancellationToken).WithTrainingScale(train.ValueRange);
    }
}
