using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Training;

/// <summary>The one training loop, driven by a scripted training whose losses and validation curve the tests choose.</summary>
public sealed class TrainingLoopTests
{
    private static readonly TrainingLog Log = new("ScriptedTrainer", "Scripted", 9000, "step", "loss", "steps");

    [Fact]
    public void Run_ReportsEveryIntervalAndAfterTheLast_AndReturnsTheFinalModel()
    {
        var training = new ScriptedTraining();
        var reports = new List<TrainingProgress>();

        int model = TrainingLoop.Run(training, new TrainingSchedule(10, 4, 0, 1), Log, new RecordingLogger(), new SyncProgress(reports), CancellationToken.None);

        reports.Select(r => r.Iteration).Should().Equal(4, 8, 10);
        reports.Should().OnlyContain(r => r.TotalIterations == 10);
        reports.Select(r => r.ObservedLoss).Should().Equal([4, 8, 10], "each report measures the parameters after its iteration");
        model.Should().Be(10);
        training.Steps.Should().Be(10);
    }

    [Fact]
    public void Run_NobodyListening_MeasuresOnlyTheFinalParameters()
    {
        var training = new ScriptedTraining();

        TrainingLoop.Run(training, new TrainingSchedule(10, 1, 0, 1), Log, new RecordingLogger(LogLevel.Information), null, CancellationToken.None);

        training.Measured.Should().Equal([10], "without a progress sink or a debug logger only the final parameters are checked");
    }

    [Fact]
    public void Run_EarlyStopping_StopsAfterPatienceEvaluationsAndReturnsTheBest()
    {
        // Validation loss falls to a minimum at step 4, then rises.
        var training = new ScriptedTraining { ValidationCurve = [5, 4, 3, 2, 2.5, 2.6, 2.7, 2.8, 2.9, 3] };
        var logger = new RecordingLogger();
        var reports = new List<TrainingProgress>();

        int model = TrainingLoop.Run(training, new TrainingSchedule(10, 1, 2, 1), Log, logger, new SyncProgress(reports), CancellationToken.None);

        training.Steps.Should().Be(6, "two evaluations without improvement after the best, at step 4");
        model.Should().Be(-4, "the model of the best step is restored");
        reports.Select(r => r.Iteration).Should().Equal(1, 2, 3, 4, 5, 6);
        reports[^1].ValidationLoss.Should().Be(2.6, "the report reuses the validation loss early stopping measured");
        reports.Select(r => r.BestIteration).Should().Equal(1, 2, 3, 4, 4, 4);
        logger.Entries.Should().Contain(e => e.Id == 9006 && e.Message.Contains("kept step 4"));
    }

    [Fact]
    public void Run_WithoutEarlyStopping_ReportsNoBestIteration()
    {
        var training = new ScriptedTraining { ValidationCurve = [5, 4, 3, 2, 2.5, 2.6, 2.7, 2.8, 2.9, 3] };
        var reports = new List<TrainingProgress>();

        TrainingLoop.Run(training, new TrainingSchedule(10, 5, 0, 1), Log, new RecordingLogger(), new SyncProgress(reports), CancellationToken.None);

        reports.Should().HaveCount(2).And.OnlyContain(r => r.BestIteration == null);
    }

    [Fact]
    public void Run_EarlyStoppingEveryThirdStep_CountsPatienceInEvaluations()
    {
        var training = new ScriptedTraining { ValidationCurve = [9, 9, 3, 9, 9, 4, 9, 9, 5, 9, 9, 6] };

        int model = TrainingLoop.Run(training, new TrainingSchedule(12, 3, 2, 3), Log, new RecordingLogger(), null, CancellationToken.None);

        training.ValidationSteps.Should().Equal(3, 6, 9);
        training.Steps.Should().Be(9);
        model.Should().Be(-3);
    }

    [Fact]
    public void Run_BestIsTheLastIteration_ReturnsTheFinalModelWithoutRestoring()
    {
        var training = new ScriptedTraining { ValidationCurve = [5, 4, 3] };

        int model = TrainingLoop.Run(training, new TrainingSchedule(3, 1, 1, 1), Log, new RecordingLogger(), null, CancellationToken.None);

        model.Should().Be(3);
    }

