using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

/// <summary>The ranking scores (the model's own, support-aware) and the minimum-support filter of recommendations, ranking metrics and neighbours.</summary>
public sealed class RankingOptionsTests
{
    // User 0 = (1, 2); items (1,0), (0,1), (1,1), (−1,0): affinities 1, 2, 3, −1 (mean 1.25, σ = √2.1875).
    // Item support 3, 0, 1, 7: ln(1 + n) = ln 4, 0, ln 2, ln 8.
    private static FactorizationModel WithSupport(float[]? itemBiases = null) => new(
        Catalog.Sequential(2, 4), 2, [1, 2, 0, 0], [1, 0, 0, 1, 1, 1, -1, 0],
        itemBiases is null ? null : [0f, 0f], itemBiases, itemBiases is null ? 0f : 3f, new BiasedSgdOptions(),
        support: new TrainingSupport([11, 0], [3, 0, 1, 7], 3.5f));

    private static readonly RankingOptions SupportAware = new() { Score = RankingScore.SupportAware };

    [Fact]
    public void Recommend_SupportAware_IsLogSupportPlusWeightedStandardisedAffinity()
    {
        var recs = Recommender.Recommend(WithSupport(), U(0), k: 4, ranking: SupportAware);

        recs.Select(r => r.Item.Value).Should().Equal(3, 0, 2, 1);
        recs.Select(r => r.Score).ToArray().ShouldBeClose(1e-5f, 1.910411f, 1.555325f, 1.200240f, 0.338062f);
    }

    [Fact]
    public void Recommend_SupportAwareWeightOne_FollowsTasteMore()
    {
        var recs = Recommender.Recommend(WithSupport(), U(0), k: 4, ranking: SupportAware with { TasteWeight = 1 });

        recs.Select(r => r.Item.Value).Should().Equal(2, 0, 3, 1);
        recs.Select(r => r.Score).ToArray().ShouldBeClose(1e-5f, 2.721517f, 2.062418f, 1.403318f, 1.352247f);
    }

    [Fact]
    public void Recommend_SupportAware_IgnoresTheItemBiases()
    {
        var plain = Recommender.Recommend(WithSupport(), U(0), k: 4, ranking: SupportAware);
        var biased = Recommender.Recommend(WithSupport([9f, -9f, 4f, 0f]), U(0), k: 4, ranking: SupportAware);

        biased.Select(r => r.Item.Value).Should().Equal(plain.Select(r => r.Item.Value));
    }

    [Fact]
    public void Recommend_TasteWeightZero_IsTheMostPopularOrder()
    {
        var recs = Recommender.Recommend(WithSupport(), U(0), k: 4, ranking: SupportAware with { TasteWeight = 0 });

        recs.Select(r => r.Item.Value).Should().Equal(3, 0, 2, 1);
        recs[0].Score.Should().BeApproximately(MathF.Log(8), 1e-6f);
    }

    [Fact]
    public void Recommend_ModelScore_IsTheModelsOwn()
    {
        var recs = Recommender.Recommend(WithSupport(), U(0), k: 4, ranking: new RankingOptions { Score = RankingScore.Model });

        recs.Select(r => r.Item.Value).Should().Equal(2, 1, 0, 3);
    }

    [Fact]
    public void Recommend_DefaultOptions_UseTheModelsDefaultRanking()
    {
        FactorizationModel model = WithSupport();

        model.DefaultRanking.Should().Be(RankingScore.SupportAware, "biased SGD fits rating values alone");
        Recommender.Recommend(model, U(0), k: 4).Select(r => r.Item.Value).Should().Equal(3, 0, 2, 1);
    }

    [Fact]
    public void Recommend_MinimumSupport_LeavesOutRarelyRatedItems()
    {
        var recs = Recommender.Recommend(WithSupport(), U(0), k: 4, ranking: new RankingOptions { Score = RankingScore.Model, MinimumSupport = 2 });

        recs.Select(r => r.Item.Value).Should().Equal(0, 3);
    }

    [Fact]
    public void Recommend_ColdUser_GetsTheMostPopularOrder()
    {
        var recs = Recommender.Recommend(WithSupport(), U(1), k: 4, ranking: SupportAware);

        recs.Select(r => r.Item.Value).Should().Equal(3, 0, 2, 1);
    }

