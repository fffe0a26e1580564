using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;
using CollaborativeFiltering.Tests.Neural;
using CollaborativeFiltering.Tests.Scoring;

namespace CollaborativeFiltering.Tests.Models;

/// <summary>
/// The model family: every model answers IRecommenderModel and IEmbeddingModel itself, so Scoring and
/// Evaluation serve it without knowing its type, including a recommender that has no embeddings at all.
/// </summary>
public sealed partial class RecommenderModelTests
{
    [Fact]
    public void TryScoreItems_EmbeddingModels_EqualTheirRowOfRecommendAll()
    {
        FactorizationModel factorization = ScoringTestModels.Random(30, 25, 4, biases: true, seed: 3);
        SoftmaxModel softmax = SoftmaxTestData.SmallModel();
        foreach (IEmbeddingModel model in new IEmbeddingModel[] { factorization, softmax })
        {
            int m = model.Catalog.ItemCount;
            TopKRecommendations all = Recommender.RecommendAll(model, m);
            var scores = new float[m];
            for (int u = 0; u < 5; u++)
            {
                model.TryScoreItems(U(u), scores).Should().BeTrue();
                for (int rank = 0; rank < m; rank++)
                {
                    Recommendation r = all.GetRecommendations(U(u))[rank];
                    scores[r.Item.Value].Should().Be(r.Score, "a user's scores are bit for bit those RecommendAll ranks");
                }
            }
        }
    }

    [Fact]
    public void ScoreItemsForNewUser_IsTheModelsOwnQueryScored()
    {
        FactorizationModel model = ScoringTestModels.Random(30, 25, 4, biases: true, seed: 4);
        int[] items = [1, 7, 12];
        float[] ratings = [5, 3, 1];
        var scores = new float[25];

        model.ScoreItemsForNewUser(items, ratings, scores);

        float[] query = model.ComputeNewUserQuery(items, ratings);
        query.Should().Equal(FoldIn.ComputeUserEmbedding(model, items, ratings), "an explicit model folds in by ridge with the default λ");
        for (int j = 0; j < 25; j++)
        {
            float expected = Similarity.Dot(query, model.GetItemEmbedding(I(j))) + model.ItemBiases[j];
            scores[j].Should().BeApproximately(expected, 1e-5f);
        }
    }

