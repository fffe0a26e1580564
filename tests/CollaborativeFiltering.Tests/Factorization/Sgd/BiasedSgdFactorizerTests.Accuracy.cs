using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class BiasedSgdFactorizerTests
{
    /// <summary>
    /// MovieLens-1M-shaped synthetic data (planted rank 8, noise σ = 0.5, 90/10 random split) with
    /// the default options (d = 50, λ = 0.08, predictions clamped to the training range [1, 5]): the
    /// test RMSE is at most 1.16× the noise floor (the error of the planted model itself). Measured
    /// 1.1477× on seed 1 (seed 2: 1.1469×). The defaults were chosen on the real MovieLens 100k, where
    /// noise dominates and λ = 0.08 is best; on this clean, strongly structured data the stronger
    /// penalty costs accuracy (the former λ = 0.045, chosen on this generator, measured 1.0967× here but
    /// overfits MovieLens 100k: 0.943 against 0.926 test RMSE on the u1 split).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnMillionSyntheticRatings_ComesWithinSixteenPercentOfTheNoiseFloor()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 1 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.1, seed: 1);

        FactorizationModel model = new BiasedSgdFactorizer().Fit(split.Train);

        double floor = data.NoiseFloorRmse(split.Test);
        double test = Math.Sqrt(model.MeanSquaredError(split.Test));
        model.PredictionRange.Should().Be(new RatingRange(1, 5));
        test.Should().BeLessThanOrEqualTo(1.16 * floor, "measured 1.1477×");
        test.Should().BeGreaterThan(floor * 0.98, "no model beats the planted one by much");
        Math.Sqrt(model.MeanSquaredError(split.Train)).Should().BeLessThan(test);
    }

    /// <summary>
    /// MovieLens-100k-shaped synthetic data (the generator's defaults): biased SGD's test RMSE is
    /// within 26 % of the noise floor (measured 1.236× on seed 2, 1.246× and 1.269× on seeds 4 and 3) and far below the
    /// notebook's plain model (measured 0.59× of a 200-iteration run, 0.72× of the full 1000).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnHundredThousandSyntheticRatings_BeatThePlainModelByFar()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 2 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.1, seed: 2);

        FactorizationModel biased = new BiasedSgdFactorizer().Fit(split.Train);
        FactorizationModel plain = new GradientDescentFactorizer(new GradientDescentOptions { Iterations = 200 }).Fit(split.Train);

        double test = Math.Sqrt(biased.MeanSquaredError(split.Test));
        test.Should().BeLessThanOrEqualTo(1.26 * data.NoiseFloorRmse(split.Test));
        test.Should().BeLessThan(0.75 * Math.Sqrt(plain.MeanSquaredError(split.Test)));
    }

    /// <summary>
    /// Issue 12, point 1, on the stand-in for MovieLens 100k (<see cref="SyntheticOptions.RealisticMovieLens100K"/>,
    /// random 90/10 split): the defaults (λ = 0.08) beat the former λ = 0.045, which overfits as it did on
    /// the real data (training MSE 0.32 there, 0.37 here). Measured 0.9319 against 0.9511 test RMSE (real
    /// MovieLens 100k, u1 split: 0.926 against 0.943).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnRealisticMovieLens100K_BeatTheFormerOverfittingDefaults()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K).Dataset, 0.1, seed: 1);

        FactorizationModel model = new BiasedSgdFactorizer().Fit(split.Train);
        FactorizationModel former = new BiasedSgdFactorizer(new BiasedSgdOptions { Regularization = 0.045 }).Fit(split.Train);

        double test = Math.Sqrt(model.MeanSquaredError(split.Test)), formerTest = Math.Sqrt(former.MeanSquaredError(split.Test));
        test.Should().BeLessThan(0.94, "measured 0.9319");
        test.Should().BeLessThan(formerTest - 0.012, "measured 0.9511 for λ = 0.045");
        former.MeanSquaredError(split.Train).Should().BeLessThan(0.4, "the former default overfits: training MSE far below the test MSE");
    }
}