    [Fact]
    public void RecommendAll_SupportAwareAndMinimumSupport_EqualsEachUsersRecommendBitForBit()
    {
        var data = SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K with { Users = 150, Items = 120, Ratings = 4000 });
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 8, Iterations = 3 }).Fit(data.Dataset);
        var ranking = new RankingOptions { MinimumSupport = 3 };
        int[] support = model.ItemSupport.ToArray();

        TopKRecommendations all = Recommender.RecommendAll(model, 10, data.Dataset, maxDegreeOfParallelism: 2, ranking: ranking);

        for (int u = 0; u < model.UserCount; u++)
        {
            var one = Recommender.Recommend(model, U(u), 10, data.Dataset, ranking);
            all.Items.Slice(u * all.K, one.Count).ToArray().Should().Equal(one.Select(r => r.Item.Value));
            all.Scores.Slice(u * all.K, one.Count).ToArray().Should().Equal(one.Select(r => r.Score));
            one.Should().OnlyContain(r => support[r.Item.Value] >= 3);
        }
    }

    [Fact]
    public void Recommend_ModelWithoutSupport_RejectsSupportAwareAndMinimumSupport()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [1f], [1f, 2f]);

        model.DefaultRanking.Should().Be(RankingScore.Model);
        Recommender.Recommend(model, U(0), 2).Should().HaveCount(2);
        FluentActions.Invoking(() => Recommender.Recommend(model, U(0), 2, ranking: SupportAware))
            .Should().Throw<ArgumentException>().WithParameterName("ranking").WithMessage("*training support*");
        FluentActions.Invoking(() => Recommender.RecommendAll(model, 2, ranking: new RankingOptions { MinimumSupport = 1 }))
            .Should().Throw<ArgumentException>().WithParameterName("ranking");
    }

    [Theory]
    [InlineData(-0.1, 0, "TasteWeight")]
    [InlineData(double.NaN, 0, "TasteWeight")]
    [InlineData(double.PositiveInfinity, 0, "TasteWeight")]
    [InlineData(0.25, -1, "MinimumSupport")]
    public void Validate_OutOfRange_ThrowsNamingTheOption(double weight, int minimumSupport, string option)
    {
        var options = new RankingOptions { TasteWeight = weight, MinimumSupport = minimumSupport };

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(option);
        FluentActions.Invoking(() => Recommender.Recommend(WithSupport(), U(0), ranking: options)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(option);
    }

    [Fact]
    public void Validate_UndefinedScore_Throws()
    {
        new RankingOptions { Score = (RankingScore)7 }.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Score");
    }

    [Fact]
    public void DefaultRanking_PerTrainer_IsSupportAwareForTheRatingOnlyFits()
    {
        var ratings = new RatingsDatasetBuilder().Add("a", "x", 4f).Add("a", "y", 2f).Add("b", "x", 5f).Add("b", "z", 1f).Build();

        new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 2, Iterations = 2 }).Fit(ratings).DefaultRanking.Should().Be(RankingScore.SupportAware);
        new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 2 }).Fit(ratings).DefaultRanking.Should().Be(RankingScore.SupportAware);
        new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 2 }).Fit(ratings).DefaultRanking.Should().Be(RankingScore.SupportAware);
        new RegularizedFactorizer(new RegularizedOptions { Dimensions = 2, Iterations = 2 }).Fit(ratings).DefaultRanking.Should().Be(RankingScore.Model);
        new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 2, Iterations = 2 }).Fit(ratings).DefaultRanking.Should().Be(RankingScore.Model);
        new BayesianMatrixFactorizer(new BayesianMatrixOptions { Dimensions = 2, Iterations = 3, BurnIn = 1 }).Fit(ratings).DefaultRanking.Should().Be(RankingScore.SupportAware);
        FactorizationMachineModel fm = new BayesianFactorizationMachine(new FactorizationMachineOptions { Dimensions = 2, Iterations = 3, BurnIn = 1 }).Fit(ratings);
        fm.DefaultRanking.Should().Be(RankingScore.SupportAware);
        fm.ItemSupport.ToArray().Should().Equal(2, 1, 1);
        fm.ContextFree.ItemSupport.ToArray().Should().Equal(2, 1, 1);
    }

    // ------------------------------------------------------------------ neighbours

    [Fact]
    public void NearestItems_MinimumSupport_LeavesOutRarelyRatedNeighboursButKeepsTheQuery()
    {
        FactorizationModel model = WithSupport();

        ItemNeighborResult all = Neighbors.NearestItems(model, I(1), k: 4);
        ItemNeighborResult supported = Neighbors.NearestItems(model, I(1), k: 4, minimumSupport: 2);

        all.Neighbors.Select(n => n.Item.Value).Should().Equal(1, 2, 0, 3);
        supported.Neighbors.Select(n => n.Item.Value).Should().Equal(1, 0, 3);
        supported.Neighbors[0].Score.Should().Be(1f);
    }

    [Fact]
    public void NearestItems_MinimumSupportOnModelWithoutSupport_Throws()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [1f], [1f, 2f]);

        FluentActions.Invoking(() => Neighbors.NearestItems(model, I(0), minimumSupport: 1)).Should().Throw<ArgumentException>().WithParameterName("minimumSupport");
        FluentActions.Invoking(() => Neighbors.NearestItems(model, I(0), minimumSupport: -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("minimumSupport");
    }

    // ------------------------------------------------------------------ on the realistic preset

    [Fact]
    public void Evaluate_RatingModelsOnTheRealisticPreset_DefaultRankingBeatsMostPopularWhereTheirOwnScoresLose()
    {
        // Measured (seed 42, random 80/20): recall@10 over the most-popular list's, own score → default:
        // biased SGD 0.33× → 1.08×, ALS 0.31× → 1.23× (docs/defaults.md).
        var data = SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K);
        var split = DatasetSplitter.RandomHoldout(data.Dataset, 0.2, 1);
        double popular = PopularityBaseline.Evaluate(split.Train, split.Test, 10).RecallAtK;

        foreach (FactorizationModel model in new[] { new BiasedSgdFactorizer(new BiasedSgdOptions()).Fit(split.Train), new AlsFactorizer(new AlsOptions()).Fit(split.Train) })
        {
            double own = RankingMetrics.Evaluate(model, split.Train, split.Test, 10, ranking: new RankingOptions { Score = RankingScore.Model }).RecallAtK / popular;
            double byDefault = RankingMetrics.Evaluate(model, split.Train, split.Test, 10).RecallAtK / popular;

            own.Should().BeLessThan(0.5, $"{model.Options} ranks by its predicted ratings");
            byDefault.Should().BeGreaterThan(1.03, $"{model.Options} ranks support-aware by default");
        }
    }

    [Fact]
    public void Evaluate_BayesianModelsOnTheRealisticPreset_DefaultRankingBeatsMostPopularWhereTheirOwnScoresLose()
    {
        // Measured (seed 42, random 80/20, short chains to keep the test near a second): recall@10 over the
        // most-popular list's, own score → default: BPMF (40 sweeps) 0.32× → 1.07×, FM (30 sweeps, default
        // blocks) 0.75× → 1.36×. At the defaults (200 sweeps) the accuracy tool measured 0.76× → 1.44× and
        // 1.08× → 1.61× on the same preset (benchmarks/CollaborativeFiltering.Accuracy --synthetic).
        var data = SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K);
        var split = DatasetSplitter.RandomHoldout(data.Dataset, 0.2, 1);
        double popular = PopularityBaseline.Evaluate(split.Train, split.Test, 10).RecallAtK;
        IRecommenderModel bpmf = new BayesianMatrixFactorizer(new BayesianMatrixOptions { Iterations = 40, BurnIn = 10 }).Fit(split.Train);
        IRecommenderModel fm = new BayesianFactorizationMachine(new FactorizationMachineOptions { Iterations = 30, BurnIn = 10 }).Fit(split.Train);

        foreach (IRecommenderModel model in new[] { bpmf, fm })
        {
            double own = RankingMetrics.Evaluate(model, split.Train, split.Test, 10, ranking: new RankingOptions { Score = RankingScore.Model }).RecallAtK / popular;
            double byDefault = RankingMetrics.Evaluate(model, split.Train, split.Test, 10).RecallAtK / popular;

            own.Should().BeLessThan(0.9, $"{model.GetType().Name} ranks by its posterior-mean ratings");
            byDefault.Should().BeGreaterThan(1.03, $"{model.GetType().Name} ranks support-aware by default");
        }
    }
}
