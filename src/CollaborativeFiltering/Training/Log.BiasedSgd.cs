using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Training;

/// <summary>Event ids 1300–1399 belong to <c>BiasedSgdFactorizer</c>.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1300, EventName = "BiasedSgdFitStarting", Level = LogLevel.Information,
        Message = "BiasedSgdFactorizer: fitting {Users} users × {Items} items from {Ratings} ratings (μ = {GlobalMean}); d = {Dimensions}, {Epochs} epochs, learning rate {LearningRate} (biases {BiasLearningRate}) × {LearningRateDecay} per epoch, λ = {Regularization}, λ_b = {BiasRegularization}, {Threads} threads")]
    public static partial void BiasedSgdFitStarting(ILogger logger, int users, int items, int ratings, float globalMean, int dimensions, int epochs, double learningRate, double biasLearningRate, double learningRateDecay, double regularization, double biasRegularization, int threads);

    [LoggerMessage(EventId = 1301, EventName = "BiasedSgdProgress", Level = LogLevel.Debug,
        Message = "BiasedSgdFactorizer: epoch {Epoch}/{TotalEpochs}: train MSE {TrainMse}; epoch loss {ObservedLoss}, regularization {RegularizationLoss}")]
    public static partial void BiasedSgdProgress(ILogger logger, int epoch, int totalEpochs, double trainMse, double observedLoss, double regularizationLoss);

    [LoggerMessage(EventId = 1302, EventName = "BiasedSgdProgressWithValidation", Level = LogLevel.Debug,
        Message = "BiasedSgdFactorizer: epoch {Epoch}/{TotalEpochs}: train MSE {TrainMse}, validation MSE {ValidationMse}; epoch loss {ObservedLoss}, regularization {RegularizationLoss}")]
    public static partial void BiasedSgdProgressWithValidation(ILogger logger, int epoch, int totalEpochs, double trainMse, double validationMse, double observedLoss, double regularizationLoss);

    [LoggerMessage(EventId = 1303, EventName = "BiasedSgdFitCompleted", Level = LogLevel.Information,
        Message = "BiasedSgdFactorizer: trained {Epochs} epochs in {ElapsedMilliseconds} ms; train MSE {TrainMse}")]
    public static partial void BiasedSgdFitCompleted(ILogger logger, int epochs, long elapsedMilliseconds, double trainMse);

    [LoggerMessage(EventId = 1304, EventName = "BiasedSgdDiverged", Level = LogLevel.Warning,
        Message = "BiasedSgdFactorizer: the loss became {Loss} in epoch {Epoch} with learning rate {LearningRate}; training stopped")]
    public static partial void BiasedSgdDiverged(ILogger logger, int epoch, double loss, double learningRate);

    [LoggerMessage(EventId = 1305, EventName = "BiasedSgdCancelled", Level = LogLevel.Information,
        Message = "BiasedSgdFactorizer: cancelled after {CompletedEpochs} epochs")]
    public static partial void BiasedSgdCancelled(ILogger logger, int completedEpochs);

    [LoggerMessage(EventId = 1306, EventName = "BiasedSgdEarlyStopped", Level = LogLevel.Information,
        Message = "BiasedSgdFactorizer: validation MSE has not improved for {Patience} epochs; stopped after epoch {Epoch} and kept epoch {BestEpoch} (validation MSE {BestValidationMse})")]
    public static partial void BiasedSgdEarlyStopped(ILogger logger, int patience, int epoch, int bestEpoch, double bestValidationMse);
}
