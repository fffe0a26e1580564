using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bayesian;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class BayesianMatrixFactorizerTests
{
    /// <summary>
    /// The Gaussian conditional of one user row (and one item row) against the full joint: the log of
    /// p(R, U, V | μ_U, Λ_U, μ_V, Λ_V, α) is a quadratic c + bᵀx − ½xᵀAx in the row x, so evaluating
    /// the whole joint (every rating's likelihood and every row's prior) at x = 0, e_a and e_a + e_b
    /// recovers A (the precision) and A⁻¹b (the mean); the sampler's closed form matches to 1e-6.
    /// </summary>
    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 3)]
    [InlineData(false, 1)]
    [InlineData(false, 6)]
    public void Conditional_OfOneRow_EqualsTheQuadraticOfTheFullJoint(bool user, int row)
    {
        RatingsDataset train = AlsTestData.Random(7, 9, 0.5, seed: 12);
        const int d = 2, p = d + 1;
        float[] users = AlsTestData.RandomMatrix(train.UserCount, p, 0.7, seed: 13);
        float[] items = AlsTestData.RandomMatrix(train.ItemCount, p, 0.7, seed: 14);
        var factorizer = new BayesianMatrixFactorizer(new BayesianMatrixOptions { Dimensions = d, Iterations = 3, BurnIn = 1, NoisePrecision = 1.7 });
        using BpmfTraining training = factorizer.CreateTraining(train, users, items);
        training.DrawHyper(user: true, iteration: 1).Should().BeTrue();
        training.DrawHyper(user: false, iteration: 1).Should().BeTrue();

        var precision = new double[p * p];
        var mean = new double[p];
        training.Conditional(user, row, precision, mean);

        float[] rows = user ? training.Users : training.Items;
        float[] saved = rows.AsSpan(row * p, p).ToArray();
        double Joint(double[] x)
        {
            for (int a = 0; a < p; a++)
            {
                rows[(row * p) + a] = (float)x[a];
            }

            return LogJoint(train, training, d);
        }

        // Exact in x up to float rounding of the row: evaluate at points with float-exact coordinates.
        double f0 = Joint(new double[p]);
        var a2 = Matrix<double>.Build.Dense(p, p);
        var b = Vector<double>.Build.Dense(p);
        var f1 = new double[p];
        for (int a = 0; a < p; a++)
        {
            var e = new double[p];
            e[a] = 1;
            f1[a] = Joint(e);
        }

        for (int a = 0; a < p; a++)
        {
            for (int c = 0; c < p; c++)
            {
                var e = new double[p];
                e[a] += 1;
                e[c] += 1;
                double fac = Joint(e);
                a2[a, c] = a == c ? -(fac - (2 * f1[a]) + f0) : -(fac - f1[a] - f1[c] + f0);
            }
        }

        for (int a = 0; a < p; a++)
        {
            b[a] = f1[a] - f0 + (a2[a, a] / 2);
        }

        saved.CopyTo(rows, row * p);
        Vector<double> expectedMean = a2.Solve(b);
        for (int a = 0; a < p; a++)
        {
            mean[a].Should().BeApproximately(expectedMean[a], 1e-6);
            for (int c = 0; c < p; c++)
            {
                precision[(a * p) + c].Should().BeApproximately(a2[a, c], 1e-6 * Math.Max(1, Math.Abs(a2[a, c])));
            }
        }
    }

    /// <summary>Draws of one row from its conditional (one stream per sweep number): their mean and covariance are the conditional's.</summary>
    [Fact]
    public void DrawRow_ManyDraws_MatchTheConditionalsMeanAndCovariance()
    {
        RatingsDataset train = AlsTestData.Random(7, 9, 0.5, seed: 12);
        const int d = 2, p = d + 1, n = 40_000, user = 2;
        var factorizer = new BayesianMatrixFactorizer(new BayesianMatrixOptions { Dimensions = d, Iterations = 3, BurnIn = 1, NoisePrecision = 1.7 });
        using BpmfTraining training = factorizer.CreateTraining(train, AlsTestData.RandomMatrix(train.UserCount, p, 0.7, seed: 13), AlsTestData.RandomMatrix(train.ItemCount, p, 0.7, seed: 14));
        training.DrawHyper(user: true, iteration: 1).Should().BeTrue();
        var precision = new double[p * p];
        var mean = new double[p];
        training.Conditional(true, user, precision, mean);
        Matrix<double> covariance = Matrix<double>.Build.Dense(p, p, (a, c) => precision[(a * p) + c]).Inverse();

        var sum = new double[p];
        var products = new double[p * p];
        for (int k = 1; k <= n; k++)
        {
            training.DrawRow(true, user, iteration: k).Should().BeTrue();
            ReadOnlySpan<float> x = training.Users.AsSpan(user * p, p);
            for (int a = 0; a < p; a++)
            {
                sum[a] += x[a];
                for (int c = 0; c < p; c++)
                {
                    products[(a * p) + c] += (double)x[a] * x[c];
                }
            }
        }

        for (int a = 0; a < p; a++)
        {
            (sum[a] / n).Should().BeApproximately(mean[a], 5 * Math.Sqrt(covariance[a, a] / n));
            for (int c = 0; c < p; c++)
            {
                double sampleCovariance = (products[(a * p) + c] / n) - ((sum[a] / n) * (sum[c] / n));
                sampleCovariance.Should().BeApproximately(covariance[a, c], 0.05 * Math.Sqrt(covariance[a, a] * covariance[c, c]));
            }
        }
    }

    /// <summary>
    /// α's conditional Gamma((a₀ + n)/2, (b₀ + Σe²)/2) against a brute-force integration of its prior
    /// Gamma(a₀/2, b₀/2) times the Gaussian likelihood of n residuals: mean and variance to 1e-6.
    /// </summary>
    [Fact]
    public void NoisePosterior_EqualsBruteForceIntegration()
    {
        const int n = 12;
        const double sse = 7.3;
        (double shape, double rate) = BpmfTraining.NoisePosterior(n, sse);

        double LogDensity(double alpha) =>
            (((BpmfTraining.NoiseShape0 / 2) - 1) * Math.Log(alpha)) - (BpmfTraining.NoiseRate0 * alpha / 2)
            + (n / 2.0 * Math.Log(alpha)) - (alpha * sse / 2);

        double peak = LogDensity(shape / rate), total = 0, first = 0, second = 0;
        for (int i = -20_000; i <= 8_000; i++)
        {
            double alpha = Math.Exp(i * 0.0005); // α = e^s, dα = α ds
            double weight = Math.Exp(LogDensity(alpha) - peak) * alpha;
            total += weight;
            first += weight * alpha;
            second += weight * alpha * alpha;
        }

        double mean = first / total;
        (first / total).Should().BeApproximately(shape / rate, 1e-6 * shape / rate);
        ((second / total) - (mean * mean)).Should().BeApproximately(shape / (rate * rate), 1e-6 * shape / (rate * rate));
    }

    /// <summary>log p(R, U, V | hyper-parameters, α) up to a constant, in double, from the training's current rows.</summary>
    private static double LogJoint(RatingsDataset train, BpmfTraining training, int d)
    {
        int p = d + 1;
        double alpha = training.NoisePrecision, mu = training.GlobalMean, log = 0;
        foreach (Rating r in train)
        {
            ReadOnlySpan<float> x = training.Users.AsSpan(r.User.Value * p, p), y = training.Items.AsSpan(r.Item.Value * p, p);
            double f = mu + x[d] + y[d];
            for (int a = 0; a < d; a++)
            {
                f += (double)x[a] * y[a];
            }

            log -= alpha / 2 * (r.Value - f) * (r.Value - f);
        }

        return log + LogPrior(training.Users, training.UserPrior, p) + LogPrior(training.Items, training.ItemPrior, p);
    }

    private static double LogPrior(float[] rows, GaussianWishart prior, int p)
    {
        double log = 0;
        for (int r = 0; r < rows.Length / p; r++)
        {
            for (int a = 0; a < p; a++)
            {
                for (int c = 0; c < p; c++)
                {
                    log -= 0.5 * (rows[(r * p) + a] - prior.Mean[a]) * prior.Precision[(a * p) + c] * (rows[(r * p) + c] - prior.Mean[c]);
                }
            }
        }

        return log;
    }
}
