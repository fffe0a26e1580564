using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neural.Training;

namespace CollaborativeFiltering.Tests.Neural;

public sealed class SoftmaxKernelsTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(3, 8)]
    [InlineData(5, 36)]
    public void MultiplyByPanels_ActiveKernel_MatchesScalarTwin(int panels, int dp)
    {
        int p = GemmKernel.PanelWidth;
        int stride = 7 * p; // the block's rows sit inside a taller panel, as in the trainer's batch buffer
        var random = new Random(panels * 100 + dp);
        float[] z = RandomArray(random, ((panels - 1) * stride) + (GemmKernel.Rows * p) + 5);
        float[] v = RandomArray(random, panels * dp * p);
        var fast = new float[GemmKernel.Rows * dp];
        var reference = new float[GemmKernel.Rows * dp];

        SoftmaxKernels.MultiplyByPanels(z, stride, v, panels, dp, fast);
        SoftmaxKernels.Scalar.MultiplyByPanels(z, stride, v, panels, dp, reference, p);

        for (int i = 0; i < fast.Length; i++)
        {
            fast[i].Should().BeApproximately(reference[i], 1e-4f * Math.Max(1f, Math.Abs(reference[i])), $"entry {i}");
        }
    }

    [Fact]
    public void MultiplyByPanels_ScalarTwinOnOneSmallPanel_MatchesHandComputed()
    {
        // One panel of width 2, dp = 4: V rows k hold items (0, 1); Z rows r hold the two items' gradients.
        float[] v = [1, 2, 3, 4, 5, 6, 7, 8]; // k=0: (1,2), k=1: (3,4), k=2: (5,6), k=3: (7,8)
        float[] z = [1, 0, 0, 1, 1, 1, 2, -1];
        var dq = new float[16];

        SoftmaxKernels.Scalar.MultiplyByPanels(z, 8, v, 1, 4, dq, panelWidth: 2);

        dq.Should().Equal(1, 3, 5, 7, 2, 4, 6, 8, 3, 7, 11, 15, 0, 2, 4, 6);
    }

    [Fact]
    public void MultiplyByPanels_DimensionNotMultipleOfFour_Throws()
    {
        var act = () => SoftmaxKernels.MultiplyByPanels(new float[1024], 128, new float[1024], 1, 6, new float[24]);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Adagrad_HandComputedStep()
    {
        float[] w = [1f];
        float[] a = [0.1f];

        SoftmaxKernels.Adagrad(w, [0.5f], a, learningRate: 8f);

        a[0].Should().BeApproximately(0.35f, 1e-7f);
        w[0].Should().BeApproximately((float)(1 - (8 * 0.5 / Math.Sqrt(0.35))), 1e-5f);
    }

    [Fact]
    public void Adagrad_VectorPath_EqualsScalarTwinBitForBit()
    {
        var random = new Random(1);
        float[] g = RandomArray(random, 37);
        float[] w1 = RandomArray(random, 37), w2 = (float[])w1.Clone();
        float[] a1 = [.. RandomArray(random, 37).Select(x => Math.Abs(x) + 0.1f)], a2 = (float[])a1.Clone();

        SoftmaxKernels.Adagrad(w1, g, a1, 0.3f);
        SoftmaxKernels.Scalar.Adagrad(w2, g, a2, 0.3f);

        w1.Should().Equal(w2);
        a1.Should().Equal(a2);
    }

    [Fact]
    public void Adam_FirstStep_MovesByTheLearningRateAgainstTheGradient()
    {
        float[] w = [0f, 1f];
        float[] m = new float[2], v = new float[2];
        const double lr = 0.01;
        float stepSize = (float)(lr * Math.Sqrt(1 - SoftmaxKernels.Beta2) / (1 - SoftmaxKernels.Beta1));

        SoftmaxKernels.Adam(w, [2f, -0.5f], m, v, stepSize);

        w[0].Should().BeApproximately(-0.01f, 1e-6f);
        w[1].Should().BeApproximately(1.01f, 1e-6f);
        m.Should().Equal(0.2f, -0.05f);
    }

    [Fact]
    public void Adam_VectorPath_EqualsScalarTwinBitForBit()
    {
        var random = new Random(2);
        float[] g = RandomArray(random, 41);
        float[] w1 = RandomArray(random, 41), w2 = (float[])w1.Clone();
        float[] m1 = RandomArray(random, 41), m2 = (float[])m1.Clone();
        float[] v1 = [.. RandomArray(random, 41).Select(Math.Abs)], v2 = (float[])v1.Clone();

        SoftmaxKernels.Adam(w1, g, m1, v1, 0.003f);
        SoftmaxKernels.Scalar.Adam(w2, g, m2, v2, 0.003f);

        w1.Should().Equal(w2);
        m1.Should().Equal(m2);
        v1.Should().Equal(v2);
    }

    [Fact]
    public void ScaleFlushingTiny_ScalesAndZeroesTinyValues()
    {
        float[] values = [.. Enumerable.Range(0, 19).Select(i => i % 3 == 0 ? 1e-29f : 0.5f)];

        SoftmaxKernels.ScaleFlushingTiny(values, 0.01f);

        for (int i = 0; i < values.Length; i++)
        {
            values[i].Should().Be(i % 3 == 0 ? 0f : 0.005f, $"entry {i}");
        }
    }

    private static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
