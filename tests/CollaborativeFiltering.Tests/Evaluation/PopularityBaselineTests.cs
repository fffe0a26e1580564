using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Tests.Scoring;

namespace CollaborativeFiltering.Tests.Evaluation;

public class PopularityBaselineTests
{
    private static readonly double D2 = 1.0 / Math.Log2(3);

    private static RatingsDataset Build(Catalog catalog, params (int User, int Item)[] pairs)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        foreach (var (u, i) in pairs)
        {
            builder.Add(catalog.Users[u], catalog.Items[i], 4);
        }

        return builder.Build();
    }

    [Fact]
    public void Evaluate_HandData_RecommendsMostRatedUnseenItems()
    {
        // Train counts: item 2 → 3, item 0 → 2, item 1 → 2, item 3 → 0; order 2, 0, 1, 3.
        var catalog = Catalog.Sequential(4, 4);
        var train = Build(catalog, (0, 0), (0, 2), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2));
        // u0 gets [1, 3], R = {1}: hit at 1. u1 gets [0, 3], R = {3}: hit at 2. u3 gets [2, 0], R = {3}: miss. u2: no test.
        var test = Build(catalog, (0, 1), (1, 3), (3, 3));

        RankingResult result = PopularityBaseline.Evaluate(train, test, 2);

        result.UsersEvaluated.Should().Be(3);
        result.K.Should().Be(2);
        result.PrecisionAtK.Should().BeApproximately((0.5 + 0.5 + 0) / 3, 1e-12);
        result.RecallAtK.Should().BeApproximately((1 + 1 + 0) / 3.0, 1e-12);
        result.NdcgAtK.Should().BeApproximately((1 + D2 + 0) / 3, 1e-12);
        result.MapAtK.Should().BeApproximately((1 + 0.5 + 0) / 3, 1e-12);
        result.HitRateAtK.Should().BeApproximately(2.0 / 3, 1e-12);
        result.Coverage.Should().BeApproximately(4.0 / 4, 1e-12);
    }

    [Fact]
    public void Evaluate_EqualsModelScoringByPopularity()
    {
        // A d = 1 model whose item embedding is the training count ranks exactly as the baseline
        // (ties to the lower index in both), so RankingMetrics.Evaluate must agree with it.
        var catalog = Catalog.Sequential(50, 25);
        var all = ScoringTestModels.RandomRatings(catalog, 0.3, seed: 3);
        var split = DatasetSplitter.RandomHoldout(all, 0.2, seed: 4);
        int[] counts = DatasetStatistics.ItemRatingCounts(split.Train);
        var users = Enumerable.Repeat(1f, catalog.UserCount).ToArray();
        var model = FactorizationModel.FromEmbeddings(catalog, 1, users, counts.Select(c => (float)c).ToArray());

        PopularityBaseline.Evaluate(split.Train, split.Test, 5, relevanceThreshold: 3)
            .Should().Be(RankingMetrics.Evaluate(model, split.Train, split.Test, 5, relevanceThreshold: 3));
    }

    [Fact]
    public void Evaluate_InvalidArguments_ThrowNamingParameter()
    {
        var catalog = Catalog.Sequential(2, 2);
        var train = Build(catalog, (0, 0));
        var test = Build(catalog, (1, 1));

        var k = () => PopularityBaseline.Evaluate(train, test, 0);
        k.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("k");
        var empty = () => PopularityBaseline.Evaluate(train, RatingsDataset.Empty(catalog), 3);
        empty.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("test");
        var other = () => PopularityBaseline.Evaluate(train, Build(Catalog.Sequential(3, 2), (2, 1)), 3);
        other.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("test");
    }
}
