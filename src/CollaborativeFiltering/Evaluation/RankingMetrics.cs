using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// Ranking metrics of top-k recommendation lists with binary relevance. For one user, let
/// <c>L = (l_1, l_2, …)</c> be the recommended items best first, <c>R</c> the set of relevant items
/// (e.g. the user's held-out test items), <c>rel_r = 1</c> when <c>l_r ∈ R</c> and 0 otherwise, and
/// <c>hits@k = Σ_{r=1..min(k,|L|)} rel_r</c>. Then:
/// <list type="bullet">
/// <item><description>precision@k = hits@k / k (the denominator is k even when fewer than k items were recommended);</description></item>
/// <item><description>recall@k = hits@k / |R|;</description></item>
/// <item><description>NDCG@k = DCG@k / IDCG@k with DCG@k = Σ_{r=1..min(k,|L|)} rel_r / log₂(r + 1) and IDCG@k = Σ_{r=1..min(k,|R|)} 1 / log₂(r + 1), the DCG of a perfect list;</description></item>
/// <item><description>AP@k = (1 / min(k, |R|)) · Σ_{r=1..min(k,|L|)} rel_r · hits@r / r (average precision truncated at k); MAP@k is its mean over users;</description></item>
/// <item><description>hit rate@k = 1 when hits@k ≥ 1, else 0; averaged over users, the share of users with a hit;</description></item>
/// <item><description>catalogue coverage = |∪_u top-k(u)| / M, the share of the M catalogue items recommended to at least one user.</description></item>
/// </list>
/// Every per-user metric is 0 when R is empty. Recommended lists are assumed to hold distinct items (as
/// top-k lists do); an entry that is not in R, such as the −1 that pads a short row of
/// <see cref="TopKRecommendations"/>, is a miss. Relevant items are passed as an ascending span and
/// looked up by binary search. Thread-safe.
/// </summary>
public static class RankingMetrics
{
    /// <summary>precision@k = hits@k / k: the share of the top k slots holding a relevant item.</summary>
    /// <param name="recommended">The recommended items, best first; only the first k count.</param>
    /// <param name="relevantSorted">The relevant items, strictly ascending.</param>
    /// <param name="k">The cut-off, greater than zero.</param>
    /// <returns>A value in [0, 1]; 0 when <paramref name="relevantSorted"/> is empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="relevantSorted"/> is not strictly ascending.</exception>
    public static double PrecisionAt(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted, int k) =>
        Checked(recommended, relevantSorted, k).Precision;

    /// <summary>recall@k = hits@k / |R|: the share of the relevant items found in the top k.</summary>
    /// <param name="recommended">The recommended items, best first; only the first k count.</param>
    /// <param name="relevantSorted">The relevant items R, strictly ascending.</param>
    /// <param name="k">The cut-off, greater than zero.</param>
    /// <returns>A value in [0, 1]; 0 when <paramref name="relevantSorted"/> is empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="relevantSorted"/> is not strictly ascending.</exception>
    public static double RecallAt(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted, int k) =>
        Checked(recommended, relevantSorted, k).Recall;

    /// <summary>
    /// NDCG@k with binary relevance: DCG@k / IDCG@k, where DCG@k = Σ_{r=1..min(k,|L|)} rel_r / log₂(r + 1)
    /// (rank r is 1-based) and IDCG@k = Σ_{r=1..min(k,|R|)} 1 / log₂(r + 1).
    /// </summary>
    /// <param name="recommended">The recommended items L, best first; only the first k count.</param>
    /// <param name="relevantSorted">The relevant items R, strictly ascending.</param>
    /// <param name="k">The cut-off, greater than zero.</param>
    /// <returns>A value in [0, 1] (1 when the top min(k, |R|) are all relevant); 0 when <paramref name="relevantSorted"/> is empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="relevantSorted"/> is not strictly ascending.</exception>
    public static double NdcgAt(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted, int k) =>
        Checked(recommended, relevantSorted, k).Ndcg;

    /// <summary>
    /// Average precision truncated at k: AP@k = (1 / min(k, |R|)) · Σ_{r=1..min(k,|L|)} rel_r · precision@r,
    /// where precision@r = hits@r / r. MAP@k is the mean of AP@k over users.
    /// </summary>
    /// <param name="recommended">The recommended items L, best first; only the first k count.</param>
    /// <param name="relevantSorted">The relevant items R, strictly ascending.</param>
    /// <param name="k">The cut-off, greater than zero.</param>
    /// <returns>A value in [0, 1]; 0 when <paramref name="relevantSorted"/> is empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="relevantSorted"/> is not strictly ascending.</exception>
    public static double AveragePrecisionAt(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted, int k) =>
        Checked(recommended, relevantSorted, k).AveragePrecision;

