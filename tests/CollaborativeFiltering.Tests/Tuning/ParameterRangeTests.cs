using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Tuning;

namespace CollaborativeFiltering.Tests.Tuning;

public sealed class ParameterRangeTests
{
    [Fact]
    public void LogUniform_GridValues_AreGeometricWithBothEnds()
    {
        ParameterRange range = ParameterRange.LogUniform(0.01, 1, gridPoints: 3);

        range.Scale.Should().Be(ParameterScale.Logarithmic);
        range.GridValues.Should().HaveCount(3);
        range.GridValues[0].Should().Be(0.01);
        range.GridValues[1].Should().BeApproximately(0.1, 1e-12);
        range.GridValues[2].Should().Be(1);
    }

    [Fact]
    public void Uniform_GridValues_AreEvenlySpaced()
    {
        ParameterRange.Uniform(0.2, 0.6, gridPoints: 5).GridValues.Should().Equal([0.2, 0.3, 0.4, 0.5, 0.6], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Choice_GridValues_AreTheChoicesInOrder()
    {
        ParameterRange range = ParameterRange.Choice(64, 16, 32);

        range.GridValues.Should().Equal(64, 16, 32);
        range.Choices.ToArray().Should().Equal(64, 16, 32);
        range.Minimum.Should().Be(16);
        range.Maximum.Should().Be(64);
        range.ToString().Should().Be("{64, 16, 32}");
    }

    [Fact]
    public void Sample_LogUniform_StaysInRangeAndIsUniformInTheLogarithm()
    {
        ParameterRange range = ParameterRange.LogUniform(0.001, 1000);
        var random = new SeededRandom(7, 0);
        int below1 = 0;
        for (int k = 0; k < 10_000; k++)
        {
            double x = range.Sample(random);
            x.Should().BeInRange(0.001, 1000);
            below1 += x < 1 ? 1 : 0;
        }

        // log10 x is uniform on [-3, 3]: half the draws fall below 1.
        below1.Should().BeInRange(4_800, 5_200);
    }

    [Fact]
    public void Sample_Choice_DrawsEveryChoice()
    {
        ParameterRange range = ParameterRange.Choice(1, 2, 3);
        var random = new SeededRandom(1, 0);
        var seen = new HashSet<double>();
        for (int k = 0; k < 100; k++)
        {
            seen.Add(range.Sample(random));
        }

        seen.Should().BeEquivalentTo([1.0, 2.0, 3.0]);
    }

    [Theory]
    [InlineData(0, 1, "minimum")]
    [InlineData(-1, 1, "minimum")]
    [InlineData(1, 1, "maximum")]
    [InlineData(1, double.PositiveInfinity, "maximum")]
    public void LogUniform_InvalidBounds_ThrowNamingTheBound(double minimum, double maximum, string parameter)
    {
        FluentActions.Invoking(() => ParameterRange.LogUniform(minimum, maximum))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter);
    }

    [Fact]
    public void Uniform_OneGridPoint_Throws()
    {
        FluentActions.Invoking(() => ParameterRange.Uniform(0, 1, gridPoints: 1))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("gridPoints");
    }

    [Fact]
    public void Choice_EmptyRepeatedOrNotFinite_Throws()
    {
        FluentActions.Invoking(() => ParameterRange.Choice()).Should().Throw<ArgumentException>().WithParameterName("values");
        FluentActions.Invoking(() => ParameterRange.Choice(1, 2, 1)).Should().Throw<ArgumentException>().WithMessage("*appears twice*");
        FluentActions.Invoking(() => ParameterRange.Choice(1, double.NaN)).Should().Throw<ArgumentException>().WithMessage("*position 1 is not finite*");
    }
}
