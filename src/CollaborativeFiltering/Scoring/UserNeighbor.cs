using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>A user close to a query user, with its similarity score.</summary>
/// <param name="User">The user's dense index.</param>
/// <param name="Id">The user's external id.</param>
/// <param name="Score">The similarity to the query user: dot or cosine of the embeddings, or a user-kNN model's own similarity.</param>
public readonly record struct UserNeighbor(UserIndex User, string Id, float Score)
{
    /// <summary>E.g. <c>user 42: 0.8123</c>, the score being the similarity.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"user {Id}: {Display.Number(Score)}");
}
