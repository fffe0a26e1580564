using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Scoring;

public class GemmKernelTests
{
    public static TheoryData<string, int> Paths()
    {
        var data = new TheoryData<string, int>();
        foreach (int d in new[] { 1, 7, 30, 64 })
        {
            data.Add("scalar", d);
            data.Add("vector", d);
            data.Add("512", d);
            data.Add("active", d);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Multiply_RandomPanels_EqualScalarTwinAndChainDot(string path, int d)
    {
        if ((path == "512" && !Vector512.IsHardwareAccelerated) || (path == "vector" && !System.Numerics.Vector.IsHardwareAccelerated))
        {
            return; // this hardware cannot run that path
        }

        int p = path switch { "512" => GemmKernel.Width512.PanelWidth, "vector" => GemmKernel.VectorWidth.PanelWidth, "scalar" => 5, _ => GemmKernel.PanelWidth };
        var rng = new Random(d);
        int m = p + 3; // two panels, the second padded
        float[] items = ScoringTestModels.Uniform(rng, m * d);
        float[] queries = ScoringTestModels.Uniform(rng, GemmKernel.Rows * d);
        var (panels, bias) = GemmKernel.Pack(items, d, m, default, p);
        bias.Length.Should().Be(2 * p);
        float.IsNegativeInfinity(bias[m]).Should().BeTrue();
        for (int panel = 0; panel < 2; panel++)
        {
            var fast = new float[GemmKernel.Rows * p];
            var scalar = new float[GemmKernel.Rows * p];
            ReadOnlySpan<float> a = panels.AsSpan(panel * p * d, p * d);
            switch (path)
            {
                case "512": GemmKernel.Width512.Multiply(queries, a, d, fast); break;
                case "vector": GemmKernel.VectorWidth.Multiply(queries, a, d, fast); break;
                case "scalar": GemmKernel.Scalar.Multiply(queries, a, d, fast, p); break;
                default: GemmKernel.Multiply(queries, a, d, fast); break;
            }

            GemmKernel.Scalar.Multiply(queries, a, d, scalar, p);
            // Bitwise equality is the contract: the same fused multiply-add chain per lane.
            fast.Should().Equal(scalar);
            for (int r = 0; r < GemmKernel.Rows; r++)
            {
                for (int lane = 0; lane < p; lane++)
                {
                    int j = (panel * p) + lane;
                    float expected = j < m ? ScoreKernel.ChainDot(queries.AsSpan(r * d, d), items.AsSpan(j * d, d)) : 0f;
                    fast[(r * p) + lane].Should().Be(expected);
                }
            }
        }
    }

    [Fact]
    public void AnyGreater_ThresholdBetweenLanes_Detected()
    {
        int p = GemmKernel.PanelWidth;
        var row = new float[p];
        var bias = new float[p];
        bias[p - 1] = 2f; // only the last lane reaches 2
        GemmKernel.AnyGreater(row, bias, 1.5f).Should().BeTrue();
        GemmKernel.AnyGreater(row, bias, 2f).Should().BeFalse();
        bias[p - 1] = float.NegativeInfinity;
        GemmKernel.AnyGreater(row, bias, float.NegativeInfinity).Should().BeTrue("the other lanes score 0");
    }

    [Fact]
    public void Pack_HandComputed_DMajorPanels()
    {
        // Two items of d = 2: (1, 2) and (3, 4); biases 0.5, −0.5.
        const int p = 4;
        var (panels, bias) = GemmKernel.Pack([1f, 2f, 3f, 4f], 2, 2, [0.5f, -0.5f], p);
        panels[0].Should().Be(1f);
        panels[1].Should().Be(3f);
        panels[p].Should().Be(2f);
        panels[p + 1].Should().Be(4f);
        panels[2].Should().Be(0f);
        bias[0].Should().Be(0.5f);
        bias[1].Should().Be(-0.5f);
        float.IsNegativeInfinity(bias[2]).Should().BeTrue();
    }

    [Fact]
    public void DotAll_EqualsChainDotPerRow()
    {
        var rng = new Random(4);
        const int d = 13, m = 23;
        float[] rows = ScoringTestModels.Uniform(rng, m * d);
        float[] q = ScoringTestModels.Uniform(rng, d);
        var scores = new float[m];
        ScoreKernel.DotAll(rows, d, q, scores);
        for (int j = 0; j < m; j++)
        {
            scores[j].Should().Be(ScoreKernel.ChainDot(q, rows.AsSpan(j * d, d)));
            scores[j].Should().BeApproximately(System.Numerics.Tensors.TensorPrimitives.Dot(q, rows.AsSpan(j * d, d)), 1e-5f);
        }
    }
}
