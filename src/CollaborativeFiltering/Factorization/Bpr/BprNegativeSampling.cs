namespace CollaborativeFiltering.Factorization;

/// <summary>How <see cref="BprFactorizer"/> draws the negative item j of a triple (u, i, j) among the items u has not interacted with.</summary>
public enum BprNegativeSampling
{
    /// <summary>Every item the user has not interacted with is equally likely (Rendle et al.'s LearnBPR).</summary>
    Uniform,

    /// <summary>
    /// Items are drawn in proportion to n_j^α, n_j being the item's number of training interactions and α
    /// <see cref="BprOptions.PopularityExponent"/>: popular items, which a user is likelier to have seen and
    /// passed over, are sampled more often as negatives (as word2vec draws its negatives). Items without
    /// interactions are never drawn.
    /// </summary>
    Popularity,
}
