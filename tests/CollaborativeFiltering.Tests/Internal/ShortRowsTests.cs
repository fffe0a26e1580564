using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Internal;

public sealed class ShortRowsTests
{
    public static TheoryData<int> Lengths => [0, 1, 3, 7, 8, 9, 15, 16, 17, 35, 36, 64, 70];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd_AnyLength_EqualsTensorPrimitivesBitForBit(int n)
    {
        (float[] x, float[] y) = Rows(n, seed: n);
        const float a = -0.7381f;
        float[] expected = [.. y];
        TensorPrimitives.MultiplyAdd(x, a, expected, expected);

        ShortRows.MultiplyAdd(x, a, y);

        y.Should().Equal(expected);
    }

    [Fact]
    public void MultiplyAdd_RowsOfTheTest_TellAFusedMultiplyAddApart()
    {
        // The bit-for-bit check above could not fail on a fused x·a + y unless some element rounds differently.
        (float[] x, float[] y) = Rows(70, seed: 70);
        const float a = -0.7381f;
        float[] unfused = [.. y];
        TensorPrimitives.MultiplyAdd(x, a, unfused, unfused);

        Enumerable.Range(0, 70).Count(i => MathF.FusedMultiplyAdd(x[i], a, y[i]) != unfused[i]).Should().BePositive();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Add_AnyLength_EqualsTensorPrimitivesBitForBit(int n)
    {
        (float[] x, float[] y) = Rows(n, seed: 100 + n);
        float[] expected = [.. y];
        TensorPrimitives.Add(expected, x, expected);

        ShortRows.Add(x, y);

        y.Should().Equal(expected);
    }

    [Fact]
    public void Updates_ShortDestination_Throw()
    {
        float[] x = new float[5], y = new float[4];

        FluentActions.Invoking(() => ShortRows.MultiplyAdd(x, 2f, y)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ShortRows.Add(x, y)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Updates_LongerDestination_TouchOnlyTheSourceLength()
    {
        float[] x = [1, 2, 3];
        float[] y = [10, 20, 30, 40];

        ShortRows.MultiplyAdd(x, 2f, y);
        y.Should().Equal(12, 24, 36, 40);
        ShortRows.Add(x, y);
        y.Should().Equal(13, 26, 39, 40);
    }

    private static (float[] X, float[] Y) Rows(int n, int seed)
    {
        var random = new SeededRandom(seed, 3);
        float[] x = [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextGaussian() * Math.Pow(10, random.NextInt(7) - 3)))];
        float[] y = [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextGaussian() * Math.Pow(10, random.NextInt(7) - 3)))];
        return (x, y);
    }
}
