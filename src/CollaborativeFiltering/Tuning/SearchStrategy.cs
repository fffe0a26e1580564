using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// Which options a search trains and for how long: every point of a grid
/// (<see cref="Grid"/>), a number of random draws (<see cref="Random"/>), or random draws thinned by
/// successive halving (<see cref="SuccessiveHalving"/>), which spends most of its budget on the
/// promising ones. Immutable.
/// </summary>
public abstract record SearchStrategy
{
    private protected SearchStrategy()
    {
    }

    /// <summary>Every combination of the parameters' <see cref="ParameterRange.GridValues"/>, each trained with the full budget.</summary>
    /// <returns>The strategy.</returns>
    public static GridSearch Grid() => new();

    /// <summary><paramref name="trials"/> independent draws from the parameters' ranges, each trained with the full budget (Bergstra and Bengio 2012).</summary>
    /// <param name="trials">The number of trials; at least 1.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trials"/> is below 1.</exception>
    public static RandomSearch Random(int trials)
    {
        ThrowHelper.ThrowIfNotPositive(trials, nameof(trials));
        return new RandomSearch(trials);
    }

    /// <summary>
    /// Successive halving (Jamieson and Talwalkar 2016; the inner loop of Hyperband, Li et al. 2017):
    /// <paramref name="trials"/> random draws are trained with a small budget, the best
    /// 1/<paramref name="reductionFactor"/> of them (at least one) go on to a budget
    /// <paramref name="reductionFactor"/> times larger, and so on for <paramref name="rungs"/> rungs, the
    /// last with the full budget (the base options' <see cref="TrainerOptions.Iterations"/>). With the
    /// defaults (27 draws, factor 3, 3 rungs: 27 trials at 1/9 of the budget, 9 at 1/3, 3 at the full
    /// budget) it costs about as much as 9 full trials when every rung trains from scratch. Trainers
    /// whose iterations depend on the iteration's number only (<see cref="Factorization.BiasedSgdFactorizer"/>,
    /// <see cref="Factorization.AlsFactorizer"/>, <see cref="Factorization.ImplicitAlsFactorizer"/>) continue a promoted trial from where its last rung ended
    /// instead, with the same result bit for bit as training it again from the start (early stopping
    /// included) and about 7 full trials' cost; the
    /// fits kept between rungs take at most a quarter of the memory available to the process and 1 GiB,
    /// beyond which trials train from scratch.
    /// </summary>
    /// <param name="trials">The number of random draws of the first rung; at least 1.</param>
    /// <param name="reductionFactor">The factor by which each rung cuts the trials and multiplies the budget; at least 2.</param>
    /// <param name="rungs">The number of rungs; at least 1 (1 is a random search).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static SuccessiveHalvingSearch SuccessiveHalving(int trials = 27, int reductionFactor = 3, int rungs = 3)
    {
        ThrowHelper.ThrowIfNotPositive(trials, nameof(trials));
        if (reductionFactor < 2)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(reductionFactor), reductionFactor, "at least 2");
        }

        ThrowHelper.ThrowIfNotPositive(rungs, nameof(rungs));
        if (rungs > 16)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(rungs), rungs, "at most 16");
        }

        return new SuccessiveHalvingSearch(trials, reductionFactor, rungs);
    }
}
