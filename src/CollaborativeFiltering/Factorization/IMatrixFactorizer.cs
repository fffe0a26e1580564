using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Factorization;

/// <summary>Learns a <see cref="FactorizationModel"/> from the observed entries of a ratings matrix.</summary>
public interface IMatrixFactorizer
{
    /// <summary>Trains a model. Deterministic for a given seed and degree of parallelism.</summary>
    /// <param name="train">The training ratings; embeddings are learned for every user and item of its catalogue.</param>
    /// <param name="validation">Held-out ratings over the same catalogue whose error is reported while training, or <see langword="null"/>.</param>
    /// <param name="progress">Receives a <see cref="TrainingProgress"/> every report interval and at the last iteration, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked once per iteration.</param>
    /// <returns>The trained, immutable model.</returns>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default);
}
