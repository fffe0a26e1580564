using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed class FactorKernelsTests
{
    public static TheoryData<int> Lengths => [1, 2, 5, 7, 8, 9, 15, 16, 17, 30, 31, 50, 64, 67];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_EveryPath_MatchesScalarTwinAndDouble(int n)
    {
        float[] x = Random(n, 1), y = Random(n + 3, 2); // y longer than x: only x.Length elements count
        double exact = 0;
        for (int k = 0; k < n; k++)
        {
            exact += (double)x[k] * y[k];
        }

        FactorKernels.Dot(x, y).Should().BeApproximately((float)exact, 1e-5f);
        FactorKernels.DotScalar(x, y).Should().BeApproximately((float)exact, 1e-5f);
        if (FactorKernels.Is256Supported && n >= 8)
        {
            FactorKernels.Dot256(x, y).Should().BeApproximately((float)exact, 1e-5f);
        }

        if (FactorKernels.Is512Supported && n >= 16)
        {
            FactorKernels.Dot512(x, y).Should().BeApproximately((float)exact, 1e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd_EveryPath_MatchesScalarTwinAndLeavesTheRestAlone(int n)
    {
        float[] x = Random(n, 3);
        float[] start = [.. Random(n, 4), 42f, 43f];
        float[] scalar = (float[])start.Clone();
        FactorKernels.MultiplyAddScalar(-1.75f, x, scalar);
        scalar[0].Should().BeApproximately(start[0] - (1.75f * x[0]), 1e-6f);

        foreach ((bool supported, MultiplyAddKernel kernel) in new (bool, MultiplyAddKernel)[]
        {
            (true, FactorKernels.MultiplyAdd),
            (FactorKernels.Is256Supported && n >= 8, FactorKernels.MultiplyAdd256),
            (FactorKernels.Is512Supported && n >= 16, FactorKernels.MultiplyAdd512),
        })
        {
            if (!supported)
            {
                continue;
            }

            float[] vector = (float[])start.Clone();
            kernel(-1.75f, x, vector);

            vector.Should().Equal(scalar, (a, e) => Math.Abs(a - e) < 1e-6);
            vector[^2..].Should().Equal(42f, 43f);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot4_EveryPath_MatchesScalarTwinAndSingleDots(int n)
    {
        float[] x = Random(n, 10), y0 = Random(n + 1, 11), y1 = Random(n, 12), y2 = Random(n, 13), y3 = Random(n + 5, 14);
        var scalar = new float[4];
        FactorKernels.Dot4Scalar(x, y0, y1, y2, y3).CopyTo(scalar);
        scalar.Should().Equal([FactorKernels.DotScalar(x, y0), FactorKernels.DotScalar(x, y1), FactorKernels.DotScalar(x, y2), FactorKernels.DotScalar(x, y3)]);

        foreach ((bool supported, Dot4Kernel kernel) in new (bool, Dot4Kernel)[]
        {
            (true, FactorKernels.Dot4),
            (FactorKernels.Is256Supported && n >= 8, FactorKernels.Dot4_256),
            (FactorKernels.Is512Supported && n >= 16, FactorKernels.Dot4_512),
        })
        {
            if (supported)
            {
                var vector = new float[4];
                kernel(x, y0, y1, y2, y3).CopyTo(vector);
                vector.Should().Equal(scalar, (a, e) => Math.Abs(a - e) < 1e-5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd4_EveryPath_MatchesScalarTwinAndLeavesTheRestAlone(int n)
    {
        float[] x0 = Random(n, 15), x1 = Random(n, 16), x2 = Random(n + 2, 17), x3 = Random(n, 18);
        float[] start = [.. Random(n, 19), 7f];
        float[] scalar = (float[])start.Clone();
        float[] sequential = (float[])start.Clone();
        FactorKernels.MultiplyAdd4Scalar(0.5f, x0, -2f, x1, 1.25f, x2, 3f, x3, scalar.AsSpan(0, n));
        FactorKernels.MultiplyAddScalar(0.5f, x0, sequential);
        FactorKernels.MultiplyAddScalar(-2f, x1, sequential);
        FactorKernels.MultiplyAddScalar(1.25f, x2.AsSpan(0, n), sequential);
        FactorKernels.MultiplyAddScalar(3f, x3, sequential);
        scalar.Should().Equal(sequential, (a, e) => Math.Abs(a - e) < 1e-5);

        foreach ((bool supported, MultiplyAdd4Kernel kernel) in new (bool, MultiplyAdd4Kernel)[]
        {
            (true, FactorKernels.MultiplyAdd4),
            (FactorKernels.Is256Supported && n >= 8, FactorKernels.MultiplyAdd4_256),
            (FactorKernels.Is512Supported && n >= 16, FactorKernels.MultiplyAdd4_512),
        })
        {
            if (supported)
            {
                float[] vector = (float[])start.Clone();
                kernel(0.5f, x0, -2f, x1, 1.25f, x2, 3f, x3, vector.AsSpan(0, n));
                vector.Should().Equal(scalar, (a, e) => Math.Abs(a - e) < 1e-5);
                vector[^1].Should().Be(7f);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Step_MatchesScalarTwin(int n)
    {
        float[] x = Random(n, 5), data = Random(n, 6), gravity = Random(n, 7);
        var vector = new float[n + 1];
        var scalar = new float[n + 1];
        vector[^1] = scalar[^1] = 9f;

        FactorKernels.Step(x, data, gravity, 0.3f, 0.02f, 0.5f, vector);
        FactorKernels.StepScalar(x, data, gravity, 0.3f, 0.02f, 0.5f, scalar);

        vector.Should().Equal(scalar, (a, e) => Math.Abs(a - e) < 1e-6);
        vector[^1].Should().Be(9f);
        scalar[0].Should().BeApproximately(x[0] - ((0.3f * data[0]) + (0.02f * x[0]) + (0.5f * gravity[0])), 1e-6f);
    }

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
        FactorKernels.MultiplySymmetric(x, gram, vector);
        FactorKernels.MultiplySymmetricScalar(x, gram, scalar);

        vector.Should().Equal(scalar, (p, q) => Math.Abs(p - q) < 1e-5);
        double first = 0; // (x·G)[0] = Σ_a x[a]·G[a,0]
        for (int i = 0; i < d; i++)
        {
            first += (double)x[i] * gram[i * d];
        }

        vector[0].Should().BeApproximately((float)first, 1e-5f);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(8, 4)]
    [InlineData(12, 7)]
    [InlineData(30, 9)]
    [InlineData(50, 6)]
    public void MultiplyRows_MatchesScalarTwinAndDefinition(int d, int rows)
    {
        float[] x = Random(rows * d, 8);
        float[] gram = Random(d * d, 9);
        var vector = new float[rows * d];
        var scalar = new float[rows * d];

        FactorKernels.MultiplyRows(x, rows, d, gram, vector);
        FactorKernels.MultiplyRowsScalar(x, rows, d, gram, scalar);

        vector.Should().Equal(scalar, (p, q) => Math.Abs(p - q) < 1e-5);
        double last = 0; // t[rows−1, d−1] = Σ_a x[rows−1, a]·G[a, d−1]
        for (int a = 0; a < d; a++)
        {
            last += (double)x[((rows - 1) * d) + a] * gram[(a * d) + d - 1];
        }

        vector[^1].Should().BeApproximately((float)last, 1e-5f);
        var single = new float[d]; // a row's result does not depend on its neighbours
        FactorKernels.MultiplyRows(x.AsSpan((rows - 1) * d), 1, d, gram, single);
        single.Should().Equal(vector[((rows - 1) * d)..]);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(5, 3)]
    [InlineData(8, 9)]
    [InlineData(13, 37)]
    [InlineData(30, 41)]
    [InlineData(50, 23)]
    public void GramRows_BlocksThenMirror_EqualXTransposeX(int d, int rows)
    {
        float[] x = Random(rows * d, 20);
        var vector = new float[d * d];
        var scalar = new float[d * d];

        for (int a0 = 0; a0 < d; a0 += 4)
        {
            FactorKernels.GramRows(x, rows, d, a0, Math.Min(a0 + 4, d), vector);
        }

        FactorKernels.MirrorUpper(vector, d);
        FactorKernels.GramRowsScalar(x, rows, d, 0, d, scalar);
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b < d; b++)
            {
                double exact = 0;
                for (int r = 0; r < rows; r++)
                {
                    exact += (double)x[(r * d) + a] * x[(r * d) + b];
                }

                vector[(a * d) + b].Should().BeApproximately((float)exact, 1e-4f);
                scalar[(a * d) + b].Should().BeApproximately((float)exact, 1e-4f);
                vector[(a * d) + b].Should().Be(vector[(b * d) + a]);
            }
        }
    }

    private delegate void MultiplyAddKernel(float a, ReadOnlySpan<float> x, Span<float> y);

    private delegate Vector128<float> Dot4Kernel(ReadOnlySpan<float> x, ReadOnlySpan<float> y0, ReadOnlySpan<float> y1, ReadOnlySpan<float> y2, ReadOnlySpan<float> y3);

    private delegate void MultiplyAdd4Kernel(float e0, ReadOnlySpan<float> x0, float e1, ReadOnlySpan<float> x1, float e2, ReadOnlySpan<float> x2, float e3, ReadOnlySpan<float> x3, Span<float> y);

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
