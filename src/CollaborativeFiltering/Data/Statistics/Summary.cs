using System.Globalization;

namespace CollaborativeFiltering.Data;

/// <summary>
/// What pandas' <c>Series.describe()</c> prints for a column of numbers, computed by
/// <see cref="DatasetStatistics.Describe(ReadOnlySpan{double})"/>.
/// </summary>
/// <param name="Count">The number of values, NaNs excluded.</param>
/// <param name="Mean">The arithmetic mean.</param>
/// <param name="StandardDeviation">The sample standard deviation (divisor <c>Count − 1</c>, pandas' <c>ddof=1</c>); NaN when <c>Count</c> is 1.</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Percentile25">The 25th percentile, linearly interpolated as numpy's default.</param>
/// <param name="Median">The 50th percentile.</param>
/// <param name="Percentile75">The 75th percentile.</param>
/// <param name="Max">The largest value.</param>
public readonly record struct Summary(int Count, double Mean, double StandardDeviation, double Min, double Percentile25, double Median, double Percentile75, double Max)
{
    /// <summary>The summary in pandas' labels and invariant digits, e.g. <c>count=5, mean=4, std=3.5355339059327378, min=1, 25%=2, 50%=3, 75%=4, max=10</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"count={Count}, mean={Mean}, std={StandardDeviation}, min={Min}, 25%={Percentile25}, 50%={Median}, 75%={Percentile75}, max={Max}");
}
