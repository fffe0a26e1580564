using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Training;

/// <summary>
/// One fit as <see cref="TrainingLoop"/> drives it, with the loop's state kept between calls so that the
/// fit can be continued: <see cref="RunTo"/> runs it to an iteration count and returns the model a fit of
/// that many iterations returns; a later call with a larger count (where <see cref="CanContinueTo"/>
/// allows it) continues from where the last one ended and returns, bit for bit, the model of a fresh fit
/// of the larger count. That holds because a step depends only on its iteration number, never on the
/// total (learning rates decay per iteration; the early-stopping rule looks back, not ahead), and the
/// early-stopping state (best loss, its iteration, evaluations since) is carried over. Successive halving
/// uses it to train a promoted trial on instead of again from the start. The progress reports of a
/// continued fit are those of the separate calls (each reports its last iteration).
/// </summary>
/// <typeparam name="TModel">The model the training builds.</typeparam>
internal sealed class TrainingRun<TModel> : IDisposable
{
    private readonly ITraining<TModel> _training;
    private readonly TrainingSchedule _schedule;
    private readonly TrainingLog _log;
    private readonly ILogger _logger;
    private readonly Func<TModel, TModel>? _finish;
    private readonly bool _earlyStopping;
    private double _bestLoss = double.PositiveInfinity;
    private int _bestIteration;
    private int _sinceBest;
    private int _completed;
    private double? _lastValidationLoss;
    private long _elapsedTicks;
    private bool _handedOver;
    private bool _stopped;
    private TModel _stoppedModel = default!;
    private TrainingProgress? _lastReport;

    /// <summary>
    /// Prepares a fit of <paramref name="training"/> with <paramref name="schedule"/>'s report interval,
    /// patience and evaluation interval (its iteration count is not used: <see cref="RunTo"/> says how far);
    /// <paramref name="finish"/> is applied to every model returned.
    /// </summary>
    public TrainingRun(ITraining<TModel> training, TrainingSchedule schedule, TrainingLog log, ILogger logger, Func<TModel, TModel>? finish = null)
    {
        _training = training;
        _schedule = schedule;
        _log = log;
        _logger = logger;
        _finish = finish;
        _earlyStopping = schedule.EarlyStoppingPatience > 0 && training.HasValidation;
        if (schedule.EarlyStoppingPatience > 0 && training.EarlyStoppingUnsupportedReason is { } reason)
        {
            log.EarlyStoppingIgnored(logger, schedule.EarlyStoppingPatience, reason, schedule.Iterations);
            _earlyStopping = false;
        }
    }

    /// <summary>About how many bytes the training holds while kept (<see cref="ITraining{TModel}.RetainedBytes"/>).</summary>
    public long RetainedBytes => _training.RetainedBytes;

    /// <summary>The iterations run so far.</summary>
    public int Completed => _completed;

    /// <summary>Whether the fit stopped early (further calls return the same model).</summary>
    public bool Stopped => _stopped;

    /// <summary>The iteration of the best validation loss so far, when early stopping watches one (what the reports carry as <see cref="TrainingProgress.BestIteration"/>).</summary>
    public int? BestIteration => _earlyStopping && _bestIteration > 0 ? _bestIteration : null;

    /// <summary>
    /// Whether <see cref="RunTo"/> can run (or continue) this fit to <paramref name="iterations"/> with the
    /// result of a fresh fit of that many: the training's model was not handed over, the count does not go
    /// back, the training supports continuing (<see cref="ITraining{TModel}.Continuable"/>) once it has
    /// started, and no early-stopping evaluation was made off the evaluation interval (a fit evaluates at its
    /// last iteration, which a longer fit would not).
    /// </summary>
    public bool CanContinueTo(int iterations) =>
        Stopped
        || (!_handedOver && iterations >= _completed
            && (_completed == 0 || (_training.Continuable && (!_earlyStopping || _completed % _schedule.EvaluationInterval == 0))));

    /// <summary>
    /// Runs the fit to iteration <paramref name="iterations"/> (or to an early stop) and returns its model.
    /// With <paramref name="keepTraining"/> the model is built from copies, so that the fit can be continued
    /// by a later call; without, the training may hand its arrays to the model and the fit ends.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="CanContinueTo"/> is false.</exception>
    /// <exception cref="TrainingDivergedException">A loss or a parameter became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TModel RunTo(int iterations, IProgress<TrainingProgress>? progress, bool keepTraining, CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            // A longer fit stops at the same iteration: the same model, and the same last report.
            if (_lastReport is { } last)
            {
                progress?.Report(last);
            }

