using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class SvdPlusPlusFactorizerTests
{
    /// <summary>Surprise's <c>SVDpp</c> settings: 20 factors, 20 epochs, learning rate 0.007, every penalty 0.02, no decay.</summary>
    private static SvdPlusPlusOptions SurprisesSettings => new() { Dimensions = 20, Iterations = 20, LearningRate = 0.007, Regularization = 0.02, LearningRateDecay = 1 };

    /// <summary>
    /// MovieLens-100k-shaped synthetic ratings whose users choose what to rate by taste
    /// (<see cref="SyntheticOptions.TasteExposure"/> 2) with MovieLens-like noise (σ = 1), 80/20 random split:
    /// the defaults (biased SGD's penalties) beat Surprise's settings and hold level with biased SGD's
    /// defaults. Measured test RMSE 1.117× the noise floor, against 1.128× with Surprise's settings and 1.116×
    /// for biased SGD (seed 2: 1.113×, 1.122×, 1.117×).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnTasteDrivenNoisyRatings_BeatSurprisesSettingsAndHoldLevelWithBiasedSgd()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1, TasteExposure = 2, NoiseStdDev = 1 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.2, seed: 1);

        double test = Math.Sqrt(new SvdPlusPlusFactorizer().Fit(split.Train).MeanSquaredError(split.Test));
        double surprise = Math.Sqrt(new SvdPlusPlusFactorizer(SurprisesSettings).Fit(split.Train).MeanSquaredError(split.Test));
        double biased = Math.Sqrt(new BiasedSgdFactorizer().Fit(split.Train).MeanSquaredError(split.Test));

        double floor = data.NoiseFloorRmse(split.Test);
        test.Should().BeLessThanOrEqualTo(1.125 * floor, "measured 1.117×");
        test.Should().BeLessThanOrEqualTo(0.995 * surprise, "measured 1.117× against 1.128×");
        test.Should().BeLessThanOrEqualTo(1.005 * biased, "measured 1.117× against 1.116×");
    }

    /// <summary>
    /// The comparison Surprise publishes (its defaults for SVD and SVD++; on MovieLens 100k, 5-fold RMSE
    /// 0.934 against 0.920), on the generator's default ratings (σ = 0.5, 80/20): SVD++ at its defaults is at
    /// least 8 % better than Surprise's SVD. Measured 1.270× against 1.408× the noise floor (ratio 0.902;
    /// seed 2: 1.253× against 1.370×, 0.915); biased SGD's defaults measured 1.279×.
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnDefaultSyntheticRatings_BeatSurprisesSvdDefaults()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.2, seed: 1);

        FactorizationModel svdPlusPlus = new SvdPlusPlusFactorizer().Fit(split.Train);
        FactorizationModel svd = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 100, Iterations = 20, LearningRate = 0.005, Regularization = 0.02, LearningRateDecay = 1 }).Fit(split.Train);

        Math.Sqrt(svdPlusPlus.MeanSquaredError(split.Test)).Should().BeLessThanOrEqualTo(0.92 * Math.Sqrt(svd.MeanSquaredError(split.Test)), "measured 0.902×");
    }
}
