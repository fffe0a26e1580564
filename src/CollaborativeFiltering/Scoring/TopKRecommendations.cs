using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// The top-<see cref="K"/> items of every user, as computed by <see cref="Recommender.RecommendAll"/>:
/// N×K item indices and scores, row-major (user u's row starts at <c>u·K</c>), best first. A row is
/// padded with item −1 and score −∞ when fewer than K items could be recommended (everything else was
/// excluded, or the model has no query for that user). Immutable.
/// </summary>
public sealed class TopKRecommendations
{
    private readonly int[] _items;
    private readonly float[] _scores;

    internal TopKRecommendations(Catalog catalog, int k, int[] items, float[] scores)
    {
        Catalog = catalog;
        K = k;
        _items = items;
        _scores = scores;
    }

    /// <summary>The catalogue the indices refer to.</summary>
    public Catalog Catalog { get; }

    /// <summary>N, the number of rows.</summary>
    public int UserCount => Catalog.UserCount;

    /// <summary>K, the row length: the requested k, capped at the number of items.</summary>
    public int K { get; }

    /// <summary>All rows' item indices (N·K, row-major; −1 pads a short row).</summary>
    public ReadOnlySpan<int> Items => _items;

    /// <summary>All rows' scores ⟨q_u, V_j⟩ + b_j (N·K, row-major; −∞ pads a short row).</summary>
    public ReadOnlySpan<float> Scores => _scores;

    /// <summary>How many items user <paramref name="user"/> was given (K unless the row is padded).</summary>
    /// <param name="user">The user's dense index.</param>
    /// <returns>A count in <c>[0, K]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N.</exception>
    public int GetCount(UserIndex user)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, UserCount, nameof(user));
        ReadOnlySpan<int> row = _items.AsSpan(user.Value * K, K);
        int count = row.IndexOf(-1);
        return count < 0 ? K : count;
    }

    /// <summary>A user's recommended item indices, best first, without padding.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <returns><see cref="GetCount"/> item indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N.</exception>
    public ReadOnlySpan<int> GetItems(UserIndex user) => _items.AsSpan(user.Value * K, GetCount(user));

    /// <summary>A user's scores, aligned with <see cref="GetItems"/>.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <returns><see cref="GetCount"/> scores.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N.</exception>
    public ReadOnlySpan<float> GetScores(UserIndex user) => _scores.AsSpan(user.Value * K, GetCount(user));

    /// <summary>A user's recommendations with ids, titles and genres.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <returns>Best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N.</exception>
    public IReadOnlyList<Recommendation> GetRecommendations(UserIndex user)
    {
        int count = GetCount(user);
        var result = new Recommendation[count];
        for (int i = 0; i < count; i++)
        {
            int o = (user.Value * K) + i;
            result[i] = Recommendation.Create(Catalog, _items[o], _scores[o]);
        }

        return Array.AsReadOnly(result);
    }

    /// <summary>E.g. <c>top 10 items for each of 943 users</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"top {K} items for each of {Display.Count(UserCount)} users");
}