    [Fact]
    public void Run_EarlyStoppingUnsupported_WarnsAndRunsEveryIteration()
    {
        var training = new ScriptedTraining { ValidationCurve = [1, 2, 3, 4, 5], UnsupportedReason = "it measures the wrong thing" };
        var logger = new RecordingLogger();

        int model = TrainingLoop.Run(training, new TrainingSchedule(5, 1, 1, 1), Log, logger, null, CancellationToken.None);

        model.Should().Be(5);
        training.ValidationSteps.Should().BeEmpty();
        logger.Entries.Should().Contain(e => e.Id == 9006 && e.Level == LogLevel.Warning && e.Message.Contains("it measures the wrong thing"));
    }

    [Theory]
    [InlineData(3, double.NaN)]
    [InlineData(1, double.PositiveInfinity)]
    public void Run_StepLossNotFinite_ThrowsDivergedNamingTheIterationAndLogs(int at, double loss)
    {
        var training = new ScriptedTraining { StepLossAt = (at, loss) };
        var logger = new RecordingLogger();

        Action act = () => TrainingLoop.Run(training, new TrainingSchedule(10, 1, 0, 1), Log, logger, null, CancellationToken.None);

        TrainingDivergedException e = act.Should().Throw<TrainingDivergedException>().Which;
        e.Iteration.Should().Be(at);
        e.Message.Should().Contain("learning rate 0.5");
        logger.Entries[^1].Id.Should().Be(9004);
        logger.Entries[^1].Level.Should().Be(LogLevel.Warning);
    }

    [Fact]
    public void Run_FinalParametersNotFinite_Throws()
    {
        var training = new ScriptedTraining { FiniteAtEnd = false };

        Action act = () => TrainingLoop.Run(training, new TrainingSchedule(4, 10, 0, 1), Log, new RecordingLogger(), null, CancellationToken.None);

        act.Should().Throw<TrainingDivergedException>().Which.Iteration.Should().Be(4);
    }

    [Fact]
    public void Run_FinalMeasurementNotFinite_ThrowsEvenWithoutListeners()
    {
        var training = new ScriptedTraining { MeasuredTrainMseAt = (4, double.PositiveInfinity) };

        Action act = () => TrainingLoop.Run(training, new TrainingSchedule(4, 10, 0, 1), Log, new RecordingLogger(LogLevel.None), null, CancellationToken.None);

        act.Should().Throw<TrainingDivergedException>().Which.Iteration.Should().Be(4);
    }

