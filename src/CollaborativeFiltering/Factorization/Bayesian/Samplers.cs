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
