using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace CollaborativeFiltering.Projection;

/// <summary>The numerics behind <see cref="Pca"/>; arguments are validated by the caller.</summary>
internal static class PcaSolver
{
    /// <summary>PCA of n×D row-major data to k components (k ≤ min(n, D)).</summary>
    public static PcaProjection Solve(ReadOnlySpan<float> data, int rows, int dimensions, int k)
    {
        int n = rows;
        int d = dimensions;
        var mean = new double[d];
        for (int r = 0; r < n; r++)
        {
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

        Matrix<double> x = Matrix<double>.Build.Dense(n, d, storage);
        Svd<double> svd = n >= d ? x.QR(QRMethod.Thin).R.Svd(computeVectors: true) : x.Svd(computeVectors: true);
        Vector<double> s = svd.S;
        Matrix<double> vt = svd.VT;

        double total = 0;
        for (int i = 0; i < s.Count; i++)
        {
            total += s[i] * s[i];
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
                axis[j] = vt[c, j];
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

            double sc = c < s.Count ? s[c] : 0;
            variance[c] = n > 1 ? sc * sc / (n - 1) : 0;
            ratio[c] = total > 0 ? sc * sc / total : 0;
        }

        var coordinates = new double[(long)n * k];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < k; c++)
            {
                ReadOnlySpan<double> axis = components.AsSpan(c * d, d);
                double sum = 0;
                for (int j = 0; j < d; j++)
                {
                    sum += storage[((long)j * n) + r] * axis[j];
                }

                coordinates[((long)r * k) + c] = sum;
            }
        }

        return new PcaProjection(n, d, k, coordinates, components, mean, variance, ratio);
    }
}
