using CollaborativeFiltering.Factorization.Als;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>The ALS row kernels against their scalar twins and the definition.</summary>
public sealed class AlsRowKernelsTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    [InlineData(50)]
    public void MultiplySymmetric_MatchesScalarTwinAndDefinition(int d)
    {
        float[] x = Random(d, 8);
        float[] a = Random(d * d, 9);
        var gram = new float[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                gram[(i * d) + j] = a[(i * d) + j] + a[(j * d) + i];
            }
        }

        var vector = new float[d];
        var scalar = new float[d];
        AlsRowKernels.MultiplySymmetric(x, gram, vector);
        AlsRowKernels.MultiplySymmetric<RowKernels.Scalar>(x, gram, scalar);

        vector.Should().Equal(scalar, (p, q) => Math.Abs(p - q) < 1e-5);
        double first = 0; // (x·G)[0] = Σ_a x[a]·G[a,0]
        for (int i = 0; i < d; i++)
        {
            first += (double)x[i] * gram[i * d];
        }

        vector[0].Should().BeApproximately((float)first, 1e-5f);
    }

    private static float[] Random(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
