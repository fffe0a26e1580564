using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public class RecommenderTests
{
    // User 0 = (1, 2); items (1,0), (0,1), (1,1), (−1,0): dots 1, 2, 3, −1.
    private static readonly float[] Users = [1, 2, 0, 0];
    private static readonly float[] Items = [1, 0, 0, 1, 1, 1, -1, 0];

    private static FactorizationModel Plain() => FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 4), 2, Users, Items);

    // Item biases 0, 0, 0, 5: ranking scores 1, 2, 3, 4.
    private static FactorizationModel Biased() => FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 4), 2, Users, Items, [0.25f, -1f], [0, 0, 0, 5], 3f);

    private static RatingsDataset Rated(Catalog catalog, params (int User, int Item)[] pairs)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        foreach (var (u, i) in pairs)
        {
            builder.Add(catalog.Users[u], catalog.Items[i], 4f);
        }

        return builder.Build();
    }

    [Fact]
    public void Recommend_NoBiases_RanksByDot()
    {
        var recs = Recommender.Recommend(Plain(), U(0), k: 2);
        recs.Select(r => r.Item.Value).Should().Equal(2, 1);
        recs.Select(r => r.Score).ToArray().ShouldBeClose(1e-6f, 3f, 2f);
        recs[0].Id.Should().Be("3");
    }

    [Fact]
    public void Recommend_ItemBiases_AddedToRanking()
    {
        var recs = Recommender.Recommend(Biased(), U(0), k: 2);
        recs.Select(r => r.Item.Value).Should().Equal(3, 2);
        recs.Select(r => r.Score).ToArray().ShouldBeClose(1e-6f, 4f, 3f);
    }

    [Fact]
    public void Recommend_ScorePlusMeanAndUserBias_IsPrediction()
    {
        var model = Biased();
        foreach (var r in Recommender.Recommend(model, U(1), k: 4))
        {
            (model.GlobalMean + model.UserBiases[1] + r.Score).Should().BeApproximately(model.Predict(U(1), r.Item), 1e-5f);
        }
    }

    [Fact]
    public void Recommend_Exclude_SkipsRatedItems()
    {
        var model = Biased();
        var recs = Recommender.Recommend(model, U(0), k: 10, Rated(model.Catalog, (0, 3), (0, 1), (1, 2)));
        recs.Select(r => r.Item.Value).Should().Equal(2, 0);
    }

    [Fact]
    public void Recommend_TiedScores_LowerIndexFirst()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 5), 1, [1], [2, 7, 2, 7, 2]);
        Recommender.Recommend(model, U(0), k: 4).Select(r => r.Item.Value).Should().Equal(1, 3, 0, 2);
    }

    [Fact]
    public void RecommendById_ResolvesId()
    {
        Recommender.RecommendById(Plain(), "1", k: 1)[0].Item.Value.Should().Be(2);
        FluentActions.Invoking(() => Recommender.RecommendById(Plain(), "u9"))
            .Should().Throw<KeyNotFoundException>().WithMessage("*'u9'*");
    }

    [Fact]
    public void Recommend_BadArguments_ThrowNamingParameter()
    {
        var model = Plain();
        FluentActions.Invoking(() => Recommender.Recommend(model, U(2))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("user");
        FluentActions.Invoking(() => Recommender.Recommend(model, U(0), 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("k");
        var other = Rated(Catalog.Sequential(2, 5), (0, 1));
        FluentActions.Invoking(() => Recommender.Recommend(model, U(0), 3, other)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("exclude");
    }

    [Fact]
    public void RecommendForQuery_UnsortedExclusions_Skipped()
    {
        var recs = Recommender.RecommendForQuery(Plain(), [1f, 2f], 10, [2, 0]);
        recs.Select(r => r.Item.Value).Should().Equal(1, 3);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(-1, true)]
    public void RecommendAll_RandomModel_EqualsPerUserRecommend(int threads, bool biases)
    {
        // N = 150 and M = 101 are not multiples of the tile, group or panel sizes.
        var model = ScoringTestModels.Random(150, 101, biases ? 7 : 33, biases, seed: 11);
        var train = ScoringTestModels.RandomRatings(model.Catalog, 0.2, seed: 12);
        var all = Recommender.RecommendAll(model, 10, train, threads);
        all.K.Should().Be(10);
        all.UserCount.Should().Be(150);
        for (int u = 0; u < 150; u++)
        {
            var single = Recommender.Recommend(model, U(u), 10, train);
            all.GetItems(U(u)).ToArray().Should().Equal(single.Select(r => r.Item.Value), "user {0}", u);
            // Same fused multiply-add chains in both paths: bitwise equal, not merely close.
            all.GetScores(U(u)).ToArray().Should().Equal(single.Select(r => r.Score), "user {0}", u);
            foreach (int item in all.GetItems(U(u)))
            {
                train.ByUser.Contains(u, item).Should().BeFalse();
            }
        }
    }

    [Fact]
    public void RecommendAll_NoExclusions_MatchesBruteForceTopK()
    {
        var model = ScoringTestModels.Random(9, 40, 5, biases: true, seed: 3);
        var all = Recommender.RecommendAll(model, 4);
        for (int u = 0; u < 9; u++)
        {
            var expected = Enumerable.Range(0, 40)
                .Select(j => (Item: j, Score: model.Predict(U(u), I(j)) - model.GlobalMean - model.UserBiases[u]))
                .OrderByDescending(p => p.Score).ThenBy(p => p.Item).Take(4).Select(p => p.Item);
            all.GetItems(U(u)).ToArray().Should().Equal(expected);
        }
    }

    [Fact]
    public void RecommendAll_FewItemsLeft_RowPadded()
    {
        var model = Plain();
        var all = Recommender.RecommendAll(model, 3, Rated(model.Catalog, (0, 0), (0, 1), (0, 2)));
        all.GetCount(U(0)).Should().Be(1);
        all.GetItems(U(0)).ToArray().Should().Equal(3);
        all.Items.Slice(0, 3).ToArray().Should().Equal(3, -1, -1);
        float.IsNegativeInfinity(all.Scores[2]).Should().BeTrue();
        all.GetCount(U(1)).Should().Be(3);
        all.GetRecommendations(U(0))[0].Id.Should().Be("4");
    }

    [Fact]
    public void RecommendAll_KLargerThanCatalogue_CappedAtM()
    {
        Recommender.RecommendAll(Plain(), 50).K.Should().Be(4);
    }

    [Fact]
    public void RecommendAll_BadArguments_Throw()
    {
        FluentActions.Invoking(() => Recommender.RecommendAll(Plain(), 5, null, 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxDegreeOfParallelism");
        FluentActions.Invoking(() => Recommender.RecommendAll(Plain(), 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("k");
    }

    [Fact]
    public void RecommendAll_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var model = ScoringTestModels.Random(300, 50, 4, biases: false, seed: 2);
        FluentActions.Invoking(() => Recommender.RecommendAll(model, 5, null, 2, cancellationToken: cts.Token)).Should().Throw<OperationCanceledException>();
    }
}
