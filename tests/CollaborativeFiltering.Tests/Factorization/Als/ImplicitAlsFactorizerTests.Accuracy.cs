using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class ImplicitAlsFactorizerTests
{
    /// <summary>
    /// Implicit ALS with the default options, on a per-user holdout (20 %) of the MovieLens-100k-shaped
    /// synthetic set whose users pick what to rate by taste (<see cref="SyntheticOptions.TasteExposure"/> 2,
    /// as real users rate what they chose to watch), ranks held-out items at least twice as well as
    /// recommending the most popular unseen items. Measured: NDCG@10 0.425 against 0.168 (2.5×),
    /// recall@10 0.225 against 0.083 (2.7×).
    /// </summary>
    [Fact]
    public void Fit_DefaultsOnTasteDrivenRatings_RankAtLeastTwiceAsWellAsMostPopular()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { TasteExposure = 2 });
        DatasetSplit split = DatasetSplitter.PerUserHoldout(data.Dataset, 0.2, seed: 1);

        FactorizationModel model = new ImplicitAlsFactorizer().Fit(split.Train);

        RankingResult als = RankingMetrics.Evaluate(model, split.Train, split.Test, 10);
        RankingResult popular = PopularityBaseline.Evaluate(split.Train, split.Test, 10);
        popular.NdcgAtK.Should().BeInRange(0.1, 0.25, "the baseline is not degenerate (measured 0.168)");
        als.NdcgAtK.Should().BeGreaterThanOrEqualTo(2 * popular.NdcgAtK, "measured 0.425 against 0.168");
        als.RecallAtK.Should().BeGreaterThanOrEqualTo(2 * popular.RecallAtK, "measured 0.225 against 0.083");
    }

    /// <summary>
    /// On the generator's default ratings, which items a user rated follows popularity alone
    /// (<see cref="SyntheticOptions.TasteExposure"/> 0), so no model can guess held-out items better
    /// than the most-popular list; the baseline wins there (measured NDCG@10 0.376 against 0.154).
    /// This is what makes the test above meaningful: its margin comes from the taste in the data.
    /// </summary>
    [Fact]
    public void Fit_DefaultsOnPopularityDrivenRatings_DoNotBeatMostPopular()
    {
        SyntheticData data = SyntheticDataGenerator.Generate();
        DatasetSplit split = DatasetSplitter.PerUserHoldout(data.Dataset, 0.2, seed: 1);

        FactorizationModel model = new ImplicitAlsFactorizer().Fit(split.Train);

        RankingResult als = RankingMetrics.Evaluate(model, split.Train, split.Test, 10);
        RankingResult popular = PopularityBaseline.Evaluate(split.Train, split.Test, 10);
        als.NdcgAtK.Should().BeLessThan(popular.NdcgAtK);
    }

    [Fact]
    public void Recommend_ImplicitModelExcludingTrain_NeverReturnsATrainingItem()
    {
        RatingsDataset train = AlsTestData.Random(80, 60, 0.3, seed: 71);
        FactorizationModel model = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 8, Iterations = 5 }).Fit(train);

        TopKRecommendations all = Recommender.RecommendAll(model, 20, train);
        for (int u = 0; u < train.UserCount; u++)
        {
            int[] seen = train.ByUser.GetColumns(u).ToArray();
            IReadOnlyList<Recommendation> top = Recommender.Recommend(model, U(u), 20, train);

            top.Should().HaveCount(Math.Min(20, 60 - seen.Length));
            top.Select(r => r.Item.Value).Should().NotIntersectWith(seen);
            all.GetItems(U(u)).ToArray().Should().NotIntersectWith(seen);
        }
    }

    /// <summary>A new user folded in with the implicit objective gets recommendations led by items that co-occur with theirs.</summary>
    [Fact]
    public void FoldInUser_NewUserOfACluster_IsRecommendedTheClustersOtherItems()
    {
        // Two disjoint tastes: users 0–19 interact with items 0–9, users 20–39 with items 10–19.
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(40, 20));
        var random = new Random(3);
        for (int u = 0; u < 40; u++)
        {
            int offset = u < 20 ? 0 : 10;
            for (int i = 0; i < 10; i++)
            {
                if (random.NextDouble() < 0.6)
                {
                    builder.Add(new Rating(U(u), I(offset + i), 1));
                }
            }
        }

        FactorizationModel model = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 4, Iterations = 10 }).Fit(builder.Build());

        int[] items = [11, 12, 15];
        float[] query = model.ComputeNewUserQuery(items, [1f, 1f, 1f]);
        IReadOnlyList<Recommendation> top = Recommender.RecommendForQuery(model, query, 5, items);

        top.Select(r => r.Item.Value).Should().OnlyContain(i => i >= 10 && i < 20 && !items.Contains(i));
    }
}
