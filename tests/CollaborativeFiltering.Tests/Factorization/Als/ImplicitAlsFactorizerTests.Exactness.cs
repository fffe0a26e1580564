using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Als;
using CollaborativeFiltering.Scoring;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class ImplicitAlsFactorizerTests
{
    private const double Lambda = 0.3;
    private const double Alpha = 2.5;

    /// <summary>
    /// One exact (Cholesky) user half-sweep from given item factors: each user's x_u equals
    /// (YᵀY + Σ_obs (c − 1)·y yᵀ + λ·w_u·I)⁻¹·Σ_obs c·y, built here in double with MathNet over all
    /// items and solved by LU, w_u being the user's total confidence M + α·Σ r (or interaction count n_u).
    /// Users rate ~150 items, so rows span two packed chunks.
    /// </summary>
    [Theory]
    [InlineData(ImplicitRegularizationScaling.TotalConfidence, 0.003)]
    [InlineData(ImplicitRegularizationScaling.InteractionCount, Lambda)]
    public void SolveUsers_ExactMode_EqualsClosedFormSolution(ImplicitRegularizationScaling scaling, double lambda)
    {
        const int d = 7;
        RatingsDataset train = AlsTestData.Random(25, 300, 0.5, seed: 51);
        float[] y = AlsTestData.RandomMatrix(300, d, 0.4, seed: 52);
        var factorizer = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = d, Regularization = lambda, RegularizationScaling = scaling, Alpha = Alpha, ConjugateGradientSteps = 0, MaxDegreeOfParallelism = 2 });
        using ImplicitAlsTraining trainer = factorizer.CreateTrainer(train, new float[25 * d], (float[])y.Clone());

        trainer.SolveUsers(CancellationToken.None).Should().BeTrue();

        for (int u = 0; u < train.UserCount; u++)
        {
            Vector<double> expected = ClosedForm(train, u, y, d, lambda, scaling);
            for (int a = 0; a < d; a++)
            {
                trainer.Users[(u * d) + a].Should().BeApproximately((float)expected[a], 1e-4f);
            }
        }
    }

    /// <summary>Conjugate gradient with more steps than dimensions reaches the exact solution that the Cholesky mode computes.</summary>
    [Fact]
    public void SolveUsers_ConjugateGradientWithEnoughSteps_EqualsTheCholeskySolution()
    {
        const int d = 6;
        RatingsDataset train = AlsTestData.Random(40, 50, 0.3, seed: 53);
        float[] x = AlsTestData.RandomMatrix(40, d, 0.2, seed: 54);
        float[] y = AlsTestData.RandomMatrix(50, d, 0.4, seed: 55);
        var options = new ImplicitAlsOptions { Dimensions = d, Regularization = Lambda, Alpha = Alpha, MaxDegreeOfParallelism = 1 };
        using ImplicitAlsTraining exact = new ImplicitAlsFactorizer(options with { ConjugateGradientSteps = 0 }).CreateTrainer(train, (float[])x.Clone(), (float[])y.Clone());
        using ImplicitAlsTraining cg = new ImplicitAlsFactorizer(options with { ConjugateGradientSteps = 2 * d }).CreateTrainer(train, (float[])x.Clone(), (float[])y.Clone());
        using ImplicitAlsTraining fewSteps = new ImplicitAlsFactorizer(options with { ConjugateGradientSteps = 1 }).CreateTrainer(train, (float[])x.Clone(), (float[])y.Clone());

        exact.SolveUsers(CancellationToken.None).Should().BeTrue();
        cg.SolveUsers(CancellationToken.None).Should().BeTrue();
        fewSteps.SolveUsers(CancellationToken.None).Should().BeTrue();

        cg.Users.Should().Equal(exact.Users, (a, e) => Math.Abs(a - e) < 1e-4);
        fewSteps.Users.Should().NotEqual(exact.Users, "one step from a random start does not solve the system");
    }

    /// <summary>The weighted loss over all N·M pairs computed with the YᵀY trick equals the brute-force sum on a tiny matrix.</summary>
    [Theory]
    [InlineData(ImplicitRegularizationScaling.TotalConfidence)]
    [InlineData(ImplicitRegularizationScaling.InteractionCount)]
    public void Evaluate_LossWithGramTrick_EqualsBruteForceOverAllPairs(ImplicitRegularizationScaling scaling)
    {
        const int d = 3;
        RatingsDataset train = AlsTestData.Without(AlsTestData.Random(6, 7, 0.4, seed: 56), r => r.User.Value == 2);
        float[] x = AlsTestData.RandomMatrix(6, d, 0.7, seed: 57);
        float[] y = AlsTestData.RandomMatrix(7, d, 0.7, seed: 58);
        using ImplicitAlsTraining trainer = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = d, Alpha = Alpha, RegularizationScaling = scaling }).CreateTrainer(train, (float[])x.Clone(), (float[])y.Clone());

        ImplicitAlsEvaluation e = trainer.Evaluate();

        (double data, double penalty, double weight) = BruteForceLoss(train, x, y, d, Alpha, scaling);
        e.DataLoss.Should().BeApproximately(data, 1e-6 * data);
        (e.UserNorms + e.ItemNorms).Should().BeApproximately(penalty, 1e-9 * penalty);
        e.TotalWeight.Should().BeApproximately(weight, 1e-9 * weight);
    }

    /// <summary>
    /// Fold-in of a training user, with the model's own λ and α, is that user's next exact ALS
    /// update: the same system (YᵀY + Yᵀ(C − I)Y + λ·w·I)·x = YᵀC·p, w scaled the same way.
    /// </summary>
    [Theory]
    [InlineData(ImplicitRegularizationScaling.TotalConfidence, 0.01)]
    [InlineData(ImplicitRegularizationScaling.InteractionCount, Lambda)]
    public void ComputeImplicitUserEmbedding_TrainingUser_EqualsTheExactAlsUpdate(ImplicitRegularizationScaling scaling, double lambda)
    {
        const int d = 5;
        RatingsDataset train = AlsTestData.Random(30, 40, 0.3, seed: 59);
        float[] y = AlsTestData.RandomMatrix(40, d, 0.4, seed: 60);
        var options = new ImplicitAlsOptions { Dimensions = d, Regularization = lambda, RegularizationScaling = scaling, Alpha = Alpha, ConjugateGradientSteps = 0 };
        using ImplicitAlsTraining trainer = new ImplicitAlsFactorizer(options).CreateTrainer(train, new float[30 * d], (float[])y.Clone());
        trainer.SolveUsers(CancellationToken.None).Should().BeTrue();
        var model = FactorizationModel.FromEmbeddings(train.Catalog, d, new float[30 * d], y);

        for (int u = 0; u < 30; u += 7)
        {
            float[] folded = FoldIn.ComputeImplicitUserEmbedding(model, train.ByUser.GetColumns(u), train.ByUser.GetValues(u), new ImplicitFoldInOptions { Regularization = lambda, RegularizationScaling = scaling, Alpha = Alpha });

            folded.Should().Equal(trainer.Users.AsSpan(u * d, d).ToArray(), (a, e) => Math.Abs(a - e) < 1e-5);
        }
    }

    [Fact]
    public void ComputeNewUserQuery_ImplicitModel_FoldsInWithItsOwnOptions()
    {
        RatingsDataset train = AlsTestData.Random(30, 40, 0.3, seed: 61);
        var options = new ImplicitAlsOptions { Dimensions = 4, Iterations = 3, Regularization = 0.7, Alpha = 5 };
        FactorizationModel model = new ImplicitAlsFactorizer(options).Fit(train);
        int[] items = [1, 5, 9];
        float[] values = [1, 2, 0];

        float[] own = model.ComputeNewUserQuery(items, values);

        own.Should().Equal(FoldIn.ComputeImplicitUserEmbedding(model, items, values, new ImplicitFoldInOptions { Regularization = options.Regularization, Alpha = options.Alpha }));
        own.Should().NotEqual(FoldIn.ComputeImplicitUserEmbedding(model, items, values), "the defaults are not the model's options");
    }


    private static Vector<double> ClosedForm(RatingsDataset train, int u, float[] y, int d, double lambda, ImplicitRegularizationScaling scaling)
    {
        int m = train.ItemCount;
        Matrix<double> all = Matrix<double>.Build.Dense(m, d, (i, a) => y[(i * d) + a]);
        Matrix<double> a2 = all.TransposeThisAndMultiply(all);
        Vector<double> b = Vector<double>.Build.Dense(d);
        ReadOnlySpan<int> cols = train.ByUser.GetColumns(u);
        ReadOnlySpan<float> values = train.ByUser.GetValues(u);
        for (int k = 0; k < cols.Length; k++)
        {
            Vector<double> row = all.Row(cols[k]);
            double c = 1 + (Alpha * values[k]);
            a2 += (c - 1) * row.OuterProduct(row);
            b += c * row;
        }

        double weight = cols.Length;
        if (scaling == ImplicitRegularizationScaling.TotalConfidence)
        {
            weight = m;
            for (int k = 0; k < cols.Length; k++)
            {
                weight += (float)Alpha * values[k];
            }
        }

        a2 += lambda * weight * Matrix<double>.Build.DenseIdentity(d);
        return a2.LU().Solve(b);
    }
}
