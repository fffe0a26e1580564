using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Factorization;

/// <summary>What distinguishes the plain and the regularized full-batch models.</summary>
/// <param name="Name">The factorizer's name, for logs.</param>
/// <param name="Options">The validated options, carried by the model.</param>
/// <param name="InitStdDev">σ of the Normal(0, σ²) initialisation.</param>
/// <param name="LearningRate">η.</param>
/// <param name="RegularizationWeight">λ_r.</param>
/// <param name="GravityWeight">λ_g.</param>
internal readonly record struct FullBatchSettings(string Name, FactorizationOptions Options, double InitStdDev, double LearningRate, double RegularizationWeight, double GravityWeight);

/// <summary>The fit loop shared by <see cref="GradientDescentFactorizer"/> and <see cref="RegularizedFactorizer"/>.</summary>
internal static class FullBatchGradientDescent
{
    /// <summary>Checks the arguments, initialises U and V (or takes the given ones), trains and returns the model.</summary>
    public static FactorizationModel Fit(in FullBatchSettings settings, ILogger logger, RatingsDataset train, RatingsDataset? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken, float[]? initialUsers = null, float[]? initialItems = null)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);

        FactorizationOptions options = settings.Options;
        int d = options.Dimensions;
        int n = train.UserCount, m = train.ItemCount;
        TrainingMemory.CheckFullBatch(train, d, options.ThreadCount);
        long userLength = (long)n * d, itemLength = (long)m * d;
        if (userLength > Array.MaxLength || itemLength > Array.MaxLength)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(options.Dimensions), d, string.Create(CultureInfo.InvariantCulture, $"small enough that {Math.Max(n, m)}·d floats fit in one array"));
        }

        float[] users, items;
        if (initialUsers is not null && initialItems is not null)
        {
            if (initialUsers.Length != userLength || initialItems.Length != itemLength)
            {
                ThrowHelper.Argument(nameof(initialUsers), string.Create(CultureInfo.InvariantCulture, $"The initial embeddings have {initialUsers.Length} and {initialItems.Length} values; expected N·d = {userLength} and M·d = {itemLength}."));
            }

            users = (float[])initialUsers.Clone();
            items = (float[])initialItems.Clone();
        }
        else
        {
            (users, items) = Initialise(n, m, d, settings.InitStdDev, options.Seed);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var trainer = new FullBatchTrainer(train, validation, d, settings.LearningRate, settings.RegularizationWeight, settings.GravityWeight, options.ThreadCount, users, items)
        {
            Cancellation = cancellationToken,
        };
        Log.FullBatchFitStarting(logger, settings.Name, n, m, train.Count, d, options.Iterations, settings.LearningRate, settings.RegularizationWeight, settings.GravityWeight, trainer.WorkerCount);

        long started = Stopwatch.GetTimestamp();
        int total = options.Iterations;
        double trainMse = double.NaN;
        for (int iteration = 1; iteration <= total && iteration > 0; iteration++) // "> 0": Iterations = int.MaxValue ends instead of wrapping
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Log.FullBatchCancelled(logger, settings.Name, iteration - 1);
                cancellationToken.ThrowIfCancellationRequested();
            }

            FullBatchLosses losses;
            try
            {
                losses = trainer.Step();
            }
            catch (OperationCanceledException)
            {
                Log.FullBatchCancelled(logger, settings.Name, iteration - 1);
                throw;
            }

            double observed = losses.ObservedMse;
            double regularization = settings.RegularizationWeight * losses.Regularization;
            double gravity = settings.GravityWeight * losses.Gravity;
            double loss = observed + regularization + gravity;
            if (!double.IsFinite(loss))
            {
                Diverged(in settings, logger, iteration, loss);
            }

            if (iteration % options.ReportInterval == 0 || iteration == total)
            {
                double? validationMse;
                try
                {
                    (trainMse, validationMse) = trainer.Evaluate();
                }
                catch (OperationCanceledException)
                {
                    Log.FullBatchCancelled(logger, settings.Name, iteration);
                    throw;
                }

                if (!double.IsFinite(trainMse))
                {
                    Diverged(in settings, logger, iteration, trainMse);
                }

                if (logger.IsEnabled(LogLevel.Debug))
                {
                    if (validationMse is { } v)
                    {
                        Log.FullBatchProgressWithValidation(logger, settings.Name, iteration, total, trainMse, v, loss, observed, regularization, gravity);
                    }
                    else
                    {
                        Log.FullBatchProgress(logger, settings.Name, iteration, total, trainMse, loss, observed, regularization, gravity);
                    }
                }

                progress?.Report(new TrainingProgress(iteration, total, trainMse, validationMse, observed, regularization, gravity, Stopwatch.GetElapsedTime(started)));
            }
        }

        // A step can leave non-finite values that no later loss saw (the last step, or rows without ratings).
        float[] finalUsers = trainer.Users, finalItems = trainer.Items;
        if (!TensorPrimitivesExtensions.AllFinite(finalUsers) || !TensorPrimitivesExtensions.AllFinite(finalItems))
        {
            Diverged(in settings, logger, total, double.IsFinite(trainMse) ? double.NaN : trainMse);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            long elapsedMilliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.FullBatchFitCompleted(logger, settings.Name, total, elapsedMilliseconds, trainMse);
        }

        return new FactorizationModel(train.Catalog, d, finalUsers, finalItems, null, null, 0, options);
    }

    /// <summary>U then V, every entry from Normal(0, σ²), drawn in row-major order from one generator seeded with <paramref name="seed"/>.</summary>
    internal static (float[] Users, float[] Items) Initialise(int n, int m, int d, double stdDev, int seed)
    {
        var random = new Random(seed);
        var users = new float[n * d];
        var items = new float[m * d];
        RandomFill.FillNormal(random, users, stdDev);
        RandomFill.FillNormal(random, items, stdDev);
        return (users, items);
    }

    private static void Diverged(in FullBatchSettings settings, ILogger logger, int iteration, double loss)
    {
        Log.FullBatchDiverged(logger, settings.Name, iteration, loss, settings.LearningRate);
        throw new TrainingDivergedException(iteration, loss, settings.LearningRate);
    }
}
