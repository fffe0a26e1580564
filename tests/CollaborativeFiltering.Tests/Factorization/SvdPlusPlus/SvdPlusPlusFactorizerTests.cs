using System.Runtime.Intrinsics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.SvdPlusPlus;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Scoring;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class SvdPlusPlusFactorizerTests
{
    // ------------------------------------------------------------------ exactness

    /// <summary>
    /// One rating r = 4 of the only user on the only item, so μ = 4 and N(u) = {i}; p = (0.1, 0.2),
    /// q = (0.5, −0.3), y = (0.2, 0.1), lr = 0.1, λ = 0.5, λ_y = 0.3, lr_b = 0.2, λ_b = 0.5. By hand:
    ///   z = |N(u)|^−½·y = (0.2, 0.1); w = p + z = (0.3, 0.3); ⟨q, w⟩ = 0.15 − 0.09 = 0.06; e = 4 − 4.06 = −0.06
    ///   b_u = b_i = 0.2·(−0.06 − 0.5·0) = −0.012
    ///   p' = p + 0.1·(e·q − 0.5·p) = 0.95·p − 0.006·q = (0.092, 0.1918)
    ///   q' = q + 0.1·(e·w − 0.5·q) = 0.95·q − 0.006·w = (0.4732, −0.2868)
    ///   y' = y + 0.1·(e·1·q − 0.3·y) = 0.97·y − 0.006·q = (0.191, 0.0988)
    ///   the model's user embedding is the query p' + y' = (0.283, 0.2906).
    /// </summary>
    [Fact]
    public void Fit_OneRatingOneEpoch_EqualsHandComputedUpdate()
    {
        RatingsDataset train = new RatingsDatasetBuilder(Catalog.Sequential(1, 1)).Add(new Rating(U(0), I(0), 4)).Build();
        var factorizer = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions
        {
            Dimensions = 2,
            Iterations = 1,
            LearningRate = 0.1,
            Regularization = 0.5,
            ImplicitRegularization = 0.3,
            BiasLearningRate = 0.2,
            BiasRegularization = 0.5,
        });

        FactorizationModel model = factorizer.Fit(train, [0.1f, 0.2f], [0.5f, -0.3f], [0.2f, 0.1f]);

        model.GlobalMean.Should().Be(4);
        model.UserBiases[0].Should().BeApproximately(-0.012f, 1e-7f);
        model.ItemBiases[0].Should().BeApproximately(-0.012f, 1e-7f);
        model.ItemEmbeddings.ToArray().Should().Equal([0.4732f, -0.2868f], (a, e) => Math.Abs(a - e) < 1e-6);
        model.ImplicitItemFactors.ToArray().Should().Equal([0.191f, 0.0988f], (a, e) => Math.Abs(a - e) < 1e-6);
        model.UserEmbeddings.ToArray().Should().Equal([0.283f, 0.2906f], (a, e) => Math.Abs(a - e) < 1e-6);
        float raw = 4 - 0.024f + ((0.4732f * 0.283f) - (0.2868f * 0.2906f));
        model.WithPredictionRange(null).Predict(U(0), I(0)).Should().BeApproximately(raw, 1e-6f);
        model.Predict(U(0), I(0)).Should().Be(4f, "the prediction is clamped into the training range [4, 4]");
        model.Options.Should().BeSameAs(factorizer.Options);
    }

    /// <summary>
    /// The user-major epoch (the implicit sum once per user, the y_j updated once per user) equals
    /// Koren's per-rating SGD — the implicit sum recomputed and every y_j updated at each rating, in
    /// double — replayed in the epoch's order, over several epochs of a random set with users of up to
    /// 40 ratings.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(13)]
    [InlineData(40)]
    public void Training_SeveralEpochs_EqualsPerRatingSgdInTheEpochsOrder(int d)
    {
        RatingsDataset train = FullBatchTestData.Random(40, 50, 0.4, seed: 17);
        float[] p0 = FullBatchTestData.RandomMatrix(40, d, 0.1, 1), q0 = FullBatchTestData.RandomMatrix(50, d, 0.1, 2), y0 = FullBatchTestData.RandomMatrix(50, d, 0.1, 3);
        var factorizer = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = d, Seed = 4 });
        using SvdPlusPlusTraining training = factorizer.CreateTraining(train, (float[])p0.Clone(), (float[])q0.Clone(), (float[])y0.Clone());
        var reference = new SvdPlusPlusReference(train, p0, q0, y0, d);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            float lr = 0.02f / (epoch + 1), lrb = 0.03f / (epoch + 1);
            double sse = training.RunEpoch(lr, 0.05f, 0.08f, lrb, 0.02f, CancellationToken.None);
            (int[] users, List<(int Item, float Value)>[] ratings) = training.LastEpochOrder();
            double referenceSse = 0;
            foreach (int u in users)
            {
                foreach ((int item, float value) in ratings[u])
                {
                    double e = reference.Step(u, item, value, lr, 0.05f, 0.08f, lrb, 0.02f);
                    referenceSse += e * e;
                }
            }

            sse.Should().BeApproximately(referenceSse, 1e-5 * referenceSse);
        }

        training.CopyUsers().Should().Equal(reference.P, (a, e) => Math.Abs(a - e) < 2e-5);
        training.CopyItems().Should().Equal(reference.Q, (a, e) => Math.Abs(a - e) < 2e-5);
        training.CopyImplicitFactors().Should().Equal(reference.Y, (a, e) => Math.Abs(a - e) < 2e-5);
        training.UserBiases.Should().Equal(reference.BU, (a, e) => Math.Abs(a - e) < 2e-5);
        training.ItemBiases.Should().Equal(reference.BI, (a, e) => Math.Abs(a - e) < 2e-5);
        float[] queries = training.CopyQueries();
        for (int u = 0; u < 40; u++)
        {
            queries.AsSpan(u * d, d).ToArray().Should().Equal(reference.Query(u), (a, e) => Math.Abs(a - e) < 2e-5);
        }

        (double trainMse, _) = training.Evaluate();
        trainMse.Should().BeApproximately(train.Select(r => Math.Pow(r.Value - reference.Predict(r.User.Value, r.Item.Value), 2)).Average(), 1e-5);
    }

    /// <summary>
    /// Finite differences: with a small step, one epoch moves every parameter θ by −(lr/2)·∂L/∂θ to first
    /// order, L = Σ_(u,i)∈Ω [(r − r̂)² + λ_b(b_u² + b_i²) + λ(‖p_u‖² + ‖q_i‖²) + λ_y·Σ_(j∈N(u)) ‖y_j‖²] the
    /// objective the class documents, its gradient taken by central differences in double.
    /// </summary>
    [Fact]
    public void Training_SmallStep_MovesEveryParameterAlongTheObjectivesGradient()
    {
        RatingsDataset train = FullBatchTestData.Tiny();
        const int d = 3;
        const double lr = 1e-4, lambda = 0.3, implicitLambda = 0.2, biasLambda = 0.4;
        float[] p0 = FullBatchTestData.RandomMatrix(3, d, 0.5, 11), q0 = FullBatchTestData.RandomMatrix(4, d, 0.5, 12), y0 = FullBatchTestData.RandomMatrix(4, d, 0.5, 13);
        var factorizer = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = d });
        using SvdPlusPlusTraining training = factorizer.CreateTraining(train, (float[])p0.Clone(), (float[])q0.Clone(), (float[])y0.Clone());
        var reference = new SvdPlusPlusReference(train, p0, q0, y0, d);
        double[] pStart = (double[])reference.P.Clone(), qStart = (double[])reference.Q.Clone(), yStart = (double[])reference.Y.Clone();

        training.RunEpoch((float)lr, (float)lambda, (float)implicitLambda, (float)lr, (float)biasLambda, CancellationToken.None);

        Check(reference.P, pStart, training.CopyUsers(), "p");
        Check(reference.Q, qStart, training.CopyItems(), "q");
        Check(reference.Y, yStart, training.CopyImplicitFactors(), "y");
        Check(reference.BU, new double[3], training.UserBiases, "b_u");
        Check(reference.BI, new double[4], training.ItemBiases, "b_i");

        void Check(double[] parameters, double[] start, float[] after, string name)
        {
            for (int k = 0; k < parameters.Length; k++)
            {
                if (train.ByItem.GetColumns(3).Length == 0 && (name is "q" or "y") && k / d == 3)
                {
                    continue; // item 3 has no ratings: it stays at zero and has no gradient
                }

                double saved = parameters[k];
                const double h = 1e-5;
                parameters[k] = saved + h;
                double plus = reference.Objective(train, lambda, implicitLambda, biasLambda);
                parameters[k] = saved - h;
                double minus = reference.Objective(train, lambda, implicitLambda, biasLambda);
                parameters[k] = saved;
                double gradient = (plus - minus) / (2 * h);
                double moved = (after[k] - start[k]) / (-lr / 2);
                moved.Should().BeApproximately(gradient, (0.01 * Math.Abs(gradient)) + 2e-3, "∂L/∂{0}[{1}]", name, k);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(100)]
    public void Kernel_EveryAvailablePath_MatchesScalarTwinOnPaddedRows(int d)
    {
        var paths = new List<(SvdPlusPlusKernels.KernelKind Kind, int Stride)> { (SvdPlusPlusKernels.KernelKind.Scalar, d) };
        if (Vector256.IsHardwareAccelerated)
        {
            paths.Add((SvdPlusPlusKernels.KernelKind.Width256, (d + 7) & ~7));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            paths.Add((SvdPlusPlusKernels.KernelKind.Width512, (d + 15) & ~15));
        }

        float[] p0 = FullBatchTestData.RandomMatrix(1, d, 0.5, d), z0 = FullBatchTestData.RandomMatrix(1, d, 0.5, d + 1), q0 = FullBatchTestData.RandomMatrix(1, d, 0.5, d + 2), g0 = FullBatchTestData.RandomMatrix(1, d, 0.5, d + 3);
        float[] ps = (float[])p0.Clone(), zs = (float[])z0.Clone(), qs = (float[])q0.Clone(), gs = (float[])g0.Clone();
        float es = SvdPlusPlusKernels.Update(SvdPlusPlusKernels.KernelKind.Scalar, ps, zs, qs, gs, 0.7f, 0.03f, 0.998f, 0.997f);
        foreach ((SvdPlusPlusKernels.KernelKind kind, int stride) in paths)
        {
            float[] p = Padded(p0, stride), z = Padded(z0, stride), q = Padded(q0, stride), g = Padded(g0, stride);

            float e = SvdPlusPlusKernels.Update(kind, p, z, q, g, 0.7f, 0.03f, 0.998f, 0.997f);

            e.Should().BeApproximately(es, 1e-5f, "path {0}", kind);
            p[..d].Should().Equal(ps, (a, x) => Math.Abs(a - x) < 1e-6, "path {0}", kind);
            z[..d].Should().Equal(zs, (a, x) => Math.Abs(a - x) < 1e-6, "path {0}", kind);
            q[..d].Should().Equal(qs, (a, x) => Math.Abs(a - x) < 1e-6, "path {0}", kind);
            g[..d].Should().Equal(gs, (a, x) => Math.Abs(a - x) < 1e-6, "path {0}", kind);
            p[d..].Concat(z[d..]).Concat(q[d..]).Concat(g[d..]).All(x => x == 0).Should().BeTrue("the padding stays zero");
        }

        static float[] Padded(float[] values, int stride)
        {
            var padded = new float[stride];
            values.CopyTo(padded, 0);
            return padded;
        }
    }

    [Fact]
    public void Fit_GlobalMeanAndImplicitFactors_AreTheTrainingMeanAndOneRowPerItem()
    {
        RatingsDataset train = FullBatchTestData.Tiny(); // 20 over 6 ratings

        FactorizationModel model = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 2, Iterations = 2 }).Fit(train);

        model.GlobalMean.Should().BeApproximately(20f / 6, 1e-6f);
        model.ImplicitItemFactors.Length.Should().Be(4 * 2);
        model.HasBiases.Should().BeTrue();
        model.PredictsRatings.Should().BeTrue();
        model.PredictionRange.Should().Be(new RatingRange(1, 5));
    }

    [Fact]
    public void Fit_UserAndItemWithoutTrainingRatings_HaveZeroFactorsAndPredictMeanPlusTheOtherBias()
    {
        RatingsDataset all = FullBatchTestData.Tiny(); // item 3 has no ratings at all
        RatingsDataset train = all.Where([.. all.Select(r => r.User.Value != 2)]);

        FactorizationModel model = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 6, Iterations = 10, InitStdDev = 0.5, LearningRate = 0.05 }).Fit(train);

        model.GetUserEmbedding(U(2)).ToArray().Should().OnlyContain(x => x == 0);
        model.GetItemEmbedding(I(3)).ToArray().Should().OnlyContain(x => x == 0);
        model.ImplicitItemFactors.Slice(3 * 6, 6).ToArray().Should().OnlyContain(x => x == 0);
        model.UserBiases[2].Should().Be(0);
        model.Predict(U(2), I(1)).Should().Be(model.GlobalMean + model.ItemBiases[1]);
        model.Predict(U(0), I(3)).Should().Be(model.GlobalMean + model.UserBiases[0]);
        model.GetUserEmbedding(U(0)).ToArray().Should().Contain(x => x != 0);
    }

    // ------------------------------------------------------------------ fold-in

    /// <summary>
    /// A new user's query is s + x with s = |N|^−½·Σ_(j∈N) y_j over the given items and x the ridge
    /// solution (λ = 1) of (VₛᵀVₛ + I)x = Vₛᵀ(r − μ − b − Vₛs), solved here directly with MathNet in double.
    /// </summary>
    [Fact]
    public void ComputeNewUserQuery_IsTheImplicitTermPlusTheRidgeSolutionOfTheResiduals()
    {
        RatingsDataset train = FullBatchTestData.Random(40, 30, 0.4, seed: 5);
        const int d = 4;
        FactorizationModel model = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = d, Iterations = 15, LearningRate = 0.02 }).Fit(train);
        int[] items = [2, 7, 11, 20, 29];
        float[] ratings = [5, 3, 4, 1, 2];

        float[] query = model.ComputeNewUserQuery(items, ratings);

        var s = Vector<double>.Build.Dense(d);
        foreach (int j in items)
        {
            s += Vector<double>.Build.Dense([.. model.ImplicitItemFactors.Slice(j * d, d).ToArray().Select(x => (double)x)]);
        }

        s /= Math.Sqrt(items.Length);
        var v = Matrix<double>.Build.Dense(items.Length, d, (r, c) => model.ItemEmbeddings[(items[r] * d) + c]);
        var residual = Vector<double>.Build.Dense(items.Length, r => ratings[r] - model.GlobalMean - model.ItemBiases[items[r]]) - (v * s);
        Vector<double> x = (v.TransposeThisAndMultiply(v) + Matrix<double>.Build.DenseIdentity(d)).Solve(v.TransposeThisAndMultiply(residual));
        query.Should().Equal((s + x).ToArray(), (a, e) => Math.Abs(a - e) < 1e-5);
        FoldIn.ComputeUserEmbedding(model, items, ratings).Should().NotEqual(query, "the ridge fold-in alone leaves out the implicit term");
    }

    /// <summary>Two new users who rated different items the same way get different queries: which items were rated speaks through the y_j.</summary>
    [Fact]
    public void ComputeNewUserQuery_SameRatingsOnOtherItems_GiveAnotherImplicitTerm()
    {
        FactorizationModel model = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4, Iterations = 5 }).Fit(FullBatchTestData.Random(40, 30, 0.4, seed: 5));
        var scores = new float[30];

        model.ScoreItemsForNewUser([1, 2, 3], [4, 4, 4], scores);

        float[] first = model.ComputeNewUserQuery([1, 2, 3], [4, 4, 4]);
        float[] second = model.ComputeNewUserQuery([4, 5, 6], [4, 4, 4]);
        first.Should().NotEqual(second);
        scores.Should().Equal(Enumerable.Range(0, 30).Select(j => model.ItemBiases[j] + ScoreKernel.ChainDot(first, model.GetItemEmbedding(I(j)))), (a, e) => Math.Abs(a - e) < 1e-5);
    }

    [Fact]
    public void ComputeNewUserQuery_RatingOutsideTheTrainingScale_ThrowsNamingTheRatings()
    {
        RatingsDataset train = FullBatchTestData.Random(40, 30, 0.4, seed: 5);
        FactorizationModel model = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4, Iterations = 2 }).Fit(train);

        model.RatingScale.Should().Be(train.ValueRange);
        model.ToString().Should().Contain("trained by SvdPlusPlusOptions, with implicit item factors");
        model.Invoking(m => m.ComputeNewUserQuery([1, 2], [4, train.ValueRange!.Value.Max + 1])).Should().Throw<ArgumentOutOfRangeException>()
            .Which.ParamName.Should().Be("ratings");
    }

    [Fact]
    public void RecommendForNewUser_SvdPlusPlusModel_ExcludesTheRatedItemsAndUsesTheModelsFoldIn()
    {
        RatingsDataset train = FullBatchTestData.Random(40, 30, 0.4, seed: 5);
        FactorizationModel model = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4, Iterations = 5 }).Fit(train);
        var ratings = new Dictionary<string, float> { ["3"] = 5, ["9"] = 1 };

        IReadOnlyList<Recommendation> top = Recommender.RecommendForNewUser(model, ratings, k: 5);

        top.Select(r => r.Item.Value).Should().NotContain([model.Catalog.Items.IndexOf("3"), model.Catalog.Items.IndexOf("9")]);
        float[] query = model.ComputeNewUserQuery([model.Catalog.Items.IndexOf("3"), model.Catalog.Items.IndexOf("9")], [5, 1]);
        top.Select(r => r.Item.Value).Should().Equal(Recommender.RecommendForQuery(model, query, 5, [model.Catalog.Items.IndexOf("3"), model.Catalog.Items.IndexOf("9")]).Select(r => r.Item.Value));
    }

    // ------------------------------------------------------------------ determinism

    [Fact]
    public void Fit_SameSeedTwice_GivesBitIdenticalModelsAndAnotherSeedAnotherModel()
    {
        RatingsDataset train = FullBatchTestData.Random(80, 60, 0.3, seed: 2);
        var factorizer = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 10, Iterations = 4, Seed = 12 });

        FactorizationModel first = factorizer.Fit(train);
        FactorizationModel second = factorizer.Fit(train);

        AssertBitIdentical(first, second);
        FactorizationModel other = new SvdPlusPlusFactorizer(factorizer.Options with { Seed = 13 }).Fit(train);
        other.UserEmbeddings.SequenceEqual(first.UserEmbeddings).Should().BeFalse();
    }

    [Fact]
    public void Fit_DifferentThreadCounts_GiveBitIdenticalModels()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.4, seed: 11); // ~24 000 ratings: the measurements run on several threads
        train.Count.Should().BeGreaterThan(SvdPlusPlusTraining.MinRatingsForThreads);
        DatasetSplit split = DatasetSplitter.RandomHoldout(train, 0.1, seed: 3);
        SvdPlusPlusOptions options = new() { Dimensions = 20, Iterations = 4, Seed = 5, EarlyStoppingPatience = 1, ReportInterval = 1 };
        var reports = new List<TrainingProgress>[3];

        FactorizationModel[] models = [.. new[] { 1, 2, 3 }.Select((threads, k) =>
        {
            reports[k] = [];
            return new SvdPlusPlusFactorizer(options with { MaxDegreeOfParallelism = threads }).Fit(split.Train, split.Test, new SyncProgress(reports[k]));
        })];

        models[1].Should().NotBeSameAs(models[0]);
        AssertBitIdentical(models[0], models[1]);
        AssertBitIdentical(models[0], models[2]);
        reports[1].Select(r => (r.TrainMse, r.ValidationMse, r.ObservedLoss, r.RegularizationLoss)).Should().Equal(reports[0].Select(r => (r.TrainMse, r.ValidationMse, r.ObservedLoss, r.RegularizationLoss)));
        reports[2].Select(r => (r.TrainMse, r.ValidationMse)).Should().Equal(reports[0].Select(r => (r.TrainMse, r.ValidationMse)));
    }

    [Fact]
    public void Training_Epochs_VisitEveryRatingOnceUserByUserInAFreshOrder()
    {
        RatingsDataset train = FullBatchTestData.Random(50, 40, 0.4, seed: 3);
        using SvdPlusPlusTraining training = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4, Seed = 8 }).CreateTraining(train);
        var previous = new List<int[]>();

        for (int epoch = 0; epoch < 3; epoch++)
        {
            training.RunEpoch(0.01f, 0.02f, 0.02f, 0.01f, 0.02f, CancellationToken.None);

            (int[] users, List<(int Item, float Value)>[] ratings) = training.LastEpochOrder();
            users.Order().Should().Equal(Enumerable.Range(0, 50));
            users.SelectMany(u => ratings[u].Select(r => (u, r.Item, r.Value))).Order().Should().Equal(train.Select(r => (r.User.Value, r.Item.Value, r.Value)), "each epoch applies every training rating once");
            previous.Should().NotContain(p => p.SequenceEqual(users), "the user order is drawn afresh each epoch");
            previous.Add(users);
        }
    }

    // ------------------------------------------------------------------ progress, logging, early stopping

    [Fact]
    public void Fit_ReportInterval_ReportsTheErrorsOfTheModelAndTheLossTerms()
    {
        RatingsDataset all = FullBatchTestData.Random(60, 50, 0.4, seed: 8);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.2, seed: 1);
        var reports = new List<TrainingProgress>();
        SvdPlusPlusOptions options = new() { Dimensions = 5, Iterations = 25, ReportInterval = 10, Regularization = 0.07, ImplicitRegularization = 0.05, BiasRegularization = 0.03, LearningRate = 0.02 };

        FactorizationModel model = new SvdPlusPlusFactorizer(options).Fit(split.Train, split.Test, new SyncProgress(reports));

        reports.Select(r => r.Iteration).Should().Equal(10, 20, 25);
        reports[^1].TrainMse.Should().BeApproximately(model.MeanSquaredError(split.Train), 1e-5);
        reports[^1].ValidationMse!.Value.Should().BeApproximately(model.MeanSquaredError(split.Test), 1e-5);
        reports[^1].ValidationLoss.Should().Be(reports[^1].ValidationMse);
        reports[^1].RegularizationLoss.Should().BePositive();
        reports[0].ObservedLoss.Should().BeGreaterThan(reports[^1].ObservedLoss);
        reports[^1].TotalLoss.Should().Be(reports[^1].ObservedLoss + reports[^1].RegularizationLoss);
    }

    /// <summary>The reported L2 term is the documented mean over the ratings, every y_j of N(u) penalised at each of u's ratings.</summary>
    [Fact]
    public void Training_RegularizationLoss_IsTheObjectivesPenaltyPerRating()
    {
        RatingsDataset train = FullBatchTestData.Random(30, 25, 0.4, seed: 9);
        const int d = 3;
        float[] p0 = FullBatchTestData.RandomMatrix(30, d, 0.3, 1), q0 = FullBatchTestData.RandomMatrix(25, d, 0.3, 2), y0 = FullBatchTestData.RandomMatrix(25, d, 0.3, 3);
        using SvdPlusPlusTraining training = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = d }).CreateTraining(train, p0, q0, y0);
        training.RunEpoch(0.01f, 0.02f, 0.02f, 0.01f, 0.02f, CancellationToken.None);
        var reference = new SvdPlusPlusReference(train, training.CopyUsers(), training.CopyItems(), training.CopyImplicitFactors(), d);
        Array.Copy(Array.ConvertAll(training.UserBiases, x => (double)x), reference.BU, 30);
        Array.Copy(Array.ConvertAll(training.ItemBiases, x => (double)x), reference.BI, 25);

        double reported = training.RegularizationLoss(0.07, 0.05, 0.03);

        double errors = train.Select(r => Math.Pow(r.Value - reference.Predict(r.User.Value, r.Item.Value), 2)).Sum();
        reported.Should().BeApproximately((reference.Objective(train, 0.07, 0.05, 0.03) - errors) / train.Count, 1e-6);
    }

    [Fact]
    public void Fit_WithLogger_LogsStartProgressAndCompletionWithStableIds()
    {
        var logger = new ListLogger();

        new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4, Iterations = 4, ReportInterval = 2 }, logger).Fit(FullBatchTestData.Random(30, 20, 0.5, seed: 1));

        logger.Events.Select(e => e.Id).Should().Equal(1310, 1311, 1311, 1313);
        logger.Events[0].Message.Should().StartWith("SvdPlusPlusFactorizer").And.Contain("30 users").And.Contain("d = 4").And.Contain("λ_y = 0.08");
    }

    [Fact]
    public void Fit_EarlyStopping_StopsAfterPatienceAndReturnsTheBestEpoch()
    {
        RatingsDataset all = FullBatchTestData.Random(60, 50, 0.4, seed: 3);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.25, seed: 2);
        var reports = new List<TrainingProgress>();
        var logger = new ListLogger();
        SvdPlusPlusOptions options = new()
        {
            Dimensions = 30,
            Iterations = 200,
            LearningRate = 0.05,
            Regularization = 0,
            BiasRegularization = 0,
            InitStdDev = 0.3,
            ReportInterval = 1,
            EarlyStoppingPatience = 3,
        };

        FactorizationModel model = new SvdPlusPlusFactorizer(options, logger).Fit(split.Train, split.Test, new SyncProgress(reports));

        int best = reports.MinBy(r => r.ValidationMse!.Value).Iteration;
        reports[^1].Iteration.Should().Be(best + 3).And.BeLessThan(200);
        model.MeanSquaredError(split.Test).Should().BeApproximately(reports[best - 1].ValidationMse!.Value, 1e-5);
        model.MeanSquaredError(split.Test).Should().BeLessThan(reports[^1].ValidationMse!.Value);
        logger.Events.Should().Contain(e => e.Id == 1316 && e.Message.Contains($"kept epoch {best}"));
    }

    // ------------------------------------------------------------------ bad input

    [Fact]
    public void Fit_HugeLearningRate_ThrowsDivergedNamingTheRate()
    {
        var factorizer = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 8, Iterations = 50, LearningRate = 1000, InitStdDev = 1 });

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.5, seed: 1));

        TrainingDivergedException ex = fit.Should().Throw<TrainingDivergedException>().Which;
        ex.Message.Should().Contain("learning rate 1000");
    }

    [Fact]
    public void Training_CancelledToken_StopsWithinTheEpoch()
    {
        using SvdPlusPlusTraining training = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4 }).CreateTraining(FullBatchTestData.Tiny());

        Action epoch = () => training.RunEpoch(0.01f, 0.05f, 0.05f, 0.01f, 0.02f, new CancellationToken(canceled: true));

        epoch.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Fit_EmptyOrForeignSets_ThrowNamingTheArgument()
    {
        var factorizer = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 2, Iterations = 1 });
        RatingsDataset other = new RatingsDatasetBuilder(Catalog.Sequential(3, 5)).Add(new Rating(U(0), I(4), 3)).Build();

        factorizer.Invoking(f => f.Fit(RatingsDataset.Empty(Catalog.Sequential(3, 4)))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
        factorizer.Invoking(f => f.Fit(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("train");
        factorizer.Invoking(f => f.Fit(FullBatchTestData.Tiny(), other)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    [Theory]
    [InlineData(nameof(SvdPlusPlusOptions.LearningRate))]
    [InlineData(nameof(SvdPlusPlusOptions.BiasLearningRate))]
    [InlineData(nameof(SvdPlusPlusOptions.Regularization))]
    [InlineData(nameof(SvdPlusPlusOptions.ImplicitRegularization))]
    [InlineData(nameof(SvdPlusPlusOptions.BiasRegularization))]
    [InlineData(nameof(SvdPlusPlusOptions.LearningRateDecay))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option)
    {
        var o = new SvdPlusPlusOptions();
        SvdPlusPlusOptions invalid = option switch
        {
            nameof(SvdPlusPlusOptions.LearningRate) => o with { LearningRate = 0 },
            nameof(SvdPlusPlusOptions.BiasLearningRate) => o with { BiasLearningRate = double.NaN },
            nameof(SvdPlusPlusOptions.Regularization) => o with { Regularization = -1 },
            nameof(SvdPlusPlusOptions.ImplicitRegularization) => o with { ImplicitRegularization = double.PositiveInfinity },
            nameof(SvdPlusPlusOptions.BiasRegularization) => o with { BiasRegularization = -0.1 },
            _ => o with { LearningRateDecay = 1.5 },
        };

        FluentActions.Invoking(() => new SvdPlusPlusFactorizer(invalid)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
    }

    [Fact]
    public void CrossValidation_SvdPlusPlus_TakesItLikeAnyTrainer()
    {
        RatingsDataset data = FullBatchTestData.Random(60, 40, 0.4, seed: 4);

        CrossValidationResult result = CrossValidation.Run(new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4, Iterations = 5 }), data, folds: 3, seed: 1);

        result.Folds.Should().HaveCount(3);
        result.Rmse.Mean.Should().BeInRange(0.3, 1.5);
    }

    internal static void AssertBitIdentical(FactorizationModel a, FactorizationModel b)
    {
        a.UserEmbeddings.SequenceEqual(b.UserEmbeddings).Should().BeTrue();
        a.ItemEmbeddings.SequenceEqual(b.ItemEmbeddings).Should().BeTrue();
        a.ImplicitItemFactors.SequenceEqual(b.ImplicitItemFactors).Should().BeTrue();
        a.UserBiases.SequenceEqual(b.UserBiases).Should().BeTrue();
        a.ItemBiases.SequenceEqual(b.ItemBiases).Should().BeTrue();
    }
}
