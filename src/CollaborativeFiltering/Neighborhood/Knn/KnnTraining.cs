using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Neighborhood.Knn;

/// <summary>
/// One kNN fit, for either orientation: the statistics and baselines (<see cref="KnnBaselines"/>), the
/// values each similarity uses, every row's neighbour lists (<see cref="SimilarityComputation"/>), the
/// model, and one progress report with its rating errors; logged like every trainer (<see cref="TrainingLog"/>).
/// </summary>
internal static class KnnTraining
{
    /// <summary>Fits a model; the options are validated.</summary>
    public static TModel Fit<TModel>(KnnOrientation orientation, KnnOptions options, RatingsDataset train, RatingsDataset? validation,
        IProgress<TrainingProgress>? progress, ILogger logger, TrainingLog log, Func<KnnCore, TModel> create, CancellationToken cancellationToken)
        where TModel : IRecommenderModel
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);
        int rows = orientation == KnnOrientation.Items ? train.ItemCount : train.UserCount;
        int threads = Math.Clamp(options.ThreadCount, 1, Math.Max(1, (rows + SimilarityComputation.RowsPerBlock - 1) / SimilarityComputation.RowsPerBlock));
        CheckMemory(train, rows, options, threads);
        long started = Stopwatch.GetTimestamp();
        if (options.EarlyStoppingPatience > 0)
        {
            log.EarlyStoppingIgnored(logger, options.EarlyStoppingPatience, "a kNN model is computed in one pass, not learned by iterations", 1);
        }

        using var pool = new WorkerPool(threads);
        log.FitStarting(logger, train.UserCount, train.ItemCount, train.Count, options.ToString, pool.WorkerCount);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ratings = WorkingRatings.Of(train); // a split's members gathered into the fit's own arrays: the view builds no CSR
            KnnStatistics statistics = KnnBaselines.Compute(ratings, options.Iterations, options.BaselineUserRegularization, options.BaselineItemRegularization, options.NeedsBaselines, cancellationToken);
            if (!AllFinite(statistics))
            {
                log.Diverged(logger, 1, double.PositiveInfinity, double.NaN);
                throw new TrainingDivergedException($"{log.Trainer}: the means or baseline estimates of these ratings are not finite (ratings too large for single precision).");
            }

            SparseRows byUser = Values(ratings.ByUser, orientation, options.Similarity, statistics, usersAreRows: true);
            SparseRows byItem = Values(ratings.ByItem, orientation, options.Similarity, statistics, usersAreRows: false);
            (SparseRows byRow, SparseRows byColumn) = orientation == KnnOrientation.Items ? (byItem, byUser) : (byUser, byItem);
            int binaryCosineKeep = orientation == KnnOrientation.Items && options.TopNSimilarity == KnnTopNSimilarity.BinaryCosine ? options.Neighbors : 0;
            (NeighborLists neighbors, NeighborLists? topN) = SimilarityComputation.Compute(byRow, byColumn, options.Similarity, options.MinSupport, options.Shrinkage, options.SavedNeighbors,
                binaryCosineKeep, pool, cancellationToken);
            var core = new KnnCore(train.Catalog, orientation, options, options.ClipPredictions ? train.ValueRange : null,
                ratings.ByUser.RowOffsetArray, ratings.ByUser.ColumnArray, ratings.ByUser.ValueArray, statistics, neighbors, topN);
            TModel model = create(core);
            Report(model, ratings.ByUser, validation, neighbors, rows, started, progress, logger, log, cancellationToken);
            return model;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Cancelled(logger, 0);
            throw;
        }
    }

    /// <summary>The neighbour lists (kept and being built), the values of both orientations and each thread's per-pair sums must fit in memory.</summary>
    private static void CheckMemory(RatingsDataset train, int rows, KnnOptions options, int threads)
    {
        long perRow = Math.Min(options.SavedNeighbors, Math.Max(rows - 1, 0));
        long bytes = MemoryBudget.Sum(
            MemoryBudget.Product(MemoryBudget.Product(rows, perRow + Math.Min(options.Neighbors, perRow)), 2 * (sizeof(int) + sizeof(float))),
            2L * sizeof(float) * train.Count,
            MemoryBudget.Product(threads, SimilarityComputation.ScratchBytes(rows, options.SavedNeighbors)));
        MemoryBudget.ThrowIfArrayTooLong(MemoryBudget.Product(rows, perRow), nameof(KnnOptions.SavedNeighbors), options.SavedNeighbors, "neighbour lists");
        MemoryBudget.ThrowIfTooLarge(bytes, nameof(KnnOptions.SavedNeighbors), options.SavedNeighbors, "neighbour lists and per-thread similarity sums");
    }

    /// <summary>The ratings of one CSR view with the values the similarity uses.</summary>
    private static SparseRows Values(CsrView view, KnnOrientation orientation, KnnSimilarity similarity, KnnStatistics statistics, bool usersAreRows)
    {
        int[] offsets = view.RowOffsetArray, columns = view.ColumnArray;
        float[] ratings = view.ValueArray;
        if (similarity is not (KnnSimilarity.PearsonBaseline or KnnSimilarity.AdjustedCosine))
        {
            return new SparseRows(offsets, columns, ratings);
        }

        var values = new float[ratings.Length];
        for (int r = 0; r < view.RowCount; r++)
        {
            for (int p = offsets[r]; p < offsets[r + 1]; p++)
            {
                int user = usersAreRows ? r : columns[p], item = usersAreRows ? columns[p] : r;
                values[p] = KnnValues.Of(similarity, orientation, statistics, user, item, ratings[p]);
            }
        }

        return new SparseRows(offsets, columns, values);
    }

    /// <summary>The MSE of the model's predictions, user by user (a large set takes seconds, so the token is checked every 1,024 users).</summary>
    private static double MeanSquaredError(IRecommenderModel model, CsrView ratings, CancellationToken cancellationToken)
    {
        ReadOnlySpan<int> offsets = ratings.RowOffsets;
        ReadOnlySpan<int> items = ratings.ColumnIndices;
        ReadOnlySpan<float> values = ratings.Values;
        double squares = 0;
        for (int u = 0; u < ratings.RowCount; u++)
        {
            if ((u & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            for (int p = offsets[u]; p < offsets[u + 1]; p++)
            {
                double e = (double)values[p] - model.Predict(new UserIndex(u), new ItemIndex(items[p]));
                squares += e * e;
            }
        }

        return squares / ratings.NonZeroCount;
    }

    private static bool AllFinite(KnnStatistics s) =>
        float.IsFinite(s.GlobalMean) && TensorPrimitivesExtensions.AllFinite(s.UserBiases) && TensorPrimitivesExtensions.AllFinite(s.ItemBiases)
        && TensorPrimitivesExtensions.AllFinite(s.UserMeans) && TensorPrimitivesExtensions.AllFinite(s.ItemMeans);

    /// <summary>One report after the fit, and the completion message, with the rating errors when someone listens.</summary>
    private static void Report(IRecommenderModel model, CsrView train, RatingsDataset? validation, NeighborLists neighbors, int rows, long started,
        IProgress<TrainingProgress>? progress, ILogger logger, TrainingLog log, CancellationToken cancellationToken)
    {
        bool completed = logger.IsEnabled(LogLevel.Information);
        if (progress is null && !completed && !logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        double trainMse = MeanSquaredError(model, train, cancellationToken);
        double? validationMse = validation is { Count: > 0 } ? MeanSquaredError(model, WorkingRatings.UserMajor(validation), cancellationToken) : null;
        var report = new TrainingProgress
        {
            Iteration = 1,
            TotalIterations = 1,
            ObservedLoss = trainMse,
            TrainMse = trainMse,
            ValidationMse = validationMse,
            ValidationLoss = validationMse,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        string measurements = string.Create(CultureInfo.InvariantCulture,
            $"train MSE {trainMse:F4}{(validationMse is { } v ? string.Create(CultureInfo.InvariantCulture, $", validation MSE {v:F4}") : "")}");
        if (logger.IsEnabled(LogLevel.Debug))
        {
            log.Progress(logger, 1, 1, validationMse is not null, measurements);
        }

        progress?.Report(report);
        if (completed)
        {
            string summary = string.Create(CultureInfo.InvariantCulture, $"{neighbors.Count} neighbours kept ({(double)neighbors.Count / Math.Max(rows, 1):F1} per row), {measurements}");
            log.FitCompleted(logger, 1, (long)report.Elapsed.TotalMilliseconds, summary);
        }
    }
}
