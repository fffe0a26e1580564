using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neighborhood.Knn;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// User-based k-nearest-neighbours (Resnick et al. 1994, GroupLens; Herlocker et al. 1999; Surprise's
/// <c>KNNBasic</c>, <c>KNNWithMeans</c> and <c>KNNBaseline</c> with <c>user_based=True</c>): a rating r_ui is
/// predicted from the ratings of i by the k users most similar to u (<see cref="KnnPredictor"/>), and a
/// user's top-N list adds up, for each of their k nearest users, that user's similarity on every item they
/// rated. The similarities (<see cref="KnnSimilarity"/>, with shrinkage and minimum support) are computed
/// once at fit time and kept, strongest first, for each user (<see cref="KnnOptions.SavedNeighbors"/>).
/// </summary>
/// <remarks>
/// <para>Cost: Σ_i n_i² updates of the per-pair sums (n_i the number of users who rated item i), in
/// parallel over users on the library's worker pool, each user's list computed by one thread in a fixed
/// order: the model is bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/>. A new
/// user's neighbours are found by comparing them with every user (one pass over the training ratings).</para>
/// <para>When to use it: when there are many fewer users than items, or to explain a recommendation by
/// similar users; item-kNN is usually more accurate and more stable on MovieLens-like data.</para>
/// </remarks>
public sealed class UserKnnRecommender : ITrainer<UserKnnModel>
{
    /// <summary>The log messages, event ids 6010–6016.</summary>
    private static readonly TrainingLog Log = new(nameof(UserKnnRecommender), "UserKnn", 6010, "pass", "MSE", "passes");

    private readonly ILogger _logger;

    /// <summary>Creates the recommender and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (kNN-Baseline with Pearson-baseline similarity shrunk by 100, k = 40).</param>
    /// <param name="logger">Receives start, completion and cancellation messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public UserKnnRecommender(KnnOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new KnnOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public KnnOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<UserKnnModel>.Options => Options;

    /// <summary>Fits the model: baselines (when the similarity or predictor uses them), then every user's neighbours; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; the model covers every user and item of its catalogue.</param>
    /// <param name="validation">Held-out ratings over the same catalogue whose MSE is reported, or <see langword="null"/>.</param>
    /// <param name="progress">
    /// Receives one report after the fit (iteration 1 of 1): <see cref="TrainingProgress.TrainMse"/> (also as
    /// <see cref="TrainingProgress.ObservedLoss"/>) and, with a validation set, <see cref="TrainingProgress.ValidationMse"/>
    /// (also as <see cref="TrainingProgress.ValidationLoss"/>), of the predictions as the model gives them. Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before each baseline sweep and each block of users.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="KnnOptions.SavedNeighbors"/> lists for every user, or the per-thread sums, do not fit in memory.</exception>
    /// <exception cref="TrainingDivergedException">The means or baselines are not finite (ratings too large for single precision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public UserKnnModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        KnnTraining.Fit(KnnOrientation.Users, Options, train, validation, progress, _logger, Log, static core => new UserKnnModel(core), cancellationToken);
}
