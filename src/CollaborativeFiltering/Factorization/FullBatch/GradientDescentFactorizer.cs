using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.FullBatch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The notebook's plain matrix factorization (<c>CFModel</c>): minimises the observed MSE
/// (1/|Ω|) Σ_(i,j)∈Ω (A_ij − ⟨U_i, V_j⟩)² by full-batch gradient descent. Every entry of U (N×d)
/// and V (M×d) starts from Normal(0, <see cref="TrainerOptions.InitStdDev"/>²); each
/// iteration takes both gradients at the same point, then steps
/// U ← U − η·∂L/∂U and V ← V − η·∂L/∂V. N and M are the catalogue's sizes, so users and items
/// without training ratings keep their initial embeddings.
/// </summary>
/// <remarks>
/// Deterministic: the same seed gives bit-identical embeddings for any
/// <see cref="TrainerOptions.MaxDegreeOfParallelism"/>; so each iteration may run on every thread or on the calling
/// thread alone, whichever the fit has timed faster lately (on a virtual machine two threads can be slower than one,
/// depending on where the hypervisor places them); that changes the speed, never the result. Each fit owns its state, so one
/// factorizer can fit several datasets, also concurrently. Without a penalty this model overfits
/// (train MSE well below test MSE); see <see cref="RegularizedFactorizer"/>.
/// </remarks>
public sealed class GradientDescentFactorizer : IMatrixFactorizer
{
    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the notebook's defaults.</param>
    /// <param name="logger">Receives start, progress (debug), early-stop, completion, cancellation and divergence messages (event ids 1000–1006); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public GradientDescentFactorizer(GradientDescentOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new GradientDescentOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public GradientDescentOptions Options { get; }

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
    /// the train and validation MSE of the model after that iteration and the loss at the point the
    /// step was taken from (<see cref="TrainingProgress.ObservedLoss"/>). Called on the fitting thread.
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
        new(train, validation, Options.Dimensions, Options.LearningRate, 0, 0, Options.ThreadCount, users, items);

    private FullBatchSettings Settings => new(FullBatchGradientDescent.PlainLog, Options, Options.LearningRate, 0, 0);
}
