using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>NaN handled as documented, and no overflow from finite values (issue 10, points 4 and 9).</summary>
public partial class DatasetStatisticsTests
{
    [Fact]
    public void Describe_NaNAndOneValue_SkipsTheNaNAsPandasDoes()
    {
        Summary s = DatasetStatistics.Describe([double.NaN, 1.0]);

        s.Count.Should().Be(1);
        s.Mean.Should().Be(1);
        s.StandardDeviation.Should().Be(double.NaN, "the documented pandas semantics: the sample standard deviation of one value");
        (s.Min, s.Median, s.Max).Should().Be((1.0, 1.0, 1.0));
        DatasetStatistics.Describe([float.NaN, 1f, 3f]).Should().Be(DatasetStatistics.Describe([1.0, 3.0]));
    }

    [Fact]
    public void Describe_FiniteValuesNearDoubleMax_MeanStdAndPercentilesFinite()
    {
        // The sum max + max overflows; the mean, max/3, does not.
        Summary s = DatasetStatistics.Describe([double.MaxValue, double.MaxValue, -double.MaxValue]);
        s.Mean.Should().BeApproximately(double.MaxValue / 3, double.MaxValue * 1e-15);
        s.Percentile25.Should().Be(0, "halfway between -max and max, whose difference overflows");
        s.Max.Should().Be(double.MaxValue);

        // Squared deviations of about max² overflow; the standard deviation, √(4/3)·max/2, does not.
        double h = double.MaxValue / 2;
        DatasetStatistics.Describe([h, h, -h]).StandardDeviation.Should().BeApproximately(Math.Sqrt(4.0 / 3) * h, h * 1e-14);
    }
}
