using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Scoring;

/// <summary>A user close to a query user, with the similarity of their embeddings.</summary>
/// <param name="User">The user's dense index.</param>
/// <param name="Id">The user's external id.</param>
/// <param name="Score">The dot or cosine similarity to the query user.</param>
public readonly record struct UserNeighbor(UserIndex User, string Id, float Score);
