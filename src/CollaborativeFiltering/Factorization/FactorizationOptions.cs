using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Settings shared by every factorizer. Each factorizer has its own sealed options record with its
/// own defaults; options are validated when the factorizer is constructed, before any work, and an
/// invalid value throws <see cref="ArgumentOutOfRangeException"/> naming the option.
/// </summary>
public abstract record FactorizationOptions
{
    /// <summary>
    /// The largest <see cref="Dimensions"/> accepted, and the largest embedding dimension of any
    /// model this library builds or loads (4,096). Beyond it the d×d systems of ALS and fold-in
    /// (d³/3 multiply-adds per row solve) take seconds each and their d² scratch hundreds of MB per
    /// thread; published matrix-factorization models use d of a few hundred at most.
    /// </summary>
    public const int MaxDimensions = 4096;

    /// <summary>The embedding dimension d (the rank of the factorization); in [1, <see cref="MaxDimensions"/>]. Each fit also checks, before any work, that its arrays fit in memory (see the factorizer's <c>Fit</c>).</summary>
    public int Dimensions { get; init; } = 30;

    /// <summary>The number of iterations (full-batch steps, epochs or sweeps); greater than zero.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>The seed of the random initialisation (and shuffling, where used). Same seed, same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// The most threads a fit uses: -1 (the default) means one per processor, else in [1, 1024].
    /// The model is bit-identical for any value on one machine. Across instruction sets (AVX-512,
    /// AVX2, SSE, none) float sums run in lanes of other widths, so models agree within a tolerance
    /// instead: predictions within 10⁻⁵ relative for ALS, biased SGD and the full-batch models
    /// (measured 6·10⁻⁷), within 10⁻² for implicit ALS (measured 1.4·10⁻³); see the README.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Progress is reported every this many iterations, and always after the last one; greater than zero. The notebook reports every 10.</summary>
    public int ReportInterval { get; init; } = 10;

    /// <summary>
    /// Early stopping: when greater than zero and a validation set is given, the validation MSE is
    /// measured after every iteration, training stops once it has not improved for this many
    /// iterations in a row, and the model of the best iteration is returned. 0 (the default) turns
    /// early stopping off.
    /// </summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
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
    }

    /// <summary>The number of threads to use: <see cref="MaxDegreeOfParallelism"/>, or the processor count when it is -1.</summary>
    internal int ThreadCount => MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
}
