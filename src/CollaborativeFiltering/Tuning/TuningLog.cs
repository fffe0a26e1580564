using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tuning;

/// <summary>The log messages of <see cref="HyperparameterSearch{TOptions, TModel}"/>, event ids 6000–6005.</summary>
internal static partial class TuningLog
{
    [LoggerMessage(EventId = 6000, EventName = "SearchStarting", Level = LogLevel.Information,
        Message = "Hyper-parameter search of {Options}: {Trials} trials ({Strategy}), {Validation}, {Concurrent} at a time; {Space}")]
    public static partial void SearchStarting(ILogger logger, string options, int trials, string strategy, string validation, int concurrent, string space);

    [LoggerMessage(EventId = 6001, EventName = "TrialCompleted", Level = LogLevel.Debug,
        Message = "Trial #{Number} (rung {Rung}, budget {Budget}): {Parameters}; {Objective} {Score:0.0000}, best iteration {BestIteration}, {ElapsedMilliseconds} ms")]
    public static partial void TrialCompleted(ILogger logger, int number, int rung, int budget, string parameters, string objective, double score, int? bestIteration, long elapsedMilliseconds);

    [LoggerMessage(EventId = 6002, EventName = "TrialFailed", Level = LogLevel.Warning,
        Message = "Trial #{Number} (rung {Rung}, budget {Budget}): {Parameters}; failed: {Failure}")]
    public static partial void TrialFailed(ILogger logger, int number, int rung, int budget, string parameters, string failure);

    [LoggerMessage(EventId = 6003, EventName = "SearchCompleted", Level = LogLevel.Information,
        Message = "Hyper-parameter search finished {Trials} trials in {ElapsedMilliseconds} ms; best #{Number}: {Parameters}, {Objective} {Score:0.0000}")]
    public static partial void SearchCompleted(ILogger logger, int trials, long elapsedMilliseconds, int number, string parameters, string objective, double score);

    [LoggerMessage(EventId = 6004, EventName = "SearchCancelled", Level = LogLevel.Information,
        Message = "Hyper-parameter search cancelled after {CompletedTrials} of {Trials} trials")]
    public static partial void SearchCancelled(ILogger logger, int completedTrials, int trials);

    [LoggerMessage(EventId = 6005, EventName = "RungCompleted", Level = LogLevel.Information,
        Message = "Successive halving: rung {Rung} (budget {Budget}) done; {Promoted} of {Trials} trials go on")]
    public static partial void RungCompleted(ILogger logger, int rung, int budget, int promoted, int trials);
}
