namespace CollaborativeFiltering.Evaluation;

/// <summary>One user's precision, recall, NDCG, AP and hit at k (see <see cref="RankingMetrics"/>).</summary>
internal readonly record struct UserRanking(double Precision, double Recall, double Ndcg, double AveragePrecision, double Hit);
