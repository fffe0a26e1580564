using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Training;

/// <summary>
/// Source-generated log messages. Event ids are stable: 1000–1099 belong to the full-batch gradient
/// descent factorizers (<c>GradientDescentFactorizer</c>, <c>RegularizedFactorizer</c>); other
/// components add their own ranges in further partial files of this class.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "FullBatchFitStarting", Level = LogLevel.Information,
        Message = "{Factorizer}: fitting {Users} users × {Items} items from {Ratings} ratings; d = {Dimensions}, {Iterations} iterations, learning rate {LearningRate}, λ_r = {RegularizationWeight}, λ_g = {GravityWeight}, {Threads} threads")]
    public static partial void FullBatchFitStarting(ILogger logger, string factorizer, int users, int items, int ratings, int dimensions, int iterations, double learningRate, double regularizationWeight, double gravityWeight, int threads);

    [LoggerMessage(EventId = 1001, EventName = "FullBatchProgress", Level = LogLevel.Debug,
        Message = "{Factorizer}: iteration {Iteration}/{TotalIterations}: train MSE {TrainMse}; loss {TotalLoss} = observed {ObservedLoss} + regularization {RegularizationLoss} + gravity {GravityLoss}")]
    public static partial void FullBatchProgress(ILogger logger, string factorizer, int iteration, int totalIterations, double trainMse, double totalLoss, double observedLoss, double regularizationLoss, double gravityLoss);

    [LoggerMessage(EventId = 1002, EventName = "FullBatchProgressWithValidation", Level = LogLevel.Debug,
        Message = "{Factorizer}: iteration {Iteration}/{TotalIterations}: train MSE {TrainMse}, validation MSE {ValidationMse}; loss {TotalLoss} = observed {ObservedLoss} + regularization {RegularizationLoss} + gravity {GravityLoss}")]
    public static partial void FullBatchProgressWithValidation(ILogger logger, string factorizer, int iteration, int totalIterations, double trainMse, double validationMse, double totalLoss, double observedLoss, double regularizationLoss, double gravityLoss);

    [LoggerMessage(EventId = 1003, EventName = "FullBatchFitCompleted", Level = LogLevel.Information,
        Message = "{Factorizer}: trained {Iterations} iterations in {ElapsedMilliseconds} ms; train MSE {TrainMse}")]
    public static partial void FullBatchFitCompleted(ILogger logger, string factorizer, int iterations, long elapsedMilliseconds, double trainMse);

    [LoggerMessage(EventId = 1004, EventName = "FullBatchDiverged", Level = LogLevel.Warning,
        Message = "{Factorizer}: the loss became {Loss} at iteration {Iteration} with learning rate {LearningRate}; training stopped")]
    public static partial void FullBatchDiverged(ILogger logger, string factorizer, int iteration, double loss, double learningRate);

    [LoggerMessage(EventId = 1005, EventName = "FullBatchCancelled", Level = LogLevel.Information,
        Message = "{Factorizer}: cancelled after {CompletedIterations} iterations")]
    public static partial void FullBatchCancelled(ILogger logger, string factorizer, int completedIterations);
}
