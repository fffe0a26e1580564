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
    public static TModel Run<TModel>(ITraining<TModel> training, TrainingSchedule schedule, TrainingLog log, ILogger logger, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        new TrainingRun<TModel>(training, schedule, log, logger).RunTo(schedule.Iterations, progress, keepTraining: false, cancellationToken);

    /// <summary>Measures the current parameters as the report of <paramref name="iteration"/>; throws when a value is not finite.</summary>
    internal static TrainingProgress Measure<TModel>(ITraining<TModel> training, double? validationLoss, int iteration, int total, long started, TrainingLog log, ILogger logger)
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

    internal static TrainingDivergedException Diverged(TrainingLog log, ILogger logger, int iteration, double loss, double learningRate)
    {
        log.Diverged(logger, iteration, loss, learningRate);
        return new TrainingDivergedException(iteration, loss, learningRate);
    }
}
