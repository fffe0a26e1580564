using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neighborhood.Persistence;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// A trained EASE model (<see cref="EaseRecommender"/>): the M × M item-to-item weights B (zero diagonal) and
/// the items each training user rated. A user's score of item j is Σ_{i rated by the user} B_ij; the
/// neighbours of an item i are the items j with the largest B_ij (<see cref="ScoreSimilarItems"/>,
/// <c>Scoring.Neighbors.NearestItems</c>). It ranks items; it does not predict ratings. Saved and loaded by
/// <see cref="ModelFile"/>. Immutable and safe to share between threads.
/// </summary>
public sealed class EaseModel : IItemSimilarityModel, IStoredModel
{
    private readonly float[] _weights;
    private readonly int[] _userOffsets;
    private readonly int[] _userItems;

    /// <summary>Takes the arrays over; the caller validated them.</summary>
    internal EaseModel(Catalog catalog, EaseOptions options, float[] weights, int[] userOffsets, int[] userItems)
    {
        Catalog = catalog;
        Options = options;
        _weights = weights;
        _userOffsets = userOffsets;
        _userItems = userItems;
    }

    /// <inheritdoc/>
    public Catalog Catalog { get; }

    /// <summary>Always <see langword="false"/>: the scores rank items, they are not ratings.</summary>
    public bool PredictsRatings => false;

    /// <summary>Always <see langword="null"/>: EASE uses which items a user rated, not the ratings, so it has no rating scale.</summary>
    public RatingRange? RatingScale => null;

    /// <summary>The options the model was fitted with.</summary>
    public EaseOptions Options { get; }

    /// <summary>B, row-major: row i (<c>[i·M, (i+1)·M)</c>) holds the weights B_ij item i contributes to every item j's score; B_ii = 0.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    internal float[] WeightArray => _weights;

    internal int[] UserOffsetArray => _userOffsets;

    internal int[] UserItemArray => _userItems;

