using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// What a search optimises on the held-out ratings: the RMSE of the predicted ratings (lower is
/// better; for models that predict ratings), or recall@k of the recommendations, every held-out rating
/// relevant and the user's training items excluded (higher is better; any model). Immutable.
/// </summary>
public sealed record SearchObjective
{
    private SearchObjective(string name, int k)
    {
        Name = name;
        K = k;
    }

    /// <summary>The root mean squared error of the predicted ratings on the validation ratings.</summary>
    public static SearchObjective Rmse { get; } = new("RMSE", 0);

    /// <summary>The name shown in tables: "RMSE" or "recall@k".</summary>
    public string Name { get; }

    /// <summary>The cut-off of a ranking objective; 0 for <see cref="Rmse"/>.</summary>
    public int K { get; }

    /// <summary>Whether higher values are better (a ranking objective).</summary>
    public bool HigherIsBetter => K > 0;

    /// <summary>Recall@k of the top-k recommendations against the validation ratings (<see cref="Evaluation.RankingMetrics.Evaluate"/>).</summary>
    /// <param name="k">The cut-off; greater than zero.</param>
    /// <returns>The objective.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    public static SearchObjective RecallAt(int k)
    {
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        return new SearchObjective(string.Create(CultureInfo.InvariantCulture, $"recall@{k}"), k);
    }

    /// <summary>Whether <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/> (a NaN score is never better; any score beats NaN).</summary>
    internal bool IsBetter(double candidate, double incumbent) =>
        !double.IsNaN(candidate) && (double.IsNaN(incumbent) || (HigherIsBetter ? candidate > incumbent : candidate < incumbent));

    /// <summary>The name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
