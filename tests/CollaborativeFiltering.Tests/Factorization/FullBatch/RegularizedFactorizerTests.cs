using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class RegularizedFactorizerTests
{
    private static readonly RegularizedOptions TinyOptions = new()
    {
        Dimensions = 2,
        Iterations = 1,
        LearningRate = 1,
        RegularizationWeight = 0.5,
        GravityWeight = 2,
        MaxDegreeOfParallelism = 1,
    };

    // ------------------------------------------------------------------ exactness

    /// <summary>
    /// One step from U₀, V₀ of <see cref="FullBatchTestData.Tiny"/> with η = 1, λ_r = 0.5, λ_g = 2,
    /// N = 3, M = 4 (so 2λ_r/N = 1/3, 2λ_r/M = 1/4, 2λ_g/(N·M) = 1/3). Gram matrices at U₀, V₀:
    ///   UᵀU = [[0.14, −0.09], [−0.09, 0.21]],  VᵀV = [[0.81, −0.13], [−0.13, 0.23]].
    /// Item 3 has no ratings, so only the penalties move it:
    ///   V3·UᵀU = (0.6·0.14 − 0.2·0.09, −0.6·0.09 + 0.2·0.21) = (0.066, −0.012)
    ///   V3' = V3 − V3/4 − (0.066, −0.012)/3 = (0.6 − 0.15 − 0.022, 0.2 − 0.05 + 0.004) = (0.428, 0.154).
    /// User 0: data gradient (−1.0323333, 0.4023333) as in the plain test, plus
    ///   U0/3 = (0.0333333, 0.0666667) and U0·VᵀV/3 = ((0.081 − 0.026)/3, (−0.013 + 0.046)/3) = (0.0183333, 0.011)
    ///   U0' = (0.1 + 1.0323333 − 0.0333333 − 0.0183333, 0.2 − 0.4023333 − 0.0666667 − 0.011) = (1.0806667, −0.28).
    /// Losses at U₀, V₀: MSE = 12.8027667, r = 0.37666667, g = 0.015425 (brute force over the 12 pairs);
    /// MSE after the step = 9.92923600 (the other rows by a 20-line double-precision script).
    /// </summary>
    [Fact]
    public void Fit_OneIterationOnTinyMatrix_EqualsHandComputedStep()
    {
        var factorizer = new RegularizedFactorizer(TinyOptions);
        var reports = new List<TrainingProgress>();

        FactorizationModel model = factorizer.Fit(FullBatchTestData.Tiny(), FullBatchTestData.TinyUsers(), FullBatchTestData.TinyItems(), progress: new SyncProgress(reports));

        float[] expectedUsers = [1.08066667f, -0.28f, 0.598f, -0.313f, -0.56866667f, 0.774f];
        float[] expectedItems = [0.89166667f, 0.01766667f, 0.109f, 0.538f, -0.47733333f, 0.79366667f, 0.428f, 0.154f];
        model.UserEmbeddings.ToArray().Should().Equal(expectedUsers, (a, e) => Math.Abs(a - e) < 1e-5);
        model.ItemEmbeddings.ToArray().Should().Equal(expectedItems, (a, e) => Math.Abs(a - e) < 1e-5);
        TrainingProgress report = reports.Should().ContainSingle().Subject;
        report.ObservedLoss.Should().BeApproximately(12.8027667, 1e-5);
        report.RegularizationLoss.Should().BeApproximately(0.5 * 0.37666667, 1e-6);
        report.GravityLoss.Should().BeApproximately(2 * 0.015425, 1e-6);
        report.TotalLoss.Should().BeApproximately(12.8027667 + 0.18833333 + 0.03085, 1e-5);
        report.TrainMse.Should().BeApproximately(9.92923600, 1e-5);
    }

    /// <summary>
    /// User 2 has no training ratings here, yet N stays 3 (the catalogue's), so
    /// U2' = U2 − (2λ_r/3)·U2 − (2λ_g/12)·U2·VᵀV = (−0.2, 0.4) − (−0.2, 0.4)/3 − (−0.214, 0.118)/3 = (−0.062, 0.22733333),
    /// with U2·VᵀV = (−0.2·0.81 − 0.4·0.13, 0.2·0.13 + 0.4·0.23) = (−0.214, 0.118).
    /// Dividing by the 2 users present instead would give (−0.0287, 0.1607).
    /// </summary>
    [Fact]
    public void Fit_UserAbsentFromTraining_IsRegularizedWithCatalogueSizes()
    {
        RatingsDataset all = FullBatchTestData.Tiny();
        RatingsDataset train = all.Where([.. all.Select(r => r.User.Value != 2)]);
        var reports = new List<TrainingProgress>();

        FactorizationModel model = new RegularizedFactorizer(TinyOptions).Fit(train, FullBatchTestData.TinyUsers(), FullBatchTestData.TinyItems(), progress: new SyncProgress(reports));

        model.GetUserEmbedding(U(2)).ToArray().Should().Equal([-0.062f, 0.22733333f], (a, e) => Math.Abs(a - e) < 1e-6);
        // r and g still count user 2 and item 3: the same 0.37666667 and 0.015425 as with all ratings.
        reports[0].RegularizationLoss.Should().BeApproximately(0.5 * 0.37666667, 1e-6);
        reports[0].GravityLoss.Should().BeApproximately(2 * 0.015425, 1e-6);
    }

    // ------------------------------------------------------------------ determinism

    [Fact]
    public void Fit_SameSeedDifferentThreadCounts_GivesBitIdenticalEmbeddings()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.25, seed: 12);
        RegularizedOptions options = new() { Dimensions = 21, Iterations = 12, Seed = 9 };

        FactorizationModel one = new RegularizedFactorizer(options with { MaxDegreeOfParallelism = 1 }).Fit(train);
        FactorizationModel two = new RegularizedFactorizer(options with { MaxDegreeOfParallelism = 2 }).Fit(train);
        FactorizationModel three = new RegularizedFactorizer(options with { MaxDegreeOfParallelism = 3 }).Fit(train);

        one.UserEmbeddings.SequenceEqual(two.UserEmbeddings).Should().BeTrue();
        one.UserEmbeddings.SequenceEqual(three.UserEmbeddings).Should().BeTrue();
        one.ItemEmbeddings.SequenceEqual(two.ItemEmbeddings).Should().BeTrue();
        one.ItemEmbeddings.SequenceEqual(three.ItemEmbeddings).Should().BeTrue();
    }

    // ------------------------------------------------------------------ options

    [Theory]
    [InlineData(nameof(RegularizedOptions.Dimensions))]
    [InlineData(nameof(RegularizedOptions.Iterations))]
    [InlineData(nameof(RegularizedOptions.InitStdDev))]
    [InlineData(nameof(RegularizedOptions.LearningRate))]
    [InlineData(nameof(RegularizedOptions.RegularizationWeight))]
    [InlineData(nameof(RegularizedOptions.GravityWeight))]
    [InlineData(nameof(RegularizedOptions.MaxDegreeOfParallelism))]
    [InlineData(nameof(RegularizedOptions.ReportInterval))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option)
    {
        var o = new RegularizedOptions();
        RegularizedOptions[] invalid = option switch
        {
            nameof(RegularizedOptions.Dimensions) => [o with { Dimensions = 0 }],
            nameof(RegularizedOptions.Iterations) => [o with { Iterations = -1 }],
            nameof(RegularizedOptions.InitStdDev) => [o with { InitStdDev = 0 }, o with { InitStdDev = double.NaN }],
            nameof(RegularizedOptions.LearningRate) => [o with { LearningRate = -1 }, o with { LearningRate = double.PositiveInfinity }],
            nameof(RegularizedOptions.RegularizationWeight) => [o with { RegularizationWeight = -0.1 }, o with { RegularizationWeight = double.NaN }, o with { RegularizationWeight = double.PositiveInfinity }],
            nameof(RegularizedOptions.GravityWeight) => [o with { GravityWeight = -1 }, o with { GravityWeight = double.NaN }, o with { GravityWeight = double.PositiveInfinity }],
            nameof(RegularizedOptions.MaxDegreeOfParallelism) => [o with { MaxDegreeOfParallelism = 0 }],
            nameof(RegularizedOptions.ReportInterval) => [o with { ReportInterval = -5 }],
            _ => throw new ArgumentOutOfRangeException(nameof(option)),
        };

        foreach (RegularizedOptions options in invalid)
        {
            Action create = () => _ = new RegularizedFactorizer(options);

            ArgumentOutOfRangeException ex = create.Should().Throw<ArgumentOutOfRangeException>().Which;
            ex.ParamName.Should().Be(option);
            ex.Message.Should().Contain(option);
        }
    }

    [Fact]
    public void Constructor_ZeroWeights_AreAllowed()
    {
        var factorizer = new RegularizedFactorizer(new RegularizedOptions { RegularizationWeight = 0, GravityWeight = 0 });

        factorizer.Options.GravityWeight.Should().Be(0);
    }

    [Fact]
    public void Constructor_NoOptions_UsesNotebookDefaults()
    {
        RegularizedOptions options = new RegularizedFactorizer().Options;

        options.Dimensions.Should().Be(50);
        options.InitStdDev.Should().Be(0.05);
        options.RegularizationWeight.Should().Be(0.1);
        options.GravityWeight.Should().Be(1);
        options.LearningRate.Should().Be(20);
        options.Iterations.Should().Be(3000);
    }

    [Fact]
    public void Fit_EmptyTrainingSet_ThrowsArgumentException()
    {
        Action fit = () => new RegularizedFactorizer().Fit(RatingsDataset.Empty(Catalog.Sequential(2, 2)));

        fit.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_ValidationFromAnotherCatalogue_ThrowsNamingValidation()
    {
        RatingsDataset other = new RatingsDatasetBuilder(Catalog.Sequential(4, 4)).Add(new Rating(U(3), I(0), 1)).Build();

        Action fit = () => new RegularizedFactorizer(TinyOptions).Fit(FullBatchTestData.Tiny(), other);

        fit.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    [Fact]
    public void Fit_HugeLearningRate_ThrowsDiverged()
    {
        var factorizer = new RegularizedFactorizer(new RegularizedOptions { Dimensions = 4, Iterations = 200, LearningRate = 1e6, InitStdDev = 0.5 });

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.4, seed: 1));

        fit.Should().Throw<TrainingDivergedException>().Which.Message.Should().Contain("smaller learning rate");
    }
}
