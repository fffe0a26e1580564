using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// A Bayesian model seen as a recommender that ranks by its posterior: a known user's items by the
/// posterior mean of their predicted rating, or by a credible bound of it (<see cref="Ranking"/>),
/// computed over the model's stored Gibbs samples. Every API that takes an
/// <see cref="IRecommenderModel"/> takes it: <c>Recommender.Recommend</c>, ranking metrics,
/// cross-validation. Made by <see cref="FactorizationModel.RankBy"/> and
/// <c>FactorizationMachineModel.RankBy</c>; immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// Scoring a user costs S·M·(d + 1) multiply-adds (S stored samples), S times what the posterior-mean
/// embeddings' scores cost. A new user has no samples: <see cref="ScoreItemsForNewUser"/> ranks by the
/// underlying model's fold-in against its posterior-mean embeddings.
/// </remarks>
public sealed class PosteriorRanker : IRecommenderModel
{
    private readonly IEmbeddingModel _model;
    private readonly PosteriorSamples _samples;

    internal PosteriorRanker(IEmbeddingModel model, PosteriorSamples samples, PosteriorRanking ranking)
    {
        _model = model;
        _samples = samples;
        Ranking = ranking;
    }

    /// <summary>What ranks and how, e.g. <c>PosteriorRanker: mean − 1.645 sd over 190 samples of FactorizationModel: …</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"PosteriorRanker: {Ranking} over {Display.Count(_samples.Count)} samples of {_model}";

    /// <summary>How items are ranked: the posterior mean, or a credible bound.</summary>
    public PosteriorRanking Ranking { get; }

    /// <summary>The underlying model.</summary>
    public IEmbeddingModel Model => _model;

    /// <inheritdoc/>
    public Catalog Catalog => _model.Catalog;

    /// <summary>True: <see cref="Predict"/> returns the posterior-mean rating.</summary>
    public bool PredictsRatings => true;

    /// <inheritdoc/>
    public RatingRange? RatingScale => _model.RatingScale;

    /// <summary>The underlying model's prediction: the posterior mean of the rating over its stored samples.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Predict(UserIndex user, ItemIndex item) => _model.Predict(user, item);

    /// <summary>Writes, for a known user, mean + z·sd of every item's predicted rating over the stored samples (never clamped).</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="scores">A span of length M.</param>
    /// <returns><see langword="false"/> when <paramref name="user"/> is not below N.</returns>
    /// <exception cref="ArgumentException"><paramref name="scores"/> does not have length M.</exception>
    public bool TryScoreItems(UserIndex user, Span<float> scores)
    {
        if (scores.Length != Catalog.ItemCount)
        {
            ThrowHelper.Argument(nameof(scores), $"scores has length {scores.Length}; expected one score per item ({Catalog.ItemCount}).");
        }

        if (user.Value >= Catalog.UserCount)
        {
            return false;
        }

        _samples.Score(user.Value, Ranking.StandardDeviations, scores);
        return true;
    }

    /// <summary>A new user has no samples: the underlying model's scores (its fold-in against the posterior-mean embeddings).</summary>
    /// <param name="items">Distinct dense item indices the user rated.</param>
    /// <param name="values">The ratings, one per item, finite.</param>
    /// <param name="scores">A span of length M.</param>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, an item appears twice, or <paramref name="scores"/> does not have length M.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c> or a value is not finite.</exception>
    public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) =>
        _model.ScoreItemsForNewUser(items, values, scores);
}
