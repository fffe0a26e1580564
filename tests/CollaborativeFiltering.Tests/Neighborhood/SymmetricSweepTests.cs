using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neighborhood.Ease;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>EASE's inversion: the block sweep operator against MathNet's inverse, its kernel's widths against the scalar twin, and its determinism.</summary>
public sealed class SymmetricSweepTests
{
    /// <summary>A random symmetric positive-definite matrix YᵀY + c·I of order n, row-major.</summary>
    private static double[] RandomSpd(int n, int seed, double ridge)
    {
        var random = new Random(seed);
        Matrix<double> y = Matrix<double>.Build.Dense(n + 5, n, (_, _) => random.NextDouble() < 0.3 ? 1 : 0);
        Matrix<double> a = y.TransposeThisAndMultiply(y) + (ridge * Matrix<double>.Build.DenseIdentity(n));
        return a.ToRowMajorArray();
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(192, 3)]
    public void TrySweep_SpdMatrix_LeavesMinusItsInverseInTheUpperTriangle(int n, int threads)
    {
        double[] a = RandomSpd(n, seed: n, ridge: 2);
        double[] expected = Matrix<double>.Build.DenseOfRowMajor(n, n, a).Inverse().ToRowMajorArray();
        using var pool = new WorkerPool(threads);

        SymmetricSweep.TrySweep(a, n, pool, CancellationToken.None).Should().BeTrue();

        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                (-a[(i * n) + j]).Should().BeApproximately(expected[(i * n) + j], 1e-10, $"(A⁻¹)[{i}, {j}]");
            }
        }
    }

    [Fact]
    public void TrySweep_AnyThreadCount_GivesTheSameBits()
    {
        double[] one = RandomSpd(256, seed: 5, ridge: 1);
        double[] four = (double[])one.Clone();
        using var single = new WorkerPool(1);
        using var several = new WorkerPool(4);

        SymmetricSweep.TrySweep(one, 256, single, CancellationToken.None);
        SymmetricSweep.TrySweep(four, 256, several, CancellationToken.None);

        four.Should().Equal(one);
    }

    [Fact]
    public void TrySweep_NotPositiveDefinite_ReturnsFalse()
    {
        double[] a = new double[64 * 64];
        for (int i = 0; i < 64; i++)
        {
            a[(i * 64) + i] = i == 40 ? -1 : 1;
        }

        using var pool = new WorkerPool(1);
        SymmetricSweep.TrySweep(a, 64, pool, CancellationToken.None).Should().BeFalse();
    }

    [Fact]
    public void TryInvertBlock_EqualsMathNetsInverse()
    {
        double[] d = RandomSpd(64, seed: 9, ridge: 0.5);
        double[] expected = Matrix<double>.Build.DenseOfRowMajor(64, 64, d).Inverse().ToRowMajorArray();

        SymmetricSweep.TryInvertBlock(d).Should().BeTrue();

        d.Should().Equal(expected, (x, y) => Math.Abs(x - y) < 1e-10);
    }

    [Fact]
    public void ProductKernel_EveryWidth_EqualsTheScalarTwinBitForBit()
    {
        var random = new Random(3);
        double[] c = [.. Enumerable.Range(0, 8 * 64).Select(_ => random.NextDouble() - 0.5)];
        double[] l = [.. Enumerable.Range(0, 8 * 64).Select(_ => random.NextDouble() - 0.5)];
        double[] b = [.. Enumerable.Range(0, 64 * 64).Select(_ => random.NextDouble() - 0.5)];
        double[] scalar = (double[])c.Clone();
        ProductKernel.Run<ProductKernel.Scalar>(scalar, 64, l, 64, b, 64, 64, 0, 8, 0, 64);
        double[] reference = (double[])c.Clone();
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                double expected = c[(i * 64) + j];
                for (int t = 0; t < 64; t++)
                {
                    expected += l[(i * 64) + t] * b[(t * 64) + j];
                }

                scalar[(i * 64) + j].Should().BeApproximately(expected, 1e-12);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            double[] v256 = (double[])c.Clone();
            ProductKernel.Run<ProductKernel.Width256>(v256, 64, l, 64, b, 64, 64, 0, 8, 0, 64);
            v256.Should().Equal(scalar);
        }

        if (Vector512.IsHardwareAccelerated)
        {
            double[] v512 = (double[])c.Clone();
            ProductKernel.Run<ProductKernel.Width512>(v512, 64, l, 64, b, 64, 64, 0, 8, 0, 64);
            v512.Should().Equal(scalar);
        }
    }
}
