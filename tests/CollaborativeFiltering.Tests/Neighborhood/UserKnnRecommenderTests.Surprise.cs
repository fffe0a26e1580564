using CollaborativeFiltering.Neighborhood;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>
/// User-kNN configured as Surprise's kNN algorithms at their defaults (user-based MSD similarity, no shrinkage,
/// min_k = 1, ALS baselines), here with k = 3 so that the choice of neighbours matters, against the predictions
/// Surprise 1.1.4 itself computed on <see cref="NeighborhoodTestData.SurpriseToy"/> (<c>KNNBasic(k=3)</c>,
/// <c>KNNWithMeans(k=3)</c>, <c>KNNBaseline(k=3)</c>). <c>benchmarks/peers/surprise-compare.sh</c> makes the
/// same comparison on 100k ratings.
/// </summary>
public sealed partial class UserKnnRecommenderTests
{
    public static TheoryData<KnnPredictor, float[]> SurprisePredictions => new()
    {
        {
            KnnPredictor.Basic,
            [1.7241379f, 2.4980843f, 2.6666667f, 2.4444444f, 2.8064516f, 2.9083665f, 2.4000000f, 2.2068966f, 2.4761905f, 2.1428571f, 2.8604651f,
             3.7560976f, 1.7346939f, 2.2195122f, 4.0000000f, 2.1250000f, 2.5384615f, 2.2000000f, 1.8750000f, 1.5000000f, 2.1313869f]
        },
        {
            KnnPredictor.WithMeans,
            [1.1750000f, 1.9005747f, 2.5833333f, 2.1666667f, 2.5354839f, 3.8890438f, 3.1615385f, 3.4293103f, 2.2357143f, 1.7142857f, 2.3337209f,
             4.2573171f, 2.0102041f, 2.7207317f, 3.5000000f, 1.5625000f, 1.8923077f, 2.0400000f, 2.5000000f, 2.1250000f, 2.7854015f]
        },
        {
            KnnPredictor.WithBaseline,
            [1.5507019f, 2.3387982f, 2.6404897f, 2.3916387f, 2.7584267f, 3.1371167f, 2.5725833f, 2.4811866f, 2.4143050f, 2.0275368f, 2.7579125f,
             3.8786228f, 1.7878074f, 2.3420375f, 3.9408268f, 2.0512276f, 2.4561887f, 2.2118045f, 1.9662581f, 1.5912581f, 2.2513507f]
        },
    };

    [Theory]
    [MemberData(nameof(SurprisePredictions))]
    public void Predict_ConfiguredAsSurprisesDefaults_EqualsSurprisesPredictions(KnnPredictor predictor, float[] surprise)
    {
        var options = new KnnOptions { Similarity = KnnSimilarity.MeanSquaredDifference, Predictor = predictor, Shrinkage = 0, Neighbors = 3 };

        UserKnnModel model = new UserKnnRecommender(options).Fit(NeighborhoodTestData.SurpriseToy());

        NeighborhoodTestData.SurpriseToyPredictions(model).Should().Equal(surprise, (a, b) => Math.Abs(a - b) < Tolerance);
    }
}
