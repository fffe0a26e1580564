using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Evaluation;

public class RegressionMetricsTests
{
    // d = 1: U = (1, 2), V = (1, 2, 3); predictions u0: 1, 2, 3; u1: 2, 4, 6.
    private static FactorizationModel Plain() => FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 3), 1, [1, 2], [1, 2, 3]);

    // Ratings (0,0)=2, (0,2)=3, (1,1)=5, (1,2)=4: errors r − p = 1, 0, 1, −2.
    private static RatingsDataset Ratings(Catalog catalog) => Build(catalog, (0, 0, 2), (0, 2, 3), (1, 1, 5), (1, 2, 4));

    private static RatingsDataset Build(Catalog catalog, params (int User, int Item, float Value)[] ratings)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        foreach (var (u, i, v) in ratings)
        {
            builder.Add(catalog.Users[u], catalog.Items[i], v);
        }

        return builder.Build();
    }

    [Fact]
    public void Compute_HandModel_MatchesHandComputedErrors()
    {
        var model = Plain();
        var result = RegressionMetrics.Compute(model, Ratings(model.Catalog));

        result.Count.Should().Be(4);
        result.Mse.Should().BeApproximately(6.0 / 4, 1e-12);
        result.Rmse.Should().BeApproximately(Math.Sqrt(1.5), 1e-12);
        result.Mae.Should().BeApproximately(4.0 / 4, 1e-12);
    }

    [Fact]
    public void Compute_Mse_AgreesWithModelMeanSquaredError()
    {
        var model = Plain();
        var ratings = Ratings(model.Catalog);
        RegressionMetrics.Compute(model, ratings).Mse.Should().BeApproximately(model.MeanSquaredError(ratings), 1e-9);
    }

    [Fact]
    public void Compute_Clipped_ClampsPredictionsToScale()
    {
        // Prediction (1,2) = 6 is clipped to 5: errors 1, 0, 1, −1.
        var model = Plain();
        var result = RegressionMetrics.Compute(model, Ratings(model.Catalog), 1, 5);

        result.Mse.Should().BeApproximately(3.0 / 4, 1e-12);
        result.Rmse.Should().BeApproximately(Math.Sqrt(0.75), 1e-12);
        result.Mae.Should().BeApproximately(3.0 / 4, 1e-12);
    }

    [Fact]
    public void Compute_ClippedBelow_RaisesLowPredictions()
    {
        // Prediction (0,0) = 1 is raised to 1.5; rating 2: error 0.5 (was 1).
        var model = Plain();
        var ratings = Build(model.Catalog, (0, 0, 2));
        RegressionMetrics.Compute(model, ratings, 1.5f, 5).Mae.Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void Compute_ModelWithPredictionRange_ClampsLikePredict()
    {
        // Range [1.5, 3.5]: predictions 1, 3, 4, 6 become 1.5, 3, 3.5, 3.5; errors 0.5, 0, 1.5, 0.5.
        var model = Plain().WithPredictionRange(new RatingRange(1.5f, 3.5f));
        var ratings = Ratings(model.Catalog);

        var result = RegressionMetrics.Compute(model, ratings);

        result.Mse.Should().BeApproximately(2.75 / 4, 1e-12);
        result.Mae.Should().BeApproximately(2.5 / 4, 1e-12);
        result.Mse.Should().BeApproximately(model.MeanSquaredError(ratings), 1e-9);
    }

    [Fact]
    public void Compute_ModelRangeAndExplicitScale_AppliesBoth()
    {
        // Model range [1.5, 3.5] then scale [2, 3]: predictions 2, 3, 3, 3; errors 0, 0, 2, 1.
        var model = Plain().WithPredictionRange(new RatingRange(1.5f, 3.5f));

        var result = RegressionMetrics.Compute(model, Ratings(model.Catalog), 2, 3);

        result.Mse.Should().BeApproximately(5.0 / 4, 1e-12);
        result.Mae.Should().BeApproximately(3.0 / 4, 1e-12);
    }

    [Fact]
    public void Compute_Biases_UsesMeanPlusBiasesPlusDot()
    {
        // μ = 3, b_u = (0.5, −0.5), b_i = (0, 1, −1): (0,0) = 3 + 0.5 + 0 + 1 = 4.5; (1,2) = 3 − 0.5 − 1 + 6 = 7.5.
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 3), 1, [1, 2], [1, 2, 3], [0.5f, -0.5f], [0, 1, -1], 3);
        var ratings = Build(model.Catalog, (0, 0, 4), (1, 2, 5));

        var result = RegressionMetrics.Compute(model, ratings);

        result.Mse.Should().BeApproximately((0.25 + 6.25) / 2, 1e-12);
        result.Mae.Should().BeApproximately((0.5 + 2.5) / 2, 1e-12);
        result.Count.Should().Be(2);
    }

    [Fact]
    public void Spans_HandValues_MatchFormulas()
    {
        float[] predicted = [1, 2, 3];
        float[] actual = [2, 2, 5];

        RegressionMetrics.Mse(predicted, actual).Should().BeApproximately(5.0 / 3, 1e-12);
        RegressionMetrics.Rmse(predicted, actual).Should().BeApproximately(Math.Sqrt(5.0 / 3), 1e-12);
        RegressionMetrics.Mae(predicted, actual).Should().BeApproximately(1.0, 1e-12);
        RegressionMetrics.Compute(predicted, actual).Count.Should().Be(3);
    }

    [Fact]
    public void Spans_LargeValues_AccumulateInDouble()
    {
        // 10^6 errors of 0.1 each plus one of 1000: a float sum would lose the small terms.
        var predicted = new float[1_000_001];
        var actual = new float[predicted.Length];
        for (int i = 0; i < predicted.Length; i++)
        {
            actual[i] = 0.1f;
        }

        actual[^1] = 1000;
        double expected = ((1_000_000 * (double)0.1f) + 1000) / predicted.Length;
        RegressionMetrics.Mae(predicted, actual).Should().BeApproximately(expected, 1e-9);
    }

    [Fact]
    public void Spans_Empty_ThrowsNamingPredicted()
    {
        var act = () => RegressionMetrics.Mse([], []);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("predicted");
    }

    [Fact]
    public void Spans_LengthMismatch_ThrowsNamingActual()
    {
        var act = () => RegressionMetrics.Mae([1, 2], [1]);
        act.Should().Throw<ArgumentException>().WithMessage("*1 values*2*").Which.ParamName.Should().Be("actual");
    }

    [Fact]
    public void Compute_EmptyRatings_ThrowsNamingRatings()
    {
        var model = Plain();
        var act = () => RegressionMetrics.Compute(model, RatingsDataset.Empty(model.Catalog));
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
    }

    [Fact]
    public void Compute_OtherCatalogue_ThrowsNamingRatings()
    {
        var ratings = Build(Catalog.Sequential(3, 3), (2, 2, 4));
        var act = () => RegressionMetrics.Compute(Plain(), ratings);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
    }

    [Fact]
    public void Compute_InvalidRange_ThrowsNamingBound()
    {
        var model = Plain();
        var ratings = Ratings(model.Catalog);
        var nan = () => RegressionMetrics.Compute(model, ratings, float.NaN, 5);
        nan.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("minRating");
        var reversed = () => RegressionMetrics.Compute(model, ratings, 5, 1);
        reversed.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxRating");
    }

    [Fact]
    public void Compute_RankingOnlyModels_ThrowNamingTheModelKind()
    {
        var ratings = new RatingsDatasetBuilder().Add("a", "x", 4f).Add("a", "y", 2f).Add("b", "x", 5f).Add("b", "z", 1f).Build();
        FactorizationModel implicitAls = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 2, Iterations = 2 }).Fit(ratings);
        CollaborativeFiltering.Neural.SoftmaxModel softmax = new CollaborativeFiltering.Neural.SoftmaxTrainer(new CollaborativeFiltering.Neural.SoftmaxOptions { Dimensions = 2, Iterations = 2, BatchSize = 2 }).Fit(ratings);

        FluentActions.Invoking(() => RegressionMetrics.Compute(implicitAls, ratings)).Should().Throw<InvalidOperationException>().WithMessage("*trained by ImplicitAlsOptions*RankingMetrics*");
        FluentActions.Invoking(() => RegressionMetrics.Compute(implicitAls, ratings, 1, 5)).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => RegressionMetrics.Compute(softmax, ratings)).Should().Throw<InvalidOperationException>().WithMessage("*SoftmaxModel*");
    }
}
