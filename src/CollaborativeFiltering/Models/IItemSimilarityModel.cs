using CollaborativeFiltering.Data;

namespace CollaborativeFiltering;

/// <summary>
/// A recommender that relates items to items directly, by weights of its own rather than through
/// embeddings: an item-kNN model (<see cref="Neighborhood.ItemKnnModel"/>, whose weights are the
/// similarities it kept for each item) or EASE (<see cref="Neighborhood.EaseModel"/>, whose weights are
/// the learned item-to-item regression weights). <c>Scoring.Neighbors</c> lists an item's neighbours
/// through this interface. Implementations are immutable and safe to share between threads.
/// </summary>
public interface IItemSimilarityModel : IRecommenderModel
{
    /// <summary>
    /// Writes, for every item j, the model's weight of j as a neighbour of <paramref name="item"/>
    /// (higher is more similar); −∞ for the items the model holds no weight for, which are not neighbours.
    /// The entry of <paramref name="item"/> itself is its weight with itself (1 for a similarity, 0 for EASE's zero diagonal).
    /// </summary>
    /// <param name="item">A dense item index.</param>
    /// <param name="weights">A span of length M.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below M.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not have length M.</exception>
    void ScoreSimilarItems(ItemIndex item, Span<float> weights);
}
