using CollaborativeFiltering.Data;

namespace CollaborativeFiltering;

/// <summary>
/// A recommender that relates users to users directly, by similarities of its own rather than through
/// embeddings: a user-kNN model (<see cref="Neighborhood.UserKnnModel"/>). <c>Scoring.Neighbors</c> lists a
/// user's neighbours through this interface. Implementations are immutable and safe to share between threads.
/// </summary>
public interface IUserSimilarityModel : IRecommenderModel
{
    /// <summary>
    /// Writes, for every user v, the model's similarity of v to <paramref name="user"/> (higher is more
    /// similar); −∞ for the users the model holds no similarity for, which are not neighbours. The entry of
    /// <paramref name="user"/> itself is 1.
    /// </summary>
    /// <param name="user">A dense user index.</param>
    /// <param name="similarities">A span of length N.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N.</exception>
    /// <exception cref="ArgumentException"><paramref name="similarities"/> does not have length N.</exception>
    void ScoreSimilarUsers(UserIndex user, Span<float> similarities);
}
