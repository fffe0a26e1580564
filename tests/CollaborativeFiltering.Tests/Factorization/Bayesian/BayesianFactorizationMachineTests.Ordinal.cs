using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using System.Text.Json;
using CollaborativeFiltering.Factorization.Bayesian;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>The factorization machine's ordinal likelihood (<see cref="FactorizationMachineOptions.OrdinalRatings"/>).</summary>
public sealed partial class BayesianFactorizationMachineTests
{
    /// <summary>After a sweep every latent score lies in its rating's interval (open beyond the scale's ends), none is left at its rating, the the dataset's ratings are untouched.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Step_OrdinalRatings_LatentScoresInTheirRatingsIntervals(bool halfStars)
    {
        SyntheticOptions shape = new() { Users = 150, Items = 120, Ratings = 6000, Dimensions = 3, Seed = 9, HalfStars = halfStars };
        RatingsDataset train = SyntheticDataGenerator.Generate(shape).Dataset;
        float[] before = train.ByUser.Values.ToArray();
        using FmTraining training = new BayesianFactorizationMachine(Quick with { OrdinalRatings = true }).CreateTraining(train);

        training.Step(1, CancellationToken.None);
        double[] afterFirst = [.. training.Residuals];
        training.Step(2, CancellationToken.None);

        double half = halfStars ? 0.25 : 0.5, min = before.Min(), max = before.Max();
        ReadOnlySpan<float> latent = training.FittedValues;
        latent.Length.Should().Be(before.Length);
        int moved = 0;
        for (int n = 0; n < before.Length; n++)
        {
            float r = before[n];
            if (r > min)
            {
                latent[n].Should().BeGreaterThanOrEqualTo((float)(r - half));
            }

            if (r < max)
            {
                latent[n].Should().BeLessThanOrEqualTo((float)(r + half));
            }

            moved += latent[n] != r ? 1 : 0;
        }

        moved.Should().Be(before.Length, "every score is drawn, none left at its rating");
        training.Residuals.Should().NotEqual(afterFirst, "the second sweep draws new scores");
        train.ByUser.Values.ToArray().Should().Equal(before, "the dataset's own ratings are not touched");
    }

    /// <summary>The latent scores are drawn per fixed block of ratings from the block's own stream: one thread and three give the same chain, bit for bit.</summary>
    [Fact]
    public void Fit_OrdinalRatingsOneAndThreeThreads_BitIdentical()
    {
        // 18,000 training ratings: several blocks of 4,096 for the latent draws.
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 600, Items = 300, Ratings = 20_000, Dimensions = 3, Seed = 5 }).Dataset;
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.1, seed: 3);
        FactorizationMachineOptions options = Quick with { OrdinalRatings = true, StoredSamples = 3, Iterations = 12 };
        var reports = new List<TrainingProgress>[] { [], [] };

        FactorizationMachineModel one = new BayesianFactorizationMachine(options with { MaxDegreeOfParallelism = 1 }).Fit(split.Train, split.Test, new Collect(reports[0]));
        FactorizationMachineModel three = new BayesianFactorizationMachine(options with { MaxDegreeOfParallelism = 3 }) { MinParallelWork = 0 }.Fit(split.Train, split.Test, new Collect(reports[1]));

        three.UserEmbeddings.ToArray().Should().Equal(one.UserEmbeddings.ToArray());
        three.ItemBiases.ToArray().Should().Equal(one.ItemBiases.ToArray());
        three.NoisePrecision.Should().Be(one.NoisePrecision);
        three.ContextFree.Posterior!.UserArray.Should().Equal(one.ContextFree.Posterior!.UserArray);
        reports[1].Select(r => (r.TrainMse, r.ValidationMse)).Should().Equal(reports[0].Select(r => (r.TrainMse, r.ValidationMse)));
        FactorizationMachineModel gaussian = new BayesianFactorizationMachine(options with { OrdinalRatings = false, MaxDegreeOfParallelism = 1 }).Fit(split.Train);
        gaussian.UserEmbeddings.ToArray().Should().NotEqual(one.UserEmbeddings.ToArray(), "the option changes the chain");
    }

    [Fact]
    public void Fit_OrdinalRatingsOffTheStarGrid_ThrowsNamingTheOption()
    {
        RatingsDataset data = new RatingsDatasetBuilder().Add("u", "a", 3f).Add("u", "b", 3.7f).Add("v", "a", 4f).Build();

        FluentActions.Invoking(() => new BayesianFactorizationMachine(Quick with { OrdinalRatings = true }).Fit(data))
            .Should().Throw<ArgumentException>().Where(e => e.Message.Contains("OrdinalRatings") && e.Message.Contains("3.7"));
        new BayesianFactorizationMachine(Quick).Fit(data).Should().NotBeNull("the Gaussian likelihood takes any rating");
    }

    /// <summary>The options travel in the model file's JSON: the flag round-trips, and a file without it (every file written before it) loads with it off.</summary>
    [Fact]
    public void ModelFileSave_OrdinalRatings_RoundTripsTheOption()
    {
        FactorizationMachineModel model = new BayesianFactorizationMachine(Quick with { OrdinalRatings = true, Iterations = 8, StoredSamples = 2 }).Fit(Small.Value.Dataset);

        var loaded = (FactorizationMachineModel)ModelFile.Load(new MemoryStream(SaveFm(model)));

        loaded.Options.OrdinalRatings.Should().BeTrue();
        loaded.Options.Should().Be(model.Options);
        loaded.Predict(U(3), I(9)).Should().Be(model.Predict(U(3), I(9)));
        model.Predict(U(3), I(9)).Should().BeInRange(1, 5, "predictions are clipped to the scale");

        // A file written before the option has no such key in its options JSON: read as the loader reads it, the option is off.
        string json = System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(model.Options, FmOptionsJsonContext.Default.FactorizationMachineOptions));
        string older = json.Replace("\"OrdinalRatings\":true,", string.Empty, StringComparison.Ordinal).Replace(",\"OrdinalRatings\":true", string.Empty, StringComparison.Ordinal);
        older.Should().NotContain("OrdinalRatings");
        var read = (FactorizationMachineOptions)OptionsJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(older), FmOptionsJsonContext.Default.FactorizationMachineOptions, new FactorizationMachineOptions())!;
        read.Should().Be(model.Options with { OrdinalRatings = false });
    }
}
