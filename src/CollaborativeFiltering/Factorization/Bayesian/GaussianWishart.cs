using System.Diagnostics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization.Bayesian;

/// <summary>
/// The Gaussian–Wishart hyper-prior of Bayesian PMF (Salakhutdinov and Mnih 2008) over the mean μ and
/// precision Λ of p-dimensional rows, with μ₀ = 0, W₀ = I and the pseudo-counts β₀ and ν₀:
/// Λ ~ Wishart(W₀, ν₀), μ | Λ ~ Normal(μ₀, (β₀Λ)⁻¹). Given n rows with mean x̄ and scatter
/// S = Σ (x − x̄)(x − x̄)ᵀ, the conditional posterior is Gaussian–Wishart with
/// β* = β₀ + n, ν* = ν₀ + n, μ* = (β₀μ₀ + n·x̄)/(β₀ + n) and
/// (W*)⁻¹ = W₀⁻¹ + S + β₀n/(β₀ + n)·(x̄ − μ₀)(x̄ − μ₀)ᵀ (the paper's eq. 14). One instance per fit
/// holds every buffer, so a draw allocates nothing.
/// </summary>
/// <remarks>
/// A draw: factor (W*)⁻¹ = UᵀU (Cholesky, upper U), so that U⁻¹ is a square root of W*; take
/// Bartlett's factor A of a Wishart(ν*, I) draw and set B = U⁻¹A, Λ = B·Bᵀ ~ Wishart(W*, ν*); then
/// μ = μ* + Uᵀ·A⁻ᵀz/√β* with z standard normal, whose covariance Uᵀ(AAᵀ)⁻¹U/β* = (β*Λ)⁻¹. No matrix
/// is inverted; every step is a triangular solve or product, O(p³).
/// </remarks>
internal sealed class GaussianWishart
{
    private readonly int _p;
    private readonly int _stride;
    private readonly double _beta0;
    private readonly double _nu0;
    private readonly double[] _factor;
    private readonly double[] _bartlett;
    private readonly double[] _b;
    private readonly double[] _column;

    /// <summary>Prepares the prior for rows of dimension <paramref name="p"/>.</summary>
    /// <param name="p">The row dimension.</param>
    /// <param name="beta0">β₀ &gt; 0, the pseudo-count of the mean.</param>
    /// <param name="nu0">ν₀ &gt; p − 1, the degrees of freedom of the Wishart.</param>
    public GaussianWishart(int p, double beta0, double nu0)
    {
        Debug.Assert(p > 0 && beta0 > 0 && nu0 > p - 1);
        _p = p;
        _stride = CholeskySolver.PaddedOrder(p);
        _beta0 = beta0;
        _nu0 = nu0;
        _factor = new double[_stride * _stride];
        _bartlett = new double[_stride * _stride];
        _b = new double[p * p];
        _column = new double[_stride];
        Precision = new double[p * p];
        Mean = new double[p];
        PrecisionTimesMean = new double[p];
    }

    /// <summary>Λ of the last draw, p×p row-major, symmetric.</summary>
    public double[] Precision { get; }

    /// <summary>μ of the last draw.</summary>
    public double[] Mean { get; }

    /// <summary>Λ·μ of the last draw (the prior's contribution to each row's right-hand side).</summary>
    public double[] PrecisionTimesMean { get; }

    /// <summary>
    /// The conditional posterior's parameters for <paramref name="count"/> rows with mean
    /// <paramref name="mean"/> and scatter <paramref name="scatter"/> (p×p, row-major): β*, ν*, μ* into
    /// <paramref name="posteriorMean"/> and (W*)⁻¹ into <paramref name="inverseScale"/> (p×p, row-major).
    /// </summary>
    public (double Beta, double Nu) Posterior(int count, ReadOnlySpan<double> mean, ReadOnlySpan<double> scatter, Span<double> posteriorMean, Span<double> inverseScale)
    {
        int p = _p;
        double n = count, beta = _beta0 + n, kappa = _beta0 * n / beta;
        for (int a = 0; a < p; a++)
        {
            posteriorMean[a] = n * mean[a] / beta; // μ₀ = 0
            for (int b = 0; b < p; b++)
            {
                inverseScale[(a * p) + b] = (a == b ? 1.0 : 0.0) + scatter[(a * p) + b] + (kappa * mean[a] * mean[b]);
            }
        }

        return (beta, _nu0 + n);
    }

