using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// The result of <see cref="TSne"/>: a 2-D map of the input points and how it was obtained.
/// Immutable and safe to share between threads.
/// </summary>
public sealed class TSneProjection
{
    private readonly double[] _coordinates;

    internal TSneProjection(double[] coordinates, int rows, TSneOptions options, TSneMethod method, double effectivePerplexity, double learningRate, double kullbackLeiblerDivergence)
    {
        _coordinates = coordinates;
        Rows = rows;
        Options = options;
        Method = method;
        EffectivePerplexity = effectivePerplexity;
        LearningRate = learningRate;
        KullbackLeiblerDivergence = kullbackLeiblerDivergence;
    }

    /// <summary>The number of points N.</summary>
    public int Rows { get; }

    /// <summary>
    /// The map, row-major: point <c>r</c> is at (<c>Coordinates[2r]</c>, <c>Coordinates[2r + 1]</c>); length 2·N.
    /// Centred on the origin; the scale is arbitrary (only relative positions carry meaning).
    /// </summary>
    public ReadOnlySpan<double> Coordinates => _coordinates;

    /// <summary>The options of the run.</summary>
    public TSneOptions Options { get; }

    /// <summary>The gradient method that was used (<see cref="TSneMethod.Auto"/> resolved).</summary>
    public TSneMethod Method { get; }

    /// <summary>The perplexity that was used: <see cref="TSneOptions.Perplexity"/> clamped to max(1, min(perplexity, (N − 1)/3)).</summary>
    public double EffectivePerplexity { get; }

    /// <summary>The learning rate that was used (<see cref="TSneOptions.LearningRate"/>, or the "auto" value).</summary>
    public double LearningRate { get; }

    /// <summary>
    /// KL(P‖Q) of the final map (without exaggeration), in nats, summed over the stored entries of P. The
    /// normalisation of Q is exact for <see cref="TSneMethod.Exact"/> and the Barnes–Hut estimate for
    /// <see cref="TSneMethod.BarnesHut"/> (whose P also differs: it is restricted to nearest neighbours).
    /// </summary>
    public double KullbackLeiblerDivergence { get; }

    /// <summary>The position of one point.</summary>
    /// <param name="row">A point index in <c>[0, N)</c>.</param>
    /// <returns>Two values, x then y.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is out of range.</exception>
    public ReadOnlySpan<double> GetCoordinates(int row)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(row, Rows, nameof(row));
        return _coordinates.AsSpan(2 * row, 2);
    }

    /// <summary>E.g. <c>t-SNE of 1682 points, Exact gradient: effective perplexity 30, KL divergence 2.09</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"t-SNE of {Display.Count(Rows)} points, {Method} gradient: effective perplexity {Display.Number(EffectivePerplexity)}, KL divergence {Display.Number(KullbackLeiblerDivergence)}");
}
