using CollaborativeFiltering;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;

namespace MovieLensSample.Steps;

/// <summary>
/// A model trained by the sample, with what its training reported and its errors on the split.
/// <paramref name="Train"/> and <paramref name="Test"/> are null for the softmax network, whose scores are not ratings;
/// its reports are in <see cref="SoftmaxHistory"/> (<paramref name="History"/> holds a factorizer's).
/// </summary>
internal sealed record TrainedModel(
    string Name,
    IEmbeddingModel Model,
    TimeSpan Elapsed,
    IReadOnlyList<TrainingProgress> History,
    RegressionResult? Train,
    RegressionResult? Test)
{
    /// <summary>What the softmax network's training reported (empty for a factorizer).</summary>
    public IReadOnlyList<TrainingProgress> SoftmaxHistory { get; init; } = [];

    /// <summary>The iterations actually run (fewer than asked when early stopping fired).</summary>
    public int IterationsRun =>
        History.Count > 0 ? History[^1].Iteration
        : SoftmaxHistory.Count > 0 ? SoftmaxHistory[^1].Iteration
        : Model switch
        {
            FactorizationModel f => f.Options?.Iterations ?? 0,
            SoftmaxModel s => s.Options.Iterations,
            _ => 0,
        };
}
