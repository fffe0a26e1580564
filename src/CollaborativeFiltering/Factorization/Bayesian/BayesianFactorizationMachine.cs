using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.Bayesian;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// A second-order factorization machine (Rendle 2010) trained by Gibbs sampling (Freudenthaler,
/// Schmidt-Thieme and Rendle, "Bayesian Factorization Machines", 2011; libFM's MCMC), with a separate
/// normal–gamma prior per feature group, on features built from the dataset
/// (<see cref="FactorizationMachineOptions.Blocks"/>: user and item ids, the items each user rated
/// normalised 1/√n, optionally the users who rated each item, <see cref="UserInfo"/> demographics,
/// <see cref="ItemInfo"/> genres and release year, an optional rating-time bucket) and groups of one's own
/// (<see cref="FeatureGroup"/>).
/// </summary>
/// <remarks>
/// <para>Relational blocks (Rendle, "Scaling Factorization Machines to Relational Data", VLDB 2013): a
/// rating's feature vector is its user's row of the user block, its item's row of the item block and its
/// time bucket's row; each row is stored once, and a parameter's Gaussian conditional needs, per row, only
/// sums over the row's ratings that are computed once per block and rank and updated in O(1) after each
/// draw. A feature costs O(its rows), not O(its ratings): the implicit-feedback group (the user's rated
/// items) costs O(|Ω|) per rank and sweep, as the user ids do, where libFM's expanded design matrix costs
/// O(Σ_u n_u²).</para>
/// <para>Each sweep draws α (Gamma(1/2, 1/2) prior unless <see cref="FactorizationMachineOptions.NoisePrecision"/>
/// fixes it), w₀ (flat prior), every group's (λ, μ) and every linear weight, then, rank by rank, every
/// group's (λ, μ) of that rank and every factor. After <see cref="FactorizationMachineOptions.BurnIn"/>
/// sweeps every sweep is kept; the model holds the posterior means and the stored samples of the
/// context-free user and item rows (see <see cref="FactorizationMachineModel"/>).</para>
/// <para>Deterministic for a seed: one random stream per sweep, drawn in a fixed order, on one thread.
/// Each fit owns its state, so one trainer can fit several datasets, also concurrently.</para>
/// </remarks>
public sealed class BayesianFactorizationMachine : ITrainer<FactorizationMachineModel>
{
    /// <summary>The log messages, event ids 3110–3116.</summary>
    private static readonly TrainingLog Log = new(nameof(BayesianFactorizationMachine), "BayesianFm", 3110, "sweep", "MSE", "sweeps");

    private readonly ILogger _logger;
    private readonly FeatureGroup[] _groups;

    /// <summary>Creates the trainer and validates its options.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="groups">Feature groups of one's own (one row per user or per item of the training catalogue, each with its own prior), or <see langword="null"/> for none.</param>
    /// <param name="logger">Receives start, progress (each report's train RMSE of that sample and the running posterior-mean validation RMSE), completion and divergence messages; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    /// <exception cref="ArgumentNullException">A group is <see langword="null"/>.</exception>
    public BayesianFactorizationMachine(FactorizationMachineOptions? options = null, IEnumerable<FeatureGroup>? groups = null, ILogger? logger = null)
    {
        Options = options ?? new FactorizationMachineOptions();
        Options.Validate();
        _groups = groups is null ? [] : [.. groups];
        foreach (FeatureGroup g in _groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
        }

        Groups = new ReadOnlyCollection<FeatureGroup>(_groups);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The trainer and its options, e.g. <c>BayesianFactorizationMachine: k = 10, 200 sweeps (10 burn-in), blocks UserId, ItemId, RatedItems, UserInfo, ItemInfo</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"BayesianFactorizationMachine: k = {Options.Dimensions}, {Options.Iterations} sweeps ({Options.BurnIn} burn-in), blocks {Options.Blocks}")
        + (_groups.Length > 0 ? ", own groups " + string.Join(", ", _groups.Select(static g => g.Name)) : "");

    /// <summary>The validated options.</summary>
    public FactorizationMachineOptions Options { get; }

    /// <summary>The feature groups of one's own.</summary>
    public IReadOnlyList<FeatureGroup> Groups { get; }

    /// <summary>The least work of a pass that goes to the worker pool (<see cref="FmTraining.DefaultMinParallelWork"/>); tests set 0 so that every pass of several blocks runs on the pool.</summary>
    internal long MinParallelWork { get; init; } = FmTraining.DefaultMinParallelWork;

    /// <inheritdoc/>
    TrainerOptions ITrainer<FactorizationMachineModel>.Options => Options;

    /// <summary>Trains a model by Gibbs sampling; see <see cref="ITrainer{TModel}.Fit"/>.</summary>
    /// <param name="train">The training ratings; the implicit-feedback groups use its ratings, the side groups its catalogue's <see cref="Catalog.UserInfos"/> and <see cref="Catalog.ItemInfos"/>.</param>
    /// <param name="validation">Held-out ratings over the same catalogue whose running posterior-mean error is reported, or <see langword="null"/>.</param>
    /// <param name="progress">Receives, every <see cref="TrainerOptions.ReportInterval"/> sweeps and after the last, the sample's train MSE and the posterior-mean validation MSE.</param>
    /// <param name="cancellationToken">Checked before every sweep and before every rank within one.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, <paramref name="validation"/> belongs to another catalogue, the time block is asked for without timestamps, or a group of one's own does not fit the catalogue or repeats a name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The release years or rating times make more than a million buckets, or the stored samples do not fit in memory.</exception>
    /// <exception cref="TrainingDivergedException">A value became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FactorizationMachineModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using FmTraining training = CreateTraining(train, validation);
        FactorizationMachineOptions options = Options;
        cancellationToken.ThrowIfCancellationRequested();
        Log.FitStarting(_logger, train.UserCount, train.ItemCount, train.Count, () => string.Create(CultureInfo.InvariantCulture,
            $"k = {options.Dimensions}, {options.Iterations} sweeps ({options.BurnIn} burn-in, {options.StoredSampleCount} stored), groups {string.Join(", ", training.Layout.Groups.Select(static g => $"{g.Name} ({g.Count})"))}"), training.WorkerCount);
        return TrainingLoop.Run(training, TrainingSchedule.Of(options), Log, _logger, progress, cancellationToken);
    }

    /// <summary>Creates a training (layout built, parameters initialised), for <see cref="Fit"/> and the exactness tests.</summary>
    internal FmTraining CreateTraining(RatingsDataset train, RatingsDataset? validation = null)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);
        FactorizationMachineOptions options = Options;
        int stored = options.StoredSampleCount;
        TrainingMemory.CheckBayesian(train, options.Dimensions + 1, 1, stored,
            options.StoredSamples > options.Iterations - options.BurnIn ? nameof(TrainerOptions.Iterations) : nameof(FactorizationMachineOptions.StoredSamples));
        var ratings = WorkingRatings.Of(train); // a split's members gathered into the fit's own arrays: the view builds no CSR
        FmLayout layout = FmLayout.Build(train, ratings, options, _groups);
        return new FmTraining(train, ratings, validation, layout, options, options.ClipPredictions ? train.ValueRange : null, options.ThreadCount, MinParallelWork);
    }
}
