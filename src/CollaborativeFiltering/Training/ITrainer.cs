using CollaborativeFiltering.Data;

namespace CollaborativeFiltering;

/// <summary>
/// Learns a model from a ratings dataset: the one abstraction behind every trainer of the library
/// (the matrix factorizers through <see cref="Factorization.IMatrixFactorizer"/>, the softmax network's
/// <see cref="Neural.SoftmaxTrainer"/>), so that cross-validation and hyper-parameter search take any of
/// them. A trainer holds validated options and no state of its own: each <see cref="Fit"/> owns what it
/// allocates, so one trainer can fit several datasets, also concurrently.
/// </summary>
/// <typeparam name="TModel">The model the trainer returns.</typeparam>
public interface ITrainer<out TModel>
    where TModel : IRecommenderModel
{
    /// <summary>The validated options the trainer fits with.</summary>
    TrainerOptions Options { get; }

    /// <summary>Trains a model. Deterministic for given options (the seed included), whatever <see cref="TrainerOptions.MaxDegreeOfParallelism"/> is.</summary>
    /// <param name="train">The training ratings; the model covers every user and item of its catalogue.</param>
    /// <param name="validation">Held-out ratings over the same catalogue, whose loss is reported and drives early stopping, or <see langword="null"/> (an empty set counts as none).</param>
    /// <param name="progress">Receives a <see cref="TrainingProgress"/> every <see cref="TrainerOptions.ReportInterval"/> iterations, after the last and after an early stop, on the fitting thread; or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before every iteration (and, in the trainers that document it, within one).</param>
    /// <returns>The trained, immutable model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> is empty, or <paramref name="validation"/> belongs to another catalogue.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    TModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default);
}
