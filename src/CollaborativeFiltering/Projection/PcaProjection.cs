using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// The result of <see cref="Pca.Project(ReadOnlySpan{float}, int, int, int, CancellationToken)"/>: the first k principal
/// components of a set of rows, their explained variance, and every row's coordinates along them.
/// Immutable and safe to share between threads; every array is exposed read-only.
/// </summary>
/// <remarks>
/// Signs are deterministic: the entry of largest magnitude of each component is positive (the first
/// such entry on a tie), so the same data always gives the same axes and coordinates.
/// </remarks>
public sealed class PcaProjection
{
    private readonly double[] _coordinates;
    private readonly double[] _components;
    private readonly double[] _mean;
    private readonly double[] _explainedVariance;
    private readonly double[] _explainedVarianceRatio;

    internal PcaProjection(int rows, int dimensions, int componentCount, double[] coordinates, double[] components, double[] mean, double[] explainedVariance, double[] explainedVarianceRatio)
    {
        Rows = rows;
        Dimensions = dimensions;
        ComponentCount = componentCount;
        _coordinates = coordinates;
        _components = components;
        _mean = mean;
        _explainedVariance = explainedVariance;
        _explainedVarianceRatio = explainedVarianceRatio;
    }

    /// <summary>The number of projected rows n.</summary>
    public int Rows { get; }

    /// <summary>The input dimension D.</summary>
    public int Dimensions { get; }

    /// <summary>The number of components k.</summary>
    public int ComponentCount { get; }

    /// <summary>
    /// The coordinates of every row along the components, row-major: row <c>r</c> occupies
    /// <c>[r*k, (r+1)*k)</c>; length n·k. Coordinate <c>c</c> of row <c>r</c> is
    /// <c>⟨x_r − mean, component_c⟩</c>; each column has mean zero.
    /// </summary>
    public ReadOnlySpan<double> Coordinates => _coordinates;

    /// <summary>
    /// The components (principal axes), row-major: component <c>c</c> occupies <c>[c*D, (c+1)*D)</c>;
    /// length k·D. They are orthonormal and ordered by decreasing explained variance.
    /// </summary>
    public ReadOnlySpan<double> Components => _components;

    /// <summary>The mean of the input rows (length D), subtracted before projecting.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>
    /// The variance of the data along each component, <c>σ_c² / (n − 1)</c> for singular values σ of the
    /// centred data (the sample variance of the coordinates); length k. All 0 when n = 1.
    /// </summary>
    public ReadOnlySpan<double> ExplainedVariance => _explainedVariance;

    /// <summary>
    /// The fraction of the total variance along each component, <c>σ_c² / Σ_j σ_j²</c> over all singular
    /// values; length k, each in [0, 1], summing to 1 when k = min(n, D). All 0 when every row is the same
    /// (the total variance is 0).
    /// </summary>
    public ReadOnlySpan<double> ExplainedVarianceRatio => _explainedVarianceRatio;

    /// <summary>The coordinates of one row.</summary>
    /// <param name="row">A row index in <c>[0, n)</c>.</param>
    /// <returns>k values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is out of range.</exception>
    public ReadOnlySpan<double> GetCoordinates(int row)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(row, Rows, nameof(row));
        return _coordinates.AsSpan(row * ComponentCount, ComponentCount);
    }

    /// <summary>One component (principal axis), a unit vector.</summary>
    /// <param name="component">A component index in <c>[0, k)</c>.</param>
    /// <returns>D values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="component"/> is out of range.</exception>
    public ReadOnlySpan<double> GetComponent(int component)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(component, ComponentCount, nameof(component));
        return _components.AsSpan(component * Dimensions, Dimensions);
    }

    /// <summary>Projects a new point onto the components: <c>destination[c] = ⟨point − mean, component_c⟩</c>.</summary>
    /// <param name="point">D values.</param>
    /// <param name="destination">k values are written here.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Transform(ReadOnlySpan<float> point, Span<double> destination)
    {
        if (point.Length != Dimensions)
        {
            ThrowHelper.Argument(nameof(point), string.Create(CultureInfo.InvariantCulture, $"point has length {point.Length}; expected the projection's input dimension {Dimensions}."));
        }

        if (destination.Length != ComponentCount)
        {
            ThrowHelper.Argument(nameof(destination), string.Create(CultureInfo.InvariantCulture, $"destination has length {destination.Length}; expected the component count {ComponentCount}."));
        }

        int d = Dimensions;
        for (int c = 0; c < ComponentCount; c++)
        {
            ReadOnlySpan<double> axis = _components.AsSpan(c * d, d);
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                sum += (point[j] - _mean[j]) * axis[j];
            }

            destination[c] = sum;
        }
    }

    /// <summary>E.g. <c>PCA of 1682 rows × 50 dimensions to 2 components explaining 0.2114, 0.1203 of the variance</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"PCA of {Display.Count(Rows)} rows × {Dimensions} dimensions to {ComponentCount} components explaining {string.Join(", ", _explainedVarianceRatio.Select(Display.Number))} of the variance");
}
