using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Training;

/// <summary>How long a fit runs, how often it reports, and how it stops early.</summary>
/// <param name="Iterations">The most iterations.</param>
/// <param name="ReportInterval">Progress is reported every this many iterations and after the last.</param>
/// <param name="EarlyStoppingPatience">Evaluations without improvement before stopping; 0 for never.</param>
/// <param name="EvaluationInterval">Early stopping measures the validation loss every this many iterations (and after the last).</param>
internal readonly record struct TrainingSchedule(int Iterations, int ReportInterval, int EarlyStoppingPatience, int EvaluationInterval)
{
    /// <summary>The schedule of <paramref name="options"/>, evaluating every <paramref name="evaluationInterval"/> iterations.</summary>
    public static TrainingSchedule Of(TrainerOptions options, int evaluationInterval = 1) =>
        new(options.Iterations, options.ReportInterval, options.EarlyStoppingPatience, evaluationInterval);
}

/// <summary>
/// The one training loop of the library, used by every trainer: iterations of
/// <see cref="ITraining{TModel}.Step"/>, cancellation before every iteration (and within one, where the
/// training checks the token), a divergence check of every loss seen and of the final parameters,
/// progress reports every report interval and after the last iteration (measured only when someone
/// listens: a progress sink or a debug-level logger), early stopping with a best-so-far snapshot that is
/// restored at the end, and the trainer's log messages (<see cref="TrainingLog"/>). Per iteration, not
/// per rating: it allocates nothing between reports.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>Runs the fit to the end (or to an early stop) and returns the model.</summary>
    /// <exception cref="TrainingDivergedException">A loss or a parameter became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TModel Run<TModel>(ITraining<TModel> training, TrainingSchedule schedule, TrainingLog log, ILogger logger, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        int total = schedule.Iterations;
        bool earlyStopping = schedule.EarlyStoppingPatience > 0 && training.HasValidation;
        if (schedule.EarlyStoppingPatience > 0 && training.EarlyStoppingUnsupportedReason is { } reason)
        {
            log.EarlyStoppingIgnored(logger, schedule.EarlyStoppingPatience, reason, total);
            earlyStopping = false;
        }

        bool debug = logger.IsEnabled(LogLevel.Debug);
        bool listening = progress is not null || debug;
        double bestLoss = double.PositiveInfinity;
        int bestIteration = 0, sinceBest = 0, completed = 0;
        TrainingProgress? lastReport = null;
        double? lastValidationLoss = null;
        try
        {
            for (int iteration = 1; iteration <= total && iteration > 0; iteration++) // "> 0": Iterations = int.MaxValue ends instead of wrapping
            {
                cancellationToken.ThrowIfCancellationRequested();
                double stepLoss = training.Step(iteration, cancellationToken);
                completed = iteration;
                if (!double.IsFinite(stepLoss))
                {
                    throw Diverged(log, logger, iteration, stepLoss, training.LearningRate(iteration));
                }

                double? validationLoss = null;
                lastValidationLoss = null;
                bool stop = false;
                if (earlyStopping && (iteration % schedule.EvaluationInterval == 0 || iteration == total))
                {
                    double loss = training.ValidationLoss();
                    if (!double.IsFinite(loss))
                    {
                        throw Diverged(log, logger, iteration, loss, training.LearningRate(iteration));
                    }

                    validationLoss = loss;
                    lastValidationLoss = loss;
                    if (loss < bestLoss)
                    {
                        bestLoss = loss;
                        bestIteration = iteration;
                        sinceBest = 0;
                        training.KeepBest();
                    }
                    else
                    {
                        stop = ++sinceBest >= schedule.EarlyStoppingPatience && iteration < total;
                    }
                }

                bool report = stop || iteration % schedule.ReportInterval == 0 || iteration == total;
                if (report && listening)
                {
                    TrainingProgress measured = Measure(training, validationLoss, iteration, total, started, log, logger) with
                    {
                        BestIteration = earlyStopping && bestIteration > 0 ? bestIteration : null,
                    };
                    if (debug)
                    {
                        log.Progress(logger, iteration, total, measured.ValidationLoss is not null, training.Describe(measured));
                    }

                    progress?.Report(measured);
                    lastReport = measured;
                }

                if (stop)
                {
                    log.EarlyStopped(logger, schedule.EarlyStoppingPatience, iteration, bestIteration, bestLoss);
                    break;
                }
            }

            // The final parameters are always checked, by a last measurement when no report measured them:
            // a step can leave values that no loss saw, or finite values whose predictions overflow.
            if (lastReport?.Iteration != completed)
            {
                lastReport = Measure(training, lastValidationLoss, completed, total, started, log, logger) with
                {
                    BestIteration = earlyStopping && bestIteration > 0 ? bestIteration : null,
                };
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Before an iteration, or within a step or a measurement of a training that checks the token.
            log.Cancelled(logger, completed);
            throw;
        }

        if (!training.AllFinite())
        {
            throw Diverged(log, logger, completed, double.NaN, training.LearningRate(completed));
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            long elapsedMilliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            log.FitCompleted(logger, completed, elapsedMilliseconds, training.Summarize(lastReport.Value));
        }

        return training.ToModel(best: earlyStopping && bestIteration != 0 && bestIteration != completed);
    }

    /// <summary>Measures the current parameters as the report of <paramref name="iteration"/>; throws when a value is not finite.</summary>
    private static TrainingProgress Measure<TModel>(ITraining<TModel> training, double? validationLoss, int iteration, int total, long started, TrainingLog log, ILogger logger)
    {
        TrainingProgress measured = training.Measure(validationLoss) with
        {
            Iteration = iteration,
            TotalIterations = total,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        if (FirstNonFinite(measured) is { } nonFinite)
        {
            throw Diverged(log, logger, iteration, nonFinite, training.LearningRate(iteration));
        }

        return measured;
    }

    /// <summary>The first non-finite value among the loss and the errors of a report, or <see langword="null"/>.</summary>
    private static double? FirstNonFinite(in TrainingProgress p) =>
        !double.IsFinite(p.TotalLoss) ? p.TotalLoss
        : p.TrainMse is { } t && !double.IsFinite(t) ? t
        : p.ValidationLoss is { } v && !double.IsFinite(v) ? v
        : p.ValidationMse is { } m && !double.IsFinite(m) ? m
        : null;

    private static TrainingDivergedException Diverged(TrainingLog log, ILogger logger, int iteration, double loss, double learningRate)
    {
        log.Diverged(logger, iteration, loss, learningRate);
        return new TrainingDivergedException(iteration, loss, learningRate);
    }
}
