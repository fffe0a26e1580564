using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neural.Training;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Neural;

/// <summary>
/// Trains the softmax deep-network recommender of the Google recommendation course, the next step the
/// MovieLens notebook announces: what we know about a user (the items they rated, and optionally the
/// genres and release years of those items) goes through a small network to a query embedding, and
/// a softmax over the whole catalogue of <c>⟨query, V_j⟩ (+ b_j)</c> is trained with cross-entropy to
/// predict one held-out item the user rated. Only which items were rated matters, not the rating
/// values; to learn from what users liked, train on a subset such as
/// <c>ratings.Where(values ≥ 4)</c>.
/// </summary>
/// <remarks>
/// <para><b>Training.</b> Each of <see cref="TrainerOptions.Iterations"/> steps takes a mini-batch of
/// <see cref="SoftmaxOptions.BatchSize"/> users (visited in a seeded random order, reshuffled after
/// every pass over the users with training ratings); for each, one of the user's training items is
/// drawn uniformly as the label and the others form the input, each left out with probability
/// <see cref="SoftmaxOptions.InputDropout"/>, so the model never sees the item it must predict (the
/// course's code feeds the label among the inputs). The mean cross-entropy of the
/// batch, −log softmax(V·q + b)_label computed stably, is minimised with
/// <see cref="SoftmaxOptions.Optimizer"/>. Forward and backward passes are written out by hand on
/// <see cref="System.Numerics.Tensors.TensorPrimitives"/> and register-blocked SIMD kernels; the
/// network's gradients are checked against finite differences in the tests.</para>
/// <para><b>Determinism.</b> The same options and data give a bit-identical model whatever
/// <see cref="TrainerOptions.MaxDegreeOfParallelism"/> is: batches and labels are drawn on one
/// thread, and every gradient is summed over the batch in a fixed order by one task.</para>
/// <para>Each fit owns its state, so one recommender can fit several datasets, also concurrently.</para>
/// </remarks>
public sealed class SoftmaxTrainer : ITrainer<SoftmaxModel>
{
    /// <summary>The log messages, event ids 5000–5006.</summary>
    private static readonly TrainingLog Log = new(nameof(SoftmaxTrainer), "Softmax", 5000, "iteration", "cross-entropy", "evaluations");

    private readonly ILogger _logger;

    /// <summary>Creates the recommender and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the course's defaults.</param>
    /// <param name="logger">Receives start, progress (debug), early-stop, completion, cancellation and divergence messages (event ids 5000–5006); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public SoftmaxTrainer(SoftmaxOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new SoftmaxOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public SoftmaxOptions Options { get; }

    /// <inheritdoc/>
    TrainerOptions ITrainer<SoftmaxModel>.Options => Options;

