using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Training;

/// <summary>
/// A trainer whose fits can be continued (<see cref="TrainingRun{TModel}"/>): successive halving trains a
/// promoted trial on from where its last rung ended instead of again from the start.
/// </summary>
/// <typeparam name="TModel">The model the trainer builds.</typeparam>
internal interface IContinuableTrainer<TModel>
{
    /// <summary>
    /// Starts a fit of <paramref name="train"/> (with <paramref name="validation"/> for early stopping) as
    /// <see cref="ITrainer{TModel}.Fit"/> would, positioned before its first iteration; the caller runs it
    /// with <see cref="TrainingRun{TModel}.RunTo"/> and disposes it.
    /// </summary>
    /// <exception cref="ArgumentException">The data are invalid, as for <see cref="ITrainer{TModel}.Fit"/>.</exception>
    TrainingRun<TModel> Start(RatingsDataset train, RatingsDataset? validation, CancellationToken cancellationToken);
}
