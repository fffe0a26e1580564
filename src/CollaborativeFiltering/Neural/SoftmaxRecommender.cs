using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;
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
/// <para><b>Training.</b> Each of <see cref="SoftmaxOptions.Iterations"/> steps takes a mini-batch of
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
/// <see cref="SoftmaxOptions.MaxDegreeOfParallelism"/> is: batches and labels are drawn on one
/// thread, and every gradient is summed over the batch in a fixed order by one task.</para>
/// <para>Each fit owns its state, so one recommender can fit several datasets, also concurrently.</para>
/// </remarks>
public sealed class SoftmaxRecommender
{
    private readonly ILogger _logger;

    /// <summary>Creates the recommender and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the course's defaults.</param>
    /// <param name="logger">Receives start, progress (debug), completion, cancellation and divergence messages (event ids 5000–5005); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public SoftmaxRecommender(SoftmaxOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new SoftmaxOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public SoftmaxOptions Options { get; }

    /// <summary>Trains a model.</summary>
    /// <param name="train">The training ratings; the model covers every user and item of its catalogue and keeps each user's training items as that user's input.</param>
    /// <param name="validation">
    /// Held-out ratings over the same catalogue (e.g. from <see cref="DatasetSplitter.PerUserHoldout"/>),
    /// whose cross-entropy and recall@10 are reported; <see langword="null"/> or empty for none.
    /// </param>
    /// <param name="progress">
    /// Receives, every <see cref="SoftmaxOptions.ReportInterval"/> iterations and after the last, the
    /// mean training cross-entropy of the batches since the previous report and, with a validation
    /// set, its cross-entropy and recall@10 at the current model. Called on the fitting thread.
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
    public SoftmaxModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<SoftmaxTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        SoftmaxFeatures features = CheckArguments(train, validation, Options);
        cancellationToken.ThrowIfCancellationRequested();
        SoftmaxOptions options = Options;
        using var trainer = new SoftmaxTrainer(train, validation, options, features);
        double learningRate = options.EffectiveLearningRate;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string inputs = "items" + (options.UseGenres ? " + genres" : string.Empty) + (options.UseReleaseYears ? " + release years" : string.Empty);
            string hidden = string.Join(", ", options.HiddenLayerSizes);
            string optimizer = options.Optimizer.ToString();
            Log.SoftmaxFitStarting(_logger, train.UserCount, train.ItemCount, train.Count, options.Dimensions, hidden, inputs, options.BatchSize, options.Iterations, optimizer, learningRate, trainer.WorkerCount);
        }

        long started = Stopwatch.GetTimestamp();
        int total = options.Iterations;
        double sinceReport = 0;
        int batches = 0;
        double trainLoss = double.NaN;
        bool listening = progress is not null || _logger.IsEnabled(LogLevel.Debug);
        for (int iteration = 1; iteration <= total && iteration > 0; iteration++) // "> 0": Iterations = int.MaxValue ends instead of wrapping
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Log.SoftmaxCancelled(_logger, iteration - 1);
                cancellationToken.ThrowIfCancellationRequested();
            }

            double loss = trainer.Step();
            if (!double.IsFinite(loss))
            {
                Diverged(iteration, loss, learningRate);
            }

            sinceReport += loss;
            batches++;
            if (iteration % options.ReportInterval != 0 && iteration != total)
            {
                continue;
            }

            trainLoss = sinceReport / batches;
            sinceReport = 0;
            batches = 0;
            if (!listening)
            {
                continue;
            }

            double? validationLoss = null, validationRecall = null;
            if (trainer.HasValidation)
            {
                (double l, double r) = trainer.Evaluate();
                if (!double.IsFinite(l))
                {
                    Diverged(iteration, l, learningRate);
                }

                validationLoss = l;
                validationRecall = r;
                Log.SoftmaxProgressWithValidation(_logger, iteration, total, trainLoss, l, r);
            }
            else
            {
                Log.SoftmaxProgress(_logger, iteration, total, trainLoss);
            }

            progress?.Report(new SoftmaxTrainingProgress(iteration, total, trainLoss, validationLoss, validationRecall, Stopwatch.GetElapsedTime(started)));
        }

        // The last step can leave non-finite parameters that no loss saw, or finite ones large enough for queries to overflow.
        if (!trainer.AllFinite() || trainer.Network.ScaleProblem() is not null)
        {
            Diverged(total, double.NaN, learningRate);
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            long elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.SoftmaxFitCompleted(_logger, total, elapsed, trainLoss);
        }
        return trainer.ToModel();
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
            longest = Math.Max(longest, train.ByUser.GetColumns(u).Length);
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

    private void Diverged(int iteration, double loss, double learningRate)
    {
        Log.SoftmaxDiverged(_logger, iteration, loss, learningRate);
        throw new TrainingDivergedException(iteration, loss, learningRate);
    }
}