    /// <summary>The score of <paramref name="item"/> for <paramref name="user"/>, Σ_{i rated by the user} B_i,item: a ranking score, not a rating (equal to the user's entry of <see cref="TryScoreItems"/>).</summary>
    /// <param name="user">A dense user index.</param>
    /// <param name="item">A dense item index.</param>
    /// <returns>The score (0 for a user without training ratings).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Predict(UserIndex user, ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, Catalog.UserCount, nameof(user));
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, Catalog.ItemCount, nameof(item));
        int m = Catalog.ItemCount;
        float score = 0;
        foreach (int rated in UserItems(user.Value))
        {
            score += _weights[((long)rated * m) + item.Value];
        }

        return score;
    }

    /// <summary>The ranking score (not a rating) for a pair named by the ids in the files, as <see cref="Predict(UserIndex, ItemIndex)"/> of their indices.</summary>
    /// <param name="userId">A user id as in the files (compared ordinally).</param>
    /// <param name="itemId">An item id as in the files (compared ordinally).</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentNullException">An id is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">An id is not in the catalogue; the message names it.</exception>
    public float Predict(string userId, string itemId) => Predict(Catalog.GetUserIndex(userId), Catalog.GetItemIndex(itemId));

    /// <summary>The scores x_u·B of every item for a known user (x_u the user's binary row of training items).</summary>
    /// <param name="user">A dense user index.</param>
    /// <param name="scores">A span of length M.</param>
    /// <returns><see langword="false"/> for a user without training ratings (EASE has nothing to go on) or outside the catalogue.</returns>
    /// <exception cref="ArgumentException"><paramref name="scores"/> does not have length M.</exception>
    public bool TryScoreItems(UserIndex user, Span<float> scores)
    {
        ThrowIfWrongLength(scores, nameof(scores));
        if (user.Value >= Catalog.UserCount)
        {
            return false;
        }

        ReadOnlySpan<int> items = UserItems(user.Value);
        if (items.IsEmpty)
        {
            return false;
        }

        AddRows(items, scores);
        return true;
    }

    /// <summary>The scores x·B of every item for a user the model was not trained on, x being the binary row of the items they rated (the values only have to be finite: EASE uses which items were rated).</summary>
    /// <param name="items">Distinct dense item indices the user rated.</param>
    /// <param name="values">The ratings, one per item, finite.</param>
    /// <param name="scores">A span of length M.</param>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, an item appears twice, or <paramref name="scores"/> does not have length M.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c> or a value is not finite.</exception>
    public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores)
    {
        ThrowIfWrongLength(scores, nameof(scores));
        if (items.Length != values.Length)
        {
            ThrowHelper.Argument(nameof(values), string.Create(CultureInfo.InvariantCulture, $"There are {items.Length} items but {values.Length} values; give one value per item."));
        }

        if (items.IsEmpty)
        {
            ThrowHelper.Argument(nameof(items), "items is empty; a new user needs at least one rating.");
        }

        int[] sorted = items.ToArray();
        for (int t = 0; t < sorted.Length; t++)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(sorted[t], Catalog.ItemCount, nameof(items));
            if (!float.IsFinite(values[t]))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(values), values[t], string.Create(CultureInfo.InvariantCulture, $"a finite rating (item {sorted[t]})"));
            }
        }

        Array.Sort(sorted);
        for (int t = 1; t < sorted.Length; t++)
        {
            if (sorted[t] == sorted[t - 1])
            {
                ThrowHelper.Argument(nameof(items), string.Create(CultureInfo.InvariantCulture, $"The item index {sorted[t]} appears twice; give each item once."));
            }
        }

        AddRows(sorted, scores);
    }

    /// <summary>Writes row <paramref name="item"/> of B: the weight of every item j as a neighbour of <paramref name="item"/> (B_ii = 0 for itself).</summary>
    /// <param name="item">A dense item index.</param>
    /// <param name="weights">A span of length M.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below M.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not have length M.</exception>
    public void ScoreSimilarItems(ItemIndex item, Span<float> weights)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, Catalog.ItemCount, nameof(item));
        ThrowIfWrongLength(weights, nameof(weights));
        Row(item.Value).CopyTo(weights);
    }

    /// <summary>What the model is, e.g. <c>EaseModel: 943 users × 1682 items, λ = 200</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"EaseModel: {Catalog.UserCount} users × {Catalog.ItemCount} items, λ = {Display.Number(Options.Regularization)}");

    /// <inheritdoc/>
    void IStoredModel.Write(Stream stream) => EaseModelFormat.Write(stream, this);

    /// <summary>
    /// What keeps finite weights from giving infinite scores, or <see langword="null"/>: every item's column of
    /// absolute weights must sum to less than the largest float, so that any user's score (a sum of some of them) is finite.
    /// </summary>
    internal static (string Problem, int Item)? ScaleProblem(float[] weights, int m)
    {
        var sums = new double[m];
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> row = weights.AsSpan(i * m, m);
            for (int j = 0; j < m; j++)
            {
                sums[j] += Math.Abs(row[j]);
            }
        }

        for (int j = 0; j < m; j++)
        {
            if (!(sums[j] < float.MaxValue))
            {
                return (string.Create(CultureInfo.InvariantCulture, $"the absolute weights of item {j}'s column sum to {sums[j]:G4}, beyond single precision, so its scores would overflow"), j);
            }
        }

        return null;
    }

    private ReadOnlySpan<int> UserItems(int user) => _userItems.AsSpan(_userOffsets[user], _userOffsets[user + 1] - _userOffsets[user]);

    private ReadOnlySpan<float> Row(int item) => _weights.AsSpan(item * Catalog.ItemCount, Catalog.ItemCount);

    /// <summary>scores = Σ of the rows of the (ascending) items, added in order, so that every path gives the same bits.</summary>
    private void AddRows(ReadOnlySpan<int> items, Span<float> scores)
    {
        scores.Clear();
        foreach (int item in items)
        {
            TensorPrimitives.Add(scores, Row(item), scores);
        }
    }

    private void ThrowIfWrongLength(Span<float> span, string paramName)
    {
        if (span.Length != Catalog.ItemCount)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} has length {span.Length}; expected one per item ({Catalog.ItemCount})."));
        }
    }
}
