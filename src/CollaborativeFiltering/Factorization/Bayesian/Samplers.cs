using System.Diagnostics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization.Bayesian;

/// <summary>
/// The random draws of the Gibbs samplers beyond the standard normal of <see cref="SeededRandom"/>:
/// Gamma (Marsaglia and Tsang 2000) and the Bartlett factor of a Wishart draw. Every draw comes from
/// the given <see cref="SeededRandom"/> only, so a seed fixes it on every runtime.
/// </summary>
internal static class Samplers
{
    /// <summary>
    /// A draw from Gamma(shape, rate): density ∝ x^(shape−1)·e^(−rate·x), mean shape/rate, variance
    /// shape/rate². Marsaglia and Tsang's squeeze method ("A simple method for generating gamma
    /// variables", 2000) for shape ≥ 1; for shape &lt; 1 a Gamma(shape + 1) draw times U^(1/shape).
    /// </summary>
    public static double Gamma(SeededRandom random, double shape, double rate)
    {
        Debug.Assert(shape > 0 && rate > 0 && double.IsFinite(shape) && double.IsFinite(rate));
        if (shape < 1)
        {
            double boost = Math.Pow(random.NextOpenDouble(), 1 / shape);
            return Gamma(random, shape + 1, rate) * boost;
        }

        double d = shape - (1.0 / 3), c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = random.NextGaussian();
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            double u = random.NextOpenDouble();
            double x2 = x * x;
            if (u < 1 - (0.0331 * x2 * x2) || Math.Log(u) < (0.5 * x2) + (d * (1 - v + Math.Log(v))))
            {
                return d * v / rate;
            }
        }
    }

    /// <summary>
    /// A draw from the standard normal truncated to [<paramref name="lower"/>, <paramref name="upper"/>]
    /// (either end may be infinite; lower &lt; upper): plain rejection from the normal while the interval
    /// holds much of its mass; for a far one-sided tail, Robert's exponential proposal ("Simulation of
    /// truncated normal variables", 1995, with the optimal rate (a + √(a² + 4))/2); for a far two-sided
    /// interval, a uniform proposal accepted with probability e^((m² − x²)/2), m the end nearest zero.
    /// </summary>
    public static double TruncatedStandardNormal(SeededRandom random, double lower, double upper)
    {
        Debug.Assert(lower < upper && !double.IsNaN(lower) && !double.IsNaN(upper));
        if (lower <= 0.5 && upper >= -0.5 && (upper - lower) >= 1)
        {
            // The interval holds at least about a third of the mass: a few tries on average.
            while (true)
            {
                double x = random.NextGaussian();
                if (x >= lower && x <= upper)
                {
                    return x;
                }
            }
        }

        if (lower > 0 ? double.IsPositiveInfinity(upper) || TailIsWide(lower, upper) : upper < 0 && (double.IsNegativeInfinity(lower) || TailIsWide(-upper, -lower)))
        {
            // A tail beyond a = |nearest end|: Robert's exponential proposal, mirrored for the lower tail.
            bool above = lower > 0;
            double a = above ? lower : -upper, b = above ? upper : -lower;
            double rate = (a + Math.Sqrt((a * a) + 4)) / 2;
            while (true)
            {
                double x = a + (random.NextExponential() / rate);
                if (x <= b && random.NextOpenDouble() <= Math.Exp(-0.5 * (x - rate) * (x - rate)))
                {
                    return above ? x : -x;
                }
            }
        }

        // A bounded interval: uniform proposals under the density's largest value on it.
        double m = lower > 0 ? lower : upper < 0 ? upper : 0;
        while (true)
        {
            double x = lower + ((upper - lower) * random.NextDouble());
            if (random.NextOpenDouble() <= Math.Exp(0.5 * ((m * m) - (x * x))))
            {
                return x;
            }
        }
    }

    /// <summary>Whether [a, b] (0 &lt; a &lt; b) is wide against the tail's scale 1/a, so that exponential proposals rarely overshoot b.</summary>
    private static bool TailIsWide(double a, double b) => (b - a) * a > 2;

    /// <summary>
    /// Fills the lower triangle of <paramref name="a"/> (p×p, row stride <paramref name="stride"/>) with
    /// Bartlett's factor of a Wishart(ν, I) draw: A[i, i] = √χ²(ν − i) (i 0-based), A[i, j] ~ Normal(0, 1)
    /// for j &lt; i, zeros above, so that A·Aᵀ ~ Wishart(ν, I) and L·A·Aᵀ·Lᵀ ~ Wishart(ν, L·Lᵀ) for any
    /// square root L of the scale (Wishart(ν, I) is invariant under rotations). Needs ν &gt; p − 1.
    /// </summary>
    public static void BartlettFactor(SeededRandom random, double degreesOfFreedom, int p, Span<double> a, int stride)
    {
        Debug.Assert(degreesOfFreedom > p - 1);
        for (int i = 0; i < p; i++)
        {
            Span<double> row = a.Slice(i * stride, p);
            row.Clear();
            for (int j = 0; j < i; j++)
            {
                row[j] = random.NextGaussian();
            }

            row[i] = Math.Sqrt(2 * Gamma(random, (degreesOfFreedom - i) / 2, 1));
        }
    }
}
