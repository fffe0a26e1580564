namespace CollaborativeFiltering.Scoring;

/// <summary>A user close to a query user, with the similarity of their embeddings.</summary>
/// <param name="Index">The dense user index.</param>
/// <param name="Id">The user's external id.</param>
/// <param name="Score">The similarity to the query user: dot or cosine of the embeddings, or a user-kNN model's own similarity.</param>
public readonly record struct UserNeighbor(int Index, string Id, float Score);
