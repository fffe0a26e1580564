using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering;

/// <summary>
/// The options every trainer shares, declared once: the embedding dimension, the number of
/// iterations, the seed, the parallelism, the report interval, early stopping and the scale of the
/// random initialisation. Each trainer has its own sealed options record deriving from this one (through
/// <see cref="Factorization.FactorizationOptions"/> for the matrix factorizers) with its own defaults,
/// set by its constructor and documented there. Options are immutable; <see cref="Validate"/> is called
/// by the trainer's constructor, before any work, and an invalid value throws
/// <see cref="ArgumentOutOfRangeException"/> whose parameter name is the option's.
/// </summary>
public abstract record TrainerOptions
{
    /// <summary>The embedding dimension d (the rank of a factorization, the query dimension of a network); greater than zero.</summary>
    public int Dimensions { get; init; } = 30;

    /// <summary>The number of iterations (full-batch steps, epochs, sweeps or mini-batch steps); greater than zero.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>The seed of the random initialisation and of every other random choice of a fit. Same seed, same model. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The most threads a fit uses; −1 (the default) means one per processor. The model does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Progress is reported (and logged at debug level) every this many iterations, and always after the last one; greater than zero.</summary>
    public int ReportInterval { get; init; } = 10;

    /// <summary>
    /// Early stopping: when greater than zero and a validation set is given, the validation loss
    /// (<see cref="TrainingProgress.ValidationLoss"/>) is measured at every evaluation (every iteration
    /// for the matrix factorizers, every <see cref="ReportInterval"/> steps for the softmax trainer),
    /// training stops once it has not improved for this many evaluations in a row, and the model of the
    /// best evaluation is returned. 0 (the default) turns early stopping off. A trainer whose validation
    /// loss does not measure what it learns says so in its documentation and ignores the option.
    /// </summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>
    /// σ of the Normal(0, σ²) initialisation of the learned embeddings (which ones, and the default,
    /// each trainer's options say); positive and finite.
    /// </summary>
    public double InitStdDev { get; init; } = 0.1;

    /// <summary>The number of threads to use: <see cref="MaxDegreeOfParallelism"/>, or the processor count when it is −1.</summary>
    internal int ThreadCount => MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public virtual void Validate()
    {
        ThrowHelper.ThrowIfNotPositive(Dimensions, nameof(Dimensions));
        ThrowHelper.ThrowIfNotPositive(Iterations, nameof(Iterations));
        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "-1 (all processors) or greater than zero");
        }

        ThrowHelper.ThrowIfNotPositive(ReportInterval, nameof(ReportInterval));
        ThrowHelper.ThrowIfNegative(EarlyStoppingPatience, nameof(EarlyStoppingPatience));
        ThrowHelper.ThrowIfNotPositiveFinite(InitStdDev, nameof(InitStdDev));
    }
}
