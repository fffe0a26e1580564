using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Internal;

public sealed class RowKernelsTests
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

        RowKernels.Dot(x, y).Should().BeApproximately((float)exact, 1e-5f);
        RowKernels.Dot<RowKernels.Scalar>(x, y).Should().BeApproximately((float)exact, 1e-5f);
        if (RowKernels.Is256Supported && n >= 8)
        {
            RowKernels.Dot<RowKernels.Width256>(x, y).Should().BeApproximately((float)exact, 1e-5f);
        }

        if (RowKernels.Is512Supported && n >= 16)
        {
            RowKernels.Dot<RowKernels.Width512>(x, y).Should().BeApproximately((float)exact, 1e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd_EveryPath_MatchesScalarTwinAndLeavesTheRestAlone(int n)
    {
        float[] x = Random(n, 3);
        float[] start = [.. Random(n, 4), 42f, 43f];
        float[] scalar = (float[])start.Clone();
        RowKernels.MultiplyAdd<RowKernels.Scalar>(-1.75f, x, scalar);
        scalar[0].Should().BeApproximately(start[0] - (1.75f * x[0]), 1e-6f);

        foreach ((bool supported, MultiplyAddKernel kernel) in new (bool, MultiplyAddKernel)[]
        {
            (true, RowKernels.MultiplyAdd),
            (RowKernels.Is256Supported && n >= 8, RowKernels.MultiplyAdd<RowKernels.Width256>),
            (RowKernels.Is512Supported && n >= 16, RowKernels.MultiplyAdd<RowKernels.Width512>),
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
        RowKernels.Dot4<RowKernels.Scalar>(x, y0, y1, y2, y3).CopyTo(scalar);
        scalar.Should().Equal([RowKernels.Dot<RowKernels.Scalar>(x, y0), RowKernels.Dot<RowKernels.Scalar>(x, y1), RowKernels.Dot<RowKernels.Scalar>(x, y2), RowKernels.Dot<RowKernels.Scalar>(x, y3)]);

        foreach ((bool supported, Dot4Kernel kernel) in new (bool, Dot4Kernel)[]
        {
            (true, RowKernels.Dot4),
            (RowKernels.Is256Supported && n >= 8, RowKernels.Dot4<RowKernels.Width256>),
            (RowKernels.Is512Supported && n >= 16, RowKernels.Dot4<RowKernels.Width512>),
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

    /// <summary>
    /// The full-batch item pass recomputes the user pass's residuals with the other row shared and the
    /// rating in another slot (or alone): a dot product must not depend on either, bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotLane_EqualsEveryLaneOfDot4_WhicheverRowIsSharedAndInAnySlot(int n)
    {
        float[] x = Random(n, 20), y0 = Random(n, 21), y1 = Random(n, 22), y2 = Random(n, 23), y3 = Random(n, 24);
        float[][] ys = [y0, y1, y2, y3];
        float[] lanes = new float[4];
        RowKernels.Dot4(x, y0, y1, y2, y3).CopyTo(lanes);
        for (int k = 0; k < 4; k++)
        {
            float[] y = ys[k];
            float lane = DotLane(x, y);
            Bits(lanes[k]).Should().Be(Bits(lane), "lane {0} of Dot4 at n = {1}", k, n);
            Bits(DotLane(y, x)).Should().Be(Bits(lane));
            lane.Should().BeApproximately(RowKernels.Dot(x, y), 1e-5f);

            // y shared, x in each slot among other rows.
            for (int slot = 0; slot < 4; slot++)
            {
                float[][] rows = [ys[(k + 1) % 4], ys[(k + 2) % 4], ys[(k + 3) % 4], x];
                (rows[slot], rows[3]) = (rows[3], rows[slot]);
                Bits(RowKernels.Dot4(y, rows[0], rows[1], rows[2], rows[3]).GetElement(slot)).Should().Be(Bits(lane), "x in slot {0}, y{1} shared, n = {2}", slot, k, n);
            }
        }
    }

    private static float DotLane(float[] x, float[] y) =>
        RowKernels.DotLane(ref MemoryMarshal.GetArrayDataReference(x), ref MemoryMarshal.GetArrayDataReference(y), x.Length);

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd4_EveryPath_MatchesScalarTwinAndLeavesTheRestAlone(int n)
    {
        float[] x0 = Random(n, 15), x1 = Random(n, 16), x2 = Random(n + 2, 17), x3 = Random(n, 18);
        float[] start = [.. Random(n, 19), 7f];
        float[] scalar = (float[])start.Clone();
        float[] sequential = (float[])start.Clone();
        RowKernels.MultiplyAdd4<RowKernels.Scalar>(0.5f, x0, -2f, x1, 1.25f, x2, 3f, x3, scalar.AsSpan(0, n));
        RowKernels.MultiplyAdd<RowKernels.Scalar>(0.5f, x0, sequential);
        RowKernels.MultiplyAdd<RowKernels.Scalar>(-2f, x1, sequential);
        RowKernels.MultiplyAdd<RowKernels.Scalar>(1.25f, x2.AsSpan(0, n), sequential);
        RowKernels.MultiplyAdd<RowKernels.Scalar>(3f, x3, sequential);
        scalar.Should().Equal(sequential, (a, e) => Math.Abs(a - e) < 1e-5);

        foreach ((bool supported, MultiplyAdd4Kernel kernel) in new (bool, MultiplyAdd4Kernel)[]
        {
            (true, RowKernels.MultiplyAdd4),
            (RowKernels.Is256Supported && n >= 8, RowKernels.MultiplyAdd4<RowKernels.Width256>),
            (RowKernels.Is512Supported && n >= 16, RowKernels.MultiplyAdd4<RowKernels.Width512>),
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
