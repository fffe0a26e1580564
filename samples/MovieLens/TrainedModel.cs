using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;

namespace MovieLensSample;

/// <summary>A model trained by the sample, with what its training reported and its errors on the split.</summary>
internal sealed record TrainedModel(
    string Name,
    FactorizationModel Model,
    TimeSpan Elapsed,
    IReadOnlyList<TrainingProgress> History,
    RegressionResult Train,
    RegressionResult Test)
{
    /// <summary>The iterations actually run (fewer than asked when early stopping fired).</summary>
    public int IterationsRun => History.Count > 0 ? History[^1].Iteration : Model.Options?.Iterations ?? 0;
}
