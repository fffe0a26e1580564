using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Projection;

/// <summary>Log messages of <see cref="TSne"/>, one per phase: event ids 7300–7305.</summary>
internal static partial class TSneLog
{
    [LoggerMessage(EventId = 7300, EventName = "TSneStarting", Level = LogLevel.Information,
        Message = "t-SNE: mapping {Points} points of {Dimensions} dimensions ({Distance} distance), {Method} gradient, perplexity {Perplexity}, learning rate {LearningRate}, {Iterations} iterations of which {ExaggeratedIterations} exaggerated ×{Exaggeration}, {Threads} threads")]
    public static partial void Starting(ILogger logger, int points, int dimensions, TSneDistance distance, TSneMethod method, double perplexity, double learningRate, int iterations, int exaggeratedIterations, double exaggeration, int threads);

    [LoggerMessage(EventId = 7301, EventName = "TSneAffinitiesComputed", Level = LogLevel.Information,
        Message = "t-SNE: input affinities of {Points} points computed in {ElapsedMilliseconds} ms ({Pairs} pairs kept)")]
    public static partial void AffinitiesComputed(ILogger logger, int points, long elapsedMilliseconds, int pairs);

    [LoggerMessage(EventId = 7302, EventName = "TSneExaggerationEnded", Level = LogLevel.Debug,
        Message = "t-SNE: early exaggeration ended after iteration {Iteration}; KL divergence {KullbackLeiblerDivergence}")]
    public static partial void ExaggerationEnded(ILogger logger, int iteration, string kullbackLeiblerDivergence);

    [LoggerMessage(EventId = 7303, EventName = "TSneProgress", Level = LogLevel.Debug,
        Message = "t-SNE: iteration {Iteration}/{Iterations}; KL divergence {KullbackLeiblerDivergence}")]
    public static partial void Progress(ILogger logger, int iteration, int iterations, string kullbackLeiblerDivergence);

    [LoggerMessage(EventId = 7304, EventName = "TSneCompleted", Level = LogLevel.Information,
        Message = "t-SNE: {Iterations} iterations in {ElapsedMilliseconds} ms; KL divergence {KullbackLeiblerDivergence}")]
    public static partial void Completed(ILogger logger, int iterations, long elapsedMilliseconds, string kullbackLeiblerDivergence);

    [LoggerMessage(EventId = 7305, EventName = "TSneCancelled", Level = LogLevel.Information,
        Message = "t-SNE: cancelled after {CompletedIterations} iterations")]
    public static partial void Cancelled(ILogger logger, int completedIterations);
}
