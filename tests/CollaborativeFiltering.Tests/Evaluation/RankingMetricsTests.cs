using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;
using CollaborativeFiltering.Tests.Scoring;

namespace CollaborativeFiltering.Tests.Evaluation;

public class RankingMetricsTests
{
    private const double Tol = 1e-12;

    // 1 / log2(r + 1) for ranks 1..3.
    private static readonly double D1 = 1.0;
    private static readonly double D2 = 1.0 / Math.Log2(3);
    private static readonly double D3 = 0.5;
    private static readonly double D4 = 1.0 / Math.Log2(5);

    // Hits at ranks 1 (item 5) and 4 (item 1); |R| = 3.
    private static readonly int[] Recommended = [5, 3, 8, 1, 9];
    private static readonly int[] Relevant = [1, 2, 5];

    [Fact]
    public void Metrics_AtFive_MatchHandComputation()
    {
        RankingMetrics.PrecisionAt(Recommended, Relevant, 5).Should().BeApproximately(2.0 / 5, Tol);
        RankingMetrics.RecallAt(Recommended, Relevant, 5).Should().BeApproximately(2.0 / 3, Tol);
        RankingMetrics.NdcgAt(Recommended, Relevant, 5).Should().BeApproximately((D1 + D4) / (D1 + D2 + D3), Tol);
        RankingMetrics.AveragePrecisionAt(Recommended, Relevant, 5).Should().BeApproximately((1.0 + (2.0 / 4)) / 3, Tol);
        RankingMetrics.HitRateAt(Recommended, Relevant, 5).Should().Be(1);
    }

    [Fact]
    public void Metrics_AtThree_OnlyTopThreeCount()
    {
        RankingMetrics.PrecisionAt(Recommended, Relevant, 3).Should().BeApproximately(1.0 / 3, Tol);
        RankingMetrics.RecallAt(Recommended, Relevant, 3).Should().BeApproximately(1.0 / 3, Tol);
        RankingMetrics.NdcgAt(Recommended, Relevant, 3).Should().BeApproximately(D1 / (D1 + D2 + D3), Tol);
        RankingMetrics.AveragePrecisionAt(Recommended, Relevant, 3).Should().BeApproximately(1.0 / 3, Tol);
    }

    [Fact]
    public void Metrics_AtOne_IdealDcgOverOneRank()
    {
        RankingMetrics.PrecisionAt(Recommended, Relevant, 1).Should().BeApproximately(1, Tol);
        RankingMetrics.NdcgAt(Recommended, Relevant, 1).Should().BeApproximately(1, Tol);
        RankingMetrics.AveragePrecisionAt(Recommended, Relevant, 1).Should().BeApproximately(1, Tol);
        RankingMetrics.RecallAt(Recommended, Relevant, 1).Should().BeApproximately(1.0 / 3, Tol);
    }

    [Fact]
    public void Metrics_MoreRelevantThanK_RecallDividesByAllRelevantAndApByK()
    {
        // Both slots hit, 4 relevant items: recall 2/4 (not 2/min(k, |R|)), AP = (1/1 + 2/2) / min(k, |R|) = 1
        // (not divided by |R|), NDCG 1 (the ideal list has only k slots).
        int[] recommended = [5, 1, 3];
        int[] relevant = [1, 2, 5, 7];

        RankingMetrics.RecallAt(recommended, relevant, 2).Should().BeApproximately(2.0 / 4, Tol);
        RankingMetrics.AveragePrecisionAt(recommended, relevant, 2).Should().BeApproximately(1, Tol);
        RankingMetrics.NdcgAt(recommended, relevant, 2).Should().BeApproximately(1, Tol);
        RankingMetrics.PrecisionAt(recommended, relevant, 2).Should().BeApproximately(1, Tol);
    }

    [Fact]
    public void Metrics_ShortList_PrecisionDividesByK()
    {
        int[] recommended = [1, 2];
        RankingMetrics.PrecisionAt(recommended, Relevant, 4).Should().BeApproximately(2.0 / 4, Tol);
        RankingMetrics.RecallAt(recommended, Relevant, 4).Should().BeApproximately(2.0 / 3, Tol);
        RankingMetrics.NdcgAt(recommended, Relevant, 4).Should().BeApproximately((D1 + D2) / (D1 + D2 + D3), Tol);
        RankingMetrics.AveragePrecisionAt(recommended, Relevant, 4).Should().BeApproximately(2.0 / 3, Tol);
    }

    [Fact]
    public void Metrics_FewerRelevantThanK_NormaliseByRelevantCount()
    {
        // One relevant item found at rank 2: AP = (1/2) / min(3, 1); NDCG = D2 / D1.
        int[] recommended = [7, 4, 9];
        int[] relevant = [4];
        RankingMetrics.AveragePrecisionAt(recommended, relevant, 3).Should().BeApproximately(0.5, Tol);
        RankingMetrics.NdcgAt(recommended, relevant, 3).Should().BeApproximately(D2, Tol);
        RankingMetrics.RecallAt(recommended, relevant, 3).Should().BeApproximately(1, Tol);
    }

