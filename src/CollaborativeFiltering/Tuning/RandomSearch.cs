using System.Globalization;

namespace CollaborativeFiltering.Tuning;

/// <summary>A random search: see <see cref="SearchStrategy.Random"/>.</summary>
public sealed record RandomSearch : SearchStrategy
{
    internal RandomSearch(int trials) => Trials = trials;

    /// <summary>The number of trials.</summary>
    public int Trials { get; }

    /// <summary>"random, N trials".</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"random, {Trials} trials");
}
