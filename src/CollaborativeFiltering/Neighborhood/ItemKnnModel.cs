using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neighborhood.Persistence;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// A trained item-kNN model (<see cref="ItemKnnRecommender"/>): the training ratings, the baseline
/// estimates and means, and every item's most similar items. <see cref="Predict(Data.UserIndex, Data.ItemIndex)"/> gives a rating as the
/// options' <see cref="KnnPredictor"/> says; <see cref="TryScoreItems"/> ranks items for top-N by the
/// similarities of the neighbours of the user's items (Deshpande and Karypis 2004); the neighbours of an
/// item (<see cref="ScoreSimilarItems"/>, <c>Scoring.Neighbors.NearestItems</c>) are its kept list. Saved and
/// loaded by <see cref="ModelFile"/>. Immutable and safe to share between threads.
/// </summary>
public sealed class ItemKnnModel : IItemSimilarityModel, IStoredModel
{
    internal ItemKnnModel(KnnCore core) => Core = core;

    /// <inheritdoc/>
    public Catalog Catalog => Core.Catalog;

    /// <summary>Always <see langword="true"/>: <see cref="Predict(Data.UserIndex, Data.ItemIndex)"/> gives ratings on the training scale.</summary>
    public bool PredictsRatings => true;

    /// <summary>The options the model was fitted with.</summary>
    public KnnOptions Options => Core.Options;

    /// <summary>The range predictions are clamped to (the training ratings' range), or <see langword="null"/> when <see cref="KnnOptions.ClipPredictions"/> was off.</summary>
    public RatingRange? PredictionRange => Core.PredictionRange;

    /// <summary>μ, the mean training rating.</summary>
    public float GlobalMean => Core.Statistics.GlobalMean;

    /// <summary>The baseline user biases b_u (zero when neither the similarity nor the predictor used baselines); length N.</summary>
    public ReadOnlySpan<float> UserBiases => Core.Statistics.UserBiases;

    /// <summary>The baseline item biases b_i (zero when neither the similarity nor the predictor used baselines); length M.</summary>
    public ReadOnlySpan<float> ItemBiases => Core.Statistics.ItemBiases;

    /// <summary>The number of neighbours kept over all items.</summary>
    public int NeighborCount => Core.Neighbors.Count;

    /// <summary>The range of the training ratings (e.g. [1, 5]), whether or not predictions are clamped to it; a new user's ratings must lie in it. <see langword="null"/> only for a model trained on no ratings.</summary>
    public RatingRange? RatingScale => Core.RatingScale;

    internal KnnCore Core { get; }

    /// <summary>
    /// The predicted rating r̂_ui from u's ratings of the (at most) k items most similar to i that u rated
    /// (<see cref="KnnPredictor"/>), clamped to <see cref="PredictionRange"/> when there is one.
    /// </summary>
    /// <param name="user">A dense user index.</param>
    /// <param name="item">A dense item index.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Predict(UserIndex user, ItemIndex item) => Core.Predict(user.Value, item.Value);

    /// <summary>The predicted rating for a pair named by the ids in the files, as <see cref="Predict(UserIndex, ItemIndex)"/> of their indices.</summary>
    /// <param name="userId">A user id as in the files (compared ordinally).</param>
    /// <param name="itemId">An item id as in the files (compared ordinally).</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentNullException">An id is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">An id is not in the catalogue; the message names it.</exception>
    public float Predict(string userId, string itemId) => Predict(Catalog.GetUserIndex(userId), Catalog.GetItemIndex(itemId));

    /// <summary>
    /// The top-N scores of a known user: item j's score is the sum, over the items i the user rated, of the
    /// similarity of j to i when j is among i's k nearest (each list divided by its sum with
    /// <see cref="KnnOptions.NormalizeTopN"/>); −∞ for items no such list reaches, which are never recommended.
    /// Only which items were rated counts, not the ratings.
    /// </summary>
    /// <param name="user">A dense user index.</param>
    /// <param name="scores">A span of length M.</param>
    /// <returns><see langword="false"/> for a user without training ratings or outside the catalogue.</returns>
    /// <exception cref="ArgumentException"><paramref name="scores"/> does not have length M.</exception>
    public bool TryScoreItems(UserIndex user, Span<float> scores) => Core.TryScoreItems(user.Value, scores);

    /// <summary>The top-N scores of a user the model was not trained on, as <see cref="TryScoreItems"/> computes them from the items they rated (the values only have to be finite).</summary>
    /// <param name="items">Distinct dense item indices the user rated.</param>
    /// <param name="values">The ratings, one per item, finite.</param>
    /// <param name="scores">A span of length M.</param>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, an item appears twice, or <paramref name="scores"/> does not have length M.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c>, or a value is not finite or is outside <see cref="RatingScale"/>.</exception>
    public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) => Core.ScoreItemsForNewUser(items, values, scores);

    /// <summary>Writes the similarity of every item to <paramref name="item"/> kept in the model: its neighbours' similarities, 1 for itself, −∞ for the others.</summary>
    /// <param name="item">A dense item index.</param>
    /// <param name="weights">A span of length M.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below M.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not have length M.</exception>
    public void ScoreSimilarItems(ItemIndex item, Span<float> weights) => Core.ScoreSimilar(item.Value, weights, nameof(item), nameof(weights));

    /// <summary>
    /// What the model is, e.g. <c>ItemKnnModel: 943 users × 1682 items, KNN with baseline, Pearson-baseline similarity (shrinkage 100), k = 40, 67280 neighbours kept, predictions clamped to [1, 5]</c>.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() => "ItemKnnModel: " + Core.Describe();

    /// <inheritdoc/>
    void IStoredModel.Write(Stream stream) => KnnModelFormat.Write(stream, Core);
}
