using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Alternating least squares for implicit feedback (Hu, Koren and Volinsky 2008, "Collaborative
/// filtering for implicit feedback datasets"): the dataset's values are interaction strengths r ≥ 0
/// (clicks, plays, views; a rating can serve as one). Every one of the N·M user-item pairs enters
/// the loss with preference p = 1 if observed, else 0, and confidence c = 1 + α·r if observed, else 1:
/// <c>Σ_all c_ui·(p_ui − ⟨x_u, y_i⟩)² + λ·(Σ_u n_u·‖x_u‖² + Σ_i n_i·‖y_i‖²)</c>, n_u and n_i being the
/// interaction counts (weighted-λ, as in Spark's implicit ALS). Each half-sweep solves every user's
/// <c>(YᵀY + Yᵀ(C_u − I)Y + λ·n_u·I)·x_u = YᵀC_u·p_u</c> (items likewise) using YᵀY computed once,
/// by a few warm-started conjugate-gradient steps (the <c>implicit</c> library's solver) or exactly by
/// Cholesky (<see cref="ImplicitAlsOptions.ConjugateGradientSteps"/> = 0).
/// </summary>
/// <remarks>
/// <para>The model has no biases and no global mean: its scores ⟨x_u, y_i⟩ estimate preferences and
/// are meant for ranking. Recommend with <c>Recommender.Recommend(model, user, k, exclude: train)</c>
/// so that items the user already interacted with are left out; fold a new user in with
/// <see cref="FoldInUser"/> (the ridge fold-in of <c>Scoring.FoldIn</c> solves the explicit objective).</para>
/// <para>Deterministic: the same seed gives bit-identical models for any
/// <see cref="FactorizationOptions.MaxDegreeOfParallelism"/>. Users and items without interactions
/// get zero factors (the exact solution of their systems).</para>
/// <para><see cref="FactorizationOptions.EarlyStoppingPatience"/> is ignored (and a warning logged when
/// it is set): the squared error on held-out interactions does not measure ranking quality (scores
/// near 1 for every item minimise it), and a ranking metric over the whole catalogue per sweep would
/// cost more than the sweep; choose <see cref="FactorizationOptions.Iterations"/> with a ranking
/// metric on a validation split instead.</para>
/// </remarks>
public sealed class ImplicitAlsFactorizer : IMatrixFactorizer
{
    private readonly ILogger _logger;

    /// <summary>Creates the factorizer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives start, progress (debug), completion and divergence messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public ImplicitAlsFactorizer(ImplicitAlsOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new ImplicitAlsOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options.</summary>
    public ImplicitAlsOptions Options { get; }

    /// <summary>Trains a model; see <see cref="IMatrixFactorizer.Fit"/>.</summary>
    /// <param name="train">The interactions, values ≥ 0 (their strengths); factors are learned for every user and item of its catalogue.</param>
    /// <param name="validation">Held-out interactions over the same catalogue whose preference error is reported, or <see langword="null"/>.</param>
    /// <param name="progress">
    /// Receives, every <see cref="FactorizationOptions.ReportInterval"/> sweeps and after the last:
    /// <see cref="TrainingProgress.ObservedLoss"/> = Σ_all c·(p − ⟨x, y⟩)² and
    /// <see cref="TrainingProgress.RegularizationLoss"/> = λ·(Σ n_u‖x_u‖² + Σ n_i‖y_i‖²), both divided by the total
    /// confidence Σ_all c = N·M + α·Σ r (so <see cref="TrainingProgress.TotalLoss"/> is the objective
    /// per unit of confidence; computed over all N·M pairs with the YᵀY trick), and as
    /// <see cref="TrainingProgress.TrainMse"/> and <see cref="TrainingProgress.ValidationMse"/> the
    /// mean of (1 − ⟨x_u, y_i⟩)² over the observed training and validation interactions.
    /// </param>
    /// <param name="cancellationToken">Checked before every sweep and before every block of users or items within a sweep.</param>
    /// <returns>The trained model, without biases, carrying <see cref="Options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty or has a negative value, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FactorizationOptions.Dimensions"/> is too large for the catalogue.</exception>
    /// <exception cref="TrainingDivergedException">A value became NaN or infinite (interaction strengths too large for single precision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        AlsFactorizer.CheckArguments(train, validation, Options.Dimensions);
        CheckValues(train);
        ImplicitAlsOptions options = Options;
        TrainingMemory.CheckAls(train, options.Dimensions, options.ThreadCount, options.EarlyStoppingPatience > 0 && validation is { Count: > 0 });
        int d = options.Dimensions;
        var users = new float[train.UserCount * d];
        var items = new float[train.ItemCount * d];
        var random = new Random(options.Seed);
        RandomFill.FillNormal(random, users, options.InitStdDev);
        RandomFill.FillNormal(random, items, options.InitStdDev);
        cancellationToken.ThrowIfCancellationRequested();
        using var trainer = new AlsImplicitTrainer(train, validation, d, options.Regularization, options.Alpha, options.ConjugateGradientSteps, options.ThreadCount, users, items);
        return Train(trainer, options, _logger, progress, cancellationToken);
    }

    /// <summary>
    /// Folds a new user in by solving the implicit objective exactly with the item factors fixed:
    /// <c>(YᵀY + Yᵀ(C − I)Y + λ·n·I)·x = YᵀC·p</c> over the n given interactions, in double by Cholesky.
    /// For a user of the training set, given that user's training interactions and the model's
    /// options, it is the user's next ALS update. Costs O(M·d²) (YᵀY over all items) plus
    /// O(n·d² + d³); thread-safe.
    /// </summary>
    /// <param name="model">A model trained by this factorizer (any model works: its item embeddings are used, its biases ignored).</param>
    /// <param name="items">Distinct dense item indices the user interacted with.</param>
    /// <param name="values">The interaction strengths, finite and ≥ 0, aligned with <paramref name="items"/>.</param>
    /// <param name="options">
    /// λ and α; <see langword="null"/> for the model's own options when it was trained by this
    /// factorizer, else the defaults.
    /// </param>
    /// <returns>d floats: the user's query embedding, for <c>Recommender.RecommendForQuery</c> (exclude <paramref name="items"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No interactions, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c>, a value is negative or not finite, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The solution is not finite (values too large for single precision).</exception>
    public static float[] FoldInUser(FactorizationModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, ImplicitAlsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (items.Length != values.Length)
        {
            ThrowHelper.Argument(nameof(values), string.Create(CultureInfo.InvariantCulture, $"There are {items.Length} items but {values.Length} values; give one value per item."));
        }

        if (items.IsEmpty)
        {
            ThrowHelper.Argument(nameof(items), "items is empty; fold-in needs at least one interaction.");
        }

        int m = model.ItemCount;
        var seen = new bool[m];
        for (int k = 0; k < items.Length; k++)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(items[k], m, nameof(items));
            if (seen[items[k]])
            {
                ThrowHelper.Argument(nameof(items), string.Create(CultureInfo.InvariantCulture, $"The item index {items[k]} appears twice; give each item once."));
            }

            seen[items[k]] = true;
            if (!(values[k] >= 0) || !float.IsFinite(values[k]))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(values), values[k], string.Create(CultureInfo.InvariantCulture, $"a finite interaction strength, zero or greater (item {items[k]})"));
            }
        }

        options ??= model.Options as ImplicitAlsOptions ?? new ImplicitAlsOptions();
        options.Validate();
        int d = model.Dimensions;
        var scratch = new AlsScratch(d, d, weighted: true);
        int dp = AlsGramKernel.PaddedDimensions(d);
        var gram = new double[dp * dp];
        AlsImplicitTrainer.Gram(model.ItemEmbeddings, d, 0, m, scratch, gram);
        var result = new float[d];
        if (!AlsImplicitTrainer.SolveExact(items, values, model.ItemEmbeddings, d, gram, options.Regularization * items.Length, (float)options.Alpha, scratch, result)
            || !(EmbeddingLimits.Norm(result) <= EmbeddingLimits.MaxNorm))
        {
            ThrowHelper.InvalidOperation("Fold-in produced a non-finite embedding (the item embeddings or values are too large for single precision).");
        }

        return result;
    }

    /// <summary>Creates a trainer positioned at the given factors (taken over), for exactness tests and benchmarks.</summary>
    internal AlsImplicitTrainer CreateTrainer(RatingsDataset train, float[] users, float[] items, RatingsDataset? validation = null)
    {
        AlsFactorizer.CheckArguments(train, validation, Options.Dimensions);
        CheckValues(train);
        return new AlsImplicitTrainer(train, validation, Options.Dimensions, Options.Regularization, Options.Alpha, Options.ConjugateGradientSteps, Options.ThreadCount, users, items);
    }

    private static void CheckValues(RatingsDataset train)
    {
        ReadOnlySpan<float> values = train.ByUser.Values;
        for (int p = 0; p < values.Length; p++)
        {
            if (!(values[p] >= 0))
            {
                Rating rating = train[p];
                ThrowHelper.Argument(nameof(train), string.Create(CultureInfo.InvariantCulture,
                    $"The interaction of user '{train.Catalog.Users.Ids[rating.User]}' with item '{train.Catalog.Items.Ids[rating.Item]}' has strength {values[p]}; implicit feedback strengths must be zero or greater."));
            }
        }
    }

    private static FactorizationModel Train(AlsImplicitTrainer trainer, ImplicitAlsOptions options, ILogger logger, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int d = options.Dimensions;
        string solver = options.ConjugateGradientSteps == 0
            ? "exact Cholesky solves"
            : string.Create(CultureInfo.InvariantCulture, $"{options.ConjugateGradientSteps} conjugate-gradient steps");
        Log.ImplicitAlsFitStarting(logger, trainer.Users.Length / d, trainer.Items.Length / d, trainer.TrainCount, d, options.Iterations, options.Regularization, options.Alpha, solver, trainer.WorkerCount);
        if (options.EarlyStoppingPatience > 0)
        {
            Log.ImplicitAlsEarlyStoppingIgnored(logger, options.EarlyStoppingPatience, options.Iterations);
        }

        long started = Stopwatch.GetTimestamp();
        int total = options.Iterations;
        for (int iteration = 1; iteration <= total && iteration > 0; iteration++) // "> 0": Iterations = int.MaxValue ends instead of wrapping
        {
            bool solved;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                solved = trainer.SolveUsers(cancellationToken) && trainer.SolveItems(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Log.ImplicitAlsCancelled(logger, iteration - 1);
                throw;
            }

            if (!solved)
            {
                Diverged(logger, iteration, double.NaN);
            }

            if (iteration % options.ReportInterval != 0 && iteration != total)
            {
                continue;
            }

            AlsImplicitEvaluation e = trainer.Evaluate();
            double observed = e.DataLoss / e.TotalWeight;
            double regularization = options.Regularization * (e.UserNorms + e.ItemNorms) / e.TotalWeight;
            double trainMse = e.ObservedSquaredError / trainer.TrainCount;
            if (!double.IsFinite(observed + regularization + trainMse))
            {
                Diverged(logger, iteration, observed + regularization);
            }

            double? validationMse = trainer.HasValidation ? e.ValidationSquaredError / trainer.ValidationCount : null;
            if (logger.IsEnabled(LogLevel.Debug))
            {
                Log.ImplicitAlsProgress(logger, iteration, total, observed + regularization, observed, regularization, trainMse, validationMse);
            }

            progress?.Report(new TrainingProgress(iteration, total, trainMse, validationMse, observed, regularization, 0, Stopwatch.GetElapsedTime(started)));
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            long elapsedMilliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.ImplicitAlsFitCompleted(logger, total, elapsedMilliseconds);
        }

        return new FactorizationModel(trainer.Catalog, d, trainer.Users, trainer.Items, null, null, 0, options);
    }

    private static void Diverged(ILogger logger, int iteration, double loss)
    {
        Log.ImplicitAlsDiverged(logger, iteration, loss);
        throw new TrainingDivergedException(iteration, loss, double.NaN);
    }
}
