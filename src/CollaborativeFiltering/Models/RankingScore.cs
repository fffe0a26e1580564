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
    /// A popularity- and support-aware score: ln(1 + n_j) + w·⟨q_u, v_j⟩/σ_u, n_j being item j's support
    /// (its number of training ratings, <see cref="IRecommenderModel.ItemSupport"/>), ⟨q_u, v_j⟩ the user's
    /// affinity to the item (item biases left out), σ_u the standard deviation of the user's affinities
    /// over the catalogue (so the taste term is the standardised affinity, up to a constant per user that
    /// does not change the order), and w the taste weight (<see cref="Scoring.RankingOptions.TasteWeight"/>,
    /// default 0.25). A user without a taste direction (σ_u = 0, e.g. a cold user) gets the most-popular
    /// order. The default of the models trained on rating values alone (biased SGD, explicit ALS, the
    /// notebook's plain model): they predict how much a user would like an item if the user rated it, not
    /// whether the user will pick it, so their raw scores put rarely rated items with a few high ratings
    /// first and lose to a most-popular list at top-N (0.34× and 0.18× its recall@10 for biased SGD and ALS
    /// on the real MovieLens 100k's u1 split, as measured by the reporter of the project's issue 12 with the
    /// former defaults). The popularity term is the log-probability that an item
    /// is picked at all (what a most-popular list ranks by); the taste term reorders it by the user's
    /// taste: the trade-off between popularity and personal accuracy of Steck (2011, "Item popularity and
    /// recommendation accuracy"); Cremonesi, Koren and Turrin (2010, "Performance of recommender algorithms
    /// on top-N recommendation tasks") showed that models fitted to rating values rank poorly unless the
    /// missing ratings enter the ranking. Measured on the synthetic generator's
    /// <see cref="Data.SyntheticOptions.RealisticMovieLens100K"/> preset (recall@10 over the most-popular
    /// list's, random 80/20 split; own scores on data seed 42, the support-aware score on seeds 42 and 1):
    /// biased SGD 0.33× with its own score, 1.08–1.16× with this one; ALS 0.31× and 1.23–1.26×; the
    /// notebook's plain model 0.08× and 1.08–1.12×.
    /// </summary>
    SupportAware,
}
