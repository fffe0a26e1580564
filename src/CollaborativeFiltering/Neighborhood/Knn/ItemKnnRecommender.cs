using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neighborhood.Knn;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// Item-based k-nearest-neighbours (Sarwar et al. 2001; Koren 2010; Surprise's <c>KNNBasic</c>,
/// <c>KNNWithMeans</c> and <c>KNNBaseline</c> with <c>user_based=False</c>): a rating r_ui is predicted from
/// u's ratings of the k items most similar to i (<see cref="KnnPredictor"/>), and a user's top-N list adds
/// up the similarities of the neighbours of the items they rated (Deshpande and Karypis 2004). The
/// similarities (<see cref="KnnSimilarity"/>, with shrinkage and minimum support) are computed once at fit
/// time and kept, strongest first, for each item (<see cref="KnnOptions.SavedNeighbors"/>); the model
/// keeps the training ratings, so a fit is fast and the model as large as the data.
/// </summary>
/// <remarks>
/// <para>Cost: the similarities of all item pairs come from a sparse product over the users, Σ_u n_u²
/// updates of the per-pair sums (n_u the number of items user u rated), in parallel over items on the
/// library's worker pool, each item's list computed by one thread in a fixed order: the model is
/// bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/>. A prediction walks the
/// item's list until it has k neighbours the user rated.</para>
/// <para>When to use it: rating prediction with explainable neighbours ("because you rated X"); Surprise's
/// published MovieLens 100k benchmark puts kNN-Baseline (RMSE 0.931, 5-fold) ahead of its SVD (0.934).
/// The neighbours of an item are its most similar items by the chosen similarity.</para>
/// </remarks>
public sealed class ItemKnnRecommender : ITrainer<ItemKnnModel>
{
    /// <summary>The log messages, event ids 6000–6006.</summary>
    private static readonly TrainingLog Log = new(nameof(ItemKnnRecommender), "ItemKnn", 6000, "pass", "MSE", "passes");

    private readonly ILogger _logger;

    /// <summary>Creates the recommender and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (kNN-Baseline with Pearson-baseline similarity shrunk by 100, k = 40).</param>
    /// <param name="logger">Receives start, completion and cancellation messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public ItemKnnRecommender(KnnOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new KnnOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public KnnOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<ItemKnnModel>.Options => Options;

    /// <summary>Fits the model: baselines (when the similarity or predictor uses them), then every item's neighbours; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; the model covers every user and item of its catalogue.</param>
    /// <param name="validation">Held-out ratings over the same catalogue whose MSE is reported, or <see langword="null"/>.</param>
    /// <param name="progress">
    /// Receives one report after the fit (iteration 1 of 1): <see cref="TrainingProgress.TrainMse"/> (also as
    /// <see cref="TrainingProgress.ObservedLoss"/>) and, with a validation set, <see cref="TrainingProgress.ValidationMse"/>
    /// (also as <see cref="TrainingProgress.ValidationLoss"/>), of the predictions as the model gives them. Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before each baseline sweep and each block of items.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="KnnOptions.SavedNeighbors"/> lists for every item, or the per-thread sums, do not fit in memory.</exception>
    /// <exception cref="TrainingDivergedException">The means or baselines are not finite (ratings too large for single precision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ItemKnnModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        KnnTraining.Fit(KnnOrientation.Items, Options, train, validation, progress, _logger, Log, static core => new ItemKnnModel(core), cancellationToken);
}
