using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// The mean and sample standard deviation of one metric over the K folds of a cross-validation:
/// mean = (1/K) Σ_f x_f and std = √((1/(K − 1)) Σ_f (x_f − mean)²) (divisor K − 1, numpy's <c>ddof=1</c>,
/// as pandas' <c>std()</c>; K ≥ 2, so it is always defined).
/// </summary>
/// <param name="Mean">The arithmetic mean over folds.</param>
/// <param name="StandardDeviation">The sample standard deviation over folds (ddof = 1).</param>
public readonly record struct MetricSummary(double Mean, double StandardDeviation)
{
    /// <summary>The mean and sample standard deviation (ddof = 1) of two or more values, accumulated in <see cref="double"/>.</summary>
    internal static MetricSummary Of(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        double mean = sum / values.Length;
        double squares = 0;
        foreach (double v in values)
        {
            double e = v - mean;
            squares += e * e;
        }

        return new MetricSummary(mean, Math.Sqrt(squares / (values.Length - 1)));
    }

    /// <summary>E.g. <c>0.9123 ± 0.0123</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Number(Mean)} ± {Display.Number(StandardDeviation)}");
}
