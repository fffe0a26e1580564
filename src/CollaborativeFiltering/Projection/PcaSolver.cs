using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace CollaborativeFiltering.Projection;

/// <summary>The numerics behind <see cref="Pca"/>; arguments are validated by the caller.</summary>
internal static class PcaSolver
{
    /// <summary>Rows between two looks at the cancellation token (a few hundred microseconds of work at d = 64).</summary>
    private const int CancellationStride = 1024;

    /// <summary>PCA of n×D row-major data to k components (k ≤ min(n, D)).</summary>
    /// <remarks>
    /// When n ≥ D the components come from the eigen-decomposition of the D×D scatter matrix XᵀX of the
    /// centred data, accumulated in double one row at a time: O(n·D²) work that looks at the token every
    /// <see cref="CancellationStride"/> rows, with no n-sized copy of the data. In double the squared
    /// condition number costs nothing the float input can show (float data carries 7 digits; the
    /// accumulation keeps about 16). The loops are scalar so that the result, and t-SNE's PCA
    /// initialisation with it, is the same on every instruction set. When n &lt; D the centred n×D matrix is decomposed by SVD directly.
    /// </remarks>
    public static PcaProjection Solve(ReadOnlySpan<float> data, int rows, int dimensions, int k, CancellationToken cancellationToken = default)
    {
        int n = rows;
        int d = dimensions;
        double[] mean = Mean(data, n, d, cancellationToken);
        (double[] squares, Matrix<double> axes) = n >= d
            ? ScatterAxes(data, n, d, mean, cancellationToken)
            : SvdAxes(data, n, d, mean);
        cancellationToken.ThrowIfCancellationRequested();

        double total = 0;
        foreach (double square in squares)
        {
            total += square;
        }

        var components = new double[k * d];
        var variance = new double[k];
        var ratio = new double[k];
        for (int c = 0; c < k; c++)
        {
            Span<double> axis = components.AsSpan(c * d, d);
            int largest = 0;
            for (int j = 0; j < d; j++)
            {
                axis[j] = axes[j, c];
                if (Math.Abs(axis[j]) > Math.Abs(axis[largest]))
                {
                    largest = j;
                }
            }

            if (axis[largest] < 0)
            {
                for (int j = 0; j < d; j++)
                {
                    axis[j] = -axis[j];
                }
            }

            double square = c < squares.Length ? squares[c] : 0;
            variance[c] = n > 1 ? square / (n - 1) : 0;
            ratio[c] = total > 0 ? square / total : 0;
        }

        var coordinates = new double[(long)n * k];
        var centred = new double[d];
        for (int r = 0; r < n; r++)
        {
            if (r % CancellationStride == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            Centre(data.Slice(r * d, d), mean, centred);
            for (int c = 0; c < k; c++)
            {
                ReadOnlySpan<double> axis = components.AsSpan(c * d, d);
                double sum = 0;
                for (int j = 0; j < d; j++)
                {
                    sum += centred[j] * axis[j];
                }

                coordinates[((long)r * k) + c] = sum;
            }
        }

        return new PcaProjection(n, d, k, coordinates, components, mean, variance, ratio);
    }

    private static double[] Mean(ReadOnlySpan<float> data, int n, int d, CancellationToken cancellationToken)
    {
        var mean = new double[d];
        for (int r = 0; r < n; r++)
        {
            if (r % CancellationStride == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ReadOnlySpan<float> row = data.Slice(r * d, d);
            for (int j = 0; j < d; j++)
            {
                mean[j] += row[j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }

        return mean;
    }

    private static void Centre(ReadOnlySpan<float> row, double[] mean, Span<double> centred)
    {
        for (int j = 0; j < centred.Length; j++)
        {
            centred[j] = row[j] - mean[j];
        }
    }

    /// <summary>Squared singular values (descending) and the right singular vectors as columns, from XᵀX.</summary>
    private static (double[] Squares, Matrix<double> Axes) ScatterAxes(ReadOnlySpan<float> data, int n, int d, double[] mean, CancellationToken cancellationToken)
    {
        // Upper triangle of XᵀX, row-major: row i holds Σ_r x_ri·x_rj for j ≥ i.
        var scatter = new double[d * d];
        var centred = new double[d];
        for (int r = 0; r < n; r++)
        {
            if (r % CancellationStride == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            Centre(data.Slice(r * d, d), mean, centred);
            for (int i = 0; i < d; i++)
            {
                double xi = centred[i];
                Span<double> upper = scatter.AsSpan(i * d, d);
                for (int j = i; j < d; j++)
                {
                    upper[j] += xi * centred[j];
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        Matrix<double> gram = Matrix<double>.Build.Dense(d, d, (i, j) => i <= j ? scatter[(i * d) + j] : scatter[(j * d) + i]);
        Evd<double> evd = gram.Evd(Symmetricity.Symmetric);
        Vector<double> values = evd.EigenValues.Map(v => v.Real);
        int[] order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).ThenBy(i => i).ToArray();
        var squares = new double[d];
        Matrix<double> axes = Matrix<double>.Build.Dense(d, d);
        for (int c = 0; c < d; c++)
        {
            squares[c] = Math.Max(0, values[order[c]]);
            axes.SetColumn(c, evd.EigenVectors.Column(order[c]));
        }

        return (squares, axes);
    }

    /// <summary>Squared singular values (descending) and the right singular vectors as columns, by SVD of the centred n×D data (n &lt; D).</summary>
    private static (double[] Squares, Matrix<double> Axes) SvdAxes(ReadOnlySpan<float> data, int n, int d, double[] mean)
    {
        // Centred data, column-major as Math.NET stores it.
        var storage = new double[(long)n * d];
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<float> row = data.Slice(r * d, d);
            for (int j = 0; j < d; j++)
            {
                storage[((long)j * n) + r] = row[j] - mean[j];
            }
        }

        Svd<double> svd = Matrix<double>.Build.Dense(n, d, storage).Svd(computeVectors: true);
        var squares = new double[svd.S.Count];
        for (int i = 0; i < squares.Length; i++)
        {
            squares[i] = svd.S[i] * svd.S[i];
        }

        return (squares, svd.VT.Transpose());
    }
}
