using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Internal;

public sealed class DisplayTests
{
    [Theory]
    [InlineData(0.5450742540385252, "0.5451")]
    [InlineData(106.045, "106")]
    [InlineData(3.5, "3.5")]
    [InlineData(112.659, "112.7")]
    [InlineData(-0.0123456, "-0.01235")]
    [InlineData(999.96, "1000")]
    [InlineData(12345.6, "12346")]
    [InlineData(0.00031, "0.00031")]
    [InlineData(3.1e-6, "3.1E-06")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "-∞")]
    public void Number_FourSignificantDigits(double value, string expected) => Display.Number(value).Should().Be(expected);

    [Theory]
    [InlineData(0.0123, "0.012 s")]
    [InlineData(2.853, "2.85 s")]
    [InlineData(12.34, "12.3 s")]
    [InlineData(123.4, "123 s")]
    public void Seconds_ThreeSignificantDigits(double seconds, string expected) => Display.Seconds(TimeSpan.FromSeconds(seconds)).Should().Be(expected);

    [Fact]
    public void Item_TitleAndId_OrIdAlone()
    {
        Display.Item("50", "Star Wars (1977)").Should().Be("'Star Wars (1977)' (id 50)");
        Display.Item("7", "7").Should().Be("item 7");
    }
}
