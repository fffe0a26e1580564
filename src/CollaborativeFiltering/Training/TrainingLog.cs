using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Training;

/// <summary>
/// The log messages of <see cref="TrainingLoop"/>, one set for every trainer, each message naming the
/// trainer. Event ids are stable and grouped per trainer: the trainer's first id plus 0 fit starting,
/// 1 progress, 2 progress with validation, 3 fit completed, 4 diverged, 5 cancelled, 6 early stopped
/// (or, for a trainer that cannot stop early, early stopping ignored). First ids: 1000 full-batch
/// gradient descent (<c>GradientDescentFactorizer</c>, <c>RegularizedFactorizer</c>), 1300 biased SGD,
/// 3000 explicit ALS, 3010 implicit ALS, 5000 the softmax trainer. The messages are defined once per
/// trainer with <see cref="LoggerMessage.Define{T1, T2, T3, T4, T5, T6}(LogLevel, EventId, string)"/>
/// (the source generator takes constant event ids only); nothing is formatted unless the level is enabled.
/// </summary>
internal sealed class TrainingLog
{
    private readonly Action<ILogger, string, int, int, int, string, int, Exception?> _fitStarting;
    private readonly Action<ILogger, string, int, int, string, Exception?> _progress;
    private readonly Action<ILogger, string, int, int, string, Exception?> _progressWithValidation;
    private readonly Action<ILogger, string, int, long, string, Exception?> _fitCompleted;
    private readonly Action<ILogger, string, double, int, double, Exception?> _diverged;
    private readonly Action<ILogger, string, int, double, Exception?> _divergedWithoutLearningRate;
    private readonly Action<ILogger, string, int, Exception?> _cancelled;
    private readonly Action<ILogger, string, int, int, int, double, Exception?> _earlyStopped;
    private readonly Action<ILogger, string, int, string, int, Exception?> _earlyStoppingIgnored;

    /// <summary>Defines a trainer's messages.</summary>
    /// <param name="trainer">The public trainer's name, the first word of every message.</param>
    /// <param name="eventPrefix">The prefix of the event names (<c>FullBatch</c> gives <c>FullBatchFitStarting</c>, ...).</param>
    /// <param name="firstEventId">The trainer's first event id.</param>
    /// <param name="unit">What an iteration is called ("iteration", "epoch", "sweep").</param>
    /// <param name="validationMetric">What the validation loss is ("MSE", "cross-entropy").</param>
    /// <param name="patienceUnits">What early stopping's patience counts, plural ("epochs", "evaluations").</param>
    public TrainingLog(string trainer, string eventPrefix, int firstEventId, string unit, string validationMetric, string patienceUnits)
    {
        Trainer = trainer;
        string units = unit + "s";
        _fitStarting = LoggerMessage.Define<string, int, int, int, string, int>(LogLevel.Information, new EventId(firstEventId, eventPrefix + "FitStarting"),
            "{Trainer}: fitting {Users} users × {Items} items from {Ratings} ratings; {Settings}, {Threads} threads");
        _progress = LoggerMessage.Define<string, int, int, string>(LogLevel.Debug, new EventId(firstEventId + 1, eventPrefix + "Progress"),
            "{Trainer}: " + unit + " {Iteration}/{TotalIterations}: {Measurements}");
        _progressWithValidation = LoggerMessage.Define<string, int, int, string>(LogLevel.Debug, new EventId(firstEventId + 2, eventPrefix + "ProgressWithValidation"),
            "{Trainer}: " + unit + " {Iteration}/{TotalIterations}: {Measurements}");
        _fitCompleted = LoggerMessage.Define<string, int, long, string>(LogLevel.Information, new EventId(firstEventId + 3, eventPrefix + "FitCompleted"),
            "{Trainer}: trained {Iterations} " + units + " in {ElapsedMilliseconds} ms; {Summary}");
        _diverged = LoggerMessage.Define<string, double, int, double>(LogLevel.Warning, new EventId(firstEventId + 4, eventPrefix + "Diverged"),
            "{Trainer}: the loss became {Loss} at " + unit + " {Iteration} with learning rate {LearningRate}; training stopped");
        _divergedWithoutLearningRate = LoggerMessage.Define<string, int, double>(LogLevel.Warning, new EventId(firstEventId + 4, eventPrefix + "Diverged"),
            "{Trainer}: " + unit + " {Iteration} produced a non-finite value (loss {Loss}); training stopped");
        _cancelled = LoggerMessage.Define<string, int>(LogLevel.Information, new EventId(firstEventId + 5, eventPrefix + "Cancelled"),
            "{Trainer}: cancelled after {CompletedIterations} " + units);
        _earlyStopped = LoggerMessage.Define<string, int, int, int, double>(LogLevel.Information, new EventId(firstEventId + 6, eventPrefix + "EarlyStopped"),
            "{Trainer}: validation " + validationMetric + " has not improved for {Patience} " + patienceUnits + "; stopped after " + unit + " {Iteration} and kept "
            + unit + " {BestIteration} (validation " + validationMetric + " {BestValidationLoss})");
        _earlyStoppingIgnored = LoggerMessage.Define<string, int, string, int>(LogLevel.Warning, new EventId(firstEventId + 6, eventPrefix + "EarlyStoppingIgnored"),
            "{Trainer}: EarlyStoppingPatience = {Patience} is ignored; {Reason}, so all {Iterations} " + units + " run");
    }

    /// <summary>The public trainer's name.</summary>
    public string Trainer { get; }

    public void FitStarting(ILogger logger, int users, int items, int ratings, Func<string> settings, int threads)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            _fitStarting(logger, Trainer, users, items, ratings, settings(), threads, null);
        }
    }

    public void Progress(ILogger logger, int iteration, int totalIterations, bool withValidation, string measurements) =>
        (withValidation ? _progressWithValidation : _progress)(logger, Trainer, iteration, totalIterations, measurements, null);

    public void FitCompleted(ILogger logger, int iterations, long elapsedMilliseconds, string summary) =>
        _fitCompleted(logger, Trainer, iterations, elapsedMilliseconds, summary, null);

    public void Diverged(ILogger logger, int iteration, double loss, double learningRate)
    {
        if (double.IsNaN(learningRate))
        {
            _divergedWithoutLearningRate(logger, Trainer, iteration, loss, null);
        }
        else
        {
            _diverged(logger, Trainer, loss, iteration, learningRate, null);
        }
    }

    public void Cancelled(ILogger logger, int completedIterations) => _cancelled(logger, Trainer, completedIterations, null);

    public void EarlyStopped(ILogger logger, int patience, int iteration, int bestIteration, double bestValidationLoss) =>
        _earlyStopped(logger, Trainer, patience, iteration, bestIteration, bestValidationLoss, null);

    public void EarlyStoppingIgnored(ILogger logger, int patience, string reason, int iterations) =>
        _earlyStoppingIgnored(logger, Trainer, patience, reason, iterations, null);
}
