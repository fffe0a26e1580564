using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.FullBatch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The notebook's regularized matrix factorization (<c>Regularized_CFModel</c>): minimises
/// observed MSE + λ_r·r(U,V) + λ_g·g(U,V) by full-batch gradient descent, with
/// r = (1/N) Σ_i ‖U_i‖² + (1/M) Σ_j ‖V_j‖² and the gravity term
/// g = (1/(N·M)) Σ_i Σ_j ⟨U_i, V_j⟩², computed as (1/(N·M))·sum(UᵀU ∘ VᵀV) through the d×d Gram
/// matrices (the N×M product is never formed). N and M are the catalogue's sizes, so users and
/// items without training ratings still count in r and g and are still pulled towards 0.
/// </summary>
/// <remarks>
/// Deterministic: the same seed gives bit-identical embeddings for any
/// <see cref="TrainerOptions.MaxDegreeOfParallelism"/>; so each iteration may run on every thread or on the calling
/// thread alone, whichever the fit has timed faster lately (on a virtual machine two threads can be slower than one,
/// depending on where the hypervisor places them); that changes the speed, never the result. Each fit owns its state. Compared
/// with <see cref="GradientDescentFactorizer"/>, the penalties keep rarely rated items' embeddings
/// small, so embedding norms track popularity and unobserved pairs are not predicted large.
/// </remarks>
public sealed class RegularizedFactorizer : IMatrixFactorizer
{
    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the notebook's defaults.</param>
    /// <param name="logger">Receives start, progress (debug), early-stop, completion, cancellation and divergence messages (event ids 1000–1006); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public RegularizedFactorizer(RegularizedOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new RegularizedOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public RegularizedOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationModel>.Options => Options;

    /// <summary>Trains a model; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; embeddings are learned for every user and item of its catalogue.</param>
    /// <param name="validation">
    /// Held-out ratings over the same catalogue whose MSE is reported, or <see langword="null"/> (an empty
    /// set counts as none). With <see cref="TrainerOptions.EarlyStoppingPatience"/> &gt; 0 its MSE is
    /// measured after every iteration, training stops once it has not improved for that many iterations
    /// in a row, and the model of the best iteration is returned.
    /// </param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> iterations and after the last,
    /// the train and validation MSE of the model after that iteration, and the loss components
    /// (observed MSE, λ_r·r, λ_g·g) at the point the step was taken from. Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before every iteration.</param>
    /// <returns>The trained model, carrying <see cref="Options"/>; its <see cref="FactorizationModel.PredictionRange"/> is the training set's <see cref="RatingsDataset.ValueRange"/> when <see cref="FactorizationOptions.ClipPredictions"/> is on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="TrainingDivergedException">The loss or an embedding became NaN or infinite (the learning rate is too large).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FullBatchGradientDescent.Fit(Settings, _logger, train, validation, progress, cancellationToken);

    /// <summary>Fits from given initial embeddings (copied) instead of the seeded random ones.</summary>
    internal FactorizationModel Fit(RatingsDataset train, float[] initialUsers, float[] initialItems, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FullBatchGradientDescent.Fit(Settings, _logger, train, validation, progress, cancellationToken, initialUsers, initialItems);

    /// <summary>A trainer positioned at the given embeddings (taken over, not copied), for gradient checks and benchmarks.</summary>
    internal FullBatchTraining CreateTrainer(RatingsDataset train, float[] users, float[] items, RatingsDataset? validation = null) =>
        new(train, validation, Options.Dimensions, Options.LearningRate, Options.RegularizationWeight, Options.GravityWeight, Options.ThreadCount, users, items);

    private FullBatchSettings Settings => new(FullBatchGradientDescent.RegularizedLog, Options, Options.LearningRate, Options.RegularizationWeight, Options.GravityWeight);
}
