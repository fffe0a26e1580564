using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>
/// User-kNN on <see cref="NeighborhoodTestData.Tiny"/>: the similarities of users over the items they
/// share, each predictor and the top-N scores, against values worked out with Surprise's formulas.
/// </summary>
public sealed partial class UserKnnRecommenderTests
{
    private const double Tolerance = 1e-5;

    private static UserKnnModel Fit(KnnSimilarity similarity, KnnPredictor predictor = KnnPredictor.WithBaseline, int k = 40, bool normalize = false) =>
        new UserKnnRecommender(new KnnOptions { Similarity = similarity, Predictor = predictor, Shrinkage = 0, Neighbors = k, NormalizeTopN = normalize, ClipPredictions = false })
            .Fit(NeighborhoodTestData.Tiny());

    /// <summary>Users 0 and 3 share items 1 and 2: (3, 4)·(5, 4) = 31 over √(25·41), 0.968277; users 1 and 2 share items 0, 1, 3: 0.700826.</summary>
    [Fact]
    public void Fit_Cosine_ComparesUsersOverTheirSharedItems()
    {
        UserKnnModel model = Fit(KnnSimilarity.Cosine);

        NeighborhoodTestData.Row(model, 0).Should().Equal([1f, 0.982708f, 0.997054f, 0.968277f], (a, b) => Math.Abs(a - b) < Tolerance);
        NeighborhoodTestData.Row(model, 1).Should().Equal([0.982708f, 1f, 0.700826f, 0.722957f], (a, b) => Math.Abs(a - b) < Tolerance);
    }

