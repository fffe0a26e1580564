using CollaborativeFiltering.Factorization.Bayesian;
using CollaborativeFiltering.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>
/// The Gibbs samplers' draws: Gamma and Wishart against their moments (many draws at a fixed seed,
/// tolerances of five standard errors from the central limit theorem), the Gaussian–Wishart
/// conditional's parameters against a brute-force integration of the posterior, and a Wishart draw's
/// algebra against MathNet with the same random numbers.
/// </summary>
public sealed class SamplersTests
{
    [Theory]
    [InlineData(0.4, 1.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(3.7, 2.0)]
    [InlineData(250.0, 40.0)]
    public void Gamma_ManyDraws_MatchMeanAndVariance(double shape, double rate)
    {
        const int n = 200_000;
        var random = new SeededRandom(5, 77);
        double sum = 0, squares = 0;
        for (int k = 0; k < n; k++)
        {
            double x = Samplers.Gamma(random, shape, rate);
            x.Should().BePositive();
            sum += x;
            squares += x * x;
        }

        double mean = sum / n, variance = (squares / n) - (mean * mean);
        double expectedMean = shape / rate, expectedVariance = shape / (rate * rate);

        // Standard errors: of the mean σ/√n; of the sample variance σ²·√((2 + 6/shape)/n) (Gamma's excess kurtosis is 6/shape).
        mean.Should().BeApproximately(expectedMean, 5 * Math.Sqrt(expectedVariance / n));
        variance.Should().BeApproximately(expectedVariance, 5 * expectedVariance * Math.Sqrt((2 + (6 / shape)) / n));
    }

    /// <summary>
    /// The truncated standard normal on [a, b], every branch (plain rejection, exponential tail proposals
    /// above and below, uniform proposals on a far or narrow interval): every draw inside, and the mean and
    /// variance those of the closed form, mean (φ(a) − φ(b))/Z and variance 1 + (aφ(a) − bφ(b))/Z − mean²,
    /// Z = Φ(b) − Φ(a), within five standard errors (the variance's taken generously as 3σ²/√n).
    /// </summary>
    [Theory]
    [InlineData(double.NegativeInfinity, double.PositiveInfinity)]
    [InlineData(-1.0, 1.0)]
    [InlineData(0.3, 0.8)]
    [InlineData(1.2, double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity, -2.0)]
    [InlineData(2.5, 3.5)]
    [InlineData(-3.5, -2.5)]
    [InlineData(4.0, 4.3)]
    [InlineData(6.0, double.PositiveInfinity)]
    public void TruncatedStandardNormal_ManyDraws_MatchTheClosedFormMoments(double lower, double upper)
    {
        const int n = 100_000;
        var random = new SeededRandom(7, 11);
        double sum = 0, squares = 0;
        for (int k = 0; k < n; k++)
        {
            double x = Samplers.TruncatedStandardNormal(random, lower, upper);
            x.Should().BeInRange(lower, upper);
            sum += x;
            squares += x * x;
        }

        static double Density(double x) => double.IsInfinity(x) ? 0 : Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
        static double Moment(double x) => double.IsInfinity(x) ? 0 : x * Density(x);
        double z = CollaborativeFiltering.Data.SyntheticData.UpperNormalTail(lower) - CollaborativeFiltering.Data.SyntheticData.UpperNormalTail(upper);
        double expectedMean = (Density(lower) - Density(upper)) / z;
        double expectedVariance = 1 + ((Moment(lower) - Moment(upper)) / z) - (expectedMean * expectedMean);
        double mean = sum / n, variance = (squares / n) - (mean * mean);

        mean.Should().BeApproximately(expectedMean, 5 * Math.Sqrt(expectedVariance / n));
        variance.Should().BeApproximately(expectedVariance, 5 * 3 * expectedVariance / Math.Sqrt(n));
    }

    /// <summary>
    /// Λ ~ Wishart(W*, ν*) and μ | Λ ~ Normal(μ*, (β*Λ)⁻¹) drawn from the conditional of given rows:
    /// E[Λ] = ν*W*, Var(Λ_ab) = ν*(W*_ab² + W*_aa·W*_bb), E[μ] = μ*, Cov(μ) = W*⁻¹/(β*(ν* − p − 1)).
    /// </summary>
    [Fact]
    public void GaussianWishartSample_ManyDraws_MatchWishartAndNormalMoments()
    {
        const int p = 3, n = 40_000, rows = 6;
        double[] mean = [0.3, -0.2, 0.5];
        double[] scatter = [2.0, 0.3, -0.4, 0.3, 1.5, 0.2, -0.4, 0.2, 1.2];
        var prior = new GaussianWishart(p, beta0: 2, nu0: p);
        var posteriorMean = new double[p];
        var inverseScale = new double[p * p];
        (double beta, double nu) = prior.Posterior(rows, mean, scatter, posteriorMean, inverseScale);
        Matrix<double> w = Matrix<double>.Build.Dense(p, p, (a, b) => inverseScale[(a * p) + b]).Inverse();
        nu.Should().Be(p + rows);
        beta.Should().Be(2 + rows);

        var random = new SeededRandom(9, 3);
        var lambdaSum = new double[p * p];
        var lambdaSquares = new double[p * p];
        var muSum = new double[p];
        var muProducts = new double[p * p];
        for (int k = 0; k < n; k++)
        {
            prior.Sample(rows, mean, scatter, random).Should().BeTrue();
            for (int a = 0; a < p; a++)
            {
                muSum[a] += prior.Mean[a];
                for (int b = 0; b < p; b++)
                {
                    double l = prior.Precision[(a * p) + b];
                    lambdaSum[(a * p) + b] += l;
                    lambdaSquares[(a * p) + b] += l * l;
                    muProducts[(a * p) + b] += prior.Mean[a] * prior.Mean[b];
                }
            }
        }

        Matrix<double> muCovariance = w.Inverse() / (beta * (nu - p - 1));
        for (int a = 0; a < p; a++)
        {
            double muMean = muSum[a] / n;
            muMean.Should().BeApproximately(posteriorMean[a], 5 * Math.Sqrt(muCovariance[a, a] / n), "E[μ] = μ*");
            for (int b = 0; b < p; b++)
            {
                double expected = nu * w[a, b];
                double variance = nu * ((w[a, b] * w[a, b]) + (w[a, a] * w[b, b]));
                (lambdaSum[(a * p) + b] / n).Should().BeApproximately(expected, 5 * Math.Sqrt(variance / n), "E[Λ] = ν*W*");
                double sampleVariance = (lambdaSquares[(a * p) + b] / n) - Math.Pow(lambdaSum[(a * p) + b] / n, 2);
                sampleVariance.Should().BeApproximately(variance, 0.05 * variance, "Var(Λ_ab) = ν*(W*_ab² + W*_aa·W*_bb)");
                double covariance = (muProducts[(a * p) + b] / n) - ((muSum[a] / n) * (muSum[b] / n));
                covariance.Should().BeApproximately(muCovariance[a, b], 0.05 * Math.Sqrt(muCovariance[a, a] * muCovariance[b, b]) + 1e-12, "Cov(μ) = E[Λ⁻¹]/β*");
            }
        }
    }

    /// <summary>
    /// With the same random numbers, a draw is Λ = U⁻¹A·AᵀU⁻ᵀ and μ = μ* + Uᵀ·A⁻ᵀz/√β*, where (W*)⁻¹ = UᵀU
    /// and A is Bartlett's factor, computed here with MathNet's Cholesky and inverses.
    /// </summary>
    [Fact]
    public void GaussianWishartSample_GivenRandomNumbers_EqualsTheMatrixAlgebra()
    {
        const int p = 4, rows = 9;
        double[] mean = [0.1, 0.7, -0.3, 0.2];
        var scatterMatrix = Matrix<double>.Build.Random(p, p, 3);
        double[] scatter = (scatterMatrix * scatterMatrix.Transpose()).ToRowMajorArray();
        var prior = new GaussianWishart(p, beta0: 2, nu0: p);
        var posteriorMean = new double[p];
        var inverseScale = new double[p * p];
        (double beta, double nu) = prior.Posterior(rows, mean, scatter, posteriorMean, inverseScale);

        prior.Sample(rows, mean, scatter, new SeededRandom(4, 11)).Should().BeTrue();

        // The same draws, in the same order: Bartlett's factor row by row, then z.
        var replay = new SeededRandom(4, 11);
        var bartlett = new double[p * p];
        Samplers.BartlettFactor(replay, nu, p, bartlett, p);
        Matrix<double> a = Matrix<double>.Build.Dense(p, p, (r, c) => bartlett[(r * p) + c]);
        Vector<double> z = Vector<double>.Build.Dense(p, _ => replay.NextGaussian());
        Matrix<double> upper = Matrix<double>.Build.Dense(p, p, (r, c) => inverseScale[(r * p) + c]).Cholesky().Factor.Transpose();
        Matrix<double> b = upper.Inverse() * a;
        Matrix<double> lambda = b * b.Transpose();
        Vector<double> mu = Vector<double>.Build.DenseOfArray(posteriorMean) + (upper.Transpose() * a.Transpose().Inverse() * z / Math.Sqrt(beta));

        for (int r = 0; r < p; r++)
        {
            prior.Mean[r].Should().BeApproximately(mu[r], 1e-9);
            prior.PrecisionTimesMean[r].Should().BeApproximately((lambda * mu)[r], 1e-9);
            for (int c = 0; c < p; c++)
            {
                prior.Precision[(r * p) + c].Should().BeApproximately(lambda[r, c], 1e-9 * Math.Max(1, Math.Abs(lambda[r, c])));
            }
        }
    }

    /// <summary>
    /// p = 1, where Gaussian–Wishart is Normal–Gamma: the conditional's closed-form parameters give
    /// E[λ] = ν*W*, E[μ] = μ* and E[μ²] = μ*² + E[1/λ]/β*, and a brute-force integration of prior ×
    /// likelihood over a (μ, log λ) grid gives the same to 1e-6.
    /// </summary>
    [Fact]
    public void GaussianWishartPosterior_OneDimension_EqualsBruteForceIntegration()
    {
        double[] x = [0.8, 1.3, 0.2, 1.1, 0.9];
        const double beta0 = 2, nu0 = 1;
        int n = x.Length;
        double xbar = x.Average();
        double scatter = x.Sum(v => (v - xbar) * (v - xbar));
        var prior = new GaussianWishart(1, beta0, nu0);
        var posteriorMean = new double[1];
        var inverseScale = new double[1];
        (double beta, double nu) = prior.Posterior(n, [xbar], [scatter], posteriorMean, inverseScale);
        double w = 1 / inverseScale[0];
        double expectedLambda = nu * w;
        double expectedMu = posteriorMean[0];
        double expectedMuSquared = (expectedMu * expectedMu) + (1 / (beta * (nu - 2) * w)); // E[1/λ] = 1/((ν − 2)W) for Gamma(ν/2, 1/(2W))

        // log p(μ, λ | x) up to a constant: Wishart(λ | W₀ = 1, ν₀) · Normal(μ | 0, 1/(β₀λ)) · Π Normal(x_i | μ, 1/λ).
        static double LogDensity(double mu, double lambda, double[] x) =>
            (((nu0 - 2) / 2) * Math.Log(lambda)) - (lambda / 2)
            + (0.5 * Math.Log(beta0 * lambda)) - (beta0 * lambda * mu * mu / 2)
            + x.Sum(v => (0.5 * Math.Log(lambda)) - (lambda * (v - mu) * (v - mu) / 2));

        // Trapezoid rule in (t, s) with λ = e^s and μ = μ* + 0.3·sinh t (so that the Student-t tails of μ's
        // marginal are covered out to ±400); the integrand decays at every edge, so the rule converges geometrically:
        // on this grid (s in [−12, 6], t in [−8, 8]) the three moments agree with those of grids with 2 and 4 times
        // finer steps to within 1e-12, far inside the 1e-6 asserted.
        double total = 0, lambdaMoment = 0, muMoment = 0, muSquaredMoment = 0, peak = LogDensity(expectedMu, expectedLambda, x);
        const double ds = 0.02, dt = 0.016;
        for (int i = 0; i <= 900; i++)
        {
            double lambda = Math.Exp(-12 + (i * ds));
            for (int j = -500; j <= 500; j++)
            {
                double t = j * dt;
                double mu = expectedMu + (0.3 * Math.Sinh(t));
                double weight = Math.Exp(LogDensity(mu, lambda, x) - peak) * lambda * Math.Cosh(t);
                total += weight;
                lambdaMoment += weight * lambda;
                muMoment += weight * mu;
                muSquaredMoment += weight * mu * mu;
            }
        }

        (lambdaMoment / total).Should().BeApproximately(expectedLambda, 1e-6 * expectedLambda);
        (muMoment / total).Should().BeApproximately(expectedMu, 1e-6);
        (muSquaredMoment / total).Should().BeApproximately(expectedMuSquared, 1e-6);
    }
}
