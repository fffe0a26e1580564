using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Training;

/// <summary>Event ids 5000–5099 belong to <c>SoftmaxTrainer</c>.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, EventName = "SoftmaxFitStarting", Level = LogLevel.Information,
        Message = "SoftmaxTrainer: fitting {Users} users × {Items} items from {Ratings} ratings; d = {Dimensions}, hidden layers [{HiddenLayers}], inputs {Inputs}, batch {BatchSize}, {Iterations} iterations, {Optimizer} with learning rate {LearningRate}, {Threads} threads")]
    public static partial void SoftmaxFitStarting(ILogger logger, int users, int items, int ratings, int dimensions, string hiddenLayers, string inputs, int batchSize, int iterations, string optimizer, double learningRate, int threads);

    [LoggerMessage(EventId = 5001, EventName = "SoftmaxProgress", Level = LogLevel.Debug,
        Message = "SoftmaxTrainer: iteration {Iteration}/{TotalIterations}: train cross-entropy {TrainLoss}")]
    public static partial void SoftmaxProgress(ILogger logger, int iteration, int totalIterations, double trainLoss);

    [LoggerMessage(EventId = 5002, EventName = "SoftmaxProgressWithValidation", Level = LogLevel.Debug,
        Message = "SoftmaxTrainer: iteration {Iteration}/{TotalIterations}: train cross-entropy {TrainLoss}, validation cross-entropy {ValidationLoss}, validation recall@10 {ValidationRecall}")]
    public static partial void SoftmaxProgressWithValidation(ILogger logger, int iteration, int totalIterations, double trainLoss, double validationLoss, double validationRecall);

    [LoggerMessage(EventId = 5003, EventName = "SoftmaxFitCompleted", Level = LogLevel.Information,
        Message = "SoftmaxTrainer: trained {Iterations} iterations in {ElapsedMilliseconds} ms; last train cross-entropy {TrainLoss}")]
    public static partial void SoftmaxFitCompleted(ILogger logger, int iterations, long elapsedMilliseconds, double trainLoss);

    [LoggerMessage(EventId = 5004, EventName = "SoftmaxDiverged", Level = LogLevel.Warning,
        Message = "SoftmaxTrainer: the loss became {Loss} at iteration {Iteration} with learning rate {LearningRate}; training stopped")]
    public static partial void SoftmaxDiverged(ILogger logger, int iteration, double loss, double learningRate);

    [LoggerMessage(EventId = 5005, EventName = "SoftmaxCancelled", Level = LogLevel.Information,
        Message = "SoftmaxTrainer: cancelled after {CompletedIterations} iterations")]
    public static partial void SoftmaxCancelled(ILogger logger, int completedIterations);
}
