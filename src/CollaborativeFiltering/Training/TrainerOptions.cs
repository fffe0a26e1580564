using System.Globalization;
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
    /// <summary>
    /// The largest <see cref="Dimensions"/> accepted, and the largest embedding dimension of any
    /// model this library builds or loads (4,096). Beyond it the d×d systems of ALS and fold-in
    /// (d³/3 multiply-adds per row solve) take seconds each and their d² scratch hundreds of MB per
    /// thread; published matrix-factorization models use d of a few hundred at most.
    /// </summary>
    public const int MaxDimensions = EmbeddingLimits.MaxDimensions;

    /// <summary>
    /// The embedding dimension d (the rank of a factorization, the query dimension of a network); in
    /// [1, <see cref="MaxDimensions"/>]. Each fit also checks, before any work, that its arrays fit in
    /// memory (see the trainer's <c>Fit</c>).
    /// </summary>
    public int Dimensions { get; init; } = 30;

    /// <summary>The number of iterations (full-batch steps, epochs, sweeps or mini-batch steps); greater than zero.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>The seed of the random initialisation and of every other random choice of a fit. Same seed, same model. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// The most threads a fit uses: −1 (the default) means one per processor, else in [1, 1024]. The
    /// model is bit-identical for any value on one machine. Across instruction sets (AVX-512, AVX2, SSE,
    /// none) float sums run in lanes of other widths, so models agree within a tolerance instead, which
    /// each trainer's options state (the README lists what was measured).
    /// </summary>
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
        if (Dimensions <= 0 || Dimensions > MaxDimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Dimensions), Dimensions, string.Create(CultureInfo.InvariantCulture, $"in [1, {MaxDimensions}]"));
        }

        ThrowHelper.ThrowIfNotPositive(Iterations, nameof(Iterations));
        ThrowHelper.ThrowIfNotThreadCount(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));

        ThrowHelper.ThrowIfNotPositive(ReportInterval, nameof(ReportInterval));
        ThrowHelper.ThrowIfNegative(EarlyStoppingPatience, nameof(EarlyStoppingPatience));
        ThrowHelper.ThrowIfNotPositiveFinite(InitStdDev, nameof(InitStdDev));
    }
}
