using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>A user close to a query user, with the similarity of their embeddings.</summary>
/// <param name="User">The user's dense index.</param>
/// <param name="Id">The user's external id.</param>
/// <param name="Score">The dot or cosine similarity to the query user.</param>
public readonly record struct UserNeighbor(UserIndex User, string Id, float Score)
{
    /// <summary>E.g. <c>user 42: 0.8123</c>, the score being the dot product or cosine.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"user {Id}: {Display.Number(Score)}");
}