    [Fact]
    public void PredictsRatings_SaysWhetherPredictionsAreRatings()
    {
        RatingsDataset train = FullBatchTrainData();

        new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 3, Iterations = 2 }).Fit(train).PredictsRatings.Should().BeTrue();
        new AlsFactorizer(new AlsOptions { Dimensions = 3, Iterations = 2 }).Fit(train).PredictsRatings.Should().BeTrue();
        new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 3, Iterations = 2 }).Fit(train).PredictsRatings.Should().BeFalse();
        ScoringTestModels.MovieModel().PredictsRatings.Should().BeTrue("a model built from embeddings predicts ratings");
        SoftmaxTestData.SmallModel().PredictsRatings.Should().BeFalse();
    }

    [Fact]
    public void SoftmaxModel_PredictAndUserEmbeddings_AreTheNetworksQueries()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        int d = model.Dimensions;
        var query = new float[d];
        var scores = new float[model.ItemCount];

        for (int u = 0; u < 10; u++)
        {
            model.TryGetUserQuery(U(u), query).Should().BeTrue();
            model.UserEmbeddings.Slice(u * d, d).ToArray().Should().Equal(query);
            model.TryScoreItems(U(u), scores);
            model.Predict(U(u), I(3)).Should().BeApproximately(scores[3], 1e-5f, "the prediction of a ranking model is its ranking score");
        }

        model.UserBiases.IsEmpty.Should().BeTrue();
        model.GlobalMean.Should().Be(0);
    }

    [Fact]
    public void NearestUsersAndUserNorms_ServeTheSoftmaxModelThroughItsQueries()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        int d = model.Dimensions;

        float[] norms = EmbeddingNorms.Users(model);
        IReadOnlyList<UserNeighbor> nearest = Neighbors.NearestUsers(model, U(0), 3, SimilarityMeasure.Cosine);

        norms[2].Should().BeApproximately(MathF.Sqrt(Similarity.Dot(model.UserEmbeddings.Slice(2 * d, d), model.UserEmbeddings.Slice(2 * d, d))), 1e-4f);
        nearest[0].User.Value.Should().Be(0);
        nearest[0].Score.Should().BeApproximately(1, 1e-5f, "a user's query is most similar to itself");
        nearest[1].Score.Should().BeLessThanOrEqualTo(1 + 1e-5f).And.BeGreaterThanOrEqualTo(nearest[2].Score);
    }

    [Fact]
    public void Scoring_ARecommenderWithoutEmbeddings_RecommendsAndIsEvaluated()
    {
        RatingsDataset ratings = FullBatchTrainData();
        var model = new PopularityModel(ratings);

        IReadOnlyList<Recommendation> top = Recommender.Recommend(model, U(0), 3, exclude: ratings);
        IReadOnlyList<Recommendation> forNewUser = Recommender.RecommendForNewUser(model, [new(ratings.Catalog.Items[0], 5f)], 3);
        RegressionResult errors = RegressionMetrics.Compute(model, ratings);

        top.Select(r => r.Item.Value).Should().Equal(model.MostPopularNotRatedBy(0, ratings, 3));
        forNewUser.Select(r => r.Item.Value).Should().NotContain(0);
        errors.Mse.Should().BeApproximately(ratings.ByUser.Values.ToArray().Select(v => (v - 3.0) * (v - 3.0)).Average(), 1e-9);
    }

    [Fact]
    public void CrossValidation_TakesTheSoftmaxTrainerForRankingAndRejectsItForRatings()
    {
        RatingsDataset data = SoftmaxTestData.Small();
        var trainer = new SoftmaxTrainer(SoftmaxTestData.FastOptions() with { Iterations = 20 });

        RankingCrossValidationResult ranking = CrossValidation.RunRanking(trainer, data, folds: 2, seed: 1, k: 10);
        Action ratingsRun = () => CrossValidation.Run(trainer, data, folds: 2, seed: 1);

        ranking.Folds.Should().HaveCount(2);
        ranking.K.Should().Be(10);
        ranking.RecallAtK.Mean.Should().BeInRange(0, 1).And.BeGreaterThan(0);
        ratingsRun.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("trainer");
    }

    [Fact]
    public void CrossValidation_RunRankingOfAFactorizer_MatchesRankingMetricsPerFold()
    {
        RatingsDataset data = FullBatchTrainData();
        var trainer = new AlsFactorizer(new AlsOptions { Dimensions = 3, Iterations = 3 });

        RankingCrossValidationResult result = CrossValidation.RunRanking(trainer, data, folds: 3, seed: 2, k: 5);

        IReadOnlyList<DatasetSplit> splits = DatasetSplitter.KFold(data, 3, 2);
        for (int f = 0; f < 3; f++)
        {
            FactorizationModel model = trainer.Fit(splits[f].Train);
            result.Folds[f].Test.Should().Be(RankingMetrics.Evaluate(model, splits[f].Train, splits[f].Test, 5));
        }

        result.NdcgAtK.Mean.Should().BeApproximately(result.Folds.Average(f => f.Test.NdcgAtK), 1e-12);
    }

    private static RatingsDataset FullBatchTrainData() => ScoringTestModels.RandomRatings(Catalog.Sequential(30, 20), 0.4, seed: 5);

    /// <summary>A recommender with no embeddings: it scores items by their number of ratings and predicts 3 for every pair.</summary>
    private sealed class PopularityModel(RatingsDataset ratings) : IRecommenderModel
    {
        public Catalog Catalog => ratings.Catalog;

        public bool PredictsRatings => true;

        public RatingRange? RatingScale => null;

        public float Predict(UserIndex user, ItemIndex item) => 3f;

        public bool TryScoreItems(UserIndex user, Span<float> scores)
        {
            for (int j = 0; j < scores.Length; j++)
            {
                scores[j] = ratings.ByItem.GetColumns(j).Length;
            }

            return true;
        }

        public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) => TryScoreItems(default, scores);

        public int[] MostPopularNotRatedBy(int user, RatingsDataset train, int k)
        {
            ReadOnlySpan<int> seen = train.ByUser.GetColumns(user);
            var candidates = new List<int>();
            for (int j = 0; j < Catalog.ItemCount; j++)
            {
                if (seen.IndexOf(j) < 0)
                {
                    candidates.Add(j);
                }
            }

            return [.. candidates.OrderByDescending(j => ratings.ByItem.GetColumns(j).Length).ThenBy(j => j).Take(k)];
        }
    }
}
