using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.Bpr;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Bayesian personalized ranking (Rendle, Freudenthaler, Gantner and Schmidt-Thieme 2009, "BPR: Bayesian
/// personalized ranking from implicit feedback") with matrix factorization, for implicit feedback: every
/// training rating counts as an interaction, whatever its value. The model scores x_ui = ⟨p_u, q_i⟩ + b_i
/// (b_i with <see cref="BprOptions.UseItemBiases"/>) and learns to rank each user's interacted items above
/// the others by stochastic gradient ascent on ln σ(x_ui − x_uj) over sampled triples (u, i, j), i an item
/// u interacted with and j one u did not; with g = σ(−(x_ui − x_uj)) each triple applies
/// <code>
/// p_u += lr·(g·(q_i − q_j) − λ·p_u)     q_i += lr·(g·p_u − λ·q_i)     q_j += lr·(−g·p_u − λ·q_j)
/// b_i += lr·(g − λ_b·b_i)               b_j += lr·(−g − λ_b·b_j)
/// </code>
/// (p_u as before the triple), maximising Σ ln σ(x_ui − x_uj) − (λ/2)(‖p_u‖² + ‖q_i‖² + ‖q_j‖²) − (λ_b/2)(b_i² + b_j²).
/// </summary>
/// <remarks>
/// <para><b>Sampling.</b> Each epoch draws one triple per training interaction: the interactions are
/// visited in the stratified random order of biased SGD (LIBMF's B×B grid of user and item groups, whose
/// blocks of a stratum share no rows and run in parallel), and each one's negative is drawn from its item
/// group, uniformly or by popularity (<see cref="BprOptions.NegativeSampling"/>), among the items the user
/// has no interaction with. The item groups are balanced by sampling weight, so negatives follow the
/// sampling distribution in expectation over the seeded partition (LIBMF's BPR samples within the block
/// likewise). The learning rate is multiplied by <see cref="BprOptions.LearningRateDecay"/> after every epoch.</para>
/// <para><b>Determinism.</b> The model is bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/>:
/// the schedule, every block's order and its negatives depend only on the data and the seed. At most B
/// threads are used: B = 16 to 64 as for biased SGD, fewer for catalogues under 1,024 items (so that an
/// item group holds at least 64 items), and B = 1 (one thread, negatives from the whole catalogue) below
/// 20,000 interactions.</para>
/// <para><b>Validation and early stopping.</b> With a validation set, the reports carry the recall@10 of
/// the validation items (<see cref="TrainingProgress.ValidationRecallAt10"/>: the share of each user's
/// validation items among the 10 best-scored items the user has no training interaction with, averaged over
/// up to <see cref="BprOptions.MaxValidationUsers"/> users drawn from the seed) and
/// <see cref="TrainingProgress.ValidationLoss"/> = 1 − recall@10; with
/// <see cref="TrainerOptions.EarlyStoppingPatience"/> &gt; 0 it is measured after every epoch, training stops
/// once it has not improved for that many epochs, and the parameters of the best epoch are returned.</para>
/// <para><b>The model</b> is a <see cref="FactorizationModel"/> that ranks (its
/// <see cref="FactorizationModel.PredictsRatings"/> is false): U = p, V = q, the item biases b_i (user biases
/// 0, μ = 0) so that <c>Predict(u, i)</c> is x_ui. Users without interactions keep zero factors (their
/// ranking is by b_i, a learned popularity). A new user's query (<see cref="FactorizationModel.ComputeNewUserQuery"/>,
/// <c>Recommender.RecommendForNewUser</c>) maximises the same criterion over the given items against every
/// other item, with the item factors held fixed (see <see cref="Scoring.FoldIn"/>).</para>
/// </remarks>
public sealed class BprFactorizer : IMatrixFactorizer
{
    private const ulong InitialisationStream = 60;

    /// <summary>The log messages, event ids 1320–1326.</summary>
    private static readonly TrainingLog Log = new(nameof(BprFactorizer), "Bpr", 1320, "epoch", "loss (1 − recall@10)", "epochs");

    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults of <see cref="BprOptions"/>.</param>
    /// <param name="logger">Receives start, progress (debug), early-stop, completion, cancellation and divergence messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public BprFactorizer(BprOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new BprOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public BprOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationModel>.Options => Options;

    /// <summary>Trains a model; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training interactions (any rating counts as one); factors are learned for every user and item of its catalogue.</param>
    /// <param name="validation">Held-out interactions over the same catalogue whose recall@10 is reported and drives early stopping, or <see langword="null"/> (an empty set counts as none).</param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> epochs, after the last and after an early
    /// stop, the mean −ln σ(x_ui − x_uj) of the epoch's triples (<see cref="TrainingProgress.ObservedLoss"/>),
    /// the expected L2 term per triple after the epoch (<see cref="TrainingProgress.RegularizationLoss"/>), and
    /// with a validation set the validation recall@10 and 1 − recall@10 (see remarks); no MSE, since the
    /// scores are not ratings. Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before every epoch and before every block of interactions (1/B² of an epoch on average).</param>
    /// <returns>The trained model, carrying <see cref="Options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainerOptions.Dimensions"/> is so large that the factor tables do not fit in one array or in memory.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN or infinite (the learning rate is too large).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckArguments(train, validation);
        (float[] users, float[] items) = Initialise(train.UserCount, train.ItemCount, Options.Dimensions, Options.InitStdDev, Options.Seed);
        return Train(train, validation, users, items, progress, cancellationToken);
    }

    /// <summary>Fits from given initial factors (copied) instead of the seeded random ones.</summary>
    internal FactorizationModel Fit(RatingsDataset train, float[] users, float[] items, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckArguments(train, validation);
        return Train(train, validation, users, items, progress, cancellationToken);
    }

    /// <summary>A training positioned at the given factors (copied), for tests and benchmarks.</summary>
    internal BprTraining CreateTraining(RatingsDataset train, float[] users, float[] items, RatingsDataset? validation = null) =>
        new(train, validation, Options, users, items);

    /// <summary>A training positioned at the seeded initial factors, for tests and benchmarks.</summary>
    internal BprTraining CreateTraining(RatingsDataset train, RatingsDataset? validation = null)
    {
        (float[] users, float[] items) = Initialise(train.UserCount, train.ItemCount, Options.Dimensions, Options.InitStdDev, Options.Seed);
        return CreateTraining(train, users, items, validation);
    }

    /// <summary>p then q, every entry from Normal(0, σ²), drawn in row-major order from the seed's initialisation stream.</summary>
    internal static (float[] Users, float[] Items) Initialise(int n, int m, int d, double stdDev, int seed)
    {
        var random = new SeededRandom(seed, InitialisationStream);
        var users = new float[n * d];
        var items = new float[m * d];
        random.FillNormal(users, stdDev);
        random.FillNormal(items, stdDev);
        return (users, items);
    }

    private void CheckArguments(RatingsDataset train, RatingsDataset? validation)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);
        TrainingMemory.CheckBpr(train, Options.Dimensions, Options.ThreadCount, Options.EarlyStoppingPatience > 0 && validation is { Count: > 0 });
    }

    private FactorizationModel Train(RatingsDataset train, RatingsDataset? validation, float[] users, float[] items, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        BprOptions options = Options;
        using var training = new BprTraining(train, validation, options, users, items);
        Log.FitStarting(_logger, train.UserCount, train.ItemCount, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"d = {options.Dimensions}, {options.Iterations} epochs, learning rate {options.LearningRate} × {options.LearningRateDecay} per epoch, λ = {options.Regularization}, λ_b = {options.BiasRegularization}{(options.UseItemBiases ? string.Empty : " (no item biases)")}, {(options.NegativeSampling == BprNegativeSampling.Uniform ? "uniform" : string.Create(CultureInfo.InvariantCulture, $"popularity^{options.PopularityExponent}"))} negatives"),
            training.WorkerCount);
        return TrainingLoop.Run(training, TrainingSchedule.Of(options), Log, _logger, progress, cancellationToken);
    }
}
