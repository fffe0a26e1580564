using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.Als;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Alternating least squares for implicit feedback (Hu, Koren and Volinsky 2008, "Collaborative
/// filtering for implicit feedback datasets"): the dataset's values are interaction strengths r ≥ 0
/// (clicks, plays, views; a rating can serve as one). Every one of the N·M user-item pairs enters
/// the loss with preference p = 1 if observed, else 0, and confidence c = 1 + α·r if observed, else 1:
/// <c>Σ_all c_ui·(p_ui − ⟨x_u, y_i⟩)² + λ·(Σ_u w_u·‖x_u‖² + Σ_i w_i·‖y_i‖²)</c>, w_u and w_i being the
/// rows' penalty weights: by default each row's total confidence (w_u = M + α·Σ_i r_ui: frequency-scaled,
/// Rendle et al. 2022), or its interaction count (weighted-λ, Spark's;
/// <see cref="ImplicitAlsOptions.RegularizationScaling"/>). Each half-sweep solves every user's
/// <c>(YᵀY + Yᵀ(C_u − I)Y + λ·w_u·I)·x_u = YᵀC_u·p_u</c> (items likewise) using YᵀY computed once,
/// by a few warm-started conjugate-gradient steps (the <c>implicit</c> library's solver) or exactly by
/// Cholesky (<see cref="ImplicitAlsOptions.ConjugateGradientSteps"/> = 0).
/// </summary>
/// <remarks>
/// <para><b>Ratings as strengths, and the collapse the defaults avoid.</b> With the classic α = 40 and
/// 1–5 star ratings as strengths, confidences run from 41 to 201 (141 on average). On MovieLens 100k
/// (6.3 % of the pairs observed) the observed pairs then carry about 90 % of the loss, and the cheapest
/// way to predict 1 on all of them is one direction shared by every user and every popular item: the
/// item vectors collapse onto the popularity direction (measured on the real MovieLens 100k by the
/// reporter of the project's issue 12: mean cosine 0.915 among the 100 most rated items; the nearest items
/// to Star Wars were Return of the Jedi, then The Godfather, Fargo and Toy Story), and a penalty that ignores the unobserved pairs of each row
/// (weighted-λ) lets that direction win over the users' tastes. The defaults fix both: α = 2 (confidences
/// 3 to 11, the observed pairs about 35 % of the loss) and a penalty proportional to each row's total
/// confidence. <c>docs/defaults.md</c> in the repository has the measurements.</para>
/// <para>The model has no biases and no global mean: its scores ⟨x_u, y_i⟩ estimate preferences and
/// are meant for ranking. Recommend with <c>Recommender.Recommend(model, user, k, exclude: train)</c>
/// so that items the user already interacted with are left out; fold a new user in with
/// <see cref="Scoring.FoldIn.ComputeImplicitUserEmbedding"/> (the model's <see cref="FactorizationModel.ComputeNewUserQuery"/>
/// does so with its own λ and α; the ridge fold-in of <see cref="Scoring.FoldIn.ComputeUserEmbedding"/> solves the explicit objective).</para>
/// <para>Deterministic: the same seed gives bit-identical models for any
/// <see cref="TrainerOptions.MaxDegreeOfParallelism"/>. Users and items without interactions
/// get zero factors (the exact solution of their systems).</para>
/// <para><see cref="TrainerOptions.EarlyStoppingPatience"/> is ignored (and a warning logged when
/// it is set): the squared error on held-out interactions does not measure ranking quality (scores
/// near 1 for every item minimise it), and a ranking metric over the whole catalogue per sweep would
/// cost more than the sweep; choose <see cref="TrainerOptions.Iterations"/> with a ranking
/// metric on a validation split instead.</para>
/// </remarks>
public sealed class ImplicitAlsFactorizer : IMatrixFactorizer, IContinuableTrainer<FactorizationModel>
{
    private const ulong InitialisationStream = 41;

    /// <summary>The log messages, event ids 3010–3016.</summary>
    private static readonly TrainingLog Log = new(nameof(ImplicitAlsFactorizer), "ImplicitAls", 3010, "sweep", "MSE", "sweeps");

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

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationModel>.Options => Options;

    /// <summary>Trains a model; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The interactions, values ≥ 0 (their strengths); factors are learned for every user and item of its catalogue.</param>
    /// <param name="validation">Held-out interactions over the same catalogue whose preference error is reported, or <see langword="null"/>.</param>
    /// <param name="progress">
    /// Receives, every <see cref="TrainerOptions.ReportInterval"/> sweeps and after the last:
    /// <see cref="TrainingProgress.ObservedLoss"/> = Σ_all c·(p − ⟨x, y⟩)² and
    /// <see cref="TrainingProgress.RegularizationLoss"/> = λ·(Σ w_u‖x_u‖² + Σ w_i‖y_i‖²), both divided by the total
    /// confidence Σ_all c = N·M + α·Σ r (so <see cref="TrainingProgress.TotalLoss"/> is the objective
    /// per unit of confidence; computed over all N·M pairs with the YᵀY trick), and as
    /// <see cref="TrainingProgress.TrainMse"/> and <see cref="TrainingProgress.ValidationMse"/> the
    /// mean of (1 − ⟨x_u, y_i⟩)² over the observed training and validation interactions.
    /// </param>
    /// <param name="cancellationToken">Checked before every sweep and before every block of users or items within a sweep.</param>
    /// <returns>The trained model, without biases, carrying <see cref="Options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty or has a negative value, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TrainerOptions.Dimensions"/> is too large for the catalogue.</exception>
    /// <exception cref="TrainingDivergedException">A value became NaN or infinite (interaction strengths too large for single precision).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using TrainingRun<FactorizationModel> run = Start(train, validation, cancellationToken);
        return run.RunTo(Options.Iterations, progress, keepTraining: false, cancellationToken);
    }

    /// <inheritdoc/>
    TrainingRun<FactorizationModel> IContinuableTrainer<FactorizationModel>.Start(RatingsDataset train, RatingsDataset? validation, CancellationToken cancellationToken) =>
        Start(train, validation, cancellationToken);

    private TrainingRun<FactorizationModel> Start(RatingsDataset train, RatingsDataset? validation, CancellationToken cancellationToken)
    {
        AlsFactorizer.CheckArguments(train, validation, Options.Dimensions);
        CheckValues(train);
        ImplicitAlsOptions options = Options;
        TrainingMemory.CheckAls(train, options.Dimensions, options.ThreadCount, options.EarlyStoppingPatience > 0 && validation is { Count: > 0 });
        int d = options.Dimensions;
        var users = new float[train.UserCount * d];
        var items = new float[train.ItemCount * d];
        var random = new SeededRandom(options.Seed, InitialisationStream);
        random.FillNormal(users, options.InitStdDev);
        random.FillNormal(items, options.InitStdDev);
        cancellationToken.ThrowIfCancellationRequested();
        var training = new ImplicitAlsTraining(train, validation, d, options.Regularization, options.RegularizationScaling, options.Alpha, options.ConjugateGradientSteps, options.ThreadCount, users, items, options);
        Log.FitStarting(_logger, train.UserCount, train.ItemCount, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"d = {d}, {options.Iterations} sweeps, λ = {options.Regularization} ({options.RegularizationScaling}), α = {options.Alpha}, {(options.ConjugateGradientSteps == 0 ? "exact Cholesky solves" : $"{options.ConjugateGradientSteps} conjugate-gradient steps")}"),
            training.WorkerCount);
        return new TrainingRun<FactorizationModel>(training, TrainingSchedule.Of(options), Log, _logger);
    }

    /// <summary>Creates a trainer positioned at the given factors (taken over), for exactness tests and benchmarks.</summary>
    internal ImplicitAlsTraining CreateTrainer(RatingsDataset train, float[] users, float[] items, RatingsDataset? validation = null)
    {
        AlsFactorizer.CheckArguments(train, validation, Options.Dimensions);
        CheckValues(train);
        return new ImplicitAlsTraining(train, validation, Options.Dimensions, Options.Regularization, Options.RegularizationScaling, Options.Alpha, Options.ConjugateGradientSteps, Options.ThreadCount, users, items);
    }

    /// <summary>The position in the dataset's user-major order of source position <paramref name="p"/> (a member): the members before it.</summary>
    private static int MemberPosition(RatingRows rows, int p)
    {
        int k = 0;
        for (int q = 0; q < p; q++)
        {
            k += rows.IsMember(q) ? 1 : 0;
        }

        return k;
    }

    private static void CheckValues(RatingsDataset train)
    {
        // Read through the row source, so that a split is checked without being materialised.
        RatingRows rows = train.UserRows;
        float[] values = rows.Values;
        for (int p = 0; p < values.Length; p++)
        {
            if (!(values[p] >= 0) && rows.IsMember(p))
            {
                Rating rating = train[MemberPosition(rows, p)];
                ThrowHelper.Argument(nameof(train), string.Create(CultureInfo.InvariantCulture,
                    $"The interaction of user '{train.Catalog.GetUserId(rating.User)}' with item '{train.Catalog.GetItemId(rating.Item)}' has strength {values[p]}; implicit feedback strengths must be zero or greater."));
            }
        }
    }
}