    /// <summary>Pearson-baseline of users: 0.723048 (users 0, 2), 0.006169 (0, 3); the adjusted cosine centres on the items' means: only users 0 and 3, 0.602657; msd: 1/5, 1/7, 1/9 for user 1.</summary>
    [Fact]
    public void Fit_OtherSimilarities_MatchSurprisesFormulas()
    {
        NeighborhoodTestData.Row(Fit(KnnSimilarity.PearsonBaseline), 0).Should().Equal([1f, float.NegativeInfinity, 0.723048f, 0.006169f], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        NeighborhoodTestData.Row(Fit(KnnSimilarity.AdjustedCosine), 3).Should().Equal([0.602657f, float.NegativeInfinity, float.NegativeInfinity, 1f], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        NeighborhoodTestData.Row(Fit(KnnSimilarity.MeanSquaredDifference), 1).Should().Equal([0.2f, 1f, 0.142857f, 0.111111f], (a, b) => Math.Abs(a - b) < Tolerance);
        NeighborhoodTestData.Row(Fit(KnnSimilarity.Pearson), 2).Should().Equal([1f, float.NegativeInfinity, 1f, 1f], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
    }

    /// <summary>
    /// u0 and item 3: the users who rated it are u1 (cosine 0.982708, rating 5), u2 (0.997054, 1) and u3
    /// (0.968277, 3). Basic 2.990267, k = 1 (u2 only) 1; with means 3.970628 (k = 1: 2.666667); with the
    /// baseline 3.154573 (k = 1: 1.274678). u3 and item 0: 4.091255, 5.045563, 4.267026.
    /// </summary>
    [Fact]
    public void Predict_EachPredictor_UsesTheUsersWhoRatedTheItem()
    {
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic).Predict(U(0), I(3)).Should().BeApproximately(2.990267f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic, k: 1).Predict(U(0), I(3)).Should().BeApproximately(1f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithMeans).Predict(U(0), I(3)).Should().BeApproximately(3.970628f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithMeans, k: 1).Predict(U(0), I(3)).Should().BeApproximately(2.666667f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithBaseline).Predict(U(0), I(3)).Should().BeApproximately(3.154573f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithBaseline, k: 1).Predict(U(0), I(3)).Should().BeApproximately(1.274678f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic).Predict(U(3), I(0)).Should().BeApproximately(4.091255f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithMeans).Predict(U(3), I(0)).Should().BeApproximately(5.045563f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithBaseline).Predict(U(3), I(0)).Should().BeApproximately(4.267026f, 1e-5f);
    }

    /// <summary>Pearson-baseline keeps only u2 (0.723048) and u3 (0.006169) for u0: with the baseline 1.289164, k = 1: 1.274678.</summary>
    [Fact]
    public void Predict_PearsonBaseline_UsesOnlyThePositivelyCorrelatedUsers()
    {
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.WithBaseline).Predict(U(0), I(3)).Should().BeApproximately(1.289164f, 1e-5f);
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.WithBaseline, k: 1).Predict(U(0), I(3)).Should().BeApproximately(1.274678f, 1e-5f);
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.Basic).Predict(U(0), I(3)).Should().BeApproximately(1.016918f, 1e-5f);
    }

    /// <summary>u3's two nearest users by cosine are u2 (0.997054; items 0, 1, 3) and u0 (0.968277; items 0, 1, 2): items 0 and 1 get both, 1.965332; item 3 0.997054; item 2 0.968277.</summary>
    [Fact]
    public void TryScoreItems_AddsTheNearestUsersSimilaritiesToTheirItems()
    {
        var scores = new float[4];

        Fit(KnnSimilarity.Cosine, k: 2).TryScoreItems(U(3), scores).Should().BeTrue();

        scores.Should().Equal([1.965332f, 1.965332f, 0.968277f, 0.997054f], (a, b) => Math.Abs(a - b) < Tolerance);
    }

    /// <summary>
    /// A new user with the ratings of a known user is that user's twin: the known user is their nearest
    /// neighbour (cosine 1 over all of its items, so the least shrunk), and with one neighbour the scores
    /// cover exactly that user's items, each with the whole (normalised) weight 1.
    /// </summary>
    [Fact]
    public void ScoreItemsForNewUser_ComparesTheNewUserWithEveryUser()
    {
        RatingsDataset data = NeighborhoodTestData.Random(40, 30, 0.3, seed: 5);
        UserKnnModel model = new UserKnnRecommender(new KnnOptions { Similarity = KnnSimilarity.Cosine, Shrinkage = 10, Neighbors = 1 }).Fit(data);
        int[] items = data.ByUser.GetColumns(11).ToArray();
        float[] values = data.ByUser.GetValues(11).ToArray();
        var scores = new float[30];

        model.ScoreItemsForNewUser(items, values, scores);

        int[] reached = [.. Enumerable.Range(0, 30).Where(j => !float.IsNegativeInfinity(scores[j]))];
        reached.Should().Equal(items, "the one nearest user is user 11 itself, so exactly its items are scored");
        scores.Where(s => !float.IsNegativeInfinity(s)).Should().OnlyContain(s => Math.Abs(s - 1) < 1e-5f);
    }

    [Fact]
    public void NearestUsers_AreTheKeptList()
    {
        UserKnnModel model = Fit(KnnSimilarity.Cosine);

        IReadOnlyList<UserNeighbor> nearest = Neighbors.NearestUsers(model, U(1), k: 3);

        nearest.Select(n => n.User.Value).Should().Equal([1, 0, 3]);
        nearest[1].Score.Should().BeApproximately(0.982708f, 1e-5f);
    }

    [Fact]
    public void Fit_AnyThreadCount_GivesTheSameModelBitForBit()
    {
        RatingsDataset data = NeighborhoodTestData.Random(150, 60, 0.2, seed: 12);
        UserKnnModel one = new UserKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = 1 }).Fit(data);
        UserKnnModel three = new UserKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = 3 }).Fit(data);

        three.Core.Neighbors.IndexArray.Should().Equal(one.Core.Neighbors.IndexArray);
        three.Core.Neighbors.WeightArray.Should().Equal(one.Core.Neighbors.WeightArray);
    }

    /// <summary>User-kNN-Baseline beats the bias-only baseline on the default synthetic set (80/20): measured test RMSE 0.740 against 0.860.</summary>
    [Fact]
    public void Fit_Defaults_BeatTheBiasOnlyBaseline()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(SyntheticDataGenerator.Generate().Dataset, 0.2, seed: 1);

        UserKnnModel model = new UserKnnRecommender().Fit(split.Train);
        ItemKnnModel items = new ItemKnnRecommender().Fit(split.Train);

        RegressionMetrics.Compute(model, split.Test).Rmse.Should().BeLessThanOrEqualTo(0.9 * ItemKnnRecommenderTests.BaselineRmse(items, split.Test), "measured 0.740 against 0.860");
    }
}
