using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Factorization.FullBatch;
using CollaborativeFiltering.Internal;

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

    /// <summary>
    /// The row kernels' unrolled dot products are RowKernels.Dot4 and DotLane at n = 8·width, bit for bit
    /// (the item pass recomputes the user pass's residuals with either, so any difference in one lane
    /// would break the bit-identity across thread counts), on whichever vector width this CPU runs.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void UnrolledDot4AndDotLane_EqualRowKernelsBitForBit(int vectors)
    {
        if (!RowWidthKernels.HasRowKernels(vectors * 8))
        {
            return; // no FMA: the row kernels are never used
        }

        switch (vectors)
        {
            case 1: UnrolledMatchesRowKernels<RowWidthKernels.Vectors1>(); break;
            case 2: UnrolledMatchesRowKernels<RowWidthKernels.Vectors2>(); break;
            case 3: UnrolledMatchesRowKernels<RowWidthKernels.Vectors3>(); break;
            case 4: UnrolledMatchesRowKernels<RowWidthKernels.Vectors4>(); break;
            case 5: UnrolledMatchesRowKernels<RowWidthKernels.Vectors5>(); break;
            case 6: UnrolledMatchesRowKernels<RowWidthKernels.Vectors6>(); break;
            case 7: UnrolledMatchesRowKernels<RowWidthKernels.Vectors7>(); break;
            default: UnrolledMatchesRowKernels<RowWidthKernels.Vectors8>(); break;
        }
    }

    private static void UnrolledMatchesRowKernels<TRow>()
        where TRow : struct, RowWidthKernels.IRowWidth
    {
        int vectors = TRow.Vectors, n = vectors * 8;
        for (int seed = 0; seed < 20; seed++)
        {
            float[] x = Random(n, 100 + seed), y0 = Random(n, 200 + seed), y1 = Random(n, 300 + seed), y2 = Random(n, 400 + seed), y3 = Random(n, 500 + seed);
            ref float rx = ref MemoryMarshal.GetArrayDataReference(x);
            ref float r0 = ref MemoryMarshal.GetArrayDataReference(y0);
            ref float r1 = ref MemoryMarshal.GetArrayDataReference(y1);
            ref float r2 = ref MemoryMarshal.GetArrayDataReference(y2);
            ref float r3 = ref MemoryMarshal.GetArrayDataReference(y3);
            Vector128<float> expected = RowKernels.Dot4(ref rx, ref r0, ref r1, ref r2, ref r3, n);
            Vector128<float> actual = RowWidthKernels.Dot4<TRow>(ref rx, ref r0, ref r1, ref r2, ref r3);
            for (int k = 0; k < 4; k++)
            {
                Bits(actual.GetElement(k)).Should().Be(Bits(expected.GetElement(k)), "lane {0} of Dot4 at width {1}, seed {2}", k, vectors, seed);
            }

            float lane = RowKernels.DotLane(ref rx, ref r2, n);
            float unrolled = RowWidthKernels.DotLane<TRow>(ref rx, ref r2);
            Bits(unrolled).Should().Be(Bits(lane), "DotLane at width {0}, seed {1}", vectors, seed);
            Bits(unrolled).Should().Be(Bits(expected.GetElement(2)), "DotLane is lane 2 of Dot4");
        }
    }

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

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

    /// <summary>
    /// Each entry of x·G and of XᵀX is one fused multiply-add chain in index order, whatever the tile or vector width
    /// (256-bit tiles, or 512-bit ones of 32, 24 and 16 columns where AVX-512 runs): the kernels equal those chains bit
    /// for bit, at widths whose last columns take each kind of tile, and rows past a multiple of four.
    /// </summary>
    [Theory]
    [InlineData(8, 5)]
    [InlineData(16, 6)]
    [InlineData(24, 4)]
    [InlineData(32, 9)]
    [InlineData(40, 7)]
    [InlineData(48, 4)]
    [InlineData(56, 11)]
    [InlineData(64, 5)]
    [InlineData(72, 4)]
    [InlineData(88, 6)]
    public void MultiplyRowsAndGramRows_EqualFusedChainsInOrderBitForBit(int d, int rows)
    {
        float[] x = Random(rows * d, 30 + d);
        float[] gram = Random(d * d, 31 + d);
        var product = new float[rows * d];
        var xtx = new float[d * d];

        FullBatchKernels.MultiplyRows(x, rows, d, gram, product);
        for (int a0 = 0; a0 < d; a0 += 4)
        {
            FullBatchKernels.GramRows(x, rows, d, a0, Math.Min(a0 + 4, d), xtx);
        }

        bool fused = System.Runtime.Intrinsics.X86.Fma.IsSupported;
        float Chain(int count, Func<int, float> left, Func<int, float> right)
        {
            float sum = 0;
            for (int k = 0; k < count; k++)
            {
                sum = fused ? MathF.FusedMultiplyAdd(left(k), right(k), sum) : (left(k) * right(k)) + sum;
            }

            return sum;
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < d; c++)
            {
                float expected = Chain(d, a => x[(r * d) + a], a => gram[(a * d) + c]);
                Bits(product[(r * d) + c]).Should().Be(Bits(expected), "x·G at row {0}, column {1}", r, c);
            }
        }

        for (int a = 0; a < d; a++)
        {
            for (int b = a; b < d; b++)
            {
                float expected = Chain(rows, r => x[(r * d) + a], r => x[(r * d) + b]);
                Bits(xtx[(a * d) + b]).Should().Be(Bits(expected), "XᵀX at {0}, {1}", a, b);
            }
        }
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
