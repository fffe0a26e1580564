using System.Globalization;

namespace CollaborativeFiltering.Tuning;

/// <summary>Successive halving: see <see cref="SearchStrategy.SuccessiveHalving"/>.</summary>
public sealed record SuccessiveHalvingSearch : SearchStrategy
{
    internal SuccessiveHalvingSearch(int trials, int reductionFactor, int rungs)
    {
        Trials = trials;
        ReductionFactor = reductionFactor;
        Rungs = rungs;
    }

    /// <summary>The number of random draws of the first rung.</summary>
    public int Trials { get; }

    /// <summary>The factor by which each rung cuts the trials and multiplies the budget.</summary>
    public int ReductionFactor { get; }

    /// <summary>The number of rungs.</summary>
    public int Rungs { get; }

    /// <summary>The budget (iterations) of rung <paramref name="rung"/> (0-based) for a full budget of <paramref name="iterations"/>: iterations / factor^(rungs − 1 − rung), rounded, at least 1.</summary>
    internal int Budget(int rung, int iterations) =>
        (int)Math.Max(1, Math.Round(iterations / Math.Pow(ReductionFactor, Rungs - 1 - rung)));

    /// <summary>How many trials rung <paramref name="rung"/> trains: ⌈trials / factor^rung⌉.</summary>
    internal int Survivors(int rung) => (int)Math.Ceiling(Trials / Math.Pow(ReductionFactor, rung));

    /// <summary>"successive halving, N draws, factor F, R rungs".</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"successive halving, {Trials} draws, factor {ReductionFactor}, {Rungs} rungs");
}
