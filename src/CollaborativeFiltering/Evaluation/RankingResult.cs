using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// Top-k ranking quality averaged over the evaluated users, as computed by
/// <see cref="RankingMetrics.Evaluate"/> or <see cref="PopularityBaseline.Evaluate"/>. Each per-user
/// metric is defined on <see cref="RankingMetrics"/>; the aggregate is its arithmetic mean over the
/// <see cref="UsersEvaluated"/> users (accumulated in <see cref="double"/>).
/// </summary>
/// <param name="PrecisionAtK">Mean precision@k: hits in the top k divided by k.</param>
/// <param name="RecallAtK">Mean recall@k: hits in the top k divided by the number of relevant items.</param>
/// <param name="NdcgAtK">Mean NDCG@k with binary relevance.</param>
/// <param name="MapAtK">MAP@k: the mean of average precision truncated at k.</param>
/// <param name="HitRateAtK">The share of users with at least one hit in their top k.</param>
/// <param name="Coverage">Catalogue coverage: distinct items recommended to the evaluated users, divided by M.</param>
/// <param name="UsersEvaluated">The number of users averaged over (those with at least one relevant test item).</param>
/// <param name="K">The cut-off k.</param>
public readonly record struct RankingResult(
    double PrecisionAtK,
    double RecallAtK,
    double NdcgAtK,
    double MapAtK,
    double HitRateAtK,
    double Coverage,
    int UsersEvaluated,
    int K)
{
    /// <summary>E.g. <c>precision@10 0.192, recall@10 0.352, NDCG@10 0.353, MAP@10 0.2134, hit rate@10 0.8, coverage 0.1213 over 943 users</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"precision@{K} {Display.Number(PrecisionAtK)}, recall@{K} {Display.Number(RecallAtK)}, NDCG@{K} {Display.Number(NdcgAtK)}, MAP@{K} {Display.Number(MapAtK)}, hit rate@{K} {Display.Number(HitRateAtK)}, coverage {Display.Number(Coverage)} over {Display.Count(UsersEvaluated)} users");
}
