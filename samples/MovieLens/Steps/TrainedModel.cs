using CollaborativeFiltering;
using CollaborativeFiltering.Evaluation;

namespace MovieLensSample.Steps;

/// <summary>
/// A model trained by the sample, with what its training reported (<paramref name="History"/>) and its
/// errors on the split; <paramref name="Train"/> and <paramref name="Test"/> are null for a model whose
/// scores are not ratings (implicit ALS, the softmax network, EASE).
/// </summary>
internal sealed record TrainedModel(
    string Name,
    IRecommenderModel Model,
    TimeSpan Elapsed,
    IReadOnlyList<TrainingProgress> History,
    RegressionResult? Train,
    RegressionResult? Test)
{
    /// <summary>The iterations actually run (fewer than asked when early stopping fired): the last report's.</summary>
    public int IterationsRun => History.Count > 0 ? History[^1].Iteration : 0;
}
