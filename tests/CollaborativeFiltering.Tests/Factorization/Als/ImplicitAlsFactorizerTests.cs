using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Als;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class ImplicitAlsFactorizerTests
{
    // ------------------------------------------------------------------ model shape

    [Fact]
    public void Fit_UsersAndItemsWithoutInteractions_GetZeroFactorsAndTheModelHasNoBiases()
    {
        RatingsDataset train = AlsTestData.Without(AlsTestData.Random(50, 40, 0.2, seed: 2), r => r.User.Value == 4 || r.Item.Value == 9);

        FactorizationModel model = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 5, Iterations = 3 }).Fit(train);

        model.HasBiases.Should().BeFalse();
        model.GlobalMean.Should().Be(0);
        model.GetUserEmbedding(U(4)).ToArray().Should().OnlyContain(x => x == 0);
        model.GetItemEmbedding(I(9)).ToArray().Should().OnlyContain(x => x == 0);
        model.GetUserEmbedding(U(5)).ToArray().Should().Contain(x => x != 0);
        model.Options.Should().BeOfType<ImplicitAlsOptions>();
    }

    // ------------------------------------------------------------------ determinism

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    public void Fit_SameSeedDifferentThreadCounts_GivesBitIdenticalModels(int cgSteps)
    {
        RatingsDataset train = AlsTestData.Random(600, 250, 0.06, seed: 13);
        var options = new ImplicitAlsOptions { Dimensions = 11, Iterations = 3, ConjugateGradientSteps = cgSteps, Seed = 4 };

        FactorizationModel one = new ImplicitAlsFactorizer(options with { MaxDegreeOfParallelism = 1 }).Fit(train);
        FactorizationModel two = new ImplicitAlsFactorizer(options with { MaxDegreeOfParallelism = 2 }).Fit(train);
        FactorizationModel three = new ImplicitAlsFactorizer(options with { MaxDegreeOfParallelism = 3 }).Fit(train);

        two.UserEmbeddings.SequenceEqual(one.UserEmbeddings).Should().BeTrue();
        two.ItemEmbeddings.SequenceEqual(one.ItemEmbeddings).Should().BeTrue();
        three.UserEmbeddings.SequenceEqual(one.UserEmbeddings).Should().BeTrue();
        three.ItemEmbeddings.SequenceEqual(one.ItemEmbeddings).Should().BeTrue();
    }

    // ------------------------------------------------------------------ progress and logging

    [Fact]
    public void Fit_Progress_ReportsTheWeightedLossAndPreferenceErrorsOfTheReturnedModel()
    {
        RatingsDataset all = AlsTestData.Random(40, 30, 0.25, seed: 6);
        DatasetSplit split = DatasetSplitter.PerUserHoldout(all, 0.2, seed: 6);
        var options = new ImplicitAlsOptions { Dimensions = 4, Iterations = 5, ReportInterval = 2, Regularization = 0.3, Alpha = 3 };
        var recorder = new AlsProgressRecorder();

        FactorizationModel model = new ImplicitAlsFactorizer(options).Fit(split.Train, split.Test, recorder);

        recorder.Reports.Select(r => r.Iteration).Should().Equal(2, 4, 5);
        TrainingProgress last = recorder.Reports[^1];
        (double data, double penalty, double weight) = BruteForceLoss(split.Train, model.UserEmbeddings.ToArray(), model.ItemEmbeddings.ToArray(), 4, options.Alpha, options.RegularizationScaling);
        last.ObservedLoss.Should().BeApproximately(data / weight, 1e-6 * data / weight);
        last.RegularizationLoss.Should().BeApproximately(options.Regularization * penalty / weight, 1e-6 * penalty / weight);
        last.GravityLoss.Should().Be(0);
        last.TrainMse.Should().BeApproximately(PreferenceMse(split.Train, model), 1e-6);
        last.ValidationMse!.Value.Should().BeApproximately(PreferenceMse(split.Test, model), 1e-6);
        recorder.Reports[0].TotalLoss.Should().BeGreaterThanOrEqualTo(last.TotalLoss);
    }

    [Fact]
    public void Fit_EarlyStoppingPatienceSet_IsIgnoredWithAWarning()
    {
        var logger = new AlsListLogger();
        var recorder = new AlsProgressRecorder();
        RatingsDataset all = AlsTestData.Random(40, 30, 0.25, seed: 6);
        DatasetSplit split = DatasetSplitter.PerUserHoldout(all, 0.2, seed: 6);

        new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 3, Iterations = 4, EarlyStoppingPatience = 1 }, logger).Fit(split.Train, split.Test, recorder);

        recorder.Reports.Should().HaveCount(4);
        logger.Entries.Should().Contain(e => e.Id.Id == 3016 && e.Level == LogLevel.Warning);
        logger.Entries.Select(e => e.Id.Id).Should().ContainInOrder(3010, 3012, 3013);
        logger.Entries.First(e => e.Id.Id == 3010).Message.Should().Contain("3 conjugate-gradient steps");
    }

    // ------------------------------------------------------------------ cancellation and divergence

    [Fact]
    public void SolveUsers_CancelledDuringTheSweep_StopsBeforeTheNextBlock()
    {
        RatingsDataset train = AlsTestData.Random(1000, 60, 0.12, seed: 8);
        var factorizer = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 4, MaxDegreeOfParallelism = 1 });
        using ImplicitAlsTraining trainer = factorizer.CreateTrainer(train, new float[1000 * 4], AlsTestData.RandomMatrix(60, 4, 0.5, 2));
        using var cts = new CancellationTokenSource();
        trainer.BlockStarting = b =>
        {
            if (b == 1)
            {
                cts.Cancel();
            }
        };

        Action act = () => trainer.SolveUsers(cts.Token);

        act.Should().Throw<OperationCanceledException>();
        trainer.Users.AsSpan(0, 4).ToArray().Should().Contain(x => x != 0, "block 0 was solved");
        trainer.Users.AsSpan(600 * 4).ToArray().Should().OnlyContain(x => x == 0, "later blocks were never started");
    }

    [Fact]
    public void Fit_CancelledFromProgress_StopsBeforeTheNextSweep()
    {
        using var cts = new CancellationTokenSource();
        var recorder = new AlsProgressRecorder(r =>
        {
            if (r.Iteration == 1)
            {
                cts.Cancel();
            }
        });

        Action act = () => new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 3 }).Fit(AlsTestData.Random(30, 20, 0.3, 1), null, recorder, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        recorder.Reports.Should().HaveCount(1);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    public void Fit_StrengthsTooLargeForSinglePrecision_ThrowsTrainingDiverged(int cgSteps)
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(3, 3));
        builder.Add(new Rating(U(0), I(0), 3e38f)).Add(new Rating(U(1), I(1), 1)).Add(new Rating(U(2), I(2), 2)).Add(new Rating(U(2), I(0), 1));

        Action act = () => new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 2, ConjugateGradientSteps = cgSteps }).Fit(builder.Build());

        act.Should().Throw<TrainingDivergedException>().Which.Iteration.Should().Be(1);
    }

    // ------------------------------------------------------------------ arguments and options

    [Fact]
    public void Fit_NegativeStrength_ThrowsNamingTheUserAndItem()
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(2, 2));
        builder.Add(new Rating(U(0), I(0), 1)).Add(new Rating(U(1), I(1), -2));

        Action act = () => new ImplicitAlsFactorizer().Fit(builder.Build());

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "train" && e.Message.Contains("user '2'") && e.Message.Contains("item '2'") && e.Message.Contains("-2"));
    }

    [Fact]
    public void Fit_EmptyTrainOrForeignValidation_ThrowsNamingTheArgument()
    {
        var factorizer = new ImplicitAlsFactorizer();

        factorizer.Invoking(f => f.Fit(RatingsDataset.Empty(Catalog.Sequential(2, 2)))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
        factorizer.Invoking(f => f.Fit(AlsTestData.Tiny(), AlsTestData.Random(4, 4, 0.5, 1))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    [Theory]
    [InlineData(nameof(ImplicitAlsOptions.Dimensions))]
    [InlineData(nameof(ImplicitAlsOptions.Iterations))]
    [InlineData(nameof(ImplicitAlsOptions.Regularization))]
    [InlineData(nameof(ImplicitAlsOptions.Alpha))]
    [InlineData(nameof(ImplicitAlsOptions.ConjugateGradientSteps))]
    [InlineData(nameof(ImplicitAlsOptions.InitStdDev))]
    [InlineData(nameof(ImplicitAlsOptions.MaxDegreeOfParallelism))]
    [InlineData(nameof(ImplicitAlsOptions.ReportInterval))]
    [InlineData(nameof(ImplicitAlsOptions.EarlyStoppingPatience))]
    [InlineData(nameof(ImplicitAlsOptions.ClipPredictions))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option)
    {
        var o = new ImplicitAlsOptions();
        ImplicitAlsOptions[] invalid = option switch
        {
            nameof(ImplicitAlsOptions.Dimensions) => [o with { Dimensions = -3 }],
            nameof(ImplicitAlsOptions.Iterations) => [o with { Iterations = 0 }],
            nameof(ImplicitAlsOptions.Regularization) => [o with { Regularization = -1 }, o with { Regularization = 0 }, o with { Regularization = double.NaN }],
            nameof(ImplicitAlsOptions.Alpha) => [o with { Alpha = 0 }, o with { Alpha = double.PositiveInfinity }],
            nameof(ImplicitAlsOptions.ConjugateGradientSteps) => [o with { ConjugateGradientSteps = -1 }],
            nameof(ImplicitAlsOptions.InitStdDev) => [o with { InitStdDev = -0.1 }],
            nameof(ImplicitAlsOptions.MaxDegreeOfParallelism) => [o with { MaxDegreeOfParallelism = 0 }],
            nameof(ImplicitAlsOptions.ReportInterval) => [o with { ReportInterval = -1 }],
            nameof(ImplicitAlsOptions.EarlyStoppingPatience) => [o with { EarlyStoppingPatience = -2 }],
            nameof(ImplicitAlsOptions.ClipPredictions) => [o with { ClipPredictions = true }],
            _ => throw new ArgumentOutOfRangeException(nameof(option)),
        };

        foreach (ImplicitAlsOptions options in invalid)
        {
            Action act = () => _ = new ImplicitAlsFactorizer(options);
            act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
        }
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedOnes()
    {
        var options = new ImplicitAlsOptions();

        options.Dimensions.Should().Be(64);
        options.Iterations.Should().Be(15);
        options.Regularization.Should().Be(0.02);
        options.RegularizationScaling.Should().Be(ImplicitRegularizationScaling.TotalConfidence);
        options.Alpha.Should().Be(2);
        options.ConjugateGradientSteps.Should().Be(3);
        options.InitStdDev.Should().Be(0.01);
        options.ReportInterval.Should().Be(1);
    }

    [Fact]
    public void Fit_ReturnedModel_CarriesTheOptionsAndSurvivesASaveLoadRoundTrip()
    {
        var options = new ImplicitAlsOptions { Dimensions = 3, Iterations = 2, Alpha = 7, ConjugateGradientSteps = 0 };
        FactorizationModel model = new ImplicitAlsFactorizer(options).Fit(AlsTestData.Tiny());
        using var stream = new MemoryStream();

        model.Save(stream);
        stream.Position = 0;
        FactorizationModel loaded = FactorizationModel.Load(stream);

        loaded.Options.Should().Be(options);
        loaded.HasBiases.Should().BeFalse();
        loaded.ItemEmbeddings.SequenceEqual(model.ItemEmbeddings).Should().BeTrue();
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>
    /// The implicit objective's terms by brute force over all N×M pairs, in double: Σ c·(p − s)² with
    /// p = 1, c = 1 + α·r on observed pairs and p = 0, c = 1 elsewhere; Σ n_u‖x_u‖² + Σ n_i‖y_i‖²;
    /// and the total confidence.
    /// </summary>
    /// <summary>The weighted data loss over all pairs, the penalty Σ w_r‖f_r‖² (w_r: the row's summed confidence over all its pairs, or its interaction count) and the total confidence, by brute force.</summary>
    internal static (double Data, double Penalty, double Weight) BruteForceLoss(RatingsDataset train, float[] x, float[] y, int d, double alpha, ImplicitRegularizationScaling scaling)
    {
        double data = 0, weight = 0;
        var userWeight = new double[train.UserCount];
        var itemWeight = new double[train.ItemCount];
        for (int u = 0; u < train.UserCount; u++)
        {
            for (int i = 0; i < train.ItemCount; i++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    s += (double)x[(u * d) + k] * y[(i * d) + k];
                }

                bool observed = train.ByUser.TryGetValue(u, i, out float r);
                double c = observed ? 1 + (alpha * r) : 1;
                double p = observed ? 1 : 0;
                data += c * (p - s) * (p - s);
                weight += c;
                userWeight[u] += c;
                itemWeight[i] += c;
            }
        }

        double penalty = 0;
        for (int u = 0; u < train.UserCount; u++)
        {
            penalty += (scaling == ImplicitRegularizationScaling.TotalConfidence ? userWeight[u] : train.ByUser.GetRowLength(u)) * SquaredNorm(x, u, d);
        }

        for (int i = 0; i < train.ItemCount; i++)
        {
            penalty += (scaling == ImplicitRegularizationScaling.TotalConfidence ? itemWeight[i] : train.ByItem.GetRowLength(i)) * SquaredNorm(y, i, d);
        }

        return (data, penalty, weight);
    }

    private static double PreferenceMse(RatingsDataset ratings, FactorizationModel model)
    {
        double sum = 0;
        foreach (Rating rating in ratings)
        {
            double e = 1 - model.Predict(rating.User, rating.Item);
            sum += e * e;
        }

        return sum / ratings.Count;
    }

    private static double SquaredNorm(float[] m, int row, int d)
    {
        double sum = 0;
        for (int k = 0; k < d; k++)
        {
            sum += (double)m[(row * d) + k] * m[(row * d) + k];
        }

        return sum;
    }
}
