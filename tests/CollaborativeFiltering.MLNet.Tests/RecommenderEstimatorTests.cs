using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using Microsoft.ML;

namespace CollaborativeFiltering.MLNet.Tests;

public sealed class RecommenderEstimatorTests
{
    /// <summary>Each trainer with small options, through ML.NET and directly.</summary>
    public static TheoryData<string> Trainers() => ["GradientDescent", "Regularized", "BiasedSgd", "Als", "ImplicitAls", "Softmax"];

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Fit_InAPipelineAfterMapValueToKey_PredictsBitForBitAsTheDirectApi(string trainer)
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        (IEstimator<ITransformer> estimator, ITrainer<IRecommenderModel> direct) = Create(mlContext, trainer);

        var pipeline = TestData.MapIdsToKeys(mlContext).Append(estimator).Fit(data);
        float[] scores = TestData.Scores(pipeline.Transform(data));

        IRecommenderModel model = direct.Fit(TestData.Dataset(rows));
        float[] expected = rows.Select(r => model.Predict(model.Catalog.Users.IndexOf(r.UserId), model.Catalog.Items.IndexOf(r.ItemId))).ToArray();
        scores.Should().OnlyContain(s => float.IsFinite(s), "every row's user and item have keys");
        scores.Distinct().Should().HaveCountGreaterThan(rows.Length / 10, "a trained model tells pairs apart");
        scores.Should().Equal(expected, "the same rows, options and seed give the same model, whichever API trains it");
    }

    private static (IEstimator<ITransformer> Estimator, ITrainer<IRecommenderModel> Direct) Create(MLContext mlContext, string trainer)
    {
        CollaborativeFilteringCatalog cf = mlContext.CollaborativeFiltering();
        switch (trainer)
        {
            case "GradientDescent":
                var gd = new GradientDescentOptions { Dimensions = 4, Iterations = 50, InitStdDev = 0.1, LearningRate = 1 };
                return (cf.GradientDescent("userKey", "itemKey", nameof(RatingRow.Rating), gd), new GradientDescentFactorizer(gd));
            case "Regularized":
                var reg = new RegularizedOptions { Dimensions = 4, Iterations = 50, LearningRate = 1 };
                return (cf.Regularized("userKey", "itemKey", nameof(RatingRow.Rating), reg), new RegularizedFactorizer(reg));
            case "BiasedSgd":
                var sgd = new BiasedSgdOptions { Dimensions = 4, Iterations = 10 };
                return (cf.BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), sgd), new BiasedSgdFactorizer(sgd));
            case "Als":
                var als = new AlsOptions { Dimensions = 4, Iterations = 5 };
                return (cf.Als("userKey", "itemKey", nameof(RatingRow.Rating), als), new AlsFactorizer(als));
            case "ImplicitAls":
                var implicitAls = new ImplicitAlsOptions { Dimensions = 4, Iterations = 5 };
                return (cf.ImplicitAls("userKey", "itemKey", nameof(RatingRow.Rating), implicitAls), new ImplicitAlsFactorizer(implicitAls));
            default:
                var softmax = new SoftmaxOptions { Dimensions = 4, ItemEmbeddingDimensions = 4, HiddenLayerSizes = [8], Iterations = 30, BatchSize = 16 };
                return (cf.Softmax("userKey", "itemKey", nameof(RatingRow.Rating), softmax), new SoftmaxTrainer(softmax));
        }
    }
}
