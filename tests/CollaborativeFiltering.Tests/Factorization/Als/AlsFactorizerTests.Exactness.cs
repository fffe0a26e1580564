using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Als;
using CollaborativeFiltering.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class AlsFactorizerTests
{
    /// <summary>
    /// One user half-sweep from given item factors and biases: every user's [p_u; b_u] equals the
    /// ridge solution (ZᵀZ + w_u·I)⁻¹·Zᵀt with Z = [q_i, 1] and t = r − μ − b_i, built here in double
    /// with MathNet and solved by LU (d×d and Z = q_i without biases); w_u = λ·n_u for the weighted λ
    /// (exponent ν = 1), else λ·n̄^(1−ν)·n_u^ν with n̄ = |Ω|/N.
    /// </summary>
    [Theory]
    [InlineData(true, 5, 1.0)]
    [InlineData(false, 5, 1.0)]
    [InlineData(true, 19, 1.0)]
    [InlineData(true, 5, 0.5)]
    [InlineData(false, 5, 0.0)]
    public void SolveUsers_FromGivenItemFactors_EqualsClosedFormRidgeSolution(bool useBiases, int d, double exponent)
    {
        RatingsDataset train = AlsTestData.Random(40, 400, 0.4, seed: 21); // ~160 ratings a user: two packed chunks
        const double lambda = 0.07;
        float[] items = AlsTestData.RandomMatrix(train.ItemCount, d, 0.6, seed: 22);
        float[] itemBiases = useBiases ? AlsTestData.RandomMatrix(train.ItemCount, 1, 0.4, seed: 23) : new float[train.ItemCount];
        var factorizer = new AlsFactorizer(new AlsOptions { Dimensions = d, Regularization = lambda, RegularizationExponent = exponent, UseBiases = useBiases, MaxDegreeOfParallelism = 2 });
        using AlsTraining trainer = factorizer.CreateTrainer(train, (float[])items.Clone(), (float[])itemBiases.Clone());

        trainer.SolveUsers(CancellationToken.None).Should().BeTrue();

        double mu = useBiases ? AlsTestData.Mean(train) : 0;
        trainer.GlobalMean.Should().BeApproximately((float)mu, 1e-5f);
        int order = d + (useBiases ? 1 : 0);
        for (int u = 0; u < train.UserCount; u++)
        {
            ReadOnlySpan<int> cols = train.ByUser.GetColumns(u);
            ReadOnlySpan<float> values = train.ByUser.GetValues(u);
            Matrix<double> z = Matrix<double>.Build.Dense(cols.Length, order);
            Vector<double> t = Vector<double>.Build.Dense(cols.Length);
            for (int k = 0; k < cols.Length; k++)
            {
                for (int a = 0; a < d; a++)
                {
                    z[k, a] = items[(cols[k] * d) + a];
                }

                if (useBiases)
                {
                    z[k, d] = 1;
                }

                t[k] = values[k] - mu - itemBiases[cols[k]];
            }

            double weight = lambda * Math.Pow((double)train.Count / train.UserCount, 1 - exponent) * Math.Pow(cols.Length, exponent);
            Matrix<double> a2 = z.TransposeThisAndMultiply(z) + (weight * Matrix<double>.Build.DenseIdentity(order));
            Vector<double> expected = a2.LU().Solve(z.TransposeThisAndMultiply(t));
            for (int a = 0; a < d; a++)
            {
                trainer.Users[(u * d) + a].Should().BeApproximately((float)expected[a], 1e-4f);
            }

            trainer.UserBiases[u].Should().BeApproximately(useBiases ? (float)expected[d] : 0f, 1e-4f);
        }
    }

    /// <summary>
    /// Each half-sweep minimises the objective exactly over one side, so the objective (squared
    /// errors plus the weighted-λ penalties, as computed by the trainer) never increases; the
    /// trainer's value also equals the objective computed plainly from the final model.
    /// </summary>
    [Fact]
    public void Sweeps_ObjectiveNeverIncreases()
    {
        RatingsDataset train = AlsTestData.Random(150, 90, 0.15, seed: 31);
        const double lambda = 0.05;
        var options = new AlsOptions { Dimensions = 8, Regularization = lambda, MaxDegreeOfParallelism = 2 };
        using AlsTraining trainer = new AlsFactorizer(options).CreateTrainer(train, AlsTestData.RandomMatrix(90, 8, 0.3, seed: 32));
        var objectives = new List<double> { Objective(trainer.Evaluate()) };

        for (int sweep = 0; sweep < 8; sweep++)
        {
            trainer.SolveUsers(CancellationToken.None).Should().BeTrue();
            objectives.Add(Objective(trainer.Evaluate()));
            trainer.SolveItems(CancellationToken.None).Should().BeTrue();
            objectives.Add(Objective(trainer.Evaluate()));
        }

        for (int k = 1; k < objectives.Count; k++)
        {
            objectives[k].Should().BeLessThanOrEqualTo(objectives[k - 1] * (1 + 1e-6), $"half-sweep {k} is an exact minimisation");
        }

        objectives[^1].Should().BeLessThan(0.5 * objectives[1]);
        var model = FactorizationModel.FromEmbeddings(train.Catalog, 8, trainer.Users, trainer.Items, trainer.UserBiases, trainer.ItemBiases, trainer.GlobalMean);
        objectives[^1].Should().BeApproximately(AlsTestData.ExplicitObjective(train, model, lambda), 1e-6 * objectives[^1]);

        static double Objective(AlsEvaluation e) => e.SquaredError + (lambda * (e.UserPenalty + e.ItemPenalty));
    }

    /// <summary>
    /// The in-house Cholesky solver against MathNet's on random SPD systems of every size class
    /// (multiples of 4 and not, one 16-column block and more), with a row stride beyond the padded
    /// order and NaN left of the diagonal: the factorisation reads only the upper triangle.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(70)]
    public void Cholesky_RandomSpdSystem_MatchesMathNet(int n)
    {
        var random = new Random(n);
        Matrix<double> b = Matrix<double>.Build.Dense(n, n, (_, _) => random.NextDouble() - 0.5);
        Matrix<double> spd = b.TransposeThisAndMultiply(b) + (0.5 * Matrix<double>.Build.DenseIdentity(n));
        Vector<double> rhs = Vector<double>.Build.Dense(n, _ => random.NextDouble() - 0.5);
        int stride = CholeskySolver.PaddedOrder(n) + 4;
        var a = new double[stride * stride];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[(i * stride) + j] = j >= i ? spd[i, j] : double.NaN;
            }
        }

        double[] x = [.. rhs, .. new double[stride - n]];
        CholeskySolver.TrySolve(a, n, stride, x).Should().BeTrue();

        Vector<double> expected = spd.Cholesky().Solve(rhs);
        for (int i = 0; i < n; i++)
        {
            x[i].Should().BeApproximately(expected[i], 1e-9 * (1 + Math.Abs(expected[i])));
        }
    }

    [Fact]
    public void Cholesky_NotPositiveDefiniteOrNaN_ReturnsFalse()
    {
        double[] indefinite = [1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // [[1, 2], [2, 1]], stride 4
        double[] withNaN = [1, 0, 0, 0, 0, double.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

        CholeskySolver.TryFactor(indefinite, 2, 4).Should().BeFalse();
        CholeskySolver.TryFactor(withNaN, 2, 4).Should().BeFalse();
    }

    /// <summary>The Vector256 Gram kernel and its scalar twin agree bit for bit, and both match the Gram matrix summed in double.</summary>
    [Theory]
    [InlineData(8, 1, false)]
    [InlineData(16, 5, true)]
    [InlineData(24, 37, false)]
    [InlineData(64, 128, false)]
    [InlineData(72, 100, true)]
    public void GramKernel_VectorAndScalar_AgreeAndMatchDoubleSums(int dp, int rows, bool weighted)
    {
        float[] y = AlsTestData.RandomMatrix(rows, dp, 1, seed: dp + rows);
        float[] s = weighted ? AlsTestData.RandomMatrix(rows, dp, 2, seed: rows) : y;
        int stride = dp + 4;
        double[] start = [.. AlsTestData.RandomMatrix(stride, stride, 1, seed: 5).Select(v => (double)v)];
        double[] vector = (double[])start.Clone(), scalar = (double[])start.Clone();

        GramKernel.Accumulate(s, y, rows, dp, vector, stride, overwrite: false);
        GramKernel.Scalar.Accumulate(s, y, rows, dp, scalar, stride, overwrite: false);

        for (int a = 0; a < dp; a++)
        {
            for (int b = a; b < dp; b++)
            {
                int g = (a * stride) + b;
                if (GramKernel.IsVectorized)
                {
                    vector[g].Should().Be(scalar[g]);
                }

                double expected = start[g];
                for (int k = 0; k < rows; k++)
                {
                    expected += (double)s[(k * dp) + a] * y[(k * dp) + b];
                }

                vector[g].Should().BeApproximately(expected, 1e-4 * (1 + Math.Abs(expected)));
            }
        }
    }

    /// <summary>
    /// The 512-bit Gram kernel (4×32 blocks, then 4×16 and 4×8 tails) runs the same chain per entry as
    /// the scalar twin: equal bit for bit over the upper triangle, at widths that exercise each tail.
    /// Where 512-bit vectors are not accelerated the kernel cannot run and the 256-bit one is checked instead.
    /// </summary>
    [Theory]
    [InlineData(8, 5)]
    [InlineData(24, 37)]
    [InlineData(40, 128)]
    [InlineData(64, 128)]
    [InlineData(72, 100)]
    [InlineData(96, 3)]
    public void GramKernel_Width512AndScalar_AgreeBitForBit(int dp, int rows)
    {
        float[] y = AlsTestData.RandomMatrix(rows, dp, 1, seed: dp + rows);
        float[] s = AlsTestData.RandomMatrix(rows, dp, 2, seed: rows);
        int stride = dp + 4;
        double[] start = [.. AlsTestData.RandomMatrix(stride, stride, 1, seed: 5).Select(v => (double)v)];
        double[] vector = (double[])start.Clone(), scalar = (double[])start.Clone();

        if (GramKernel.Use512)
        {
            GramKernel.Width512.Accumulate(s, y, rows, dp, vector, stride, overwrite: false);
        }
        else if (GramKernel.IsVectorized)
        {
            GramKernel.Width256.Accumulate(s, y, rows, dp, vector, stride, overwrite: false);
        }
        else
        {
            GramKernel.Scalar.Accumulate(s, y, rows, dp, vector, stride, overwrite: false);
        }

        GramKernel.Scalar.Accumulate(s, y, rows, dp, scalar, stride, overwrite: false);
        for (int a = 0; a < dp; a++)
        {
            for (int b = a; b < dp; b++)
            {
                int g = (a * stride) + b;
                vector[g].Should().Be(scalar[g], "entry ({0}, {1})", a, b);
            }
        }
    }

    /// <summary>A row solve uses only the worker's preallocated buffers.</summary>
    [Fact]
    public void SolveRow_AfterWarmUp_AllocatesNothing()
    {
        RatingsDataset train = AlsTestData.Random(20, 300, 0.7, seed: 3);
        using AlsTraining trainer = new AlsFactorizer(new AlsOptions { Dimensions = 16, MaxDegreeOfParallelism = 1 }).CreateTrainer(train, AlsTestData.RandomMatrix(300, 16, 0.3, 4));
        trainer.SolveRow(user: true, 0).Should().BeTrue();
        trainer.SolveRow(user: false, 0).Should().BeTrue();

        AllocationWindows.Measure(20, r =>
        {
            trainer.SolveRow(user: true, r);
            trainer.SolveRow(user: false, r);
        }).ShouldHaveACleanWindow("a user's and an item's row solve");
    }
}
