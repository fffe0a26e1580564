using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Tests.Factorization;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Evaluation;

public class CrossValidationTests
{
    /// <summary>A deterministic factorizer with d = 1: every user's embedding is <c>prediction(train)</c>, every item's is 1.</summary>
    private sealed class FixedFactorizer(Func<RatingsDataset, float> prediction) : IMatrixFactorizer
    {
        public List<(int TrainCount, bool HadValidation)> Calls { get; } = [];

        public TrainerOptions Options { get; } = new GradientDescentOptions { Dimensions = 1 };

        public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            Calls.Add((train.Count, validation is not null));
            float p = prediction(train);
            var users = Enumerable.Repeat(p, train.UserCount).ToArray();
            var items = Enumerable.Repeat(1f, train.ItemCount).ToArray();
            return FactorizationModel.FromEmbeddings(train.Catalog, 1, users, items);
        }
    }

    private sealed class ListProgress : IProgress<int>
    {
        public List<int> Values { get; } = [];

        public void Report(int value) => Values.Add(value);
    }

    /// <summary>A 2×2 catalogue with all four pairs rated <paramref name="values"/>.</summary>
    private static RatingsDataset Full2x2(params float[] values)
    {
        var catalog = Catalog.Sequential(2, 2);
        var builder = new RatingsDatasetBuilder(catalog);
        for (int p = 0; p < 4; p++)
        {
            builder.Add(catalog.Users[p / 2], catalog.Items[p % 2], values[p]);
        }

        return builder.Build();
    }

    private static double[] Sorted(IEnumerable<double> values) => values.Order().ToArray();

    [Fact]
    public void Run_ConstantPredictorLeaveOneOut_FoldsAndSummariesByHand()
    {
        // Ratings 4, 2, 5, 3 and prediction 3: errors 1, −1, 2, 0. With 4 folds each fold tests one
        // rating, so the fold MSEs are {0, 1, 1, 4} in some order: mean 1.5, sample std √(9/3) = √3.
        // Fold RMSEs (= MAEs) are {0, 1, 1, 2}: mean 1, sample std √(2/3).
        // Each fold trains on the other three: train MSE = (6 − e²)/3 ∈ {2/3, 5/3, 5/3, 2}.
        var factorizer = new FixedFactorizer(_ => 3f);
        var result = CrossValidation.Run(factorizer, Full2x2(4, 2, 5, 3), folds: 4, seed: 1);

        result.Folds.Should().HaveCount(4);
        result.Folds.Select(f => f.Fold).Should().Equal(0, 1, 2, 3);
        result.Folds.Should().OnlyContain(f => f.Test.Count == 1 && f.Train.Count == 3 && f.TrainingTime >= TimeSpan.Zero);
        Sorted(result.Folds.Select(f => f.Test.Mse)).Should().BeEquivalentTo([0.0, 1, 1, 4], o => o.WithStrictOrdering());
        Sorted(result.Folds.Select(f => f.Train.Mse)).Should().Equal(
            [2.0 / 3, 5.0 / 3, 5.0 / 3, 2.0], (a, b) => Math.Abs(a - b) < 1e-12);

        result.Mse.Mean.Should().BeApproximately(1.5, 1e-12);
        result.Mse.StandardDeviation.Should().BeApproximately(Math.Sqrt(3), 1e-12);
        result.Rmse.Mean.Should().BeApproximately(1, 1e-12);
        result.Rmse.StandardDeviation.Should().BeApproximately(Math.Sqrt(2.0 / 3), 1e-12);
        result.Mae.Mean.Should().BeApproximately(1, 1e-12);
        result.Mae.StandardDeviation.Should().BeApproximately(Math.Sqrt(2.0 / 3), 1e-12);
        factorizer.Calls.Should().Equal((3, false), (3, false), (3, false), (3, false));
    }

    [Fact]
    public void Run_TrainMeanPredictor_FitsOnTrainingFoldsOnly()
    {
        // Ratings 1, 2, 3, 6 (sum 12). Leaving r out, the model predicts the mean of the other three,
        // (12 − r)/3, so the error is r − (12 − r)/3: −8/3, −4/3, 0, 4. Fold MSEs {64/9, 16/9, 0, 16}:
        // mean 56/9, sample std √(12544/243) = 112/(9√3). Fold RMSEs {8/3, 4/3, 0, 4}: mean 2, std √(80/27).
        // Training on the whole dataset instead would predict 3 everywhere and give different numbers.
        var factorizer = new FixedFactorizer(train => (float)DatasetStatistics.GlobalMean(train));
        var result = CrossValidation.Run(factorizer, Full2x2(1, 2, 3, 6), folds: 4, seed: 123);

        Sorted(result.Folds.Select(f => f.Test.Mse)).Should().Equal(
            [0.0, 16.0 / 9, 64.0 / 9, 16.0], (a, b) => Math.Abs(a - b) < 1e-5);
        result.Mse.Mean.Should().BeApproximately(56.0 / 9, 1e-5);
        result.Mse.StandardDeviation.Should().BeApproximately(112 / (9 * Math.Sqrt(3)), 1e-5);
        result.Rmse.Mean.Should().BeApproximately(2, 1e-5);
        result.Rmse.StandardDeviation.Should().BeApproximately(Math.Sqrt(80.0 / 27), 1e-5);
    }

    [Fact]
    public void Run_TwoFolds_EveryRatingTestedOnce()
    {
        var factorizer = new FixedFactorizer(_ => 3f);
        var result = CrossValidation.Run(factorizer, Full2x2(4, 2, 5, 3), folds: 2, seed: 5);

        result.Folds.Select(f => f.Test.Count).Should().Equal(2, 2);
        // Two test ratings per fold whose squared errors (1, 1, 4, 0) sum to 6 over both folds.
        result.Folds.Sum(f => f.Test.Mse * f.Test.Count).Should().BeApproximately(6, 1e-12);
    }

    [Fact]
    public void Run_Progress_ReportsFoldsDone()
    {
        var progress = new ListProgress();
        CrossValidation.Run(new FixedFactorizer(_ => 3f), Full2x2(4, 2, 5, 3), folds: 4, seed: 1, progress);
        progress.Values.Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public void Run_SameSeed_SameFolds()
    {
        var data = Full2x2(1, 2, 3, 6);
        var a = CrossValidation.Run(new FixedFactorizer(t => (float)DatasetStatistics.GlobalMean(t)), data, 4, seed: 9);
        var b = CrossValidation.Run(new FixedFactorizer(t => (float)DatasetStatistics.GlobalMean(t)), data, 4, seed: 9);
        a.Folds.Select(f => f.Test).Should().Equal(b.Folds.Select(f => f.Test));
    }

    [Fact]
    public void Run_GradientDescentFiveFolds_MeanIsAverageOfFolds()
    {
        var data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 60, Items = 40, Ratings = 1_500, MinRatingsPerUser = 10, Seed = 3 }).Dataset;
        var factorizer = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 4, Iterations = 30, LearningRate = 1, InitStdDev = 0.5, MaxDegreeOfParallelism = 2 });

        var result = CrossValidation.Run(factorizer, data, folds: 5, seed: 11);

        result.Folds.Should().HaveCount(5);
        result.Folds.Sum(f => f.Test.Count).Should().Be(data.Count);
        result.Folds.Should().OnlyContain(f => f.Train.Count + f.Test.Count == data.Count && double.IsFinite(f.Test.Mse) && f.Test.Mse > 0);
        double[] mse = result.Folds.Select(f => f.Test.Mse).ToArray();
        double[] rmse = result.Folds.Select(f => f.Test.Rmse).ToArray();
        double[] mae = result.Folds.Select(f => f.Test.Mae).ToArray();
        result.Mse.Mean.Should().BeApproximately(mse.Average(), 1e-12);
        result.Rmse.Mean.Should().BeApproximately(rmse.Average(), 1e-12);
        result.Mae.Mean.Should().BeApproximately(mae.Average(), 1e-12);
        result.Mse.StandardDeviation.Should().BeApproximately(SampleStd(mse), 1e-12);
        result.Rmse.StandardDeviation.Should().BeApproximately(SampleStd(rmse), 1e-12);
        result.Folds.Should().OnlyContain(f => Math.Abs(f.Test.Rmse - Math.Sqrt(f.Test.Mse)) < 1e-12);
        result.TotalTrainingTime.Should().Be(result.Folds.Aggregate(TimeSpan.Zero, (t, f) => t + f.TrainingTime));
    }

    private static double SampleStd(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(5)]
    public void Run_InvalidFolds_ThrowsNamingFolds(int folds)
    {
        var act = () => CrossValidation.Run(new FixedFactorizer(_ => 3f), Full2x2(4, 2, 5, 3), folds, seed: 1);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("folds");
    }

    [Fact]
    public void Run_EmptyDataset_ThrowsNamingDataset()
    {
        var act = () => CrossValidation.Run(new FixedFactorizer(_ => 3f), RatingsDataset.Empty(Catalog.Sequential(2, 2)), 2, seed: 1);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("dataset");
    }

    [Fact]
    public void Run_NullTrainer_Throws()
    {
        var act = () => CrossValidation.Run((ITrainer<FactorizationModel>)null!, Full2x2(4, 2, 5, 3), 2, seed: 1);
        act.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("trainer");
    }

    [Fact]
    public void Run_Cancelled_ThrowsBeforeFitting()
    {
        var factorizer = new FixedFactorizer(_ => 3f);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var act = () => CrossValidation.Run(factorizer, Full2x2(4, 2, 5, 3), 2, seed: 1, cancellationToken: cts.Token);
        act.Should().Throw<OperationCanceledException>();
        factorizer.Calls.Should().BeEmpty();
    }

    [Fact]
    public void Run_WithLogger_LogsStartEachFoldAndSummary()
    {
        var logger = new ListLogger();
        var result = CrossValidation.Run(new FixedFactorizer(_ => 3f), Full2x2(4, 2, 5, 3), folds: 4, seed: 1, logger: logger);

        logger.Events.Select(e => e.Id).Should().Equal(7200, 7201, 7201, 7201, 7201, 7202);
        logger.Events.Should().OnlyContain(e => e.Level == LogLevel.Information);
        logger.Events[0].Message.Should().Be("Cross-validation of FixedFactorizer: 4 folds of 4 ratings (seed 1), measuring rating errors");
        for (int f = 0; f < 4; f++)
        {
            string message = logger.Events[1 + f].Message;
            message.Should().StartWith($"Cross-validation of FixedFactorizer: fold {f + 1}/4 trained on 3 ratings in ");
            message.Should().EndWith("; test: " + result.Folds[f].Test);
        }

        logger.Events[5].Message.Should().Be("Cross-validation of FixedFactorizer: " + result);
    }

    [Fact]
    public void RunRanking_WithLogger_LogsStartEachFoldAndSummary()
    {
        var logger = new ListLogger();
        var result = CrossValidation.RunRanking(new FixedFactorizer(_ => 3f), Full2x2(4, 2, 5, 3), folds: 2, seed: 1, k: 1, logger: logger);

        logger.Events.Select(e => e.Id).Should().Equal(7200, 7201, 7201, 7202);
        logger.Events[0].Message.Should().EndWith("2 folds of 4 ratings (seed 1), measuring top-1 ranking");
        logger.Events[2].Message.Should().Contain("fold 2/2 trained on 2 ratings").And.EndWith("; test: " + result.Folds[1].Test);
        logger.Events[3].Message.Should().Be("Cross-validation of FixedFactorizer: " + result);
    }

    [Fact]
    public void Run_CancelledDuringAFold_LogsFoldsCompleted()
    {
        using var cts = new CancellationTokenSource();
        int fits = 0;
        var factorizer = new FixedFactorizer(_ =>
        {
            if (++fits == 2)
            {
                cts.Cancel();
                cts.Token.ThrowIfCancellationRequested();
            }

            return 3f;
        });
        var logger = new ListLogger();

        var act = () => CrossValidation.Run(factorizer, Full2x2(4, 2, 5, 3), 4, seed: 1, logger: logger, cancellationToken: cts.Token);

        act.Should().Throw<OperationCanceledException>();
        logger.Events.Select(e => e.Id).Should().Equal(7200, 7201, 7203);
        logger.Events[2].Message.Should().Be("Cross-validation of FixedFactorizer: cancelled after 1 of 4 folds");
    }
}