    /// <summary>Hit@k: 1 when at least one of the top k items is relevant, else 0. Averaged over users it is the hit rate.</summary>
    /// <param name="recommended">The recommended items, best first; only the first k count.</param>
    /// <param name="relevantSorted">The relevant items, strictly ascending.</param>
    /// <param name="k">The cut-off, greater than zero.</param>
    /// <returns>0 or 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="relevantSorted"/> is not strictly ascending.</exception>
    public static double HitRateAt(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted, int k) =>
        Checked(recommended, relevantSorted, k).Hit;

    /// <summary>
    /// Catalogue coverage: the number of distinct items in <paramref name="recommendedItems"/> divided by
    /// <paramref name="itemCount"/> (M). Negative entries (padding) are ignored. Pass the concatenated
    /// top-k lists of all users, e.g. <see cref="TopKRecommendations.Items"/>.
    /// </summary>
    /// <param name="recommendedItems">Item indices in <c>[0, M)</c>, or negative for padding; duplicates count once.</param>
    /// <param name="itemCount">M, the catalogue's number of items, greater than zero.</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="itemCount"/> is not positive, or an item is at least <paramref name="itemCount"/>.</exception>
    public static double CatalogueCoverage(ReadOnlySpan<int> recommendedItems, int itemCount)
    {
        ThrowHelper.ThrowIfNotPositive(itemCount, nameof(itemCount));

        // A flag per item up to the largest one recommended: memory in proportion to the input,
        // whatever itemCount says (int.MaxValue made this allocate 2 GB).
        int largest = -1;
        foreach (int item in recommendedItems)
        {
            if (item >= 0)
            {
                ThrowHelper.ThrowIfIndexOutOfRange(item, itemCount, nameof(recommendedItems));
                largest = Math.Max(largest, item);
            }
        }

        if (largest < 0)
        {
            return 0;
        }

        if (largest >= 64 * (long)recommendedItems.Length)
        {
            return (double)new HashSet<int>(Positive(recommendedItems)).Count / itemCount;
        }

        var seen = new bool[largest + 1];
        int distinct = 0;
        foreach (int item in recommendedItems)
        {
            if (item >= 0 && !seen[item])
            {
                seen[item] = true;
                distinct++;
            }
        }

        return (double)distinct / itemCount;
    }

    /// <summary>
    /// Evaluates a model's top-k recommendations against held-out ratings, for any model (an embedding
    /// model, a kNN or EASE model). For every user with at least one relevant test rating, the model's top k
    /// items excluding the user's <paramref name="train"/> items are computed with
    /// <see cref="Recommender.RecommendAll"/>; the relevant set R is that user's <paramref name="test"/> items (all of them, or only those rated at least
    /// <paramref name="relevanceThreshold"/>). Precision, recall, NDCG, AP and hit rate at k (defined on
    /// <see cref="RankingMetrics"/>) are averaged over those users; coverage counts the distinct items
    /// recommended to them, divided by M.
    /// </summary>
    /// <remarks>
    /// Users with no relevant test rating are not evaluated (their recall and NDCG are undefined). A user
    /// for whom the model has no scores (no query embedding, or no training ratings for a kNN or EASE model)
    /// is evaluated with an empty list (every metric 0). A test item the user also rated in <paramref name="train"/> can never be recommended, so it counts as a miss.
    /// </remarks>
    /// <param name="model">The model whose ranking scores order the items.</param>
    /// <param name="train">The ratings the model was trained on; their items are never recommended to their user.</param>
    /// <param name="test">The held-out ratings defining relevance, over the model's catalogue; at least one.</param>
    /// <param name="k">The cut-off, greater than zero.</param>
    /// <param name="maxDegreeOfParallelism">Worker threads for the recommendations: −1 for all cores, or in [1, 1024]. The result does not depend on it.</param>
    /// <param name="relevanceThreshold">
    /// When set, only test ratings with value ≥ this threshold are relevant (e.g. 4 on a 1–5 scale); when
    /// <see langword="null"/> (the default), every test rating is relevant.
    /// </param>
    /// <param name="ranking">How the recommendations are ranked (see <see cref="RankingOptions"/>); <see langword="null"/> for the model's <see cref="IRecommenderModel.DefaultRanking"/>, the ranking its recommendations use by default.</param>
    /// <param name="cancellationToken">Checked while recommending, once per tile of users.</param>
    /// <returns>The averaged metrics.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, <paramref name="maxDegreeOfParallelism"/> is not −1 or in [1, 1024], N·min(k, M) recommendations do not fit in memory, or <paramref name="relevanceThreshold"/> is not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> or <paramref name="test"/> belongs to another catalogue, <paramref name="test"/> is empty, or no test rating reaches <paramref name="relevanceThreshold"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static RankingResult Evaluate(IRecommenderModel model, RatingsDataset train, RatingsDataset test, int k, int maxDegreeOfParallelism = -1, float? relevanceThreshold = null, RankingOptions? ranking = null, CancellationToken cancellationToken = default)
    {
        EmbeddingModelChecks.ThrowIfNull(model, nameof(model));
        RelevantItems relevant = CheckAndRelevant(model, train, test, k, maxDegreeOfParallelism, relevanceThreshold, cancellationToken);
        return Measure(Recommender.RecommendAll(model, k, train, maxDegreeOfParallelism, ranking, cancellationToken), relevant, k, model.Catalog.ItemCount);
    }

