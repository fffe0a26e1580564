namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// Which neighbour lists item-kNN's top-N scoring adds up (<see cref="KnnOptions.TopNSimilarity"/>): for each
/// item the user rated, its <see cref="KnnOptions.Neighbors"/> most similar items by this similarity.
/// </summary>
public enum KnnTopNSimilarity
{
    /// <summary>
    /// The cosine of the items' binary rating vectors over all users, |U_i ∩ U_j| / √(|U_i|·|U_j|): which
    /// items are rated by the same users, whatever the values — the similarity Deshpande and Karypis (2004,
    /// "Item-based top-N recommendation algorithms") rank with. Computed beside the rating similarity in the
    /// fit (no shrinkage, no minimum support).
    /// </summary>
    BinaryCosine = 0,

    /// <summary>
    /// The model's own neighbour lists (<see cref="KnnOptions.Similarity"/> with shrinkage), which say how
    /// alike two items are rated — the lists predictions use. They leave out how often items are rated
    /// together, which is most of what a top-N list needs.
    /// </summary>
    RatingSimilarity = 1,
}
