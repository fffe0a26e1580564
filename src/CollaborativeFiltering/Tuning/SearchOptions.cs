using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// How a <see cref="HyperparameterSearch{TOptions, TModel}"/> runs: the strategy, the objective, how the
/// training set is split for validation, early stopping inside each trial, parallelism and the seed.
/// Immutable; validated by the search's constructor, each error naming the option.
/// </summary>
public sealed record SearchOptions
{
    /// <summary>Which options are trained and for how long. Default: <see cref="SearchStrategy.SuccessiveHalving"/> with 27 draws, factor 3 and 3 rungs (about 9 full fits).</summary>
    public SearchStrategy Strategy { get; init; } = SearchStrategy.SuccessiveHalving();

    /// <summary>
    /// What is optimised; <see langword="null"/> (the default) for <see cref="SearchObjective.Rmse"/> when
    /// the trained models predict ratings (<see cref="IRecommenderModel.PredictsRatings"/>) and recall@10
    /// otherwise (implicit ALS, the softmax network).
    /// </summary>
    public SearchObjective? Objective { get; init; }

    /// <summary>
    /// With <see cref="Folds"/> = 1, the share of the training ratings held out, at random, to validate
    /// every trial (the trial trains on the rest); in (0, 0.5]. Default 0.1.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// 1 (the default) validates on one random carve of <see cref="ValidationFraction"/>; k ≥ 2 trains
    /// every trial k times, on k − 1 of k random folds, and averages its objective over the held-out folds
    /// (k times the cost); at most 20.
    /// </summary>
    public int Folds { get; init; } = 1;

    /// <summary>
    /// The early-stopping patience set on every trial's options (see
    /// <see cref="TrainerOptions.EarlyStoppingPatience"/>): a trial stops once its validation loss has not
    /// improved for this many evaluations, and keeps its best iteration, which the best options record;
    /// 0 keeps the base options' own setting. Default 3. Trainers that cannot stop early (implicit ALS)
    /// run their budget.
    /// </summary>
    public int EarlyStoppingPatience { get; init; } = 3;

    /// <summary>
    /// How many trials train at once; −1 (the default) for one per two processors (at least one). The
    /// processors are shared out: each trial's <see cref="TrainerOptions.MaxDegreeOfParallelism"/> is set
    /// to processors / concurrent trials (at least 1), unless the base options ask for fewer. The result
    /// does not depend on it.
    /// </summary>
    public int MaxConcurrentTrials { get; init; } = -1;

    /// <summary>The seed of the validation split and of the draws of a random search. Same seed, same trials and same result. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentNullException"><see cref="Strategy"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Strategy, nameof(Strategy));
        if (!(ValidationFraction > 0 && ValidationFraction <= 0.5))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ValidationFraction), ValidationFraction, "in (0, 0.5]");
        }

        if (Folds is < 1 or > 20)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Folds), Folds, "1 (one validation carve) to 20 folds");
        }

        ThrowHelper.ThrowIfNegative(EarlyStoppingPatience, nameof(EarlyStoppingPatience));
        if (MaxConcurrentTrials is 0 or < -1 or > 1024)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(MaxConcurrentTrials), MaxConcurrentTrials, "-1 (one per two processors) or 1 to 1024");
        }
    }

    /// <summary>
    /// The most bytes of successive-halving fits kept between rungs to be continued (see
    /// <see cref="SearchStrategy.SuccessiveHalving"/>); <see langword="null"/> (always, outside tests) for a quarter of
    /// the memory available to the process, at most 1 GiB.
    /// </summary>
    internal long? KeptFitsBudget { get; init; }

    /// <summary>How many trials train at once for this machine.</summary>
    internal int ConcurrentTrials => MaxConcurrentTrials == -1 ? Math.Max(1, Environment.ProcessorCount / 2) : MaxConcurrentTrials;

    /// <summary>A one-line description of the validation scheme: "10 % validation carve" or "5 folds".</summary>
    internal string ValidationDescription => Folds == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{ValidationFraction * 100:0.#} % validation carve")
        : string.Create(CultureInfo.InvariantCulture, $"{Folds} folds");
}
