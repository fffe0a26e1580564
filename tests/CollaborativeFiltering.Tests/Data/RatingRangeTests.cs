using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class RatingRangeTests
{
    [Fact]
    public void Constructor_ValidBounds_KeepsThem()
    {
        var range = new RatingRange(0.5f, 5f);

        range.Min.Should().Be(0.5f);
        range.Max.Should().Be(5f);
        range.ToString().Should().Be("[0.5, 5]");
        range.Should().Be(new RatingRange(0.5f, 5f));
        range.Should().NotBe(new RatingRange(1f, 5f));
    }

    [Fact]
    public void Constructor_EqualBounds_IsASingleValue()
    {
        var range = new RatingRange(3f, 3f);

        range.Clamp(-10f).Should().Be(3f);
        range.Clamp(10f).Should().Be(3f);
    }

    [Theory]
    [InlineData(float.NaN, 5f, "min")]
    [InlineData(float.NegativeInfinity, 5f, "min")]
    [InlineData(float.PositiveInfinity, 5f, "min")]
    [InlineData(1f, float.NaN, "max")]
    [InlineData(1f, float.PositiveInfinity, "max")]
    [InlineData(1f, float.NegativeInfinity, "max")]
    [InlineData(5f, 1f, "max")]
    [InlineData(1f, 0.999f, "max")]
    public void Constructor_InvalidBounds_ThrowsNamingTheParameter(float min, float max, string parameter)
    {
        var act = () => new RatingRange(min, max);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
    }

    [Theory]
    [InlineData(5.4f, 5f)]
    [InlineData(5f, 5f)]
    [InlineData(3.25f, 3.25f)]
    [InlineData(1f, 1f)]
    [InlineData(0.2f, 1f)]
    [InlineData(-1e30f, 1f)]
    [InlineData(float.PositiveInfinity, 5f)]
    public void Clamp_MovesValuesIntoTheRange(float value, float expected)
    {
        new RatingRange(1f, 5f).Clamp(value).Should().Be(expected);
    }

    [Fact]
    public void Clamp_NaN_StaysNaN()
    {
        float.IsNaN(new RatingRange(1f, 5f).Clamp(float.NaN)).Should().BeTrue();
    }

    [Theory]
    [InlineData(1f, true)]
    [InlineData(5f, true)]
    [InlineData(2.5f, true)]
    [InlineData(0.99f, false)]
    [InlineData(5.01f, false)]
    [InlineData(float.NaN, false)]
    public void Contains_IncludesBothEnds(float value, bool expected)
    {
        new RatingRange(1f, 5f).Contains(value).Should().Be(expected);
    }
}
