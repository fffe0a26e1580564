using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Evaluation;

/// <summary>Log messages of <see cref="CrossValidation"/>, per run and per fold: event ids 7200–7203. Results are passed as objects, formatted (their ToString) only when the level is enabled.</summary>
internal static partial class CrossValidationLog
{
    [LoggerMessage(EventId = 7200, EventName = "CrossValidationStarting", Level = LogLevel.Information,
        Message = "Cross-validation of {Trainer}: {Folds} folds of {Ratings} ratings (seed {Seed}), measuring {Measure}")]
    public static partial void Starting(ILogger logger, string trainer, int folds, int ratings, int seed, string measure);

    [LoggerMessage(EventId = 7201, EventName = "CrossValidationFoldCompleted", Level = LogLevel.Information,
        Message = "Cross-validation of {Trainer}: fold {Fold}/{Folds} trained on {TrainRatings} ratings in {ElapsedMilliseconds} ms; test: {Measurements}")]
    public static partial void FoldCompleted(ILogger logger, string trainer, int fold, int folds, int trainRatings, long elapsedMilliseconds, object measurements);

    [LoggerMessage(EventId = 7202, EventName = "CrossValidationCompleted", Level = LogLevel.Information,
        Message = "Cross-validation of {Trainer}: {Summary}")]
    public static partial void Completed(ILogger logger, string trainer, object summary);

    [LoggerMessage(EventId = 7203, EventName = "CrossValidationCancelled", Level = LogLevel.Information,
        Message = "Cross-validation of {Trainer}: cancelled after {CompletedFolds} of {Folds} folds")]
    public static partial void Cancelled(ILogger logger, string trainer, int completedFolds, int folds);
}