    /// <summary>
    /// Draws (μ, Λ) from the conditional posterior given <paramref name="count"/> rows with mean
    /// <paramref name="mean"/> and scatter <paramref name="scatter"/> into <see cref="Mean"/>,
    /// <see cref="Precision"/> and <see cref="PrecisionTimesMean"/>.
    /// </summary>
    /// <returns><see langword="false"/> when (W*)⁻¹ is not positive definite (a non-finite scatter).</returns>
    public bool Sample(int count, ReadOnlySpan<double> mean, ReadOnlySpan<double> scatter, SeededRandom random)
    {
        int p = _p, s = _stride;
        Span<double> mu = Mean;
        (double beta, double nu) = Posterior(count, mean, scatter, mu, _b);

        // (W*)⁻¹ = UᵀU into the padded factor buffer (upper triangle; padding zero).
        Array.Clear(_factor);
        for (int a = 0; a < p; a++)
        {
            _b.AsSpan(a * p, p).CopyTo(_factor.AsSpan(a * s, p));
        }

        if (!CholeskySolver.TryFactor(_factor, p, s))
        {
            return false;
        }

        Samplers.BartlettFactor(random, nu, p, _bartlett, s);

        // B = U⁻¹A, column by column (A lower triangular: column c is zero above row c).
        for (int c = 0; c < p; c++)
        {
            for (int r = 0; r < p; r++)
            {
                _column[r] = _bartlett[(r * s) + c];
            }

            CholeskySolver.SolveUpper(_factor, p, s, _column);
            for (int r = 0; r < p; r++)
            {
                _b[(r * p) + c] = _column[r];
            }
        }

        // Λ = B·Bᵀ.
        double[] precision = Precision;
        for (int a = 0; a < p; a++)
        {
            ReadOnlySpan<double> ba = _b.AsSpan(a * p, p);
            for (int b = 0; b <= a; b++)
            {
                ReadOnlySpan<double> bb = _b.AsSpan(b * p, p);
                double sum = 0;
                for (int k = 0; k < p; k++)
                {
                    sum += ba[k] * bb[k];
                }

                precision[(a * p) + b] = sum;
                precision[(b * p) + a] = sum;
            }
        }

        // μ = μ* + Uᵀ·(A⁻ᵀz)/√β*: solve Aᵀy = z (Aᵀ upper triangular) by back substitution.
        Span<double> y = _column.AsSpan(0, p);
        for (int k = 0; k < p; k++)
        {
            y[k] = random.NextGaussian();
        }

        for (int k = p - 1; k >= 0; k--)
        {
            double sum = y[k];
            for (int j = k + 1; j < p; j++)
            {
                sum -= _bartlett[(j * s) + k] * y[j];
            }

            y[k] = sum / _bartlett[(k * s) + k];
        }

        double scale = 1 / Math.Sqrt(beta);
        for (int i = p - 1; i >= 0; i--)
        {
            double sum = 0;
            for (int k = 0; k <= i; k++)
            {
                sum += _factor[(k * s) + i] * y[k];
            }

            mu[i] += scale * sum;
        }

        for (int a = 0; a < p; a++)
        {
            double sum = 0;
            for (int b = 0; b < p; b++)
            {
                sum += precision[(a * p) + b] * mu[b];
            }

            PrecisionTimesMean[a] = sum;
        }

        return TensorPrimitivesExtensions.AllFinite(precision) && TensorPrimitivesExtensions.AllFinite(Mean);
    }
}
