using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.FullBatch;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed class GradientDescentFactorizerTests
{
    // ------------------------------------------------------------------ exactness

    /// <summary>
    /// One step from U₀, V₀ of <see cref="FullBatchTestData.Tiny"/> with η = 1, loss = observed MSE, |Ω| = 6.
    /// By hand for user 0 (rated i0 = 5, i1 = 3):
    ///   e00 = ⟨(0.1, 0.2), (0.5, −0.3)⟩ − 5 = 0.05 − 0.06 − 5 = −5.01
    ///   e01 = ⟨(0.1, 0.2), (0.2,  0.1)⟩ − 3 = 0.04 − 3 = −2.96
    ///   ∂L/∂U0 = (2/6)·(−5.01·(0.5, −0.3) − 2.96·(0.2, 0.1)) = (1/3)·(−3.097, 1.207) = (−1.0323333, 0.4023333)
    ///   U0' = (0.1, 0.2) − ∂L/∂U0 = (1.1323333, −0.2023333)
    /// Item 3 has no ratings and no penalty, so V3' = V3 = (0.6, 0.2).
    /// The other rows follow the same way (computed once with a 20-line double-precision script):
    /// MSE at U₀,V₀ = 12.8027667, MSE after the step = 8.73899325.
    /// </summary>
    [Fact]
    public void Fit_OneIterationOnTinyMatrix_EqualsHandComputedStep()
    {
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 1, LearningRate = 1, MaxDegreeOfParallelism = 1 });
        var reports = new List<TrainingProgress>();

        FactorizationModel model = factorizer.Fit(FullBatchTestData.Tiny(), FullBatchTestData.TinyUsers(), FullBatchTestData.TinyItems(), progress: new SyncProgress(reports));

        float[] expectedUsers = [1.13233333f, -0.20233333f, 0.78333333f, -0.367f, -0.70666667f, 0.94666667f];
        float[] expectedItems = [1.049f, -0.09333333f, 0.16533333f, 0.564f, -0.605f, 0.90166667f, 0.6f, 0.2f];
        model.UserEmbeddings.ToArray().Should().Equal(expectedUsers, (a, e) => Math.Abs(a - e) < 1e-5);
        model.ItemEmbeddings.ToArray().Should().Equal(expectedItems, (a, e) => Math.Abs(a - e) < 1e-5);
        reports.Should().ContainSingle();
        reports[0].Iteration.Should().Be(1);
        reports[0].ObservedLoss.Should().BeApproximately(12.8027667, 1e-5);
        reports[0].TrainMse.Should().BeApproximately(8.73899325, 1e-5);
        reports[0].RegularizationLoss.Should().Be(0);
        reports[0].GravityLoss.Should().Be(0);
        model.Options.Should().BeSameAs(factorizer.Options);
        model.Dimensions.Should().Be(2);
    }

    [Fact]
    public void Fit_FromGivenStart_EqualsDoubleReferenceOverSeveralIterations()
    {
        // d = 11 runs the vector kernels on rows padded to 16; the reference is plain double arithmetic.
        RatingsDataset train = FullBatchTestData.Random(40, 30, 0.3, seed: 3);
        const int d = 11;
        float[] u0 = FullBatchTestData.RandomMatrix(40, d, 0.4, 1), v0 = FullBatchTestData.RandomMatrix(30, d, 0.4, 2);
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = d, Iterations = 5, LearningRate = 2, MaxDegreeOfParallelism = 2 });

        FactorizationModel model = factorizer.Fit(train, u0, v0);

        (double[] u, double[] v) = ReferenceSteps(train, FullBatchTestData.ToDouble(u0), FullBatchTestData.ToDouble(v0), d, eta: 2, steps: 5);
        model.UserEmbeddings.ToArray().Should().Equal(u, (a, e) => Math.Abs(a - e) < 1e-4);
        model.ItemEmbeddings.ToArray().Should().Equal(v, (a, e) => Math.Abs(a - e) < 1e-4);
    }

    [Fact]
    public void Initialise_SeededDraw_IsNormalWithInitStdDevAndDeterministic()
    {
        // The seeded draw: mean ≈ 0 and standard deviation ≈ InitStdDev over 20 000 entries.
        (float[] users, float[] items) = FullBatchGradientDescent.Initialise(400, 600, 20, 0.5, seed: 7);
        double sum = 0, squares = 0;
        foreach (float x in users.Concat(items))
        {
            sum += x;
            squares += (double)x * x;
        }

        int count = users.Length + items.Length;
        (sum / count).Should().BeApproximately(0, 0.01);
        Math.Sqrt(squares / count).Should().BeApproximately(0.5, 0.01);
        FullBatchGradientDescent.Initialise(400, 600, 20, 0.5, seed: 7).Users.Should().Equal(users);
        FullBatchGradientDescent.Initialise(400, 600, 20, 0.5, seed: 8).Users.Should().NotEqual(users);
    }

    [Fact]
    public void Fit_UserAbsentFromTraining_KeepsInitialEmbeddingAndStillHasOne()
    {
        RatingsDataset all = FullBatchTestData.Tiny();
        bool[] keep = [.. all.Select(r => r.User.Value != 2)];
        RatingsDataset train = all.Where(keep);
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 3, LearningRate = 1 });

        FactorizationModel model = factorizer.Fit(train, FullBatchTestData.TinyUsers(), FullBatchTestData.TinyItems());

        model.UserCount.Should().Be(3);
        model.ItemCount.Should().Be(4);
        model.GetUserEmbedding(U(2)).ToArray().Should().Equal(-0.2f, 0.4f);
        model.GetItemEmbedding(I(3)).ToArray().Should().Equal(0.6f, 0.2f);
    }

    // ------------------------------------------------------------------ determinism

    [Fact]
    public void Fit_SameSeedDifferentThreadCounts_GivesBitIdenticalEmbeddings()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.25, seed: 11); // ~15 000 ratings, several blocks per pass
        GradientDescentOptions options = new() { Dimensions = 20, Iterations = 15, InitStdDev = 0.3, LearningRate = 5, Seed = 5 };

        FactorizationModel one = new GradientDescentFactorizer(options with { MaxDegreeOfParallelism = 1 }).Fit(train);
        FactorizationModel two = new GradientDescentFactorizer(options with { MaxDegreeOfParallelism = 2 }).Fit(train);
        FactorizationModel three = new GradientDescentFactorizer(options with { MaxDegreeOfParallelism = 3 }).Fit(train);

        one.UserEmbeddings.SequenceEqual(two.UserEmbeddings).Should().BeTrue();
        one.UserEmbeddings.SequenceEqual(three.UserEmbeddings).Should().BeTrue();
        one.ItemEmbeddings.SequenceEqual(two.ItemEmbeddings).Should().BeTrue();
        one.ItemEmbeddings.SequenceEqual(three.ItemEmbeddings).Should().BeTrue();
        new GradientDescentFactorizer(options with { Seed = 6 }).Fit(train).UserEmbeddings.SequenceEqual(one.UserEmbeddings).Should().BeFalse();
    }

    [Fact]
    public void Fit_SameFactorizerTwice_EachFitOwnsItsState()
    {
        // The notebook's second model shared the first one's optimizer and never moved; here each fit starts afresh.
        RatingsDataset train = FullBatchTestData.Random(50, 40, 0.3, seed: 4);
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 8, Iterations = 20, InitStdDev = 0.05, LearningRate = 5 });

        FactorizationModel first = factorizer.Fit(train);
        FactorizationModel second = factorizer.Fit(train);

        second.UserEmbeddings.SequenceEqual(first.UserEmbeddings).Should().BeTrue();
        first.MeanSquaredError(train).Should().BeLessThan(0.5 * MeanSquare(train));
    }

    // ------------------------------------------------------------------ progress

    [Fact]
    public void Fit_ReportInterval_ReportsEveryIntervalAndTheLast()
    {
        RatingsDataset all = FullBatchTestData.Random(60, 50, 0.3, seed: 8);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.2, seed: 1);
        var reports = new List<TrainingProgress>();
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 5, Iterations = 25, ReportInterval = 10, InitStdDev = 0.3, LearningRate = 5 });

        FactorizationModel model = factorizer.Fit(split.Train, split.Test, new SyncProgress(reports));

        reports.Select(r => r.Iteration).Should().Equal(10, 20, 25);
        reports.Should().OnlyContain(r => r.TotalIterations == 25 && r.ValidationMse != null);
        reports[^1].TrainMse.Should().BeApproximately(model.MeanSquaredError(split.Train), 1e-4);
        reports[^1].ValidationMse!.Value.Should().BeApproximately(model.MeanSquaredError(split.Test), 1e-4);
        reports[0].TrainMse.Should().BeGreaterThan(reports[^1].TrainMse!.Value);
        reports[^1].ObservedLoss.Should().BeGreaterThanOrEqualTo(reports[^1].TrainMse!.Value, "the observed loss is measured before the last step");
    }

    /// <summary>
    /// Without a penalty, a wide plain model fitted with a large step overfits: the validation MSE
    /// bottoms out and rises. Early stopping (the unified training loop's) stops the fit and returns the
    /// model of the best iteration, as the other factorizers do.
    /// </summary>
    [Fact]
    public void Fit_EarlyStopping_StopsAfterPatienceAndReturnsTheBestIteration()
    {
        RatingsDataset all = FullBatchTestData.Random(60, 50, 0.4, seed: 3);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.25, seed: 2);
        var reports = new List<TrainingProgress>();
        var logger = new ListLogger();
        var options = new GradientDescentOptions { Dimensions = 20, Iterations = 2000, LearningRate = 20, InitStdDev = 0.3, ReportInterval = 1, EarlyStoppingPatience = 5 };

        FactorizationModel model = new GradientDescentFactorizer(options, logger).Fit(split.Train, split.Test, new SyncProgress(reports));

        int best = reports.MinBy(r => r.ValidationMse!.Value).Iteration;
        reports[^1].Iteration.Should().Be(best + 5).And.BeLessThan(2000);
        model.MeanSquaredError(split.Test).Should().BeApproximately(reports[best - 1].ValidationMse!.Value, 1e-5);
        model.MeanSquaredError(split.Test).Should().BeLessThan(reports[^1].ValidationMse!.Value);
        logger.Events.Should().Contain(e => e.Id == 1006 && e.Message.Contains($"kept iteration {best}"));
    }

    [Fact]
    public void Fit_ClipPredictions_ClampsTheModelAndTheReportedValidationMse()
    {
        RatingsDataset all = FullBatchTestData.Random(60, 50, 0.4, seed: 4);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.25, seed: 3);
        var reports = new List<TrainingProgress>();
        var options = new GradientDescentOptions { Dimensions = 8, Iterations = 60, LearningRate = 10, ReportInterval = 20, ClipPredictions = true };

        FactorizationModel model = new GradientDescentFactorizer(options).Fit(split.Train, split.Test, new SyncProgress(reports));

        model.PredictionRange.Should().Be(split.Train.ValueRange);
        reports[^1].ValidationMse!.Value.Should().BeApproximately(model.MeanSquaredError(split.Test), 1e-5, "the reported validation MSE is that of the clamped predictions");
        model.MeanSquaredError(split.Test).Should().BeLessThanOrEqualTo(model.WithPredictionRange(null).MeanSquaredError(split.Test));
        new GradientDescentFactorizer(options with { ClipPredictions = false }).Fit(split.Train).PredictionRange.Should().BeNull("the notebook's models do not clamp by default");
    }

    [Fact]
    public void Fit_WithLogger_LogsStartProgressAndCompletionWithStableEventIds()
    {
        var logger = new ListLogger();
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 3, Iterations = 20, LearningRate = 1 }, logger);

        factorizer.Fit(FullBatchTestData.Random(20, 15, 0.4, seed: 2), FullBatchTestData.Random(20, 15, 0.1, seed: 3));

        logger.Events.Select(e => e.Id).Should().Equal(1000, 1002, 1002, 1003);
        logger.Events[0].Message.Should().Contain("GradientDescentFactorizer").And.Contain("d = 3").And.Contain("20 iterations");
        logger.Events[2].Message.Should().Contain("iteration 20/20").And.Contain("validation MSE");
    }

    [Fact]
    public void Fit_Diverging_LogsWarning()
    {
        var logger = new ListLogger();
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 4, Iterations = 100, LearningRate = 1e6 }, logger);

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.4, seed: 1));

        fit.Should().Throw<TrainingDivergedException>();
        logger.Events[^1].Id.Should().Be(1004);
        logger.Events[^1].Level.Should().Be(Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    // ------------------------------------------------------------------ robustness

    [Fact]
    public void Fit_HugeLearningRate_ThrowsDivergedNamingIterationAndSuggestingSmallerRate()
    {
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 4, Iterations = 100, LearningRate = 1e6 });

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.4, seed: 1));

        TrainingDivergedException ex = fit.Should().Throw<TrainingDivergedException>().Which;
        ex.Iteration.Should().BeInRange(1, 100);
        ex.Message.Should().Contain($"iteration {ex.Iteration}").And.Contain("smaller learning rate").And.Contain("1000000");
        double.IsFinite(ex.Loss).Should().BeFalse();
    }

    [Fact]
    public void Fit_DivergesOnLastStep_ThrowsInsteadOfReturningNonFiniteModel()
    {
        // One iteration: the loss at the start is finite, the model after the step is not.
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 4, Iterations = 1, LearningRate = 1e38 });

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.4, seed: 1));

        fit.Should().Throw<TrainingDivergedException>().Which.Iteration.Should().Be(1);
    }

    [Fact]
    public void Fit_CancelledFromProgress_ThrowsBeforeNextIteration()
    {
        using var cts = new CancellationTokenSource();
        var reports = new List<TrainingProgress>();
        var progress = new SyncProgress(reports, p =>
        {
            if (p.Iteration == 20)
            {
                cts.Cancel();
            }
        });
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 4, Iterations = 1000, ReportInterval = 1, LearningRate = 1 });

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.4, seed: 1), progress: progress, cancellationToken: cts.Token);

        fit.Should().Throw<OperationCanceledException>();
        reports.Select(r => r.Iteration).Should().Equal(Enumerable.Range(1, 20));
    }

    [Fact]
    public void Fit_AlreadyCancelled_Throws()
    {
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 4, Iterations = 10 });

        Action fit = () => factorizer.Fit(FullBatchTestData.Tiny(), cancellationToken: new CancellationToken(canceled: true));

        fit.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Fit_EmptyTrainingSet_ThrowsArgumentException()
    {
        var factorizer = new GradientDescentFactorizer();

        Action fit = () => factorizer.Fit(RatingsDataset.Empty(Catalog.Sequential(3, 4)));

        fit.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_NullTrainingSet_ThrowsArgumentNullException()
    {
        Action fit = () => new GradientDescentFactorizer().Fit(null!);

        fit.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_ValidationFromAnotherCatalogue_ThrowsNamingValidation()
    {
        RatingsDataset other = new RatingsDatasetBuilder(Catalog.Sequential(3, 5)).Add(new Rating(U(0), I(4), 3)).Build();
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 1 });

        Action fit = () => factorizer.Fit(FullBatchTestData.Tiny(), other);

        ArgumentException ex = fit.Should().Throw<ArgumentException>().Which;
        ex.ParamName.Should().Be("validation");
        ex.Message.Should().Contain("another catalogue");
    }

    [Theory]
    [InlineData(nameof(GradientDescentOptions.Dimensions))]
    [InlineData(nameof(GradientDescentOptions.Iterations))]
    [InlineData(nameof(GradientDescentOptions.InitStdDev))]
    [InlineData(nameof(GradientDescentOptions.LearningRate))]
    [InlineData(nameof(GradientDescentOptions.MaxDegreeOfParallelism))]
    [InlineData(nameof(GradientDescentOptions.ReportInterval))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option)
    {
        foreach (GradientDescentOptions invalid in InvalidOptions(option))
        {
            Action create = () => _ = new GradientDescentFactorizer(invalid);

            create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
        }
    }

    [Fact]
    public void Constructor_NoOptions_UsesNotebookDefaults()
    {
        var options = new GradientDescentFactorizer().Options;

        options.Dimensions.Should().Be(30);
        options.InitStdDev.Should().Be(0.5);
        options.LearningRate.Should().Be(10);
        options.Iterations.Should().Be(1000);
        options.ReportInterval.Should().Be(10);
    }

    internal static double MeanSquare(RatingsDataset ratings)
    {
        double s = 0;
        foreach (Rating r in ratings)
        {
            s += (double)r.Value * r.Value;
        }

        return s / ratings.Count;
    }

    /// <summary>Plain gradient descent on the observed MSE in double precision.</summary>
    private static (double[] U, double[] V) ReferenceSteps(RatingsDataset train, double[] u, double[] v, int d, double eta, int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            var gu = new double[u.Length];
            var gv = new double[v.Length];
            foreach (Rating r in train)
            {
                double e = -r.Value;
                for (int k = 0; k < d; k++)
                {
                    e += u[(r.User.Value * d) + k] * v[(r.Item.Value * d) + k];
                }

                for (int k = 0; k < d; k++)
                {
                    gu[(r.User.Value * d) + k] += 2.0 / train.Count * e * v[(r.Item.Value * d) + k];
                    gv[(r.Item.Value * d) + k] += 2.0 / train.Count * e * u[(r.User.Value * d) + k];
                }
            }

            for (int k = 0; k < u.Length; k++)
            {
                u[k] -= eta * gu[k];
            }

            for (int k = 0; k < v.Length; k++)
            {
                v[k] -= eta * gv[k];
            }
        }

        return (u, v);
    }

    private static IEnumerable<GradientDescentOptions> InvalidOptions(string option)
    {
        var o = new GradientDescentOptions();
        return option switch
        {
            nameof(GradientDescentOptions.Dimensions) => [o with { Dimensions = 0 }, o with { Dimensions = -3 }],
            nameof(GradientDescentOptions.Iterations) => [o with { Iterations = 0 }],
            nameof(GradientDescentOptions.InitStdDev) => [o with { InitStdDev = 0 }, o with { InitStdDev = -1 }, o with { InitStdDev = double.NaN }, o with { InitStdDev = double.PositiveInfinity }],
            nameof(GradientDescentOptions.LearningRate) => [o with { LearningRate = 0 }, o with { LearningRate = -0.1 }, o with { LearningRate = double.NaN }, o with { LearningRate = double.PositiveInfinity }],
            nameof(GradientDescentOptions.MaxDegreeOfParallelism) => [o with { MaxDegreeOfParallelism = 0 }, o with { MaxDegreeOfParallelism = -2 }],
            nameof(GradientDescentOptions.ReportInterval) => [o with { ReportInterval = 0 }],
            _ => throw new ArgumentOutOfRangeException(nameof(option)),
        };
    }
}

/// <summary>An <see cref="IProgress{T}"/> that records reports synchronously (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class SyncProgress(List<TrainingProgress> reports, Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        reports.Add(value);
        onReport?.Invoke(value);
    }
}

/// <summary>Records log events (all levels enabled).</summary>
internal sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    public List<(int Id, Microsoft.Extensions.Logging.LogLevel Level, string Message)> Events { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Events.Add((eventId.Id, logLevel, formatter(state, exception)));
}
