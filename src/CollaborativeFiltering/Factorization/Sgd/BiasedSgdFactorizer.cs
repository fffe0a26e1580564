using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.Sgd;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Biased matrix factorization trained by stochastic gradient descent: Funk's "SVD" with Koren's
/// biases, the algorithm of Surprise's <c>SVD</c>. It predicts
/// <c>μ + b_u + b_i + ⟨p_u, q_i⟩</c>, with μ the mean training rating, and for each training rating
/// in turn, with e = r − prediction, applies
/// <code>
/// b_u += lr_b·(e − λ_b·b_u)      b_i += lr_b·(e − λ_b·b_i)
/// p_u += lr·(e·q_i − λ·p_u)      q_i += lr·(e·p_u − λ·q_i)   (p_u as it was before this rating)
/// </code>
/// Factors start from Normal(0, <see cref="TrainerOptions.InitStdDev"/>²), biases from 0; the
/// learning rates are multiplied by <see cref="BiasedSgdOptions.LearningRateDecay"/> after every
/// epoch. This minimises Σ_(u,i)∈Ω [(r − prediction)² + λ(‖p_u‖² + ‖q_i‖²) + λ_b(b_u² + b_i²)].
/// </summary>
/// <remarks>
/// <para><b>Order of the updates.</b> Each epoch visits every training rating once in a random
/// order drawn from the seed, stratified as in LIBMF and DSGD: users and items are cut into B
/// groups each (seeded, balanced by ratings; B = 16 for MovieLens 1M), giving a B×B grid of
/// blocks; an epoch runs B strata of B blocks that share no user and no item group (which blocks
/// go together, and the order of the strata, are drawn afresh each epoch), and each block applies
/// its ratings in a fixed order, by user and then by item (LIBMF's choice). Blocks of one stratum touch disjoint
/// parameters, so they run in parallel without locks, and a block's ratings stay in a cache-sized part of the
/// factor matrices.</para>
/// <para><b>Determinism.</b> Both the sequential mode (<see cref="TrainerOptions.MaxDegreeOfParallelism"/> = 1)
/// and the parallel mode (&gt; 1, or −1 for one thread per processor, the default) are
/// deterministic, and they give bit-identical models: the schedule depends only on the data and
/// <see cref="TrainerOptions.Seed"/>, never on the thread count or timing. At most B threads
/// are used (B = 16 up to 64: the grid grows with N, M and d so that a block's rows stay in cache),
/// and one below 20,000 training ratings.</para>
/// <para><b>Users and items without training ratings</b> keep b = 0 and an all-zero factor row, so an
/// unknown user is predicted μ + b_i and an unknown item μ + b_u.</para>
/// <para><b>Early stopping.</b> With <see cref="TrainerOptions.EarlyStoppingPatience"/> &gt; 0 and a
/// validation set, the validation MSE is measured after every epoch; training stops once it has not
/// improved for that many epochs, and the parameters of the best epoch are returned.</para>
/// <para>Each fit owns its state, so one factorizer can fit several datasets, also concurrently.</para>
/// </remarks>
public sealed class BiasedSgdFactorizer : IMatrixFactorizer, IContinuableTrainer<FactorizationModel>
{
    private const ulong InitialisationStream = 10;

    /// <summary>The log messages, event ids 1300–1306.</summary>
    private static readonly TrainingLog Log = new(nameof(BiasedSgdFactorizer), "BiasedSgd", 1300, "epoch", "MSE", "epochs");

    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the MovieLens-tuned defaults of <see cref="BiasedSgdOptions"/>.</param>
    /// <param name="logger">Receives start, progress (debug), early-stop, completion, cancellation and divergence messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public BiasedSgdFactorizer(BiasedSgdOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new BiasedSgdOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public BiasedSgdOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationModel>.Options => Options;

