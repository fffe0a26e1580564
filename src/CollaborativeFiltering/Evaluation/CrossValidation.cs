using System.Diagnostics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// K-fold cross-validation of any trainer: the ratings are cut into K folds with
/// <see cref="DatasetSplitter.KFold"/>; for each fold f a model is fitted on the other K − 1 folds (no
/// validation set is passed, so nothing of fold f leaks into training, early stopping included) and
/// measured on fold f. <see cref="Run"/> measures rating prediction (MSE, RMSE and MAE with
/// <see cref="RegressionMetrics.Compute(IRecommenderModel, RatingsDataset)"/>, on fold f and on the
/// fold's own training ratings), for trainers whose models <see cref="IRecommenderModel.PredictsRatings"/>;
/// <see cref="RunRanking"/> measures top-k recommendation (<see cref="RankingMetrics.Evaluate"/>:
/// fold f's items are relevant, the training items are never recommended), for any trainer, the softmax
/// network, the kNN and EASE models included. The results hold every fold and the mean and sample standard deviation (ddof = 1) of each
/// test metric over the folds. Folds run one after another; each fit uses the trainer's own parallelism.
/// Deterministic when the trainer is. With a logger, each run logs its start, every fold (its training
/// time and test metrics) and its summary at Information level (event ids 7200–7203).
/// </summary>
public static class CrossValidation
{
    /// <summary>Runs K-fold cross-validation of rating prediction.</summary>
    /// <typeparam name="TModel">The trainer's model.</typeparam>
    /// <param name="trainer">The trainer to evaluate; <see cref="ITrainer{TModel}.Fit"/> is called once per fold.</param>
    /// <param name="dataset">The ratings; at least <paramref name="folds"/> of them.</param>
    /// <param name="folds">K, the number of folds: at least 2 and at most the number of ratings.</param>
    /// <param name="seed">The seed of the fold assignment: same seed, same folds.</param>
    /// <param name="progress">Receives the number of folds completed (1, 2, …, K) after each fold, on the calling thread; or <see langword="null"/>.</param>
    /// <param name="logger">Told of the run, each fold and the summary; <see langword="null"/> logs nothing.</param>
    /// <param name="cancellationToken">Checked before each fold's split is built and before each fold, and passed to every fit.</param>
    /// <returns>The per-fold results and their summaries.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> is empty, or the trainer's models do not predict ratings (use <see cref="RunRanking"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is less than 2 or more than the number of ratings.</exception>
    /// <exception cref="TrainingDivergedException">A fit diverged.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static CrossValidationResult Run<TModel>(ITrainer<TModel> trainer, RatingsDataset dataset, int folds, int seed, IProgress<int>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where TModel : IRecommenderModel
    {
        DatasetSplit?[] splits = Splits(trainer, dataset, folds, seed, cancellationToken);
        var log = new RunLog(logger ?? NullLogger.Instance, trainer, splits.Length);
        log.Starting(dataset.Count, seed, "rating errors");
        var results = new FoldResult[splits.Length];
        for (int f = 0; f < splits.Length; f++)
        {
            DatasetSplit split = TakeFold(splits, f);
            (TModel model, TimeSpan elapsed) = Fit(trainer, split, log, f, cancellationToken);
            if (!model.PredictsRatings)
            {
                ThrowHelper.Argument(nameof(trainer), "The trainer's models rank items but do not predict ratings, so rating errors would measure nothing; cross-validate them with CrossValidation.RunRanking.");
            }

            results[f] = new FoldResult(f, RegressionMetrics.Compute(model, split.Test), RegressionMetrics.Compute(model, split.Train), elapsed);
            log.FoldCompleted(f, split.Train.Count, elapsed, results[f].Test);
            progress?.Report(f + 1);
        }

        var result = new CrossValidationResult(results);
        log.Completed(result);
        return result;
    }

