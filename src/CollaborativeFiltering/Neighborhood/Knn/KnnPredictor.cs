namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// How a kNN model predicts the rating r̂_ui from the neighbours. For item-kNN, N is the set of at most
/// k items most similar to i (<see cref="KnnOptions.Neighbors"/>) among those u rated, with a positive
/// similarity s_ij; user-kNN takes the most similar users who rated i instead. When N has fewer than
/// <see cref="KnnOptions.MinNeighbors"/> members the neighbours are not used (the fallback each value
/// names). The three are Surprise's <c>KNNBasic</c>, <c>KNNWithMeans</c> and <c>KNNBaseline</c>.
/// </summary>
public enum KnnPredictor
{
    /// <summary>
    /// r̂_ui = Σ_{j∈N} s_ij·r_uj / Σ_{j∈N} s_ij, the similarity-weighted mean of the neighbours' ratings;
    /// the global mean μ without enough neighbours.
    /// </summary>
    Basic = 0,

    /// <summary>
    /// r̂_ui = μ_i + Σ_{j∈N} s_ij·(r_uj − μ_j) / Σ_{j∈N} s_ij, the neighbours' deviations from their own
    /// mean rating added to the target's mean μ_i (for user-kNN, the users' means); μ_i alone without
    /// enough neighbours.
    /// </summary>
    WithMeans = 1,

    /// <summary>
    /// r̂_ui = b_ui + Σ_{j∈N} s_ij·(r_uj − b_uj) / Σ_{j∈N} s_ij with the baseline estimates
    /// b_ui = μ + b_u + b_i (Koren 2010, "Factor in the neighbors", eq. 3); b_ui alone without enough
    /// neighbours. The most accurate of the three on MovieLens (Surprise's benchmarks).
    /// </summary>
    WithBaseline = 2,
}
