using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class SvdPlusPlusFactorizerTests
{
    /// <summary>
    /// MovieLens-100k-shaped synthetic ratings whose users choose what to rate by taste
    /// (<see cref="SyntheticOptions.TasteExposure"/> 2) with MovieLens-like noise (σ = 1), 80/20 random split:
    /// which items a user rated tells SVD++ something, and its defaults (Surprise's) beat biased SGD's
    /// defaults. Measured test RMSE 1.128× the noise floor against 1.158× (ratio 0.974; seed 2: 1.124× against
    /// 1.163×, 0.967); with σ = 0.5 the two are level (1.312× against 1.307×).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnTasteDrivenNoisyRatings_BeatBiasedSgd()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1, TasteExposure = 2, NoiseStdDev = 1 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.2, seed: 1);

        FactorizationModel svdPlusPlus = new SvdPlusPlusFactorizer().Fit(split.Train);
        // Biased SGD at its former defaults (λ 0.045), with which the ratio was measured: SVD++'s defaults
        // are Surprise's (λ 0.02); against biased SGD's current λ 0.08, measured on the real MovieLens 100k,
        // this noisy set measures 1.016×, and the comparison is then of penalties, not of models.
        FactorizationModel biased = new BiasedSgdFactorizer(new BiasedSgdOptions { Regularization = 0.045 }).Fit(split.Train);

        double floor = data.NoiseFloorRmse(split.Test);
        double test = Math.Sqrt(svdPlusPlus.MeanSquaredError(split.Test));
        test.Should().BeLessThanOrEqualTo(1.15 * floor, "measured 1.128×");
        test.Should().BeLessThanOrEqualTo(0.985 * Math.Sqrt(biased.MeanSquaredError(split.Test)), "measured 0.974×");
    }

    /// <summary>
    /// The comparison Surprise publishes (its defaults for SVD and SVD++; on MovieLens 100k, 5-fold RMSE
    /// 0.934 against 0.920), on the generator's default ratings (σ = 0.5, 80/20): SVD++ is at least 4 % better.
    /// Measured 1.340× against 1.408× the noise floor (ratio 0.952; seed 2: 1.326× against 1.384×).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnDefaultSyntheticRatings_BeatSurprisesSvdDefaults()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.2, seed: 1);

        FactorizationModel svdPlusPlus = new SvdPlusPlusFactorizer().Fit(split.Train);
        FactorizationModel svd = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 100, Iterations = 20, LearningRate = 0.005, Regularization = 0.02, LearningRateDecay = 1 }).Fit(split.Train);

        Math.Sqrt(svdPlusPlus.MeanSquaredError(split.Test)).Should().BeLessThanOrEqualTo(0.96 * Math.Sqrt(svd.MeanSquaredError(split.Test)), "measured 0.952×");
    }
}
