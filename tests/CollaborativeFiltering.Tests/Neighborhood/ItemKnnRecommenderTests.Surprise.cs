using CollaborativeFiltering.Neighborhood;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>
/// Item-kNN configured as Surprise's item-based kNN algorithms (no shrinkage, min_k = 1, k = 3 so that the choice of
/// neighbours matters), against the predictions Surprise 1.1.4 itself computed on
/// <see cref="NeighborhoodTestData.SurpriseToy"/> with <c>sim_options={"user_based": False, "name": ...}</c>.
/// Surprise computes <c>pearson_baseline</c> only from two shared ratings, hence <see cref="KnnOptions.MinSupport"/> = 2
/// there, and shrinks it by (n − 1)/(n − 1 + λ) where ours shrinks by n/(n + λ), hence λ = 0 (shrinkage 0 on its side).
/// </summary>
public sealed partial class ItemKnnRecommenderTests
{
    public static TheoryData<KnnSimilarity, KnnPredictor, int, float[]> SurprisePredictions => new()
    {
        {
            KnnSimilarity.PearsonBaseline, KnnPredictor.WithBaseline, 2,
            [2.2523081f, 1.0000000f, 3.7081468f, 2.4383243f, 4.8331926f, 3.1394075f, 4.8235848f, 2.6310905f, 1.9034581f, 2.3280966f, 1.8515566f,
             2.6044535f, 2.4957481f, 2.5255791f, 3.2661648f, 2.3716642f, 2.5480794f, 2.3967789f, 2.9639793f, 2.5166588f, 2.5464897f]
        },
        {
            KnnSimilarity.Pearson, KnnPredictor.WithMeans, 1,
            [2.3333333f, 2.3333333f, 3.4729704f, 2.3333333f, 4.5000000f, 4.0066667f, 2.3333333f, 2.3333333f, 1.5710466f, 2.3333333f, 1.5000000f,
             3.4066667f, 2.3333333f, 2.3333333f, 4.0111111f, 2.3333333f, 3.0000000f, 2.3333333f, 2.6843581f, 2.3333333f, 2.3333333f]
        },
        {
            KnnSimilarity.Cosine, KnnPredictor.Basic, 1,
            [2.0000000f, 1.7127136f, 2.9969462f, 2.8316584f, 2.6653237f, 4.0138318f, 2.6377539f, 4.0000000f, 2.0000000f, 2.0000000f, 2.0000000f,
             2.3436119f, 2.4377408f, 3.0000000f, 1.9926211f, 2.4381913f, 1.9588541f, 2.0000000f, 2.9857420f, 3.7387961f, 2.3333333f]
        },
    };

    [Theory]
    [MemberData(nameof(SurprisePredictions))]
    public void Predict_ConfiguredAsSurprisesItemBasedKnn_EqualsSurprisesPredictions(KnnSimilarity similarity, KnnPredictor predictor, int minSupport, float[] surprise)
    {
        var options = new KnnOptions { Similarity = similarity, Predictor = predictor, MinSupport = minSupport, Shrinkage = 0, Neighbors = 3 };

        ItemKnnModel model = new ItemKnnRecommender(options).Fit(NeighborhoodTestData.SurpriseToy());

        NeighborhoodTestData.SurpriseToyPredictions(model).Should().Equal(surprise, (a, b) => Math.Abs(a - b) < 1e-5);
    }
}
