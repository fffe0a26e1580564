using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// How recommendations and ranking metrics order items (<see cref="Recommender"/>,
/// <see cref="Evaluation.RankingMetrics.Evaluate"/>): which score, and which items may be recommended at
/// all. <see langword="null"/> options, or the defaults, rank with the model's
/// <see cref="IRecommenderModel.DefaultRanking"/> and filter nothing.
/// </summary>
public sealed record RankingOptions
{
    /// <summary>The defaults: the model's own default score, taste weight 0.25, no minimum support.</summary>
    public static RankingOptions Default { get; } = new();

    /// <summary>
    /// The score that orders the items; <see langword="null"/> (the default) for the model's
    /// <see cref="IRecommenderModel.DefaultRanking"/>. <see cref="RankingScore.SupportAware"/> needs a
    /// model that knows its <see cref="IRecommenderModel.ItemSupport"/> and has embeddings.
    /// </summary>
    public RankingScore? Score { get; init; }

    /// <summary>
    /// w in the support-aware score ln(1 + n_j) + w·⟨q_u, v_j⟩/σ_u (see <see cref="RankingScore.SupportAware"/>),
    /// finite and ≥ 0. Default 0.25: on the realistic MovieLens 100k preset of the synthetic generator
    /// (<see cref="Data.SyntheticOptions.RealisticMovieLens100K"/>) 0.25 was the best or tied of the weights
    /// tried (0.1, 0.25, 0.5, 1) for biased SGD and ALS, 0 is the most-popular list and large weights fall back towards the models' raw
    /// scores (docs/defaults.md has the measurements).
    /// </summary>
    public double TasteWeight { get; init; } = 0.25;

    /// <summary>
    /// The fewest training ratings an item needs to be recommended (≥ 0; default 0: no filter). Items
    /// rated by only a few users have the least reliable embeddings; a minimum support of 5 to 20 removes
    /// them from the lists whatever the score. Needs a model that knows its
    /// <see cref="IRecommenderModel.ItemSupport"/> when above 0.
    /// </summary>
    public int MinimumSupport { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public void Validate()
    {
        if (Score is { } score && !Enum.IsDefined(score))
        {
            throw new ArgumentOutOfRangeException(nameof(Score), score, "Score must be RankingScore.Model or RankingScore.SupportAware.");
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(TasteWeight, nameof(TasteWeight));
        ThrowHelper.ThrowIfNegative(MinimumSupport, nameof(MinimumSupport));
    }
}
