using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// The most-popular baseline: every user is recommended the items with the most training ratings
/// that the user has not rated in training (ties go to the lower item index; items without training
/// ratings come last). A personalised model should beat it clearly on <see cref="RankingMetrics"/>.
/// </summary>
public static class PopularityBaseline
{
    /// <summary>
    /// Evaluates the most-popular recommendations exactly as <see cref="RankingMetrics.Evaluate"/>
    /// evaluates a model: the same users (those with at least one relevant test rating), the same
    /// relevant sets, the same per-user metrics and averages, so the two results compare directly.
    /// </summary>
    /// <param name="train">The training ratings: they define popularity (ratings per item) and the items never recommended to their user.</param>
    /// <param name="test">The held-out ratings defining relevance, over the same catalogue; at least one.</param>
    /// <param name="k">The cut-off, greater than zero.</param>
    /// <param name="relevanceThreshold">When set, only test ratings ≥ this value are relevant; <see langword="null"/> (the default): every test rating is.</param>
    /// <returns>The averaged metrics.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or <paramref name="relevanceThreshold"/> is not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="test"/> belongs to another catalogue than <paramref name="train"/>, is empty, or has no rating reaching <paramref name="relevanceThreshold"/>.</exception>
    public static RankingResult Evaluate(RatingsDataset train, RatingsDataset test, int k, float? relevanceThreshold = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        if (!train.Catalog.IsCompatibleWith(test.Catalog))
        {
            ThrowHelper.Argument(nameof(test), "test belongs to another catalogue than train (different user or item ids).");
        }

        var relevant = RelevantItems.Create(test, relevanceThreshold);
        int[] order = PopularityOrder(train);
        int m = train.ItemCount;
        var accumulator = new RankingAccumulator(k, m);
        var list = new int[Math.Min(k, m)];
        RatingRows trainRows = train.UserRows;
        RowBuffer buffer = trainRows.NewBuffer();
        for (int u = 0; u < relevant.UserCount; u++)
        {
            ReadOnlySpan<int> r = relevant.Get(u);
            if (r.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<int> seen = trainRows.RowColumns(u, buffer);
            int count = 0;
            for (int p = 0; p < order.Length && count < list.Length; p++)
            {
                if (seen.BinarySearch(order[p]) < 0)
                {
                    list[count++] = order[p];
                }
            }

            accumulator.Add(list.AsSpan(0, count), r);
        }

        return accumulator.ToResult();
    }

    /// <summary>All items by descending training-rating count, ties by ascending index.</summary>
    private static int[] PopularityOrder(RatingsDataset train)
    {
        int[] counts = DatasetStatistics.ItemRatingCounts(train);
        var keys = new long[counts.Length];
        var order = new int[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            keys[i] = ((long)(int.MaxValue - counts[i]) << 32) | (uint)i;
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }
}
