using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class BiasedSgdFactorizerTests
{
    /// <summary>
    /// MovieLens-1M-shaped synthetic data (planted rank 8, noise σ = 0.5, 90/10 random split) with
    /// the default options (d = 50, λ = 0.045, predictions clamped to the training range [1, 5]): the
    /// test RMSE is at most 1.10× the noise floor (the error of the planted model itself), the
    /// issue's target. Measured 1.0967× on seed 1 (seeds 2 and 7: 1.0970×, 1.0977×); the earlier
    /// defaults (d = 100, λ = 0.05) measured 1.1034× clamped, 1.1076× unclamped.
    /// </summary>
    [Fact]
    public void Fit_DefaultsOnMillionSyntheticRatings_ComesWithinTenPercentOfTheNoiseFloor()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 1 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.1, seed: 1);

        FactorizationModel model = new BiasedSgdFactorizer().Fit(split.Train);

        double floor = data.NoiseFloorRmse(split.Test);
        double test = Math.Sqrt(model.MeanSquaredError(split.Test));
        model.PredictionRange.Should().Be(new RatingRange(1, 5));
        test.Should().BeLessThanOrEqualTo(1.10 * floor, "measured 1.0967×");
        test.Should().BeGreaterThan(floor * 0.98, "no model beats the planted one by much");
        Math.Sqrt(model.MeanSquaredError(split.Train)).Should().BeLessThan(test);
    }

    /// <summary>
    /// MovieLens-100k-shaped synthetic data (the generator's defaults): biased SGD's test RMSE is
    /// within 26 % of the noise floor (measured 1.21–1.23× on three seeds) and far below the
    /// notebook's plain model (measured 0.59× of a 200-iteration run, 0.72× of the full 1000).
    /// </summary>
    [Fact]
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
}
