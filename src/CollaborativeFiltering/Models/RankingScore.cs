namespace CollaborativeFiltering;

/// <summary>
/// Which score orders a model's recommendations (<c>Scoring.RankingOptions.Score</c>); each model has
/// a default (<see cref="IRecommenderModel.DefaultRanking"/>).
/// </summary>
public enum RankingScore
{
    /// <summary>
    /// The model's own ranking score (<see cref="IRecommenderModel.TryScoreItems"/>): for a matrix
    /// factorization ⟨q_u, v_j⟩ + b_j. The default of models trained against the unobserved pairs as
    /// well as the observed ones, whose scores already say how likely a user is to pick an item: implicit
    /// ALS, the softmax network, the notebook's regularized model (its gravity term pulls every
    /// unobserved prediction towards 0).
    /// </summary>
    Model,

    /// <summary>
    /// A popularity- and support-aware score: ln(1 + n_j) + w·z_uj, n_j being item j's support (its
    /// number of training ratings, <see cref="IRecommenderModel.ItemSupport"/>) and z_uj the user's
    /// affinity ⟨q_u, v_j⟩ standardised over the catalogue (mean 0, standard deviation 1 for each user;
    /// item biases left out), w the taste weight (<c>Scoring.RankingOptions.TasteWeight</c>, default
    /// 0.25). The default of the models trained on rating values alone (biased SGD, explicit ALS, the
    /// notebook's plain model): they predict how much a user would like an item if the user rated it,
    /// not whether the user will pick it, so their raw scores put rarely rated items with a few high
    /// ratings first and lose to a most-popular list at top-N (on MovieLens 100k, measured: 0.34× and
    /// 0.18× its recall@10). The popularity term is the log-probability that an item is picked at all
    /// (what a most-popular list ranks by); the affinity term reorders it by the user's taste, the
    /// trade-off between popularity and personal accuracy of Steck (2011, "Item popularity and
    /// recommendation accuracy"); Cremonesi, Koren and Turrin (2010) showed that models fitted to rating
    /// values rank poorly unless the missing ratings enter the ranking.
    /// </summary>
    SupportAware,
}
