using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class BayesianFactorizationMachineTests
{
    /// <summary>
    /// Issue 15, point 6, at the 100k-rating shape (943 × 1,682, seed 7, 90/10 random split; the 1M shape
    /// takes about half a minute of CPU and stays out of the suite): the FM at its defaults (rank 10, 200
    /// sweeps, the default blocks) reaches 1.1433× the noise floor, ids only 1.1509× (BPMF 1.1484×). On the
    /// 1M shape (6,040 × 3,706, seed 7): defaults 1.0639×, ids only 1.0638×, rank 8 ids only 1.0642×; the
    /// running posterior mean stops moving by sweep 100 there, so more samples do not close the gap. The ordinal
    /// likelihood (<see cref="FactorizationMachineOptions.OrdinalRatings"/>) does: 1.0548× ids only, 1.0561× at the
    /// defaults (measured with a scratch harness, not a test: a 1M fit is too slow for the suite).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnHundredThousandSyntheticRatings_ComesWithinFifteenPercentOfTheNoiseFloor()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 943, Items = 1682, Ratings = 100_000, Seed = 7 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.1, seed: 3);

        FactorizationMachineModel model = new BayesianFactorizationMachine().Fit(split.Train);

        double floor = data.NoiseFloorRmse(split.Test);
        double test = Math.Sqrt(model.ContextFree.MeanSquaredError(split.Test));
        test.Should().BeLessThanOrEqualTo(1.15 * floor, "measured 1.1433×");
        test.Should().BeGreaterThan(data.BayesOptimalRmse(split.Test), "no model beats E[r | u, i]");
    }
}