    [Fact]
    public void Metrics_PerfectList_AreOne()
    {
        int[] recommended = [2, 5, 1];
        RankingMetrics.NdcgAt(recommended, Relevant, 3).Should().BeApproximately(1, Tol);
        RankingMetrics.AveragePrecisionAt(recommended, Relevant, 3).Should().BeApproximately(1, Tol);
        RankingMetrics.PrecisionAt(recommended, Relevant, 3).Should().BeApproximately(1, Tol);
    }

    [Fact]
    public void Metrics_NoHitsOrPadding_AreZero()
    {
        int[] recommended = [7, -1, -1];
        RankingMetrics.PrecisionAt(recommended, Relevant, 3).Should().Be(0);
        RankingMetrics.NdcgAt(recommended, Relevant, 3).Should().Be(0);
        RankingMetrics.AveragePrecisionAt(recommended, Relevant, 3).Should().Be(0);
        RankingMetrics.HitRateAt(recommended, Relevant, 3).Should().Be(0);
    }

    [Fact]
    public void Metrics_EmptyRelevant_AreZero()
    {
        RankingMetrics.RecallAt(Recommended, [], 3).Should().Be(0);
        RankingMetrics.NdcgAt(Recommended, [], 3).Should().Be(0);
        RankingMetrics.AveragePrecisionAt(Recommended, [], 3).Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Metrics_NonPositiveK_ThrowsNamingK(int k)
    {
        var act = () => RankingMetrics.NdcgAt(Recommended, Relevant, k);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("k");
    }

    [Fact]
    public void Metrics_UnsortedRelevant_ThrowsNamingRelevantSorted()
    {
        var act = () => RankingMetrics.PrecisionAt(Recommended, [5, 1], 3);
        act.Should().Throw<ArgumentException>().WithMessage("*entry 1 (1)*").Which.ParamName.Should().Be("relevantSorted");
    }

    [Fact]
    public void CatalogueCoverage_DistinctItemsOverM()
    {
        RankingMetrics.CatalogueCoverage([0, 3, 3, -1, 0, 7], 10).Should().BeApproximately(3.0 / 10, Tol);
    }

    [Fact]
    public void CatalogueCoverage_InvalidArguments_ThrowNamingParameter()
    {
        var zero = () => RankingMetrics.CatalogueCoverage([0], 0);
        zero.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("itemCount");
        var outside = () => RankingMetrics.CatalogueCoverage([4], 4);
        outside.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("recommendedItems");
    }

    // Items scored 5, 4, 3, 2, 1 (d = 1); users 0 and 1 rank items ascending, user 2 descending.
    private static FactorizationModel LadderModel() =>
        FactorizationModel.FromEmbeddings(Catalog.Sequential(3, 5), 1, [1, 1, -1], [5, 4, 3, 2, 1]);

    private static RatingsDataset Build(Catalog catalog, params (int User, int Item, float Value)[] ratings)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        foreach (var (u, i, v) in ratings)
        {
            builder.Add(catalog.Users[u], catalog.Items[i], v);
        }

        return builder.Build();
    }

    // Train: u0 {0}, u1 {1, 2}, u2 {0}. Test: u0 {1: 5, 4: 2}, u1 {3: 3}; u2 has none.
    private static (RatingsDataset Train, RatingsDataset Test) LadderData(Catalog catalog) =>
        (Build(catalog, (0, 0, 4), (1, 1, 4), (1, 2, 4), (2, 0, 4)),
         Build(catalog, (0, 1, 5), (0, 4, 2), (1, 3, 3)));

    [Fact]
    public void Evaluate_HandModel_AveragesOverUsersWithTestRatings()
    {
        // k = 2. u0 gets [1, 2], R = {1, 4}: P ½, R ½, NDCG 1/(1 + D2), AP ½, hit.
        //        u1 gets [0, 3], R = {3}:    P ½, R 1, NDCG D2,         AP ½, hit.
        //        u2 (would get [4, 3]) has no test rating and is not evaluated, nor counted in coverage.
        var model = LadderModel();
        var (train, test) = LadderData(model.Catalog);

        RankingResult result = RankingMetrics.Evaluate(model, train, test, 2);

        result.UsersEvaluated.Should().Be(2);
        result.K.Should().Be(2);
        result.PrecisionAtK.Should().BeApproximately(0.5, Tol);
        result.RecallAtK.Should().BeApproximately(0.75, Tol);
        result.NdcgAtK.Should().BeApproximately(((1 / (1 + D2)) + D2) / 2, Tol);
        result.MapAtK.Should().BeApproximately(0.5, Tol);
        result.HitRateAtK.Should().BeApproximately(1, Tol);
        result.Coverage.Should().BeApproximately(4.0 / 5, Tol);
    }

