using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Als;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class AlsFactorizerTests
{
    // ------------------------------------------------------------------ hand-computed half-sweeps

    /// <summary>
    /// d = 1, no biases, λ = 0.5, V = (1, 2, −1, 0.5): each user's p = Σ q_i r_i / (Σ q_i² + λ·n_u):
    /// u0 (i0: 5, i1: 3): 11 / (5 + 1) = 11/6; u1 (i0: 4, i2: 1): 3 / (2 + 1) = 1;
    /// u2 (i1: 2, i2: 5): −1 / (5 + 1) = −1/6.
    /// </summary>
    [Fact]
    public void SolveUsers_OneDimensionWithoutBiases_EqualsHandComputedRidge()
    {
        var factorizer = new AlsFactorizer(new AlsOptions { Dimensions = 1, Regularization = 0.5, UseBiases = false, MaxDegreeOfParallelism = 1 });
        using AlsTraining trainer = factorizer.CreateTrainer(AlsTestData.Tiny(), [1f, 2f, -1f, 0.5f]);

        trainer.SolveUsers(CancellationToken.None).Should().BeTrue();

        trainer.Users.Should().Equal([11f / 6, 1f, -1f / 6], (a, e) => Math.Abs(a - e) < 1e-6);
        trainer.GlobalMean.Should().Be(0);
    }

    /// <summary>
    /// d = 1 with biases, λ = 0.5, V = (1, 2, −1, 0.5), item biases 0, μ = 10/3. User 0 solves
    /// [p; b] against z = (q, 1) with targets t = r − μ = (5/3, −1/3):
    /// A = ZᵀZ + λ·2·I = [[6, 3], [3, 3]], Zᵀt = (1, 4/3), so [p; b] = A⁻¹·(1, 4/3) = (−1/9, 5/9).
    /// </summary>
    [Fact]
    public void SolveUsers_OneDimensionWithBiases_SolvesFactorAndBiasJointly()
    {
        var factorizer = new AlsFactorizer(new AlsOptions { Dimensions = 1, Regularization = 0.5, MaxDegreeOfParallelism = 1 });
        using AlsTraining trainer = factorizer.CreateTrainer(AlsTestData.Tiny(), [1f, 2f, -1f, 0.5f]);

        trainer.SolveUsers(CancellationToken.None).Should().BeTrue();

        trainer.GlobalMean.Should().BeApproximately(10f / 3, 1e-6f);
        trainer.Users[0].Should().BeApproximately(-1f / 9, 1e-6f);
        trainer.UserBiases[0].Should().BeApproximately(5f / 9, 1e-6f);
    }

    // ------------------------------------------------------------------ rows without ratings

    [Fact]
    public void Fit_UserAndItemWithoutTrainingRatings_GetZeroFactorsAndBiasSoPredictionIsMeanPlusOtherBias()
    {
        RatingsDataset train = AlsTestData.Without(AlsTestData.Random(60, 40, 0.3, seed: 3), r => r.User.Value == 7 || r.Item.Value == 5);

        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 6, Iterations = 5 }).Fit(train);

        model.GetUserEmbedding(U(7)).ToArray().Should().OnlyContain(x => x == 0);
        model.UserBiases[7].Should().Be(0);
        model.GetItemEmbedding(I(5)).ToArray().Should().OnlyContain(x => x == 0);
        model.ItemBiases[5].Should().Be(0);
        model.GlobalMean.Should().BeApproximately((float)AlsTestData.Mean(train), 1e-5f);
        for (int i = 0; i < model.ItemCount; i++)
        {
            float prediction = model.Predict(U(7), I(i));
            float.IsFinite(prediction).Should().BeTrue();
            prediction.Should().BeApproximately(model.GlobalMean + model.ItemBiases[i], 1e-6f);
        }

        model.Predict(U(3), I(5)).Should().BeApproximately(model.GlobalMean + model.UserBiases[3], 1e-6f);
        model.ItemBiases[0].Should().NotBe(0, "items with ratings do get a bias");
    }

    [Fact]
    public void Fit_WithoutBiases_ReturnsModelWithoutBiasesOrMean()
    {
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 3, Iterations = 2, UseBiases = false }).Fit(AlsTestData.Random(30, 20, 0.3, seed: 1));

        model.HasBiases.Should().BeFalse();
        model.GlobalMean.Should().Be(0);
        model.UserBiases.IsEmpty.Should().BeTrue();
        model.Options.Should().BeOfType<AlsOptions>().Which.UseBiases.Should().BeFalse();
    }

    // ------------------------------------------------------------------ determinism

    [Fact]
    public void Fit_SameSeedDifferentThreadCounts_GivesBitIdenticalModels()
    {
        RatingsDataset train = AlsTestData.Random(700, 300, 0.08, seed: 12);
        var options = new AlsOptions { Dimensions = 13, Iterations = 4, Seed = 9 };

        FactorizationModel one = new AlsFactorizer(options with { MaxDegreeOfParallelism = 1 }).Fit(train);
        FactorizationModel two = new AlsFactorizer(options with { MaxDegreeOfParallelism = 2 }).Fit(train);
        FactorizationModel three = new AlsFactorizer(options with { MaxDegreeOfParallelism = 3 }).Fit(train);

        foreach (FactorizationModel other in new[] { two, three })
        {
            other.UserEmbeddings.SequenceEqual(one.UserEmbeddings).Should().BeTrue();
            other.ItemEmbeddings.SequenceEqual(one.ItemEmbeddings).Should().BeTrue();
            other.UserBiases.SequenceEqual(one.UserBiases).Should().BeTrue();
            other.ItemBiases.SequenceEqual(one.ItemBiases).Should().BeTrue();
        }

        FactorizationModel reseeded = new AlsFactorizer(options with { Seed = 10 }).Fit(train);
        reseeded.ItemEmbeddings.SequenceEqual(one.ItemEmbeddings).Should().BeFalse();
    }

    // ------------------------------------------------------------------ progress and logging

    [Fact]
    public void Fit_ReportsEveryIntervalAndLastSweep_WithLossesOfTheReturnedModel()
    {
        RatingsDataset all = AlsTestData.Random(80, 50, 0.3, seed: 4);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.2, seed: 4);
        var options = new AlsOptions { Dimensions = 4, Iterations = 7, ReportInterval = 3, Regularization = 0.08 };
        var recorder = new AlsProgressRecorder();

        FactorizationModel model = new AlsFactorizer(options).Fit(split.Train, split.Test, recorder);

        recorder.Reports.Select(r => r.Iteration).Should().Equal(3, 6, 7);
        recorder.Reports.Should().OnlyContain(r => r.TotalIterations == 7 && r.GravityLoss == 0);
        TrainingProgress last = recorder.Reports[^1];
        last.TrainMse.Should().BeApproximately(model.MeanSquaredError(split.Train), 1e-6);
        last.ObservedLoss.Should().Be(last.TrainMse!.Value);
        last.ValidationMse!.Value.Should().BeApproximately(model.MeanSquaredError(split.Test), 1e-6);
        double objective = AlsTestData.ExplicitObjective(split.Train, model, 0.08);
        last.TotalLoss.Should().BeApproximately(objective / split.Train.Count, 1e-6);
        last.RegularizationLoss.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Fit_WithLogger_LogsStartAndCompletionWithStableEventIds()
    {
        var logger = new AlsListLogger();

        new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 2 }, logger).Fit(AlsTestData.Tiny());

        logger.Entries.Select(e => e.Id.Id).Should().ContainInOrder(3000, 3001, 3001, 3003);
        logger.Entries[0].Message.Should().Contain("3 users").And.Contain("4 items").And.Contain("6 ratings");
        logger.Entries.Should().OnlyContain(e => e.Level == LogLevel.Information || e.Level == LogLevel.Debug);
    }

    // ------------------------------------------------------------------ early stopping

    /// <summary>
    /// On the MovieLens-100k-shaped synthetic set, rank 32 overfits after a few sweeps: the
    /// validation MSE bottoms out at sweep 4 and then rises slowly. With patience 2 the fit stops
    /// two sweeps after the best one and returns that sweep's model.
    /// </summary>
    [Fact]
    public void Fit_EarlyStopping_StopsAfterPatienceAndReturnsTheBestSweep()
    {
        RatingsDataset all = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 3 }).Dataset;
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.2, seed: 5);
        var options = new AlsOptions { Dimensions = 32, Iterations = 30, Regularization = 0.05, EarlyStoppingPatience = 2 };
        var recorder = new AlsProgressRecorder();
        var logger = new AlsListLogger();

        FactorizationModel model = new AlsFactorizer(options, logger).Fit(split.Train, split.Test, recorder);

        List<double> curve = recorder.Reports.Select(r => r.ValidationMse!.Value).ToList();
        int best = curve.IndexOf(curve.Min()) + 1;
        recorder.Reports.Should().HaveCount(best + 2, "the fit stops after two sweeps without improvement");
        recorder.Reports.Count.Should().BeLessThan(30);
        // The trainer scores validation pairs with its own four-row dot kernel, the model with
        // TensorPrimitives.Dot: both float, summed in different orders whose lanes depend on the
        // instruction set (16, 8 or 4 wide), so each prediction may differ by a few ulps (≤ d·2⁻²⁴·Σ|u_k·v_k|,
        // about 1e-6 here) and the MSE by at most 2·mean|e| times that. Measured: 0 with AVX-512,
        // 1.3e-9 with AVX2. Unclamped predictions would differ far more (see the last assertions).
        model.MeanSquaredError(split.Test).Should().BeApproximately(curve.Min(), 2e-6, "the reported validation MSE is that of the model's (clamped) predictions");
        model.MeanSquaredError(split.Test).Should().BeLessThan(curve[^1]);
        FactorizationModel raw = model.WithPredictionRange(null);
        model.MeanSquaredError(split.Test).Should().BeLessThanOrEqualTo(raw.MeanSquaredError(split.Test), "clamping into the rating range never increases an error");
        logger.Entries.Should().Contain(e => e.Id.Id == 3006);
    }

    [Fact]
    public void Fit_EarlyStoppingWithoutValidation_RunsAllSweeps()
    {
        var recorder = new AlsProgressRecorder();

        new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 6, EarlyStoppingPatience = 1 }).Fit(AlsTestData.Tiny(), null, recorder);

        recorder.Reports.Should().HaveCount(6);
    }

    // ------------------------------------------------------------------ cancellation and divergence

    [Fact]
    public void Fit_CancelledFromProgress_StopsBeforeTheNextSweep()
    {
        using var cts = new CancellationTokenSource();
        var recorder = new AlsProgressRecorder(r =>
        {
            if (r.Iteration == 2)
            {
                cts.Cancel();
            }
        });

        Action act = () => new AlsFactorizer(new AlsOptions { Dimensions = 3, Iterations = 10 }).Fit(AlsTestData.Random(50, 30, 0.3, 1), null, recorder, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        recorder.Reports.Should().HaveCount(2);
    }

    [Fact]
    public void Fit_AlreadyCancelled_Throws()
    {
        Action act = () => new AlsFactorizer().Fit(AlsTestData.Tiny(), cancellationToken: new CancellationToken(true));

        act.Should().Throw<OperationCanceledException>();
    }

    /// <summary>
    /// 1,000 users of 8 ratings at d = 4 make four blocks of 256 users. Cancelling while block 1
    /// starts lets blocks 0 and 1 finish and stops before block 2: its users keep their initial
    /// (zero) factors.
    /// </summary>
    [Fact]
    public void SolveUsers_CancelledDuringTheSweep_StopsBeforeTheNextBlock()
    {
        RatingsDataset train = AlsTestData.Random(1000, 60, 0.12, seed: 8);
        var factorizer = new AlsFactorizer(new AlsOptions { Dimensions = 4, MaxDegreeOfParallelism = 1 });
        using AlsTraining trainer = factorizer.CreateTrainer(train, AlsTestData.RandomMatrix(60, 4, 0.5, 2));
        using var cts = new CancellationTokenSource();
        trainer.BlockStarting = b =>
        {
            if (b == 1)
            {
                cts.Cancel();
            }
        };

        trainer.UserBlockCount.Should().BeGreaterThanOrEqualTo(3);
        Action act = () => trainer.SolveUsers(cts.Token);

        act.Should().Throw<OperationCanceledException>();
        int blockTwo = trainer.UserBlockBounds[2];
        trainer.Users.AsSpan(0, 4).ToArray().Should().Contain(x => x != 0, "block 0 was solved");
        trainer.Users.AsSpan(blockTwo * 4).ToArray().Should().OnlyContain(x => x == 0, "blocks from 2 on were never started");
    }

    [Fact]
    public void Fit_RatingsTooLargeForSinglePrecision_ThrowsTrainingDiverged()
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(3, 3));
        builder.Add(new Rating(U(0), I(0), 3e37f)).Add(new Rating(U(0), I(1), -3e37f)).Add(new Rating(U(1), I(1), 3e37f)).Add(new Rating(U(2), I(2), 1e37f)).Add(new Rating(U(1), I(2), -2e37f));
        var logger = new AlsListLogger();

        Action act = () => new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 5, UseBiases = false }, logger).Fit(builder.Build());

        act.Should().Throw<TrainingDivergedException>().Which.Iteration.Should().BeInRange(1, 5);
        logger.Entries.Should().Contain(e => e.Id.Id == 3004 && e.Level == LogLevel.Warning);
    }

    // ------------------------------------------------------------------ arguments and options

    [Fact]
    public void Fit_EmptyTrainingSet_ThrowsNamingTrain()
    {
        Action act = () => new AlsFactorizer().Fit(RatingsDataset.Empty(Catalog.Sequential(3, 3)));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_ValidationFromAnotherCatalogue_ThrowsNamingValidation()
    {
        Action act = () => new AlsFactorizer().Fit(AlsTestData.Tiny(), AlsTestData.Random(5, 5, 0.5, 1));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    [Fact]
    public void Fit_NullTrainingSet_Throws()
    {
        Action act = () => new AlsFactorizer().Fit(null!);

        act.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("train");
    }

    [Theory]
    [InlineData(nameof(AlsOptions.Dimensions))]
    [InlineData(nameof(AlsOptions.Iterations))]
    [InlineData(nameof(AlsOptions.Regularization))]
    [InlineData(nameof(AlsOptions.RegularizationExponent))]
    [InlineData(nameof(AlsOptions.InitStdDev))]
    [InlineData(nameof(AlsOptions.MaxDegreeOfParallelism))]
    [InlineData(nameof(AlsOptions.ReportInterval))]
    [InlineData(nameof(AlsOptions.EarlyStoppingPatience))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option)
    {
        var o = new AlsOptions();
        AlsOptions[] invalid = option switch
        {
            nameof(AlsOptions.Dimensions) => [o with { Dimensions = 0 }],
            nameof(AlsOptions.Iterations) => [o with { Iterations = -1 }],
            nameof(AlsOptions.Regularization) => [o with { Regularization = 0 }, o with { Regularization = double.NaN }, o with { Regularization = double.PositiveInfinity }],
            nameof(AlsOptions.RegularizationExponent) => [o with { RegularizationExponent = -0.1 }, o with { RegularizationExponent = 1.5 }, o with { RegularizationExponent = double.NaN }],
            nameof(AlsOptions.InitStdDev) => [o with { InitStdDev = 0 }, o with { InitStdDev = double.NaN }],
            nameof(AlsOptions.MaxDegreeOfParallelism) => [o with { MaxDegreeOfParallelism = 0 }, o with { MaxDegreeOfParallelism = -2 }],
            nameof(AlsOptions.ReportInterval) => [o with { ReportInterval = 0 }],
            nameof(AlsOptions.EarlyStoppingPatience) => [o with { EarlyStoppingPatience = -1 }],
            _ => throw new ArgumentOutOfRangeException(nameof(option)),
        };

        foreach (AlsOptions options in invalid)
        {
            Action act = () => _ = new AlsFactorizer(options);
            act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
        }
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedMovieLensSettings()
    {
        var options = new AlsOptions();

        options.Dimensions.Should().Be(64);
        options.Iterations.Should().Be(15);
        options.Regularization.Should().Be(0.12);
        options.UseBiases.Should().BeTrue();
        options.InitStdDev.Should().Be(0.1);
        options.ReportInterval.Should().Be(1);
        options.EarlyStoppingPatience.Should().Be(0);
        new AlsFactorizer().Options.Should().Be(options);
    }

    [Fact]
    public void Fit_ReturnedModel_CarriesTheOptionsAndSurvivesASaveLoadRoundTrip()
    {
        var options = new AlsOptions { Dimensions = 3, Iterations = 2, Regularization = 0.07 };
        FactorizationModel model = new AlsFactorizer(options).Fit(AlsTestData.Tiny());
        using var stream = new MemoryStream();

        model.Save(stream);
        stream.Position = 0;
        FactorizationModel loaded = FactorizationModel.Load(stream);

        loaded.Options.Should().Be(options);
        loaded.Predict(U(1), I(3)).Should().Be(model.Predict(U(1), I(3)));
    }
}
