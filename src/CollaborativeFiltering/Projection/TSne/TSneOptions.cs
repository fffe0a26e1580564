using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// Options of <see cref="TSne"/> (t-distributed stochastic neighbour embedding, van der Maaten and
/// Hinton, 2008; Barnes–Hut variant, van der Maaten, 2014). The defaults follow scikit-learn:
/// perplexity 30, early exaggeration 12 for the first 250 of 1000 iterations, momentum 0.5 then 0.8,
/// learning rate "auto", PCA initialisation, θ = 0.5. Validated by the <see cref="TSne"/> constructor,
/// before any work; an invalid value throws <see cref="ArgumentOutOfRangeException"/> naming the option.
/// </summary>
public sealed record TSneOptions
{
    /// <summary>
    /// The perplexity, a smooth number of effective neighbours: each point's Gaussian bandwidth is set so
    /// that the entropy of its conditional affinities is ln(perplexity). At least 1 and finite; default 30.
    /// Clamped, for a run of N points, to the effective value max(1, min(Perplexity, (N − 1)/3)) (reported as
    /// <see cref="TSneProjection.EffectivePerplexity"/>), so a small input never fails.
    /// </summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>The factor α by which the affinities P are multiplied during the first <see cref="EarlyExaggerationIterations"/> iterations; at least 1 and finite; default 12.</summary>
    public double EarlyExaggeration { get; init; } = 12;

    /// <summary>The number of early-exaggeration iterations, counted within <see cref="Iterations"/>; in <c>[0, Iterations]</c>; default 250.</summary>
    public int EarlyExaggerationIterations { get; init; } = 250;

    /// <summary>The total number of gradient steps, early exaggeration included; greater than zero; default 1000. All are run (there is no early stop).</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>
    /// The step size η of the gradient descent, applied to the true gradient of the KL divergence
    /// (scikit-learn's convention; bhtsne, FIt-SNE and openTSNE use a gradient 4 times smaller, so their η
    /// is 4 times ours). <see langword="null"/> (the default) means "auto": max(N / <see cref="EarlyExaggeration"/> / 4, 50),
    /// as scikit-learn ≥ 1.2 (Belkina et al., 2019); otherwise positive and finite.
    /// </summary>
    public double? LearningRate { get; init; }

    /// <summary>The momentum during early exaggeration; in <c>[0, 1)</c>; default 0.5.</summary>
    public double InitialMomentum { get; init; } = 0.5;

    /// <summary>The momentum after early exaggeration; in <c>[0, 1)</c>; default 0.8.</summary>
    public double FinalMomentum { get; init; } = 0.8;

    /// <summary>The seed of the random initialisation (used by <see cref="TSneInitialization.Random"/> and the fallbacks of <see cref="TSneInitialization.Pca"/>); default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The input-space distance; default <see cref="TSneDistance.Euclidean"/> (squared).</summary>
    public TSneDistance Distance { get; init; } = TSneDistance.Euclidean;

    /// <summary>
    /// The Barnes–Hut accuracy θ: a quadtree cell of width w at distance r from a point is summarised by its
    /// centre of mass when w / r &lt; θ. In <c>[0, 1]</c>; 0 is exact (and slow), larger is faster and coarser; default 0.5.
    /// Ignored by <see cref="TSneMethod.Exact"/>.
    /// </summary>
    public double Theta { get; init; } = 0.5;

    /// <summary>How the gradient is computed; default <see cref="TSneMethod.Auto"/>.</summary>
    public TSneMethod Method { get; init; } = TSneMethod.Auto;

    /// <summary>How the points are placed before optimising; default <see cref="TSneInitialization.Pca"/>.</summary>
    public TSneInitialization Initialization { get; init; } = TSneInitialization.Pca;

    /// <summary>
    /// The most threads a run uses: -1 (the default) means one per processor, else in [1, 1024]. On one machine the result does not depend on
    /// it: every per-point quantity is computed by one thread and sums are reduced in a fixed order.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (!(Perplexity >= 1) || !double.IsFinite(Perplexity))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Perplexity), Perplexity, "a finite number, at least 1");
        }

        if (!(EarlyExaggeration >= 1) || !double.IsFinite(EarlyExaggeration))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(EarlyExaggeration), EarlyExaggeration, "a finite number, at least 1");
        }

        ThrowHelper.ThrowIfNotPositive(Iterations, nameof(Iterations));
        if (EarlyExaggerationIterations < 0 || EarlyExaggerationIterations > Iterations)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(EarlyExaggerationIterations), EarlyExaggerationIterations, $"in [0, Iterations] = [0, {Iterations}]");
        }

        if (LearningRate is { } rate)
        {
            ThrowHelper.ThrowIfNotPositiveFinite(rate, nameof(LearningRate));
        }

        ThrowIfNotMomentum(InitialMomentum, nameof(InitialMomentum));
        ThrowIfNotMomentum(FinalMomentum, nameof(FinalMomentum));
        if (Distance is not TSneDistance.Euclidean and not TSneDistance.Cosine)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Distance), Distance, "TSneDistance.Euclidean or TSneDistance.Cosine");
        }

        if (!(Theta >= 0 && Theta <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Theta), Theta, "in [0, 1]");
        }

        if (Method is not TSneMethod.Auto and not TSneMethod.Exact and not TSneMethod.BarnesHut)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Method), Method, "TSneMethod.Auto, TSneMethod.Exact or TSneMethod.BarnesHut");
        }

        if (Initialization is not TSneInitialization.Pca and not TSneInitialization.Random)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Initialization), Initialization, "TSneInitialization.Pca or TSneInitialization.Random");
        }

        ThrowHelper.ThrowIfNotThreadCount(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
    }

    /// <summary>The number of threads to use.</summary>
    internal int ThreadCount => MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;

    private static void ThrowIfNotMomentum(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "in [0, 1)");
        }
    }
}
