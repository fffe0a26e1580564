using System.Diagnostics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// K-fold cross-validation of a factorizer on rating prediction: the ratings are cut into K folds with
/// <see cref="DatasetSplitter.KFold"/>; for each fold f a model is fitted on the other K − 1 folds
/// (no validation set is passed, so nothing of fold f leaks into training, early stopping included) and
/// its MSE, RMSE and MAE are measured on fold f and on its own training ratings with
/// <see cref="RegressionMetrics.Compute(FactorizationModel, RatingsDataset)"/>. The result holds every
/// fold and the mean and sample standard deviation (ddof = 1) of each test metric over the folds.
/// Folds run one after another; each fit uses the factorizer's own parallelism. Deterministic when
/// the factorizer is.
/// </summary>
public static class CrossValidation
{
    /// <summary>Runs K-fold cross-validation.</summary>
    /// <param name="factorizer">The factorizer to evaluate; <see cref="IMatrixFactorizer.Fit"/> is called once per fold.</param>
    /// <param name="dataset">The ratings; at least <paramref name="folds"/> of them.</param>
    /// <param name="folds">K, the number of folds: at least 2 and at most the number of ratings.</param>
    /// <param name="seed">The seed of the fold assignment: same seed, same folds.</param>
    /// <param name="progress">Receives the number of folds completed (1, 2, …, K) after each fold, on the calling thread; or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each fold and passed to every fit.</param>
    /// <returns>The per-fold results and their summaries.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is less than 2 or more than the number of ratings.</exception>
    /// <exception cref="TrainingDivergedException">A fit diverged.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static CrossValidationResult Run(IMatrixFactorizer factorizer, RatingsDataset dataset, int folds, int seed, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factorizer);
        ArgumentNullException.ThrowIfNull(dataset);
        if (folds < 2)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(folds), folds, "at least 2");
        }

        if (dataset.Count == 0)
        {
            ThrowHelper.Argument(nameof(dataset), "The dataset is empty; cross-validation needs at least one rating per fold.");
        }

        IReadOnlyList<DatasetSplit> splits = DatasetSplitter.CancellableKFold(dataset, folds, seed, cancellationToken);
        var results = new FoldResult[splits.Count];
        for (int f = 0; f < splits.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DatasetSplit split = splits[f];
            long start = Stopwatch.GetTimestamp();
            FactorizationModel model = factorizer.Fit(split.Train, validation: null, progress: null, cancellationToken);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            results[f] = new FoldResult(f, RegressionMetrics.Compute(model, split.Test), RegressionMetrics.Compute(model, split.Train), elapsed);
            progress?.Report(f + 1);
        }

        return new CrossValidationResult(results);
    }
}
