using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.Als;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Alternating least squares for explicit ratings with weighted-λ regularization (Zhou et al. 2008,
/// as in Spark ALS) and, by default, biases. It minimises
/// <c>Σ_Ω (r_ui − μ − b_u − b_i − ⟨p_u, q_i⟩)² + λ·(Σ_u n_u·(‖p_u‖² + b_u²) + Σ_i n_i·(‖q_i‖² + b_i²))</c>,
/// n_u and n_i being the training rating counts and μ the training mean (fixed); with
/// <see cref="AlsOptions.RegularizationExponent"/> ν &lt; 1 each n is replaced by n̄^(1−ν)·n^ν, n̄ the mean count
/// of its side (frequency-scaled regularization). Each sweep solves
/// every user's [p_u; b_u] exactly with V and the item biases fixed (a ridge regression against
/// [q_i; 1] with targets r_ui − μ − b_i, by Cholesky on its (d+1)×(d+1) normal equations), then
/// every item's [q_i; b_i] likewise, so the objective never increases.
/// </summary>
/// <remarks>
/// <para>Initialisation: V from Normal(0, <see cref="TrainerOptions.InitStdDev"/>²) with the seed; U and
/// the biases start at 0 (the first half-sweep solves U from V). Users and items without training
/// ratings get factors 0 and bias 0, so an unknown user is predicted μ + b_i.</para>
/// <para>Deterministic: each row is solved by one thread from data fixed during the half-sweep, so
/// the same seed gives bit-identical models for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/>.
/// Cost per sweep: about |Ω|·d² multiply-adds for the Gram matrices plus (N + M)·d³/6 for the solves;
/// no allocation per sweep. Each fit owns its state, so one factorizer can fit several datasets,
/// also concurrently.</para>
/// </remarks>
public sealed class AlsFactorizer : IMatrixFactorizer, IContinuableTrainer<FactorizationModel>
{
    private const ulong InitialisationStream = 40;

    /// <summary>The log messages, event ids 3000–3006.</summary>
    private static readonly TrainingLog Log = new(nameof(AlsFactorizer), "Als", 3000, "sweep", "MSE", "sweeps");

    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives start, progress (debug), early-stopping, completion and divergence messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public AlsFactorizer(AlsOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new AlsOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public AlsOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationModel>.Options => Options;

    /// <summary>Trains a model; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; factors are learned for every user and item of its catalogue.</param>
    /// <param name="validation">
    /// Held-out ratings over the same catalogue whose MSE is reported, or <see langword="null"/> (an
    /// empty set counts as none). With <see cref="TrainerOptions.EarlyStoppingPatience"/> &gt; 0
    /// its MSE is measured after every sweep, training stops once it has not improved for that many
    /// sweeps in a row, and the model of the best sweep is returned.
    /// </param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> sweeps and after the last, the
    /// train and validation MSE of the model after that sweep, <see cref="TrainingProgress.ObservedLoss"/>
    /// = the train MSE and <see cref="TrainingProgress.RegularizationLoss"/> = the weighted-λ penalty
    /// divided by |Ω|, so that <see cref="TrainingProgress.TotalLoss"/> is the objective per rating.
    /// Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before every sweep and before every block of users or items within a sweep.</param>
    /// <returns>The trained model, with biases and μ when <see cref="AlsOptions.UseBiases"/>, carrying <see cref="Options"/>; its <see cref="FactorizationModel.PredictionRange"/> is the training set's <see cref="RatingsDataset.ValueRange"/> when <see cref="FactorizationOptions.ClipPredictions"/> is on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainerOptions.Dimensions"/> is too large for the catalogue (N·d or M·d floats do not fit in an array).</exception>
    /// <exception cref="TrainingDivergedException">A normal-equation system stopped being positive definite or a value became NaN or infinite (ratings too large for single precision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using TrainingRun<FactorizationModel> run = Start(train, validation, cancellationToken);
        return run.RunTo(Options.Iterations, progress, keepTraining: false, cancellationToken);
    }

    /// <inheritdoc/>
    TrainingRun<FactorizationModel> IContinuableTrainer<FactorizationModel>.Start(RatingsDataset train, RatingsDataset? validation, CancellationToken cancellationToken) =>
        Start(train, validation, cancellationToken);

    private TrainingRun<FactorizationModel> Start(RatingsDataset train, RatingsDataset? validation, CancellationToken cancellationToken)
    {
        CheckArguments(train, validation, Options.Dimensions);
        AlsOptions options = Options;
        TrainingMemory.CheckAls(train, options.Dimensions, options.ThreadCount, options.EarlyStoppingPatience > 0 && validation is { Count: > 0 });
        int d = options.Dimensions, n = train.UserCount, m = train.ItemCount;
        var items = new float[m * d];
        new SeededRandom(options.Seed, InitialisationStream).FillNormal(items, options.InitStdDev);
        cancellationToken.ThrowIfCancellationRequested();
        RatingRange? range = options.ClipPredictions ? train.ValueRange : null;
        var training = new AlsTraining(train, validation, d, options.Regularization, options.RegularizationExponent, options.UseBiases, options.ThreadCount, new float[n * d], items, new float[n], new float[m], range, options);
        Log.FitStarting(_logger, n, m, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"d = {d}, {options.Iterations} sweeps, weighted λ = {options.Regularization}{(options.RegularizationExponent == 1 ? "" : $" with exponent {options.RegularizationExponent}")}, biases {options.UseBiases}"), training.WorkerCount);
        RatingRange? scale = train.ValueRange;
        return new TrainingRun<FactorizationModel>(training, TrainingSchedule.Of(options), Log, _logger, model => model.WithTrainingScale(scale));
    }

    /// <summary>
    /// Updates a trained model with new ratings without refitting: the users and items the new
    /// ratings name for the first time are appended to the catalogue, and only the affected rows are
    /// re-solved — new users and items, and existing ones whose new ratings are at least
    /// <see cref="AlsUpdateOptions.MinNewShare"/> of their ratings — each by this factorizer's ALS row
    /// solve (weighted λ = <see cref="AlsOptions.Regularization"/>) over its old and new ratings against
    /// the other side's factors, for <see cref="AlsUpdateOptions.Sweeps"/> sweeps (new items first,
    /// then users, then items). Every other row, and μ, stay as they were. The old model is unchanged;
    /// the result holds a new one and the work done (<see cref="AlsUpdate.RatingVisits"/>), to compare
    /// with a full fit's 2·|ratings| visits per sweep.
    /// </summary>
    /// <param name="model">
    /// The model to update: any explicit-rating factorization model (ALS, biased SGD, the notebook's);
    /// with biases or without, as it was trained.
    /// </param>
    /// <param name="train">The ratings the model was trained on, over its catalogue: a re-solved row uses all its ratings.</param>
    /// <param name="newRatings">
    /// The new ratings, over any catalogue: ids are matched with the model's, and unknown ones become
    /// new users and items (with the new catalogue's metadata when it has some). A new rating of a pair
    /// already in <paramref name="train"/> replaces the old one.
    /// </param>
    /// <param name="options">The sweeps and the share that makes a row affected; <see langword="null"/> for <see cref="AlsUpdateOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between half-sweeps and rows.</param>
    /// <returns>The updated model and the work done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="train"/> or <paramref name="newRatings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is not over the model's catalogue, or the model was trained on implicit feedback.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="InvalidOperationException">A row's normal equations were not positive definite (factors or ratings too large for single precision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public AlsUpdate Update(FactorizationModel model, RatingsDataset train, RatingsDataset newRatings, AlsUpdateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(newRatings);
        options ??= AlsUpdateOptions.Default;
        options.Validate();
        if (!train.Catalog.IsCompatibleWith(model.Catalog))
        {
            ThrowHelper.Argument(nameof(train), "The training ratings must be over the model's catalogue (the same users and items in the same order).");
        }

        if (!model.PredictsRatings)
        {
            ThrowHelper.Argument(nameof(model), "The model was trained on implicit feedback; an explicit ALS update would change what its scores mean.");
        }

        return AlsIncremental.Run(model, train, newRatings, Options.Regularization, Options.RegularizationExponent, Options.ThreadCount, options, cancellationToken);
    }

    /// <summary>Creates a trainer positioned at the given item factors and biases (taken over), for exactness tests and benchmarks.</summary>
    internal AlsTraining CreateTrainer(RatingsDataset train, float[] items, float[]? itemBiases = null, RatingsDataset? validation = null)
    {
        CheckArguments(train, validation, Options.Dimensions);
        int d = Options.Dimensions;
        return new AlsTraining(train, validation, d, Options.Regularization, Options.RegularizationExponent, Options.UseBiases, Options.ThreadCount,
            new float[train.UserCount * d], items, new float[train.UserCount], itemBiases ?? new float[train.ItemCount]);
    }

    /// <summary>The argument checks shared by both ALS factorizers.</summary>
    internal static void CheckArguments(RatingsDataset train, RatingsDataset? validation, int d)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);

        int rows = Math.Max(train.UserCount, train.ItemCount);
        if ((long)rows * d > Array.MaxLength)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(FactorizationOptions.Dimensions), d, string.Create(CultureInfo.InvariantCulture, $"small enough that {rows}·d floats fit in one array"));
        }
    }
}
