using System.Globalization;
using CollaborativeFiltering.Internal;

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
    /// <summary>pandas' labels with four significant digits, e.g. <c>count=943, mean=106, std=112.7, min=20, 25%=34, 50%=61, 75%=127.5, max=612</c> (the properties hold the exact values).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"count={Display.Count(Count)}, mean={Display.Number(Mean)}, std={Display.Number(StandardDeviation)}, min={Display.Number(Min)}, 25%={Display.Number(Percentile25)}, 50%={Display.Number(Median)}, 75%={Display.Number(Percentile75)}, max={Display.Number(Max)}");
}