            return _stoppedModel;
        }

        if (!CanContinueTo(iterations))
        {
            throw new InvalidOperationException($"This fit cannot be continued to {iterations} iterations from {_completed}.");
        }

        ITraining<TModel> training = _training;
        TrainingLog log = _log;
        ILogger logger = _logger;
        int total = iterations, patience = _schedule.EarlyStoppingPatience;
        long started = Stopwatch.GetTimestamp() - _elapsedTicks;
        bool debug = logger.IsEnabled(LogLevel.Debug);
        bool listening = progress is not null || debug;
        TrainingProgress? lastReport = null;

        // A fit of this many iterations would have stopped where the last call ended if the patience ran out
        // at that call's last iteration (a fit does not stop at its own last iteration).
        bool stoppedEarly = _earlyStopping && _completed > 0 && _completed < total && _sinceBest >= patience;
        try
        {
            for (int iteration = _completed + 1; !stoppedEarly && iteration <= total && iteration > 0; iteration++) // "> 0": Iterations = int.MaxValue ends instead of wrapping
            {
                cancellationToken.ThrowIfCancellationRequested();
                double stepLoss = training.Step(iteration, cancellationToken);
                _completed = iteration;
                if (!double.IsFinite(stepLoss))
                {
                    throw TrainingLoop.Diverged(log, logger, iteration, stepLoss, training.LearningRate(iteration));
                }

                double? validationLoss = null;
                _lastValidationLoss = null;
                bool stop = false;
                if (_earlyStopping && (iteration % _schedule.EvaluationInterval == 0 || iteration == total))
                {
                    double loss = training.ValidationLoss();
                    if (!double.IsFinite(loss))
                    {
                        throw TrainingLoop.Diverged(log, logger, iteration, loss, training.LearningRate(iteration));
                    }

                    validationLoss = loss;
                    _lastValidationLoss = loss;
                    if (loss < _bestLoss)
                    {
                        _bestLoss = loss;
                        _bestIteration = iteration;
                        _sinceBest = 0;
                        training.KeepBest();
                    }
                    else
                    {
                        stop = ++_sinceBest >= patience && iteration < total;
                    }
                }

                bool report = stop || iteration % _schedule.ReportInterval == 0 || iteration == total;
                if (report && listening)
                {
                    TrainingProgress measured = TrainingLoop.Measure(training, validationLoss, iteration, total, started, log, logger) with { BestIteration = BestIteration };
                    if (debug)
                    {
                        log.Progress(logger, iteration, total, measured.ValidationLoss is not null, training.Describe(measured));
                    }

                    progress?.Report(measured);
                    lastReport = measured;
                }

                stoppedEarly = stop;
            }

            if (stoppedEarly)
            {
                log.EarlyStopped(logger, patience, _completed, _bestIteration, _bestLoss);
            }

            // The final parameters are always checked, by a last measurement when no report measured them:
            // a step can leave values that no loss saw, or finite values whose predictions overflow.
            if (lastReport?.Iteration != _completed)
            {
                lastReport = TrainingLoop.Measure(training, _lastValidationLoss, _completed, total, started, log, logger) with { BestIteration = BestIteration };
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Before an iteration, or within a step or a measurement of a training that checks the token.
            log.Cancelled(logger, _completed);
            throw;
        }
        finally
        {
            _elapsedTicks = Stopwatch.GetTimestamp() - started;
        }

        if (!training.AllFinite())
        {
            throw TrainingLoop.Diverged(log, logger, _completed, double.NaN, training.LearningRate(_completed));
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            long elapsedMilliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            log.FitCompleted(logger, _completed, elapsedMilliseconds, training.Summarize(lastReport.Value));
        }

        bool best = _earlyStopping && _bestIteration != 0 && _bestIteration != _completed;
        TModel model;
        if (keepTraining && !stoppedEarly && training.Continuable)
        {
            model = training.CopyModel(best);
        }
        else
        {
            model = training.ToModel(best);
            _handedOver = true;
        }

        model = _finish is null ? model : _finish(model);
        _lastReport = lastReport;
        if (stoppedEarly)
        {
            _stopped = true;
            _stoppedModel = model;
        }

        return model;
    }

    /// <summary>Disposes the training (its buffers and worker threads).</summary>
    public void Dispose() => _training.Dispose();
}