    [Fact]
    public void Run_CancelledFromProgress_StopsBeforeTheNextIterationAndLogs()
    {
        using var cts = new CancellationTokenSource();
        var training = new ScriptedTraining();
        var logger = new RecordingLogger();
        var progress = new SyncProgress([], p => { if (p.Iteration == 3) { cts.Cancel(); } });

        Action act = () => TrainingLoop.Run(training, new TrainingSchedule(10, 1, 0, 1), Log, logger, progress, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        training.Steps.Should().Be(3);
        logger.Entries.Should().Contain(e => e.Id == 9005 && e.Message.Contains("after 3 steps"));
    }

    [Fact]
    public void Run_CancelledWithinAStep_LogsTheCompletedIterations()
    {
        using var cts = new CancellationTokenSource();
        var training = new ScriptedTraining { CancelDuringStep = (5, cts) };
        var logger = new RecordingLogger();

        Action act = () => TrainingLoop.Run(training, new TrainingSchedule(10, 1, 0, 1), Log, logger, null, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        logger.Entries.Should().Contain(e => e.Id == 9005 && e.Message.Contains("after 4 steps"));
    }

    [Fact]
    public void Run_LogsStartProgressAndCompletionWithTheTrainersName()
    {
        var logger = new RecordingLogger();
        var training = new ScriptedTraining();
        Log.FitStarting(logger, 3, 4, 5, () => "d = 2", training.WorkerCount);

        TrainingLoop.Run(training, new TrainingSchedule(2, 1, 0, 1), Log, logger, null, CancellationToken.None);

        logger.Entries.Select(e => e.Id).Should().Equal(9000, 9001, 9001, 9003);
        logger.Entries.Should().OnlyContain(e => e.Message.StartsWith("ScriptedTrainer: ", StringComparison.Ordinal));
        logger.Entries[0].Message.Should().Contain("3 users × 4 items from 5 ratings; d = 2, 1 threads");
        logger.Entries[1].Message.Should().Contain("step 1/2: loss 1");
        logger.Entries[^1].Message.Should().Contain("trained 2 steps in").And.Contain("final 2");
    }

    [Theory]
    [InlineData(5)] // the best (step 4) is not the last when the first part ends; patience not used up
    [InlineData(6)] // the patience is used up exactly at the first part's last step, where one fit would not stop
    [InlineData(7)] // the first part stops early by itself
    public void RunTo_ContinuedAfterAnyStep_StopsAndReturnsWhatOneFitReturns(int firstPart)
    {
        double[] curve = [5, 4, 3, 2, 2.5, 2.6, 2.7, 2.8, 2.9, 3];
        var whole = new ScriptedTraining { ValidationCurve = curve, CanContinue = true };
        int expected = TrainingLoop.Run(whole, new TrainingSchedule(10, 1, 2, 1), Log, new RecordingLogger(), null, CancellationToken.None);

        var training = new ScriptedTraining { ValidationCurve = curve, CanContinue = true };
        using var run = new TrainingRun<int>(training, new TrainingSchedule(10, 1, 2, 1), Log, new RecordingLogger());
        int first = run.RunTo(firstPart, null, keepTraining: true, CancellationToken.None);
        run.CanContinueTo(10).Should().BeTrue();
        int model = run.RunTo(10, null, keepTraining: false, CancellationToken.None);

        expected.Should().Be(-4);
        first.Should().Be(-4, "after step 5, 6 or 7 the best is step 4's");
        model.Should().Be(expected);
        training.Steps.Should().Be(whole.Steps, "a fit of 10 steps stops after step 6: the continued one stops there too").And.Be(6);
        training.CopiedModels.Should().Be(firstPart < 7 ? 1 : 0, "a kept fit's model is built from copies; a stopped fit's is final");
        run.BestIteration.Should().Be(4);
        run.CanContinueTo(20).Should().BeTrue("a stopped fit returns its model to any longer count");
        run.RunTo(20, null, keepTraining: true, CancellationToken.None).Should().Be(expected);
        training.Steps.Should().Be(6);
    }

    [Fact]
    public void RunTo_NoEarlyStop_ContinuesStepByStepToTheLongerCount()
    {
        var training = new ScriptedTraining { CanContinue = true };
        using var run = new TrainingRun<int>(training, new TrainingSchedule(10, 10, 0, 1), Log, new RecordingLogger());

        run.RunTo(3, null, keepTraining: true, CancellationToken.None).Should().Be(3);
        run.RunTo(9, null, keepTraining: true, CancellationToken.None).Should().Be(9);

        training.Steps.Should().Be(9);
        training.Measured.Should().Equal([3, 9], "only each part's final parameters are checked");
        run.CanContinueTo(8).Should().BeFalse("a fit does not go back");
    }

    [Fact]
    public void CanContinueTo_TrainingThatCannotContinue_OrModelHandedOver_IsFalse()
    {
        using var fixedRun = new TrainingRun<int>(new ScriptedTraining(), new TrainingSchedule(10, 10, 0, 1), Log, new RecordingLogger());
        fixedRun.CanContinueTo(4).Should().BeTrue("nothing has run yet");
        fixedRun.RunTo(4, null, keepTraining: true, CancellationToken.None).Should().Be(4);
        fixedRun.CanContinueTo(8).Should().BeFalse("the training's steps may depend on the total");

        using var handedOver = new TrainingRun<int>(new ScriptedTraining { CanContinue = true }, new TrainingSchedule(10, 10, 0, 1), Log, new RecordingLogger());
        handedOver.RunTo(4, null, keepTraining: false, CancellationToken.None);
        handedOver.CanContinueTo(8).Should().BeFalse("the model took the training's arrays");
        Action act = () => handedOver.RunTo(8, null, keepTraining: false, CancellationToken.None);
        act.Should().Throw<InvalidOperationException>().WithMessage("*8 iterations from 4*");
    }

    [Fact]
    public void CanContinueTo_EvaluatedOffTheInterval_IsFalse()
    {
        // Every third step is evaluated, and a fit's last step: a fit of 4 evaluates step 4, a longer one does not.
        var training = new ScriptedTraining { ValidationCurve = [9, 9, 3, 9, 9, 4, 9, 9, 5, 9, 9, 6], CanContinue = true };
        using var run = new TrainingRun<int>(training, new TrainingSchedule(12, 3, 2, 3), Log, new RecordingLogger());

        run.RunTo(4, null, keepTraining: true, CancellationToken.None);

        run.CanContinueTo(12).Should().BeFalse();
        training.ValidationSteps.Should().Equal(3, 4);
    }

    /// <summary>
    /// A training whose parameter is the step count: step k's loss is k, its measurement reports k,
    /// its validation loss is <see cref="ValidationCurve"/>[k − 1], and its model is the step count (negated when restored).
    /// </summary>
    private sealed class ScriptedTraining : ITraining<int>
    {
        private int _best;

        public int Steps { get; private set; }

        public List<int> Measured { get; } = [];

        public List<int> ValidationSteps { get; } = [];

        public double[] ValidationCurve { get; init; } = [];

        public string? UnsupportedReason { get; init; }

        public (int At, double Loss) StepLossAt { get; init; } = (-1, 0);

        public (int At, double Mse) MeasuredTrainMseAt { get; init; } = (-1, 0);

        public (int At, CancellationTokenSource Source)? CancelDuringStep { get; init; }

        public bool FiniteAtEnd { get; init; } = true;

        public int WorkerCount => 1;

        public bool HasValidation => ValidationCurve.Length > 0;

        public string? EarlyStoppingUnsupportedReason => UnsupportedReason;

        public double Step(int iteration, CancellationToken cancellationToken)
        {
            if (CancelDuringStep is { } cancel && cancel.At == iteration)
            {
                cancel.Source.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }

            Steps = iteration;
            return iteration == StepLossAt.At ? StepLossAt.Loss : iteration;
        }

        public double LearningRate(int iteration) => 0.5;

        public double ValidationLoss()
        {
            ValidationSteps.Add(Steps);
            return ValidationCurve[Steps - 1];
        }

        public TrainingProgress Measure(double? validationLoss)
        {
            Measured.Add(Steps);
            return new TrainingProgress
            {
                ObservedLoss = Steps,
                TrainMse = Steps == MeasuredTrainMseAt.At ? MeasuredTrainMseAt.Mse : Steps,
                ValidationLoss = validationLoss ?? (HasValidation ? ValidationCurve[Steps - 1] : null),
            };
        }

        public string Describe(in TrainingProgress progress) => $"loss {progress.ObservedLoss}";

        public string Summarize(in TrainingProgress final) => $"final {final.ObservedLoss}";

        public void KeepBest() => _best = Steps;

        public bool AllFinite() => FiniteAtEnd;

        public int ToModel(bool best) => best ? -_best : Steps;

        public bool CanContinue { get; init; }

        public int CopiedModels { get; private set; }

        bool ITraining<int>.Continuable => CanContinue;

        int ITraining<int>.CopyModel(bool best)
        {
            CopiedModels++;
            return ToModel(best);
        }

        public void Dispose()
        {
        }
    }

    private sealed class SyncProgress(List<TrainingProgress> reports, Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    private sealed class RecordingLogger(LogLevel minimum = LogLevel.Trace) : ILogger
    {
        public List<(int Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && minimum != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
            }
        }
    }
}
