using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;

namespace MovieLensSample.Steps;

/// <summary>How the sample measures top-k quality: the top 10 unrated movies of each user against the test ratings of 4 and above.</summary>
internal static class Ranking
{
    public const int K = 10;

    /// <summary>Test ratings at or above this are the relevant items.</summary>
    public const float Relevant = 4;

    public static string Description => $"top {K}, relevant: test ratings ≥ {Relevant}";

    public static string[] Columns => [$"precision@{K}", $"recall@{K}", $"NDCG@{K}", $"MAP@{K}", $"hit rate@{K}", "coverage"];

    public static RankingResult Evaluate(IRecommenderModel model, DatasetSplit split, CancellationToken cancellationToken) =>
        RankingMetrics.Evaluate(model, split.Train, split.Test, K, relevanceThreshold: Relevant, cancellationToken: cancellationToken);

    public static RankingResult Popularity(DatasetSplit split) => PopularityBaseline.Evaluate(split.Train, split.Test, K, Relevant);
}