    [Fact]
    public void Evaluate_RelevanceThreshold_KeepsOnlyHighRatings()
    {
        // Threshold 4: u0's R = {1}; u1's only test rating (3) is not relevant, so u1 is skipped.
        var model = LadderModel();
        var (train, test) = LadderData(model.Catalog);

        RankingResult result = RankingMetrics.Evaluate(model, train, test, 2, relevanceThreshold: 4);

        result.UsersEvaluated.Should().Be(1);
        result.PrecisionAtK.Should().BeApproximately(0.5, Tol);
        result.RecallAtK.Should().BeApproximately(1, Tol);
        result.NdcgAtK.Should().BeApproximately(1, Tol);
        result.MapAtK.Should().BeApproximately(1, Tol);
        result.Coverage.Should().BeApproximately(2.0 / 5, Tol);
    }

    [Fact]
    public void Evaluate_RandomModel_EqualsMeanOfPerUserMetrics()
    {
        var model = ScoringTestModels.Random(40, 30, 4, biases: true, seed: 7);
        var all = ScoringTestModels.RandomRatings(model.Catalog, 0.3, seed: 8);
        var split = DatasetSplitter.RandomHoldout(all, 0.25, seed: 9);
        const int k = 5;

        double precision = 0, recall = 0, ndcg = 0, ap = 0, hits = 0;
        int users = 0;
        var recommended = new HashSet<int>();
        for (int u = 0; u < model.UserCount; u++)
        {
            int[] relevant = split.Test.ByUser.GetColumns(u).ToArray();
            if (relevant.Length == 0)
            {
                continue;
            }

            int[] list = Recommender.Recommend(model, U(u), k, split.Train).Select(r => r.Item.Value).ToArray();
            precision += RankingMetrics.PrecisionAt(list, relevant, k);
            recall += RankingMetrics.RecallAt(list, relevant, k);
            ndcg += RankingMetrics.NdcgAt(list, relevant, k);
            ap += RankingMetrics.AveragePrecisionAt(list, relevant, k);
            hits += RankingMetrics.HitRateAt(list, relevant, k);
            recommended.UnionWith(list);
            users++;
        }

        RankingResult result = RankingMetrics.Evaluate(model, split.Train, split.Test, k, maxDegreeOfParallelism: 2);

        result.UsersEvaluated.Should().Be(users);
        result.PrecisionAtK.Should().BeApproximately(precision / users, 1e-12);
        result.RecallAtK.Should().BeApproximately(recall / users, 1e-12);
        result.NdcgAtK.Should().BeApproximately(ndcg / users, 1e-12);
        result.MapAtK.Should().BeApproximately(ap / users, 1e-12);
        result.HitRateAtK.Should().BeApproximately(hits / users, 1e-12);
        result.Coverage.Should().BeApproximately((double)recommended.Count / model.ItemCount, 1e-12);
        RankingMetrics.Evaluate(model, split.Train, split.Test, k, maxDegreeOfParallelism: 1).Should().Be(result);
    }

    [Fact]
    public void Evaluate_InvalidK_ThrowsNamingK()
    {
        var model = LadderModel();
        var (train, test) = LadderData(model.Catalog);
        var act = () => RankingMetrics.Evaluate(model, train, test, 0);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("k");
    }

    [Fact]
    public void Evaluate_EmptyTest_ThrowsNamingTest()
    {
        var model = LadderModel();
        var (train, _) = LadderData(model.Catalog);
        var act = () => RankingMetrics.Evaluate(model, train, RatingsDataset.Empty(model.Catalog), 2);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("test");
    }

    [Fact]
    public void Evaluate_NoRatingReachesThreshold_ThrowsNamingThreshold()
    {
        var model = LadderModel();
        var (train, test) = LadderData(model.Catalog);
        var act = () => RankingMetrics.Evaluate(model, train, test, 2, relevanceThreshold: 6);
        act.Should().Throw<ArgumentException>().WithMessage("*6*").Which.ParamName.Should().Be("relevanceThreshold");
        var nan = () => RankingMetrics.Evaluate(model, train, test, 2, relevanceThreshold: float.NaN);
        nan.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("relevanceThreshold");
    }

    [Fact]
    public void Evaluate_OtherCatalogue_ThrowsNamingDataset()
    {
        var model = LadderModel();
        var (train, test) = LadderData(model.Catalog);
        var other = Build(Catalog.Sequential(4, 5), (3, 0, 4));
        var badTrain = () => RankingMetrics.Evaluate(model, other, test, 2);
        badTrain.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
        var badTest = () => RankingMetrics.Evaluate(model, train, other, 2);
        badTest.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("test");
    }

    [Fact]
    public void Evaluate_InvalidParallelism_ThrowsNamingIt()
    {
        var model = LadderModel();
        var (train, test) = LadderData(model.Catalog);
        var act = () => RankingMetrics.Evaluate(model, train, test, 2, maxDegreeOfParallelism: 0);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxDegreeOfParallelism");
    }

    [Fact]
    public void Evaluate_Cancelled_Throws()
    {
        var model = LadderModel();
        var (train, test) = LadderData(model.Catalog);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var act = () => RankingMetrics.Evaluate(model, train, test, 2, cancellationToken: cts.Token);
        act.Should().Throw<OperationCanceledException>();
    }
}
