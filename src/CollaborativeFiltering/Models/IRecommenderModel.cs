using CollaborativeFiltering.Data;

namespace CollaborativeFiltering;

/// <summary>
/// What every trained recommender offers, whatever it is made of: its catalogue, a ranking score for
/// every item for a known user or for a new user described by a few ratings, and a prediction for a
/// (user, item) pair, which is a rating on the training scale when <see cref="PredictsRatings"/> is
/// true. Scoring and evaluation work through this interface (recommendations, cross-validation of
/// rating errors); <see cref="IEmbeddingModel"/> extends it for the models made of embeddings
/// (neighbours, norms, projections, export). Implementations are immutable and safe to share between threads.
/// </summary>
public interface IRecommenderModel
{
    /// <summary>The users and items the model's indices refer to.</summary>
    Catalog Catalog { get; }

    /// <summary>
    /// Whether <see cref="Predict(Data.UserIndex, Data.ItemIndex)"/> returns ratings on the training scale (explicit-feedback models),
    /// rather than preference or ranking scores (implicit-feedback models, the softmax network), which
    /// only order items.
    /// </summary>
    bool PredictsRatings { get; }

    /// <summary>
    /// The scale of the ratings the model was trained on (e.g. [1, 5], or [0.5, 5] for half stars) when
    /// <see cref="PredictsRatings"/>, or when the model reads a new user's values as ratings without predicting
    /// any (the softmax network keeps a new user's items rated at or above its midpoint); <see langword="null"/>
    /// when unknown or when the model's values are not ratings. A new user's ratings (<see cref="Scoring.Recommender.RecommendForNewUser"/>,
    /// <see cref="Scoring.FoldIn"/>) must lie in it: a 9 on a 1–5 scale is a typing error, not a strong opinion.
    /// </summary>
    RatingRange? RatingScale { get; }

    /// <summary>
    /// Each item's support: its number of training ratings (M counts, in item order); empty when the
    /// model does not know them (a model built from embeddings, or read from a file written before the
    /// counts were saved). Support-aware ranking (<see cref="RankingScore.SupportAware"/>) and
    /// minimum-support filters read it.
    /// </summary>
    ReadOnlySpan<int> ItemSupport => default;

    /// <summary>
    /// The score the model's recommendations and ranking metrics use unless told otherwise: its own
    /// (<see cref="RankingScore.Model"/>) for models trained against unobserved pairs too,
    /// <see cref="RankingScore.SupportAware"/> for models fitted to rating values alone, whose raw scores
    /// favour rarely rated items. <see cref="RankingScore.Model"/> when <see cref="ItemSupport"/> is empty.
    /// </summary>
    RankingScore DefaultRanking => RankingScore.Model;

    /// <summary>The model's prediction for a pair: a rating when <see cref="PredictsRatings"/>, else the pair's preference or ranking score.</summary>
    /// <param name="user">The user's dense index (not the id: <see cref="Data.Catalog.GetUserIndex"/> translates).</param>
    /// <param name="item">The item's dense index (not the id: <see cref="Data.Catalog.GetItemIndex"/> translates).</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    float Predict(UserIndex user, ItemIndex item);

    /// <summary>The model's prediction for a pair named by the ids in the files, as <see cref="Predict(UserIndex, ItemIndex)"/> of their indices.</summary>
    /// <param name="userId">A user id as in the files (compared ordinally).</param>
    /// <param name="itemId">An item id as in the files (compared ordinally).</param>
    /// <returns>The prediction: a rating when <see cref="PredictsRatings"/>, else a ranking score.</returns>
    /// <exception cref="ArgumentNullException">An id is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">An id is not in the catalogue; the message names it.</exception>
    float Predict(string userId, string itemId) => Predict(Catalog.GetUserIndex(userId), Catalog.GetItemIndex(itemId));

    /// <summary>Writes the ranking score of every item for a known user: higher ranks first; only the order matters.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="scores">A span of length M: item <c>j</c>'s score goes to <c>scores[j]</c>.</param>
    /// <returns><see langword="false"/> when the model has no scores for this user (an index outside the catalogue).</returns>
    /// <exception cref="ArgumentException"><paramref name="scores"/> does not have length M.</exception>
    bool TryScoreItems(UserIndex user, Span<float> scores);

    /// <summary>Writes the ranking score of every item for a user the model was not trained on, from the user's ratings, the model's own way.</summary>
    /// <param name="items">Distinct dense item indices the user rated.</param>
    /// <param name="values">The ratings (or interaction strengths), one per item, finite.</param>
    /// <param name="scores">A span of length M.</param>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, an item appears twice, or <paramref name="scores"/> does not have length M.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c> or a value is not valid for the model.</exception>
    void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores);
}
