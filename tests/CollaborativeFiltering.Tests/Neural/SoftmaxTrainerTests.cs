using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Neural;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Neural;

public sealed class SoftmaxTrainerTests
{
    // ------------------------------------------------------------------ arguments

    [Fact]
    public void Fit_NullTrain_Throws()
    {
        var act = () => new SoftmaxTrainer(SoftmaxTestData.FastOptions()).Fit(null!);

        act.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_EmptyTrain_ThrowsNamingIt()
    {
        var act = () => new SoftmaxTrainer(SoftmaxTestData.FastOptions()).Fit(RatingsDataset.Empty(Catalog.Sequential(3, 3)));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_ValidationFromAnotherCatalogue_Throws()
    {
        RatingsDataset train = SoftmaxTestData.TinyRatings();
        RatingsDataset other = new RatingsDatasetBuilder().Add("x", "y", 3).Build();

        var act = () => new SoftmaxTrainer(SoftmaxTestData.FastOptions()).Fit(train, other);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    [Theory]
    [InlineData(true, false, "UseGenres")]
    [InlineData(false, true, "UseReleaseYears")]
    public void Fit_FeatureWithoutMetadata_ThrowsNamingTheOption(bool genres, bool years, string option)
    {
        RatingsDataset train = new RatingsDatasetBuilder().Add("u1", "i1", 4).Add("u1", "i2", 3).Build();

        var act = () => new SoftmaxTrainer(SoftmaxTestData.FastOptions() with { UseGenres = genres, UseReleaseYears = years }).Fit(train);

        act.Should().Throw<ArgumentException>().WithMessage($"*{option}*").Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_CancelledBeforehand_Throws()
    {
        var act = () => new SoftmaxTrainer(SoftmaxTestData.FastOptions()).Fit(SoftmaxTestData.TinyRatings(), cancellationToken: new CancellationToken(true));

        act.Should().Throw<OperationCanceledException>();
    }

    // ------------------------------------------------------------------ determinism

    [Fact]
    public void Fit_SameSeedTwice_BitIdenticalModels()
    {
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { UseGenres = true, UseReleaseYears = true, UseItemBiases = true, Iterations = 15 };
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;

        SoftmaxModel first = new SoftmaxTrainer(options).Fit(train);
        SoftmaxModel second = new SoftmaxTrainer(options).Fit(train);

        AssertBitIdentical(first, second);
    }

    [Fact]
    public void Fit_DifferentThreadCounts_BitIdenticalModels()
    {
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { UseItemBiases = true, Iterations = 15, BatchSize = 30 };
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;

        SoftmaxModel one = new SoftmaxTrainer(options with { MaxDegreeOfParallelism = 1 }).Fit(train);
        SoftmaxModel three = new SoftmaxTrainer(options with { MaxDegreeOfParallelism = 3 }).Fit(train);

        AssertBitIdentical(one, three);
    }

    [Fact]
    public void Fit_DifferentSeeds_DifferentModels()
    {
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { Iterations = 5 };
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;

        SoftmaxModel a = new SoftmaxTrainer(options).Fit(train);
        SoftmaxModel b = new SoftmaxTrainer(options with { Seed = 43 }).Fit(train);

        a.ItemEmbeddings.SequenceEqual(b.ItemEmbeddings).Should().BeFalse();
    }

    // ------------------------------------------------------------------ progress, logging, divergence, cancellation

    [Fact]
    public void Fit_WithValidation_ReportsEveryIntervalAndTheLastIterationWithMetrics()
    {
        DatasetSplit split = SoftmaxTestData.SmallSplit();
        var progress = new SoftmaxTestData.ListProgress();

        SoftmaxModel model = new SoftmaxTrainer(SoftmaxTestData.FastOptions() with { Iterations = 25 }).Fit(split.Train, split.Test, progress);

        progress.Reports.Select(r => r.Iteration).Should().Equal(10, 20, 25);
        progress.Reports.Should().OnlyContain(r => r.TotalIterations == 25 && r.ValidationLoss > 0 && r.ValidationRecallAt10 >= 0 && r.ObservedLoss > 0);
        progress.Reports[^1].ObservedLoss.Should().BeLessThan(progress.Reports[0].ObservedLoss);
        progress.Reports[0].ObservedLoss.Should().BeLessThan(Math.Log(split.Train.ItemCount) + 0.5, "the first batches start near the uniform distribution's cross-entropy");
        double recall = RankingMetrics.Evaluate(model, split.Train, split.Test, 10).RecallAtK;
        progress.Reports[^1].ValidationRecallAt10!.Value.Should().BeApproximately(recall, 1e-12, "the report measures the returned model exactly as RankingMetrics does");
        progress.Reports[^1].ValidationLoss!.Value.Should().BeApproximately(MeanCrossEntropy(model, split.Test), 1e-4);
    }

    /// <summary>
    /// The softmax trainer stops early through the same loop as the factorizers: the validation
    /// cross-entropy is measured at every report, and the model of the best report is returned.
    /// </summary>
    [Fact]
    public void Fit_EarlyStopping_ReturnsTheModelOfTheBestReport()
    {
        DatasetSplit split = SoftmaxTestData.SmallSplit();
        var progress = new SoftmaxTestData.ListProgress();
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { Iterations = 400, ReportInterval = 5, EarlyStoppingPatience = 2, Optimizer = SoftmaxOptimizer.Adam, LearningRate = 0.05 };

        SoftmaxModel model = new SoftmaxTrainer(options).Fit(split.Train, split.Test, progress);

        double best = progress.Reports.Min(r => r.ValidationLoss!.Value);
        MeanCrossEntropy(model, split.Test).Should().BeApproximately(best, 1e-4, "the returned model is the best report's");
        int bestAt = progress.Reports.First(r => r.ValidationLoss == best).Iteration;
        progress.Reports[^1].Iteration.Should().Be(Math.Min(400, bestAt + 10), "two reports of five steps without improvement stop the fit");
    }

    [Fact]
    public void Fit_WithoutValidation_ReportsTrainLossOnly()
    {
        var progress = new SoftmaxTestData.ListProgress();

        new SoftmaxTrainer(SoftmaxTestData.FastOptions() with { Iterations = 10, ReportInterval = 4 }).Fit(SoftmaxTestData.TinyRatings(), progress: progress);

        progress.Reports.Select(r => r.Iteration).Should().Equal(4, 8, 10);
        progress.Reports.Should().OnlyContain(r => r.ValidationLoss == null && r.ValidationRecallAt10 == null && double.IsFinite(r.ObservedLoss));
    }

    [Fact]
    public void Fit_WithLogger_LogsStartProgressAndCompletionWithStableIds()
    {
        var logger = new SoftmaxTestData.ListLogger();
        DatasetSplit split = SoftmaxTestData.SmallSplit();

        new SoftmaxTrainer(SoftmaxTestData.FastOptions() with { Iterations = 10, ReportInterval = 5 }, logger).Fit(split.Train, split.Test);

        logger.Entries.Select(e => e.Id).Should().Equal(5000, 5002, 5002, 5003);
        logger.Entries[0].Level.Should().Be(LogLevel.Information);
        logger.Entries[0].Message.Should().Contain("hidden layers [12]").And.Contain("Adam");
        logger.Entries[1].Level.Should().Be(LogLevel.Debug);
        logger.Entries[1].Message.Should().Contain("iteration 5/10").And.Contain("recall@10");
    }

    [Fact]
    public void Fit_HugeLearningRate_ThrowsTrainingDivergedAndLogsIt()
    {
        var logger = new SoftmaxTestData.ListLogger();
        var options = SoftmaxTestData.FastOptions() with { Optimizer = SoftmaxOptimizer.Adagrad, LearningRate = 1e30, Iterations = 50 };

        var act = () => new SoftmaxTrainer(options, logger).Fit(SoftmaxTestData.SmallSplit().Train);

        TrainingDivergedException e = act.Should().Throw<TrainingDivergedException>().Which;
        e.Iteration.Should().BeInRange(1, 50);
        e.Message.Should().Contain("1E+30");
        logger.Entries.Should().Contain(entry => entry.Id == 5004 && entry.Level == LogLevel.Warning);
    }

    [Fact]
    public void Fit_CancelledDuringTraining_StopsBeforeTheNextBatch()
    {
        using var cts = new CancellationTokenSource();
        var logger = new SoftmaxTestData.ListLogger();
        var progress = new SoftmaxTestData.ListProgress(p =>
        {
            if (p.Iteration == 3)
            {
                cts.Cancel();
            }
        });

        var act = () => new SoftmaxTrainer(SoftmaxTestData.FastOptions() with { ReportInterval = 1 }, logger).Fit(SoftmaxTestData.TinyRatings(), null, progress, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        progress.Reports.Select(r => r.Iteration).Should().Equal(1, 2, 3);
        logger.Entries.Should().Contain(entry => entry.Id == 5005 && entry.Message.Contains("after 3 iterations"));
    }

    // ------------------------------------------------------------------ helpers

    private static double MeanCrossEntropy(SoftmaxModel model, RatingsDataset test)
    {
        double total = 0;
        var probabilities = new float[model.ItemCount];
        var query = new float[model.Dimensions];
        for (int u = 0; u < test.UserCount; u++)
        {
            if (test.ByUser.GetRowLength(u) == 0)
            {
                continue;
            }

            model.TryGetUserQuery(U(u), query).Should().BeTrue();
            model.ComputeProbabilities(query, probabilities);
            foreach (int item in test.ByUser.GetColumns(u))
            {
                total -= Math.Log(probabilities[item]);
            }
        }

        return total / test.Count;
    }

    internal static void AssertBitIdentical(SoftmaxModel a, SoftmaxModel b)
    {
        a.ItemEmbeddings.SequenceEqual(b.ItemEmbeddings).Should().BeTrue("the item embeddings are bit-identical");
        a.ItemBiases.SequenceEqual(b.ItemBiases).Should().BeTrue("the item biases are bit-identical");
        a.Network.ItemInput.Should().Equal(b.Network.ItemInput);
        a.Network.GenreInput.Should().Equal(b.Network.GenreInput);
        a.Network.YearInput.Should().Equal(b.Network.YearInput);
        a.Network.Weights.Length.Should().Be(b.Network.Weights.Length);
        for (int l = 0; l < a.Network.Weights.Length; l++)
        {
            a.Network.Weights[l].Should().Equal(b.Network.Weights[l]);
            a.Network.Biases[l].Should().Equal(b.Network.Biases[l]);
        }
    }
}
