using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>
/// The neighbourhood models through the library's common paths, without any type test there: batch
/// recommendations (row u equal to <c>Recommend(model, u)</c> bit for bit, for any thread count),
/// cross-validation of rating errors (kNN) and of ranking quality (EASE), and the refusal of rating errors
/// for a model that only ranks.
/// </summary>
public sealed class NeighborhoodIntegrationTests
{
    public static TheoryData<string> Kinds => ["item-knn", "user-knn", "ease"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RecommendAll_AnyThreadCount_EqualsRecommendForEveryUser(string kind)
    {
        RatingsDataset train = NeighborhoodTestData.Random(40, 30, 0.3, seed: 5);
        IRecommenderModel model = Fit(kind, train);

        TopKRecommendations one = Recommender.RecommendAll(model, 5, train, maxDegreeOfParallelism: 1);
        TopKRecommendations three = Recommender.RecommendAll(model, 5, train, maxDegreeOfParallelism: 3);

        for (int u = 0; u < train.UserCount; u++)
        {
            IReadOnlyList<Recommendation> single = Recommender.Recommend(model, U(u), 5, train);
            one.GetItems(U(u)).ToArray().Should().Equal(single.Select(r => r.Item.Value), "user {0}", u);
            one.GetScores(U(u)).ToArray().Should().Equal(single.Select(r => r.Score));
            three.GetItems(U(u)).ToArray().Should().Equal(one.GetItems(U(u)).ToArray());
            three.GetScores(U(u)).ToArray().Should().Equal(one.GetScores(U(u)).ToArray());
        }
    }

    [Fact]
    public void CrossValidationRun_ItemKnn_GivesEachFoldsRatingErrors()
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 120, Items = 150, Ratings = 4000, Seed = 3 }).Dataset;

        CrossValidationResult result = CrossValidation.Run(new ItemKnnRecommender(), data, folds: 3, seed: 1);

        result.Folds.Should().HaveCount(3);
        result.Rmse.Mean.Should().BeInRange(0.4, 1.5);
        result.Folds.Should().OnlyContain(f => f.Test.Count > 0 && double.IsFinite(f.Test.Rmse));
    }

    [Fact]
    public void CrossValidationRunRanking_Ease_GivesEachFoldsRankingQuality()
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 120, Items = 150, Ratings = 4000, Seed = 3, TasteExposure = 2 }).Dataset;

        RankingCrossValidationResult result = CrossValidation.RunRanking(new EaseRecommender(new EaseOptions { Regularization = 50 }), data, folds: 3, seed: 1);

        result.Folds.Should().HaveCount(3);
        result.RecallAtK.Mean.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void CrossValidationRun_Ease_ThrowsPointingToRunRanking()
    {
        RatingsDataset data = NeighborhoodTestData.Random(30, 20, 0.4, seed: 2);

        FluentActions.Invoking(() => CrossValidation.Run(new EaseRecommender(), data, folds: 2, seed: 1))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("RunRanking");
        FluentActions.Invoking(() => RegressionMetrics.Compute(new EaseRecommender().Fit(data), data))
            .Should().Throw<InvalidOperationException>().Which.Message.Should().Contain(nameof(EaseModel));
    }

    private static IRecommenderModel Fit(string kind, RatingsDataset train) => kind switch
    {
        "item-knn" => new ItemKnnRecommender(new KnnOptions { Neighbors = 5 }).Fit(train),
        "user-knn" => new UserKnnRecommender(new KnnOptions { Neighbors = 5, Similarity = KnnSimilarity.Cosine }).Fit(train),
        _ => new EaseRecommender(new EaseOptions { Regularization = 5 }).Fit(train),
    };
}