    private static RelevantItems CheckAndRelevant(IRecommenderModel model, RatingsDataset train, RatingsDataset test, int k, int maxDegreeOfParallelism, float? relevanceThreshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        ThrowHelper.ThrowIfNotThreadCount(maxDegreeOfParallelism, nameof(maxDegreeOfParallelism));

        EmbeddingModelChecks.ThrowIfIncompatible(model, train, nameof(train));
        EmbeddingModelChecks.ThrowIfIncompatible(model, test, nameof(test));
        var relevant = RelevantItems.Create(test, relevanceThreshold);
        cancellationToken.ThrowIfCancellationRequested();
        return relevant;
    }

    private static RankingResult Measure(TopKRecommendations recommendations, RelevantItems relevant, int k, int itemCount)
    {
        var accumulator = new RankingAccumulator(k, itemCount);
        ReadOnlySpan<int> all = recommendations.Items;
        int rowLength = recommendations.K;
        for (int u = 0; u < relevant.UserCount; u++)
        {
            ReadOnlySpan<int> r = relevant.Get(u);
            if (!r.IsEmpty)
            {
                accumulator.Add(all.Slice(u * rowLength, rowLength), r);
            }
        }

        return accumulator.ToResult();
    }

    /// <summary>All five per-user metrics in one pass, without argument checks.</summary>
    internal static UserRanking Measure(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted, int k)
    {
        int relevantCount = relevantSorted.Length;
        if (relevantCount == 0)
        {
            return default;
        }

        int n = Math.Min(k, recommended.Length);
        int hits = 0;
        double dcg = 0;
        double precisionSum = 0;
        for (int r = 0; r < n; r++)
        {
            int item = recommended[r];
            if (item >= 0 && relevantSorted.BinarySearch(item) >= 0)
            {
                hits++;
                dcg += 1.0 / Math.Log2(r + 2);
                precisionSum += (double)hits / (r + 1);
            }
        }

        int ideal = Math.Min(k, relevantCount);
        double idcg = 0;
        for (int r = 0; r < ideal; r++)
        {
            idcg += 1.0 / Math.Log2(r + 2);
        }

        return new UserRanking((double)hits / k, (double)hits / relevantCount, dcg / idcg, precisionSum / ideal, hits > 0 ? 1 : 0);
    }

    private static UserRanking Checked(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted, int k)
    {
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        for (int i = 1; i < relevantSorted.Length; i++)
        {
            if (relevantSorted[i] <= relevantSorted[i - 1])
            {
                ThrowHelper.Argument(nameof(relevantSorted), string.Create(CultureInfo.InvariantCulture,
                    $"relevantSorted must be strictly ascending, but entry {i} ({relevantSorted[i]}) does not exceed entry {i - 1} ({relevantSorted[i - 1]})."));
            }
        }

        return Measure(recommended, relevantSorted, k);
    }

    private static List<int> Positive(ReadOnlySpan<int> items)
    {
        var list = new List<int>(items.Length);
        foreach (int item in items)
        {
            if (item >= 0)
            {
                list.Add(item);
            }
        }

        return list;
    }
}
