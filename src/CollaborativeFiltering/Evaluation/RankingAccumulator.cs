namespace CollaborativeFiltering.Evaluation;

/// <summary>Sums per-user ranking metrics and tracks the distinct recommended items; not thread-safe.</summary>
internal sealed class RankingAccumulator(int k, int itemCount)
{
    private readonly bool[] _recommended = new bool[itemCount];
    private double _precision;
    private double _recall;
    private double _ndcg;
    private double _averagePrecision;
    private double _hits;
    private int _distinct;
    private int _users;

    /// <summary>Adds one user's list (−1 entries are padding) and relevant items (ascending, non-empty).</summary>
    public void Add(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevantSorted)
    {
        UserRanking m = RankingMetrics.Measure(recommended, relevantSorted, k);
        _precision += m.Precision;
        _recall += m.Recall;
        _ndcg += m.Ndcg;
        _averagePrecision += m.AveragePrecision;
        _hits += m.Hit;
        _users++;
        int n = Math.Min(k, recommended.Length);
        for (int r = 0; r < n; r++)
        {
            int item = recommended[r];
            if (item >= 0 && !_recommended[item])
            {
                _recommended[item] = true;
                _distinct++;
            }
        }
    }

    /// <summary>The means over the users added (all 0 when none was).</summary>
    public RankingResult ToResult()
    {
        double n = Math.Max(_users, 1);
        return new RankingResult(_precision / n, _recall / n, _ndcg / n, _averagePrecision / n, _hits / n,
            itemCount == 0 ? 0 : (double)_distinct / itemCount, _users, k);
    }
}