    /// <summary>Runs K-fold cross-validation of top-k recommendation.</summary>
    /// <typeparam name="TModel">The trainer's model.</typeparam>
    /// <param name="trainer">The trainer to evaluate; <see cref="ITrainer{TModel}.Fit"/> is called once per fold.</param>
    /// <param name="dataset">The ratings; at least <paramref name="folds"/> of them.</param>
    /// <param name="folds">K, the number of folds: at least 2 and at most the number of ratings.</param>
    /// <param name="seed">The seed of the fold assignment: same seed, same folds.</param>
    /// <param name="k">The cut-off of the recommendation lists, greater than zero. Default 10.</param>
    /// <param name="progress">Receives the number of folds completed (1, 2, …, K) after each fold, on the calling thread; or <see langword="null"/>.</param>
    /// <param name="logger">Told of the run, each fold and the summary; <see langword="null"/> logs nothing.</param>
    /// <param name="cancellationToken">Checked before each fold's split is built and before each fold, and passed to every fit and evaluation.</param>
    /// <returns>The per-fold results and their summaries.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is less than 2 or more than the number of ratings, or <paramref name="k"/> is not positive.</exception>
    /// <exception cref="TrainingDivergedException">A fit diverged.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static RankingCrossValidationResult RunRanking<TModel>(ITrainer<TModel> trainer, RatingsDataset dataset, int folds, int seed, int k = 10, IProgress<int>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where TModel : IRecommenderModel
    {
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        DatasetSplit?[] splits = Splits(trainer, dataset, folds, seed, cancellationToken);
        var log = new RunLog(logger ?? NullLogger.Instance, trainer, splits.Length);
        log.Starting(dataset.Count, seed, $"top-{k} ranking");
        var results = new RankingFoldResult[splits.Length];
        for (int f = 0; f < splits.Length; f++)
        {
            DatasetSplit split = TakeFold(splits, f);
            (TModel model, TimeSpan elapsed) = Fit(trainer, split, log, f, cancellationToken);
            int threads = trainer.Options.MaxDegreeOfParallelism;
            results[f] = new RankingFoldResult(f, RankingMetrics.Evaluate(model, split.Train, split.Test, k, threads, cancellationToken: cancellationToken), elapsed);
            log.FoldCompleted(f, split.Train.Count, elapsed, results[f].Test);
            progress?.Report(f + 1);
        }

        var result = new RankingCrossValidationResult(results, k);
        log.Completed(result);
        return result;
    }

    /// <summary>
    /// Fold <paramref name="f"/>'s split, dropped from <paramref name="splits"/>: the folds are views
    /// that build their CSR views when used, so letting go of each after its turn keeps one fold's
    /// storage alive at a time instead of all of them.
    /// </summary>
    private static DatasetSplit TakeFold(DatasetSplit?[] splits, int f)
    {
        DatasetSplit split = splits[f]!;
        splits[f] = null;
        return split;
    }

    private static DatasetSplit?[] Splits<TModel>(ITrainer<TModel> trainer, RatingsDataset dataset, int folds, int seed, CancellationToken cancellationToken)
        where TModel : IRecommenderModel
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(dataset);
        if (folds < 2)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(folds), folds, "at least 2");
        }

        if (dataset.Count == 0)
        {
            ThrowHelper.Argument(nameof(dataset), "The dataset is empty; cross-validation needs at least one rating per fold.");
        }

        return [.. DatasetSplitter.CancellableKFold(dataset, folds, seed, cancellationToken)];
    }

    private static (TModel Model, TimeSpan Elapsed) Fit<TModel>(ITrainer<TModel> trainer, DatasetSplit split, RunLog log, int fold, CancellationToken cancellationToken)
        where TModel : IRecommenderModel
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            TModel model = trainer.Fit(split.Train, validation: null, progress: null, cancellationToken);
            return (model, Stopwatch.GetElapsedTime(start));
        }
        catch (OperationCanceledException)
        {
            log.Cancelled(fold);
            throw;
        }
    }

    /// <summary>One run's log lines: the trainer's name and the fold count, with the logger.</summary>
    private readonly struct RunLog(ILogger logger, object trainer, int folds)
    {
        private readonly string _trainer = trainer.GetType().Name;

        public void Starting(int ratings, int seed, string measure) => CrossValidationLog.Starting(logger, _trainer, folds, ratings, seed, measure);

        /// <summary>Logs fold <paramref name="fold"/> (0-based) as "fold f + 1 of K".</summary>
        public void FoldCompleted(int fold, int trainRatings, TimeSpan elapsed, object test) =>
            CrossValidationLog.FoldCompleted(logger, _trainer, fold + 1, folds, trainRatings, (long)elapsed.TotalMilliseconds, test);

        public void Completed(object result) => CrossValidationLog.Completed(logger, _trainer, result);

        public void Cancelled(int completedFolds) => CrossValidationLog.Cancelled(logger, _trainer, completedFolds, folds);
    }
}
