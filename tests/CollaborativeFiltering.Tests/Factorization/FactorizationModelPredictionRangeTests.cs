using System.Numerics.Tensors;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Factorization;

public class FactorizationModelPredictionRangeTests
{
    // U = [[1, 2], [0, -1]], V = [[1, 0], [0, 1], [2, 2]]: raw predictions u0: 1, 2, 6; u1: 0, -1, -2.
    private static readonly Catalog TwoByThree = Catalog.Sequential(2, 3);
    private static readonly float[] U = [1, 2, 0, -1];
    private static readonly float[] V = [1, 0, 0, 1, 2, 2];
    private static readonly RatingRange HalfToFive = new(0.5f, 5f);

    private static FactorizationModel Ranged() => FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V).WithPredictionRange(HalfToFive);

    [Fact]
    public void Predict_WithRange_ClampsAboveToMaxBelowToMinAndKeepsInside()
    {
        FactorizationModel model = Ranged();

        model.Predict(U(0), I(2)).Should().Be(5f, "6 is above the maximum");
        model.Predict(U(1), I(1)).Should().Be(0.5f, "-1 is below the minimum");
        model.Predict(U(1), I(0)).Should().Be(0.5f, "0 is below the minimum");
        model.Predict(U(0), I(0)).Should().BeApproximately(1f, 1e-6f);
        model.Predict(U(0), I(1)).Should().BeApproximately(2f, 1e-6f);
        model.Predict("1", "3").Should().Be(5f);
        model.Predict("2", "3").Should().Be(0.5f);
    }

    [Fact]
    public void Predict_WithBiasesAndRange_ClampsTheBiasedPrediction()
    {
        // μ = 3, b_u = (0.5, -0.5), b_i = (0.1, 0.2, 0.3): (0,2) = 3 + 0.5 + 0.3 + 6 = 9.8 -> 5; (1,0) = 3 - 0.5 + 0.1 + 0 = 2.6.
        FactorizationModel model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V, [0.5f, -0.5f], [0.1f, 0.2f, 0.3f], 3f)
            .WithPredictionRange(new RatingRange(1, 5));

        model.Predict(U(0), I(2)).Should().Be(5f);
        model.Predict(U(1), I(0)).Should().BeApproximately(2.6f, 1e-5f);
    }

    [Fact]
    public void MeanSquaredError_WithRange_UsesClampedPredictions()
    {
        var ratings = new RatingsDatasetBuilder(TwoByThree).Add(new Rating(U(0), I(0), 3)).Add(new Rating(U(0), I(2), 5)).Add(new Rating(U(1), I(1), 1)).Build();

        // Clamped: 3 − 1 = 2; 5 − 5 = 0; 1 − 0.5 = 0.5 -> (4 + 0 + 0.25) / 3. Raw: 2, 5 − 6 = −1, 1 − (−1) = 2 -> 9 / 3.
        Ranged().MeanSquaredError(ratings).Should().BeApproximately(4.25 / 3, 1e-9);
        Ranged().WithPredictionRange(null).MeanSquaredError(ratings).Should().BeApproximately(3.0, 1e-9);
        RegressionMetrics.Compute(Ranged(), ratings).Mse.Should().BeApproximately(4.25 / 3, 1e-9);
    }

    [Fact]
    public void WithPredictionRange_SharesEverythingElseAndLeavesTheOriginalUnchanged()
    {
        FactorizationModel plain = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V);

        FactorizationModel ranged = plain.WithPredictionRange(HalfToFive);

        plain.PredictionRange.Should().BeNull();
        plain.Predict(U(0), I(2)).Should().BeApproximately(6f, 1e-6f);
        ranged.PredictionRange.Should().Be(HalfToFive);
        ranged.Catalog.Should().BeSameAs(plain.Catalog);
        ranged.UserEmbeddings.ToArray().Should().Equal(U);
        ranged.ItemEmbeddings.ToArray().Should().Equal(V);
        ranged.Options.Should().Be(plain.Options);
        ranged.WithPredictionRange(null).Predict(U(0), I(2)).Should().BeApproximately(6f, 1e-6f);
    }

    [Fact]
    public void BiasedSgd_Default_ClampsToTheTrainingRangeAndClipOffDoesNot()
    {
        RatingsDataset train = Extremes();
        var options = new BiasedSgdOptions { Dimensions = 8, Iterations = 200, LearningRate = 0.05, Regularization = 0, BiasRegularization = 0, LearningRateDecay = 1, InitStdDev = 0.5 };

        FactorizationModel clipped = new BiasedSgdFactorizer(options).Fit(train);
        FactorizationModel raw = new BiasedSgdFactorizer(options with { ClipPredictions = false }).Fit(train);

        AssertClampedVersusRaw(clipped, raw, new RatingRange(2, 4));
    }

    [Fact]
    public void Als_Default_ClampsToTheTrainingRangeAndClipOffDoesNot()
    {
        RatingsDataset train = Extremes();
        var options = new AlsOptions { Dimensions = 8, Iterations = 20, Regularization = 1e-4, InitStdDev = 1 };

        FactorizationModel clipped = new AlsFactorizer(options).Fit(train);
        FactorizationModel raw = new AlsFactorizer(options with { ClipPredictions = false }).Fit(train);

        AssertClampedVersusRaw(clipped, raw, new RatingRange(2, 4));
    }

    [Fact]
    public void Als_NoBiases_StillClampsToTheTrainingRange()
    {
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 3, UseBiases = false }).Fit(AlsTestData.Tiny());

        model.PredictionRange.Should().Be(new RatingRange(1, 5));
    }

    [Fact]
    public void ClipPredictions_DefaultsToTrueOnBothOptions()
    {
        new BiasedSgdOptions().ClipPredictions.Should().BeTrue();
        new AlsOptions().ClipPredictions.Should().BeTrue();
    }

    [Fact]
    public void NotebookAndImplicitModels_HaveNoPredictionRange()
    {
        RatingsDataset train = AlsTestData.Tiny();

        new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 3 }).Fit(train).PredictionRange.Should().BeNull();
        new RegularizedFactorizer(new RegularizedOptions { Dimensions = 2, Iterations = 3 }).Fit(train).PredictionRange.Should().BeNull();
        new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 2, Iterations = 3 }).Fit(train).PredictionRange.Should().BeNull();
        FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V).PredictionRange.Should().BeNull();
    }

    [Fact]
    public void Recommend_RangedModel_RanksByUnclampedScores()
    {
        // Items 0..2 score b_i + ⟨p_0, q_i⟩ = 1, 2, 9: all three would tie at 1 if ranking scores were clamped.
        FactorizationModel model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V, [0f, 0f], [0f, 0f, 3f], 0f)
            .WithPredictionRange(new RatingRange(0, 1));

        IReadOnlyList<Recommendation> top = Recommender.Recommend(model, U(0), 3);

        top.Select(r => r.Item.Value).Should().Equal(2, 1, 0);
        top[0].Score.Should().BeApproximately(9f, 1e-5f);
    }

    /// <summary>30 users × 20 items, each rating 2 or 4 by the parity of u + i plus a random flip, so an unregularized model overshoots on unseen pairs.</summary>
    private static RatingsDataset Extremes()
    {
        var random = new Random(5);
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(30, 20));
        for (int u = 0; u < 30; u++)
        {
            for (int i = 0; i < 20; i++)
            {
                if (random.NextDouble() < 0.4)
                {
                    bool high = ((u + i) % 2 == 0) ^ (random.NextDouble() < 0.2);
                    builder.Add(new Rating(U(u), I(i), high ? 4 : 2));
                }
            }
        }

        return builder.Build();
    }

    private static void AssertClampedVersusRaw(FactorizationModel clipped, FactorizationModel raw, RatingRange expected)
    {
        clipped.PredictionRange.Should().Be(expected);
        raw.PredictionRange.Should().BeNull();
        int outside = 0;
        for (int u = 0; u < raw.UserCount; u++)
        {
            for (int i = 0; i < raw.ItemCount; i++)
            {
                float unclamped = raw.UserBiases[u] + raw.GlobalMean + raw.ItemBiases[i] + TensorPrimitives.Dot(raw.GetUserEmbedding(U(u)), raw.GetItemEmbedding(I(i)));
                raw.Predict(U(u), I(i)).Should().BeApproximately(unclamped, 1e-4f);
                outside += expected.Contains(unclamped) ? 0 : 1;
                clipped.WithPredictionRange(null).Predict(U(u), I(i)).Should().Be(raw.Predict(U(u), I(i)), "clipping does not change training");
                clipped.Predict(U(u), I(i)).Should().Be(expected.Clamp(raw.Predict(U(u), I(i))));
            }
        }

        outside.Should().BeGreaterThan(0, "some raw predictions must leave [2, 4] for the test to exercise clamping");
    }
}
