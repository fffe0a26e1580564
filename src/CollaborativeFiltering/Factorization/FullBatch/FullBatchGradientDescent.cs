using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Factorization.FullBatch;

/// <summary>What distinguishes the plain and the regularized full-batch models.</summary>
/// <param name="Log">The factorizer's log messages (they name it).</param>
/// <param name="Options">The validated options, carried by the model.</param>
/// <param name="LearningRate">η.</param>
/// <param name="RegularizationWeight">λ_r.</param>
/// <param name="GravityWeight">λ_g.</param>
internal readonly record struct FullBatchSettings(TrainingLog Log, FactorizationOptions Options, double LearningRate, double RegularizationWeight, double GravityWeight);

/// <summary>The fit shared by <see cref="GradientDescentFactorizer"/> and <see cref="RegularizedFactorizer"/>: checks, initialisation, then the training loop.</summary>
internal static class FullBatchGradientDescent
{
    /// <summary>The log messages of <see cref="GradientDescentFactorizer"/> (event ids 1000–1006, shared with the regularized model).</summary>
    public static readonly TrainingLog PlainLog = new(nameof(GradientDescentFactorizer), "FullBatch", 1000, "iteration", "MSE", "iterations");

    /// <summary>The log messages of <see cref="RegularizedFactorizer"/>.</summary>
    public static readonly TrainingLog RegularizedLog = new(nameof(RegularizedFactorizer), "FullBatch", 1000, "iteration", "MSE", "iterations");

    private const ulong InitialisationStream = 30;

    /// <summary>Checks the arguments, initialises U and V (or takes the given ones), trains and returns the model.</summary>
    public static FactorizationModel Fit(FullBatchSettings settings, ILogger logger, RatingsDataset train, RatingsDataset? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken, float[]? initialUsers = null, float[]? initialItems = null)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);

        FactorizationOptions options = settings.Options;
        int d = options.Dimensions;
        int n = train.UserCount, m = train.ItemCount;
        TrainingMemory.CheckFullBatch(train, d, options.ThreadCount, options.EarlyStoppingPatience > 0 && validation is { Count: > 0 });
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
            (users, items) = Initialise(n, m, d, options.InitStdDev, options.Seed);
        }

        cancellationToken.ThrowIfCancellationRequested();
        RatingRange? range = options.ClipPredictions ? train.ValueRange : null;
        using var training = new FullBatchTraining(train, validation, d, settings.LearningRate, settings.RegularizationWeight, settings.GravityWeight, options.ThreadCount, users, items,
            options: options, predictionRange: range);
        settings.Log.FitStarting(logger, n, m, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"d = {d}, {options.Iterations} iterations, learning rate {settings.LearningRate}, λ_r = {settings.RegularizationWeight}, λ_g = {settings.GravityWeight}"), training.WorkerCount);
        return TrainingLoop.Run(training, TrainingSchedule.Of(options), settings.Log, logger, progress, cancellationToken).WithTrainingScale(train.ValueRange);
    }

    /// <summary>U then V, every entry from Normal(0, σ²), drawn in row-major order from the seed's initialisation stream.</summary>
    internal static (float[] Users, float[] Items) Initialise(int n, int m, int d, double stdDev, int seed)
    {
        var random = new SeededRandom(seed, InitialisationStream);
        var users = new float[n * d];
        var items = new float[m * d];
        random.FillNormal(users, stdDev);
        random.FillNormal(items, stdDev);
        return (users, items);
    }

}
