using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Training;

/// <summary>
/// Log messages of the ALS factorizers. Stable event ids: 3000–3009 explicit ALS
/// (<c>AlsFactorizer</c>), 3010–3019 implicit ALS (<c>ImplicitAlsFactorizer</c>).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, EventName = "AlsFitStarting", Level = LogLevel.Information,
        Message = "AlsFactorizer: fitting {Users} users × {Items} items from {Ratings} ratings; d = {Dimensions}, {Iterations} sweeps, weighted λ = {Regularization}, biases {UseBiases}, {Threads} threads")]
    public static partial void AlsFitStarting(ILogger logger, int users, int items, int ratings, int dimensions, int iterations, double regularization, bool useBiases, int threads);

    [LoggerMessage(EventId = 3001, EventName = "AlsProgress", Level = LogLevel.Debug,
        Message = "AlsFactorizer: sweep {Iteration}/{TotalIterations}: train MSE {TrainMse}; objective/|Ω| {TotalLoss} = squared error {ObservedLoss} + regularization {RegularizationLoss}")]
    public static partial void AlsProgress(ILogger logger, int iteration, int totalIterations, double trainMse, double totalLoss, double observedLoss, double regularizationLoss);

    [LoggerMessage(EventId = 3002, EventName = "AlsProgressWithValidation", Level = LogLevel.Debug,
        Message = "AlsFactorizer: sweep {Iteration}/{TotalIterations}: train MSE {TrainMse}, validation MSE {ValidationMse}; objective/|Ω| {TotalLoss} = squared error {ObservedLoss} + regularization {RegularizationLoss}")]
    public static partial void AlsProgressWithValidation(ILogger logger, int iteration, int totalIterations, double trainMse, double validationMse, double totalLoss, double observedLoss, double regularizationLoss);

    [LoggerMessage(EventId = 3003, EventName = "AlsFitCompleted", Level = LogLevel.Information,
        Message = "AlsFactorizer: trained {Iterations} sweeps in {ElapsedMilliseconds} ms; train MSE {TrainMse}")]
    public static partial void AlsFitCompleted(ILogger logger, int iterations, long elapsedMilliseconds, double trainMse);

    [LoggerMessage(EventId = 3004, EventName = "AlsDiverged", Level = LogLevel.Warning,
        Message = "AlsFactorizer: sweep {Iteration} produced a non-finite value (loss {Loss}); training stopped")]
    public static partial void AlsDiverged(ILogger logger, int iteration, double loss);

    [LoggerMessage(EventId = 3005, EventName = "AlsCancelled", Level = LogLevel.Information,
        Message = "AlsFactorizer: cancelled after {CompletedIterations} sweeps")]
    public static partial void AlsCancelled(ILogger logger, int completedIterations);

    [LoggerMessage(EventId = 3006, EventName = "AlsEarlyStopped", Level = LogLevel.Information,
        Message = "AlsFactorizer: validation MSE did not improve for {Patience} sweeps; stopped after sweep {StoppedAt} and kept sweep {BestIteration} (validation MSE {BestValidationMse})")]
    public static partial void AlsEarlyStopped(ILogger logger, int patience, int stoppedAt, int bestIteration, double bestValidationMse);

    [LoggerMessage(EventId = 3010, EventName = "ImplicitAlsFitStarting", Level = LogLevel.Information,
        Message = "ImplicitAlsFactorizer: fitting {Users} users × {Items} items from {Interactions} interactions; d = {Dimensions}, {Iterations} sweeps, λ = {Regularization}, α = {Alpha}, {Solver}, {Threads} threads")]
    public static partial void ImplicitAlsFitStarting(ILogger logger, int users, int items, int interactions, int dimensions, int iterations, double regularization, double alpha, string solver, int threads);

    [LoggerMessage(EventId = 3011, EventName = "ImplicitAlsProgress", Level = LogLevel.Debug,
        Message = "ImplicitAlsFactorizer: sweep {Iteration}/{TotalIterations}: weighted loss {TotalLoss} = data {ObservedLoss} + regularization {RegularizationLoss}; observed preference MSE {TrainMse}, validation {ValidationMse}")]
    public static partial void ImplicitAlsProgress(ILogger logger, int iteration, int totalIterations, double totalLoss, double observedLoss, double regularizationLoss, double trainMse, double? validationMse);

    [LoggerMessage(EventId = 3013, EventName = "ImplicitAlsFitCompleted", Level = LogLevel.Information,
        Message = "ImplicitAlsFactorizer: trained {Iterations} sweeps in {ElapsedMilliseconds} ms")]
    public static partial void ImplicitAlsFitCompleted(ILogger logger, int iterations, long elapsedMilliseconds);

    [LoggerMessage(EventId = 3014, EventName = "ImplicitAlsDiverged", Level = LogLevel.Warning,
        Message = "ImplicitAlsFactorizer: sweep {Iteration} produced a non-finite value (loss {Loss}); training stopped")]
    public static partial void ImplicitAlsDiverged(ILogger logger, int iteration, double loss);

    [LoggerMessage(EventId = 3015, EventName = "ImplicitAlsCancelled", Level = LogLevel.Information,
        Message = "ImplicitAlsFactorizer: cancelled after {CompletedIterations} sweeps")]
    public static partial void ImplicitAlsCancelled(ILogger logger, int completedIterations);

    [LoggerMessage(EventId = 3016, EventName = "ImplicitAlsEarlyStoppingIgnored", Level = LogLevel.Warning,
        Message = "ImplicitAlsFactorizer: EarlyStoppingPatience = {Patience} is ignored; held-out squared error does not measure ranking quality for implicit feedback, so all {Iterations} sweeps run")]
    public static partial void ImplicitAlsEarlyStoppingIgnored(ILogger logger, int patience, int iterations);
}
