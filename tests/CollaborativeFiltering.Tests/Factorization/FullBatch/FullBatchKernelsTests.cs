using CollaborativeFiltering.Factorization.FullBatch;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>The full-batch kernels: each width against its scalar twin and the definition.</summary>
public sealed class FullBatchKernelsTests
{
    public static TheoryData<int> Lengths => [1, 2, 5, 7, 8, 9, 15, 16, 17, 30, 31, 50, 64, 67];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Step_MatchesScalarTwin(int n)
    {
        float[] x = Random(n, 5), data = Random(n, 6), gravity = Random(n, 7);
        var vector = new float[n + 1];
        var scalar = new float[n + 1];
        vector[^1] = scalar[^1] = 9f;

        FullBatchKernels.Step(x, data, gravity, 0.3f, 0.02f, 0.5f, vector);
        FullBatchKernels.Scalar.Step(x, data, gravity, 0.3f, 0.02f, 0.5f, scalar);

        vector.Should().Equal(scalar, (a, e) => Math.Abs(a - e) < 1e-6);
        vector[^1].Should().Be(9f);
        scalar[0].Should().BeApproximately(x[0] - ((0.3f * data[0]) + (0.02f * x[0]) + (0.5f * gravity[0])), 1e-6f);
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

        FullBatchKernels.MultiplyRows(x, rows, d, gram, vector);
        FullBatchKernels.Scalar.MultiplyRows(x, rows, d, gram, scalar);

        vector.Should().Equal(scalar, (p, q) => Math.Abs(p - q) < 1e-5);
        double last = 0; // t[rows−1, d−1] = Σ_a x[rows−1, a]·G[a, d−1]
        for (int a = 0; a < d; a++)
        {
            last += (double)x[((rows - 1) * d) + a] * gram[(a * d) + d - 1];
        }

        vector[^1].Should().BeApproximately((float)last, 1e-5f);
        var single = new float[d]; // a row's result does not depend on its neighbours
        FullBatchKernels.MultiplyRows(x.AsSpan((rows - 1) * d), 1, d, gram, single);
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
            FullBatchKernels.GramRows(x, rows, d, a0, Math.Min(a0 + 4, d), vector);
        }

        FullBatchKernels.MirrorUpper(vector, d);
        FullBatchKernels.Scalar.GramRows(x, rows, d, 0, d, scalar);
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