    /// <summary>Trains a model; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; parameters are learned for every user and item of its catalogue.</param>
    /// <param name="validation">Held-out ratings over the same catalogue whose MSE is reported and drives early stopping, or <see langword="null"/> (an empty set counts as none).</param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> epochs, after the last and
    /// after an early stop, the train and validation MSE of the model after that epoch, the mean of
    /// the squared errors seen during the epoch (each taken just before its own update:
    /// <see cref="TrainingProgress.ObservedLoss"/>) and the L2 term after the epoch, as a mean over
    /// the training ratings: (1/|Ω|)·Σ_(u,i)∈Ω [λ(‖p_u‖² + ‖q_i‖²) + λ_b(b_u² + b_i²)]
    /// (<see cref="TrainingProgress.RegularizationLoss"/>). Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before every epoch and before every block of ratings (1/B² of an epoch on average, B ≥ 16, see remarks).</param>
    /// <returns>The trained model, with biases and μ, carrying <see cref="Options"/>; its <see cref="FactorizationModel.PredictionRange"/> is the training set's <see cref="RatingsDataset.ValueRange"/> when <see cref="FactorizationOptions.ClipPredictions"/> is on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainerOptions.Dimensions"/> is so large that N·d or M·d floats do not fit in one array.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN or infinite (the learning rate is too large).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckArguments(train, validation);
        return Train(train, validation, users: null, items: null, progress, cancellationToken);
    }

    /// <summary>Fits from given initial factors (copied) instead of the seeded random ones; rows without training ratings are still zeroed.</summary>
    internal FactorizationModel Fit(RatingsDataset train, float[] initialUsers, float[] initialItems, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckArguments(train, validation);
        return Train(train, validation, initialUsers, initialItems, progress, cancellationToken);
    }

    /// <summary>A trainer positioned at the given factors (copied), for tests and benchmarks.</summary>
    internal BiasedSgdTraining CreateTrainer(RatingsDataset train, float[] users, float[] items, RatingsDataset? validation = null) =>
        new(train, validation, Options, users, items);

    /// <summary>A trainer positioned at the seeded initial factors, for tests and benchmarks.</summary>
    internal BiasedSgdTraining CreateTrainer(RatingsDataset train, RatingsDataset? validation = null) =>
        new(train, validation, Options, users: null, items: null);

    /// <summary>p then q, every entry from Normal(0, σ²), drawn in row-major order from the seed's initialisation stream: the factors a fit starts from (the trainer draws them during its set-up when given none).</summary>
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

        int d = Options.Dimensions;
        long stride = PaddedRows.WholeVectors(d); // the trainer pads rows and aligns the arrays (16 floats more)
        if (((long)train.UserCount * stride) + 16 > Array.MaxLength || ((long)train.ItemCount * stride) + 16 > Array.MaxLength)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Options.Dimensions), d, string.Create(CultureInfo.InvariantCulture, $"small enough that {Math.Max(train.UserCount, train.ItemCount)}·d floats fit in one array"));
        }

        TrainingMemory.CheckBiasedSgd(train, d, Options.EarlyStoppingPatience > 0 && validation is { Count: > 0 });
    }

    /// <inheritdoc/>
    TrainingRun<FactorizationModel> IContinuableTrainer<FactorizationModel>.Start(RatingsDataset train, RatingsDataset? validation, CancellationToken cancellationToken)
    {
        CheckArguments(train, validation);
        return Start(train, validation, users: null, items: null, cancellationToken);
    }

    private FactorizationModel Train(RatingsDataset train, RatingsDataset? validation, float[]? users, float[]? items, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        using TrainingRun<FactorizationModel> run = Start(train, validation, users, items, cancellationToken);
        return run.RunTo(Options.Iterations, progress, keepTraining: false, cancellationToken);
    }

    private TrainingRun<FactorizationModel> Start(RatingsDataset train, RatingsDataset? validation, float[]? users, float[]? items, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        BiasedSgdOptions options = Options;
        RatingRange? range = options.ClipPredictions ? train.ValueRange : null;
        var training = new BiasedSgdTraining(train, validation, options, users, items, range);
        Log.FitStarting(_logger, train.UserCount, train.ItemCount, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"μ = {Display.Number(training.GlobalMean)}, d = {options.Dimensions}, {options.Iterations} epochs, learning rate {options.LearningRate} (biases {options.EffectiveBiasLearningRate}) × {options.LearningRateDecay} per epoch, λ = {options.Regularization}, λ_b = {options.BiasRegularization}"),
            training.WorkerCount);
        RatingRange? scale = train.ValueRange;
        return new TrainingRun<FactorizationModel>(training, TrainingSchedule.Of(options), Log, _logger, model => model.WithTrainingScale(scale));
    }
}