    /// <summary>Trains a model.</summary>
    /// <param name="train">The training ratings; the model covers every user and item of its catalogue and keeps each user's training items as that user's input.</param>
    /// <param name="validation">
    /// Held-out ratings over the same catalogue (e.g. from <see cref="DatasetSplitter.PerUserHoldout"/>),
    /// whose cross-entropy and recall@10 are reported; <see langword="null"/> or empty for none. With
    /// <see cref="TrainerOptions.EarlyStoppingPatience"/> &gt; 0 its cross-entropy is measured at every
    /// report, training stops once it has not improved for that many reports in a row, and the model of the
    /// best report is returned.
    /// </param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> iterations and after the last, the
    /// mean training cross-entropy of the batches since the previous report
    /// (<see cref="TrainingProgress.ObservedLoss"/>) and, with a validation set, its cross-entropy
    /// (<see cref="TrainingProgress.ValidationLoss"/>) and recall@10 (<see cref="TrainingProgress.ValidationRecallAt10"/>)
    /// at the current model; the rating errors are <see langword="null"/>. Called on the fitting thread.
    /// </param>
    /// <param name="cancellationToken">Checked before every mini-batch step.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="train"/> is empty; <paramref name="validation"/> belongs to another catalogue; or genres or release years
    /// are asked for but no item of the catalogue has one.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An embedding table would not fit in one array.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN or infinite (the learning rate is too large).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SoftmaxModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        SoftmaxFeatures features = CheckArguments(train, validation, Options);
        cancellationToken.ThrowIfCancellationRequested();
        SoftmaxOptions options = Options;
        using var training = new SoftmaxTraining(train, validation, options, features);
        Log.FitStarting(_logger, train.UserCount, train.ItemCount, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"d = {options.Dimensions}, hidden layers [{string.Join(", ", options.HiddenLayerSizes)}], inputs items{(options.UseGenres ? " + genres" : string.Empty)}{(options.UseReleaseYears ? " + release years" : string.Empty)}, batch {options.BatchSize}, {options.Iterations} iterations, {options.Optimizer} with learning rate {options.EffectiveLearningRate}"),
            training.WorkerCount);
        return TrainingLoop.Run(training, TrainingSchedule.Of(options, evaluationInterval: options.ReportInterval), Log, _logger, progress, cancellationToken);
    }

    /// <summary>Validates the data against the options and derives the item features.</summary>
    internal static SoftmaxFeatures CheckArguments(RatingsDataset train, RatingsDataset? validation, SoftmaxOptions options)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);

        int m = train.ItemCount;
        int widest = Math.Max(options.Dimensions, options.ItemEmbeddingDimensions);
        if ((long)m * widest > Array.MaxLength / 2)
        {
            ThrowHelper.ArgumentOutOfRange(widest == options.Dimensions ? nameof(SoftmaxOptions.Dimensions) : nameof(SoftmaxOptions.ItemEmbeddingDimensions), widest,
                string.Create(CultureInfo.InvariantCulture, $"small enough that {m} items' embeddings fit in one array"));
        }

        if (options.UseReleaseYears && SoftmaxFeatures.CountYearBuckets(train.Catalog, options.YearBucketWidth) > SoftmaxFeatures.MaxYearBuckets)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SoftmaxOptions.YearBucketWidth), options.YearBucketWidth, string.Create(CultureInfo.InvariantCulture,
                $"wide enough that the catalogue's release years ({SoftmaxFeatures.YearRange(train.Catalog)}) make at most {SoftmaxFeatures.MaxYearBuckets} buckets"));
        }

        var features = SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth);
        CheckMemory(train, validation, options, features);
        if (options.UseGenres && features.GenreCount == 0)
        {
            ThrowHelper.Argument(nameof(train), "UseGenres is set, but no item of the catalogue has a genre; load the items' metadata or turn UseGenres off.");
        }

        if (options.UseReleaseYears && features.YearBucketCount == 0)
        {
            ThrowHelper.Argument(nameof(train), "UseReleaseYears is set, but no item of the catalogue has a release year; load the items' metadata or turn UseReleaseYears off.");
        }

        return features;
    }

    /// <summary>
    /// The trainer's arrays, estimated before any work: every parameter table with its gradient and
    /// optimizer state (1 for Adagrad, 2 for Adam), the batch's activations and its B×M logits, the
    /// per-worker logit rows, and the per-user validation results.
    /// </summary>
    private static void CheckMemory(RatingsDataset train, RatingsDataset? validation, SoftmaxOptions options, SoftmaxFeatures features)
    {
        long m = train.ItemCount, d = options.Dimensions + 3L, batch = options.BatchSize + 3L;
        long inputs = options.ItemEmbeddingDimensions + (options.UseGenres ? options.GenreEmbeddingDimensions : 0) + (options.UseReleaseYears ? options.YearEmbeddingDimensions : 0);
        long weights = 0, activations = 0, previous = inputs;
        for (int l = 0; l <= options.HiddenLayerSizes.Count; l++)
        {
            long outputs = l < options.HiddenLayerSizes.Count ? options.HiddenLayerSizes[l] : options.Dimensions;
            long layer = previous * outputs;
            MemoryBudget.ThrowIfArrayTooLong(layer, nameof(SoftmaxOptions.HiddenLayerSizes), string.Join(", ", options.HiddenLayerSizes), string.Create(CultureInfo.InvariantCulture, $"layer {l}'s {previous}×{outputs} weights"));
            weights = MemoryBudget.Sum(weights, layer, outputs);
            activations += outputs;
            previous = outputs;
        }

        long tables = MemoryBudget.Sum(m * options.ItemEmbeddingDimensions, (m + 64) * d, m,
            (long)features.GenreCount * options.GenreEmbeddingDimensions, (long)features.YearBucketCount * options.YearEmbeddingDimensions);
        int stateCopies = options.Optimizer == SoftmaxOptimizer.Adam ? 4 : 3; // the values, their gradient, the optimizer's state
        long longest = 0;
        for (int u = 0; u < train.UserCount; u++)
        {
            longest = Math.Max(longest, train.UserRows.Length(u));
        }

        long workers = Math.Min(options.ThreadCount, Math.Max(batch, m / 64) + 1);
        long floats = MemoryBudget.Sum(
            MemoryBudget.Product(stateCopies, MemoryBudget.Sum(weights, tables)),
            MemoryBudget.Product(batch, MemoryBudget.Sum(inputs, activations, 3 * d, m + 64, features.GenreCount, features.YearBucketCount, 2 * longest)),
            MemoryBudget.Product(workers, MemoryBudget.Sum(2 * m, 8 * (m + 64), 64 * d, inputs, activations)),
            2L * train.UserCount);
        MemoryBudget.ThrowIfArrayTooLong(MemoryBudget.Product(batch, m + 64), nameof(SoftmaxOptions.BatchSize), options.BatchSize, "batch's logits (batch size × items)");
        string option = weights > tables ? nameof(SoftmaxOptions.HiddenLayerSizes) : nameof(SoftmaxOptions.Dimensions);
        object? value = weights > tables ? string.Join(", ", options.HiddenLayerSizes) : options.Dimensions;
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Product(4, floats), option, value, "parameters, gradients, optimizer state and batch buffers");
    }
}
