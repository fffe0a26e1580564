using System.Runtime.Intrinsics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bpr;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class BprFactorizerTests
{
    // ------------------------------------------------------------------ exactness

    /// <summary>
    /// One user who interacted with item 0 of two, so each epoch is the one triple (u, 0, 1); p = (0.1, 0.2),
    /// q_0 = (0.5, −0.3), q_1 = (0.2, 0.4), biases 0, lr = 0.1, λ = 0.5, λ_b = 0.3. By hand:
    ///   x = ⟨p, q_0 − q_1⟩ + 0 = 0.1·0.3 + 0.2·(−0.7) = −0.11; g = σ(0.11) = 0.5274723; a = lr·g = 0.05274723
    ///   p'   = 0.95·p + a·(q_0 − q_1) = (0.1108242, 0.1530769)
    ///   q_0' = 0.95·q_0 + a·p       = (0.4802747, −0.2744506)
    ///   q_1' = 0.95·q_1 − a·p       = (0.1847253, 0.3694506)
    ///   b_0' = 0.97·0 + lr·g = 0.05274723; b_1' = −0.05274723
    /// </summary>
    [Fact]
    public void Fit_OneTripleOneEpoch_EqualsHandComputedUpdate()
    {
        RatingsDataset train = new RatingsDatasetBuilder(Catalog.Sequential(1, 2)).Add(new Rating(U(0), I(0), 1)).Build();
        var factorizer = new BprFactorizer(new BprOptions { Dimensions = 2, Iterations = 1, LearningRate = 0.1, Regularization = 0.5, BiasRegularization = 0.3 });

        FactorizationModel model = factorizer.Fit(train, [0.1f, 0.2f], [0.5f, -0.3f, 0.2f, 0.4f]);

        model.UserEmbeddings.ToArray().Should().Equal([0.1108242f, 0.1530769f], (a, e) => Math.Abs(a - e) < 1e-6);
        model.ItemEmbeddings.ToArray().Should().Equal([0.4802747f, -0.2744506f, 0.1847253f, 0.3694506f], (a, e) => Math.Abs(a - e) < 1e-6);
        model.ItemBiases.ToArray().Should().Equal([0.05274723f, -0.05274723f], (a, e) => Math.Abs(a - e) < 1e-6);
        model.UserBiases.ToArray().Should().Equal(0f);
        model.GlobalMean.Should().Be(0);
        model.PredictsRatings.Should().BeFalse();
        model.PredictionRange.Should().BeNull();
        model.Predict(U(0), I(1)).Should().BeApproximately(-0.05274723f + (0.1108242f * 0.1847253f) + (0.1530769f * 0.3694506f), 1e-6f);
        model.Options.Should().BeSameAs(factorizer.Options);
    }

    /// <summary>
    /// Finite differences: one triple moves every parameter θ by exactly −lr·∂ℓ/∂θ, ℓ = −ln σ(x_ui − x_uj)
    /// + (λ/2)(‖p_u‖² + ‖q_i‖² + ‖q_j‖²) + (λ_b/2)(b_i² + b_j²) the per-triple objective the class documents,
    /// its gradient taken by central differences in double (d = 5, random factors, nonzero biases after a first epoch).
    /// </summary>
    [Fact]
    public void Fit_OneTriple_MovesEveryParameterAgainstTheGradientOfTheTriplesObjective()
    {
        RatingsDataset train = new RatingsDatasetBuilder(Catalog.Sequential(1, 2)).Add(new Rating(U(0), I(0), 1)).Build();
        const int d = 5;
        const double lr = 0.05, lambda = 0.2, biasLambda = 0.3;
        var options = new BprOptions { Dimensions = d, Iterations = 1, LearningRate = lr, Regularization = lambda, BiasRegularization = biasLambda };
        float[] p0 = FullBatchTestData.RandomMatrix(1, d, 0.8, 1), q0 = FullBatchTestData.RandomMatrix(2, d, 0.8, 2);
        using BprTraining training = new BprFactorizer(options).CreateTraining(train, p0, q0);
        training.RunEpoch((float)lr, (float)lambda, (float)biasLambda, CancellationToken.None); // biases move off zero
        double[] theta = [.. training.CopyUsers().Select(x => (double)x), .. training.CopyItems().Select(x => (double)x), .. training.ItemBiases.Select(x => (double)x)];

        training.RunEpoch((float)lr, (float)lambda, (float)biasLambda, CancellationToken.None);

        double[] after = [.. training.CopyUsers().Select(x => (double)x), .. training.CopyItems().Select(x => (double)x), .. training.ItemBiases.Select(x => (double)x)];
        for (int k = 0; k < theta.Length; k++)
        {
            const double h = 1e-6;
            double saved = theta[k];
            theta[k] = saved + h;
            double plus = Loss(theta);
            theta[k] = saved - h;
            double minus = Loss(theta);
            theta[k] = saved;
            double gradient = (plus - minus) / (2 * h);
            ((theta[k] - after[k]) / lr).Should().BeApproximately(gradient, (1e-3 * Math.Abs(gradient)) + 2e-5, "∂ℓ/∂θ[{0}]", k);
        }

        double Loss(double[] t)
        {
            double x = (t[3 * d] - t[(3 * d) + 1]) + Enumerable.Range(0, d).Sum(k => t[k] * (t[d + k] - t[(2 * d) + k]));
            double squares = Enumerable.Range(0, 3 * d).Sum(k => t[k] * t[k]);
            return Math.Log(1 + Math.Exp(-x)) + (lambda / 2 * squares) + (biasLambda / 2 * ((t[3 * d] * t[3 * d]) + (t[(3 * d) + 1] * t[(3 * d) + 1])));
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
        var paths = new List<(BprKernels.KernelKind Kind, int Stride)> { (BprKernels.KernelKind.Scalar, d) };
        if (Vector256.IsHardwareAccelerated)
        {
            paths.Add((BprKernels.KernelKind.Width256, (d + 7) & ~7));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            paths.Add((BprKernels.KernelKind.Width512, (d + 15) & ~15));
        }

        float[] p0 = FullBatchTestData.RandomMatrix(1, d, 0.5, d), i0 = FullBatchTestData.RandomMatrix(1, d, 0.5, d + 1), j0 = FullBatchTestData.RandomMatrix(1, d, 0.5, d + 2);
        float[] ps = (float[])p0.Clone(), @is = (float[])i0.Clone(), js = (float[])j0.Clone();
        float xs = BprKernels.Update(BprKernels.KernelKind.Scalar, ps, @is, js, 0.3f, 0.05f, 0.999f, out float gs);
        foreach ((BprKernels.KernelKind kind, int stride) in paths)
        {
            float[] p = Padded(p0, stride), i = Padded(i0, stride), j = Padded(j0, stride);

            float x = BprKernels.Update(kind, p, i, j, 0.3f, 0.05f, 0.999f, out float g);

            x.Should().BeApproximately(xs, 1e-5f, "path {0}", kind);
            g.Should().BeApproximately(gs, 1e-6f, "path {0}", kind);
            p[..d].Should().Equal(ps, (a, e) => Math.Abs(a - e) < 1e-6, "path {0}", kind);
            i[..d].Should().Equal(@is, (a, e) => Math.Abs(a - e) < 1e-6, "path {0}", kind);
            j[..d].Should().Equal(js, (a, e) => Math.Abs(a - e) < 1e-6, "path {0}", kind);
            p[d..].Concat(i[d..]).Concat(j[d..]).All(v => v == 0).Should().BeTrue("the padding stays zero");
        }

        static float[] Padded(float[] values, int stride)
        {
            var padded = new float[stride];
            values.CopyTo(padded, 0);
            return padded;
        }
    }

    [Theory]
    [InlineData(0f, 0.5f)]
    [InlineData(100f, 3.720076e-44f)]
    [InlineData(-100f, 1f)]
    [InlineData(2f, 0.11920292f)]
    public void Kernel_GradientAndLoss_AreStableAtTheExtremes(float x, float expectedGradient)
    {
        BprKernels.Gradient(x).Should().BeApproximately(expectedGradient, 1e-7f);
        BprKernels.Loss(x).Should().BeApproximately(Math.Log(1 + Math.Exp(-(double)x)), 1e-12 + (1e-9 * Math.Abs(x)));
        double.IsFinite(BprKernels.Loss(-1e30f)).Should().BeTrue();
    }

    // ------------------------------------------------------------------ sampling

    [Fact]
    public void DrawNegative_NeverReturnsAnItemOfTheUserAndGivesUpWhenThereIsNone()
    {
        int[] candidates = [.. Enumerable.Range(0, 10)];
        ulong state = 1;
        for (int k = 0; k < 200; k++)
        {
            int j = BprTraining.DrawNegative(candidates, default, [0, 1, 2, 3, 4, 5, 6, 7, 8], ref state);
            j.Should().BeOneOf(9, -1);
        }

        BprTraining.DrawNegative(candidates, default, candidates, ref state).Should().Be(-1, "every candidate is the user's");
        BprTraining.DrawNegative([], default, [], ref state).Should().Be(-1);
    }

    /// <summary>Uniform draws hit every candidate about equally often; popularity draws follow the cumulative weights, and a zero-weight candidate is never drawn.</summary>
    [Fact]
    public void DrawNegative_FollowsTheSamplingDistribution()
    {
        int[] candidates = [10, 20, 30, 40];
        double[] cumulative = [1, 1, 4, 8]; // weights 1, 0, 3, 4
        var uniform = new int[4];
        var weighted = new int[4];
        ulong state = 7;
        const int draws = 80_000;
        for (int k = 0; k < draws; k++)
        {
            uniform[Array.IndexOf(candidates, BprTraining.DrawNegative(candidates, default, [], ref state))]++;
            weighted[Array.IndexOf(candidates, BprTraining.DrawNegative(candidates, cumulative, [], ref state))]++;
        }

        uniform.Should().OnlyContain(c => Math.Abs(c - (draws / 4)) < 600);
        weighted[1].Should().Be(0);
        ((double)weighted[0] / draws).Should().BeApproximately(1 / 8.0, 0.006);
        ((double)weighted[2] / draws).Should().BeApproximately(3 / 8.0, 0.006);
        ((double)weighted[3] / draws).Should().BeApproximately(4 / 8.0, 0.006);
    }

    [Fact]
    public void Training_ItemGroups_HoldEqualNumbersOfItemsForUniformAndEqualWeightsForPopularity()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.4, seed: 11);
        using BprTraining uniform = new BprFactorizer(new BprOptions { Dimensions = 4 }).CreateTraining(train);
        using BprTraining popularity = new BprFactorizer(new BprOptions { Dimensions = 4, NegativeSampling = BprNegativeSampling.Popularity, PopularityExponent = 1 }).CreateTraining(train);
        int[] counts = [.. Enumerable.Range(0, 200).Select(i => train.ByItem.GetColumns(i).Length)];

        int[][] groups = uniform.ItemGroups();
        groups.SelectMany(g => g).Order().Should().Equal(Enumerable.Range(0, 200));
        groups.Should().OnlyContain(g => g.Length >= 200 / uniform.GridSize - 1 && g.Length <= (200 / uniform.GridSize) + 2);
        double share = train.Count / (double)popularity.GridSize;
        popularity.ItemGroups().Should().OnlyContain(g => Math.Abs(g.Sum(i => counts[i]) - share) < 0.2 * share);
        uniform.BlockSizes().Sum().Should().Be(train.Count);
    }

    [Fact]
    public void Training_Epoch_AppliesOneTriplePerInteraction()
    {
        RatingsDataset train = FullBatchTestData.Random(60, 50, 0.3, seed: 3);
        using BprTraining training = new BprFactorizer(new BprOptions { Dimensions = 4 }).CreateTraining(train);

        double loss = training.RunEpoch(0.05f, 0.01f, 0.01f, CancellationToken.None);

        training.LastApplied.Should().Be(train.Count, "no user interacted with a whole item group");
        (loss / training.LastApplied).Should().BeApproximately(Math.Log(2), 0.05, "with small random factors every x_uij is near 0");
    }

    // ------------------------------------------------------------------ determinism

    [Fact]
    public void Fit_DifferentThreadCounts_GiveBitIdenticalModelsAndReports()
    {
        RatingsDataset all = FullBatchTestData.Random(300, 200, 0.45, seed: 11);
        DatasetSplit split = DatasetSplitter.PerUserHoldout(all, 0.2, seed: 3);
        split.Train.Count.Should().BeGreaterThan(BprTraining.MinRatingsForThreads);
        BprOptions options = new() { Dimensions = 20, Iterations = 4, Seed = 5, ReportInterval = 1, EarlyStoppingPatience = 2 };
        var reports = new List<TrainingProgress>[3];

        FactorizationModel[] models = [.. new[] { 1, 2, 3 }.Select((threads, k) =>
        {
            reports[k] = [];
            return new BprFactorizer(options with { MaxDegreeOfParallelism = threads }).Fit(split.Train, split.Test, new SyncProgress(reports[k]));
        })];

        foreach (int k in new[] { 1, 2 })
        {
            models[k].UserEmbeddings.SequenceEqual(models[0].UserEmbeddings).Should().BeTrue();
            models[k].ItemEmbeddings.SequenceEqual(models[0].ItemEmbeddings).Should().BeTrue();
            models[k].ItemBiases.SequenceEqual(models[0].ItemBiases).Should().BeTrue();
            reports[k].Select(r => (r.ObservedLoss, r.RegularizationLoss, r.ValidationRecallAt10)).Should().Equal(reports[0].Select(r => (r.ObservedLoss, r.RegularizationLoss, r.ValidationRecallAt10)));
        }
    }

    [Fact]
    public void Fit_SameSeedTwice_GivesBitIdenticalModelsAndAnotherSeedAnotherModel()
    {
        RatingsDataset train = FullBatchTestData.Random(80, 60, 0.3, seed: 2);
        var factorizer = new BprFactorizer(new BprOptions { Dimensions = 10, Iterations = 4, Seed = 12, NegativeSampling = BprNegativeSampling.Popularity });

        FactorizationModel first = factorizer.Fit(train);
        FactorizationModel second = factorizer.Fit(train);

        first.UserEmbeddings.SequenceEqual(second.UserEmbeddings).Should().BeTrue();
        first.ItemEmbeddings.SequenceEqual(second.ItemEmbeddings).Should().BeTrue();
        new BprFactorizer(factorizer.Options with { Seed = 13 }).Fit(train).ItemEmbeddings.SequenceEqual(first.ItemEmbeddings).Should().BeFalse();
    }

    // ------------------------------------------------------------------ validation, progress, early stopping

    /// <summary>With every validation user sampled, the reported recall@10 is <see cref="RankingMetrics.Evaluate"/>'s recall of the returned model.</summary>
    [Fact]
    public void Fit_Validation_ReportsTheRecallRankingMetricsMeasures()
    {
        RatingsDataset all = FullBatchTestData.Random(80, 70, 0.3, seed: 6);
        DatasetSplit split = DatasetSplitter.PerUserHoldout(all, 0.2, seed: 1);
        var reports = new List<TrainingProgress>();

        FactorizationModel model = new BprFactorizer(new BprOptions { Dimensions = 8, Iterations = 7, ReportInterval = 3 }).Fit(split.Train, split.Test, new SyncProgress(reports));

        reports.Select(r => r.Iteration).Should().Equal(3, 6, 7);
        double recall = RankingMetrics.Evaluate(model, split.Train, split.Test, 10).RecallAtK;
        reports[^1].ValidationRecallAt10!.Value.Should().BeApproximately(recall, 1e-12);
        reports[^1].ValidationLoss!.Value.Should().BeApproximately(1 - recall, 1e-12);
        reports.Should().OnlyContain(r => r.TrainMse == null && r.ValidationMse == null && r.ObservedLoss > 0 && r.ObservedLoss < Math.Log(2) + 0.1 && r.RegularizationLoss > 0);
        reports[0].ObservedLoss.Should().BeGreaterThan(reports[^1].ObservedLoss);
    }

    [Fact]
    public void Training_MaxValidationUsers_SamplesThatManyOfTheUsersWithValidationItems()
    {
        RatingsDataset all = FullBatchTestData.Random(80, 70, 0.3, seed: 6);
        DatasetSplit split = DatasetSplitter.PerUserHoldout(all, 0.2, seed: 1);
        int[] withValidation = [.. Enumerable.Range(0, 80).Where(u => split.Test.ByUser.GetColumns(u).Length > 0)];

        using BprTraining some = new BprFactorizer(new BprOptions { Dimensions = 4, MaxValidationUsers = 25 }).CreateTraining(split.Train, split.Test);
        using BprTraining all80 = new BprFactorizer(new BprOptions { Dimensions = 4 }).CreateTraining(split.Train, split.Test);

        some.ValidationUsers.Length.Should().Be(25);
        some.ValidationUsers.ToArray().Should().BeInAscendingOrder().And.BeSubsetOf(withValidation);
        all80.ValidationUsers.ToArray().Should().Equal(withValidation);
    }

    /// <summary>The regularization report is the expected penalty per triple: users and interacted items weighted by their interactions, the negative by the sampling distribution.</summary>
    [Fact]
    public void Training_RegularizationLoss_IsTheExpectedPenaltyPerTriple()
    {
        RatingsDataset train = FullBatchTestData.Tiny();
        const int d = 2;
        float[] p = FullBatchTestData.RandomMatrix(3, d, 0.5, 1), q = FullBatchTestData.RandomMatrix(4, d, 0.5, 2);
        using BprTraining training = new BprFactorizer(new BprOptions { Dimensions = d }).CreateTraining(train, p, q);

        double reported = training.RegularizationLoss(0.2, 0.4);

        double Norm(float[] rows, int r) => (rows[r * d] * rows[r * d]) + (rows[(r * d) + 1] * rows[(r * d) + 1]);
        double users = Enumerable.Range(0, 3).Sum(u => train.ByUser.GetColumns(u).Length * 0.1 * Norm(p, u));
        double items = Enumerable.Range(0, 4).Sum(i => train.ByItem.GetColumns(i).Length * 0.1 * Norm(q, i));
        double negatives = Enumerable.Range(0, 4).Sum(i => 0.25 * 0.1 * Norm(q, i)); // uniform over the 4 items; biases are 0
        reported.Should().BeApproximately(((users + items) / train.Count) + negatives, 1e-6);
    }

    [Fact]
    public void Fit_EarlyStopping_StopsAfterPatienceAndReturnsTheBestEpoch()
    {
        RatingsDataset all = FullBatchTestData.Random(80, 70, 0.3, seed: 6);
        DatasetSplit split = DatasetSplitter.PerUserHoldout(all, 0.2, seed: 1);
        var reports = new List<TrainingProgress>();
        var logger = new ListLogger();
        BprOptions options = new() { Dimensions = 32, Iterations = 300, LearningRate = 0.2, LearningRateDecay = 1, Regularization = 0, BiasRegularization = 0, ReportInterval = 1, EarlyStoppingPatience = 3 };

        FactorizationModel model = new BprFactorizer(options, logger).Fit(split.Train, split.Test, new SyncProgress(reports));

        TrainingProgress best = reports.MinBy(r => r.ValidationLoss!.Value);
        reports[^1].Iteration.Should().Be(best.Iteration + 3).And.BeLessThan(300);
        RankingMetrics.Evaluate(model, split.Train, split.Test, 10).RecallAtK.Should().BeApproximately(best.ValidationRecallAt10!.Value, 1e-12);
        logger.Events.Should().Contain(e => e.Id == 1326 && e.Message.Contains($"kept epoch {best.Iteration}"));
    }

    [Fact]
    public void Fit_WithLogger_LogsStartProgressAndCompletionWithStableIds()
    {
        var logger = new ListLogger();

        new BprFactorizer(new BprOptions { Dimensions = 4, Iterations = 4, ReportInterval = 2 }, logger).Fit(FullBatchTestData.Random(30, 20, 0.5, seed: 1));

        logger.Events.Select(e => e.Id).Should().Equal(1320, 1321, 1321, 1323);
        logger.Events[0].Message.Should().StartWith("BprFactorizer").And.Contain("uniform negatives").And.Contain("d = 4");
    }

    // ------------------------------------------------------------------ the model: fold-in, persistence, evaluation

    /// <summary>
    /// The fold-in's query maximises the documented criterion: its gradient, taken by central differences
    /// in double, is zero, and the query does not depend on the values given (only on which items).
    /// </summary>
    [Fact]
    public void ComputeNewUserQuery_MaximisesTheBprCriterionOfTheGivenItems()
    {
        RatingsDataset train = FullBatchTestData.Random(60, 40, 0.3, seed: 4);
        const double lambda = 0.05;
        FactorizationModel model = new BprFactorizer(new BprOptions { Dimensions = 4, Iterations = 20, Regularization = lambda }).Fit(train);
        int[] items = [3, 8, 15, 22];

        float[] query = model.ComputeNewUserQuery(items, [1, 1, 1, 1]);

        model.ComputeNewUserQuery(items, [5, 2, 0, 7]).Should().Equal(query);
        double[] x = [.. query.Select(v => (double)v)];
        for (int k = 0; k < 4; k++)
        {
            const double h = 1e-4;
            double saved = x[k];
            x[k] = saved + h;
            double plus = Criterion(x);
            x[k] = saved - h;
            double minus = Criterion(x);
            x[k] = saved;
            ((plus - minus) / (2 * h)).Should().BeApproximately(0, 1e-5, "the criterion is stationary in coordinate {0}", k);
        }

        Criterion(x).Should().BeGreaterThan(Criterion([0, 0, 0, 0]));

        double Criterion(double[] point)
        {
            double Score(int j) => model.ItemBiases[j] + Enumerable.Range(0, 4).Sum(k => point[k] * model.ItemEmbeddings[(j * 4) + k]);
            int[] others = [.. Enumerable.Range(0, 40).Except(items)];
            double sum = items.Sum(i => others.Sum(j => -Math.Log(1 + Math.Exp(Score(j) - Score(i)))));
            return (sum / (items.Length * others.Length)) - (lambda / 2 * point.Sum(v => v * v));
        }
    }

    /// <summary>A new user folded in by the BPR criterion gets recommendations led by items that co-occur with theirs.</summary>
    [Fact]
    public void RecommendForNewUser_NewUserOfACluster_IsRecommendedTheClustersOtherItems()
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(40, 20));
        var random = new Random(3);
        for (int u = 0; u < 40; u++)
        {
            int offset = u < 20 ? 0 : 10;
            for (int i = 0; i < 10; i++)
            {
                if (random.NextDouble() < 0.6)
                {
                    builder.Add(new Rating(U(u), I(offset + i), 1));
                }
            }
        }

        FactorizationModel model = new BprFactorizer(new BprOptions { Dimensions = 4, Iterations = 40 }).Fit(builder.Build());

        IReadOnlyList<Recommendation> top = Recommender.RecommendForNewUser(model, new Dictionary<string, float> { ["12"] = 1, ["13"] = 1, ["16"] = 1 }, k: 5);

        top.Select(r => r.Item.Value).Should().OnlyContain(i => i >= 10 && i < 20 && i != 11 && i != 12 && i != 15);
    }

    [Fact]
    public void SaveLoad_BprModel_RoundTripsAndStillRanksWithItsFoldIn()
    {
        FactorizationModel model = new BprFactorizer(new BprOptions { Dimensions = 5, Iterations = 3, NegativeSampling = BprNegativeSampling.Popularity, UseItemBiases = true }).Fit(FullBatchTestData.Random(30, 20, 0.4, seed: 6));
        var stream = new MemoryStream();

        ModelFile.Save(model, stream);
        stream.Position = 0;
        var loaded = (FactorizationModel)ModelFile.Load(stream);

        loaded.Options.Should().Be(model.Options);
        loaded.PredictsRatings.Should().BeFalse();
        loaded.ItemBiases.SequenceEqual(model.ItemBiases).Should().BeTrue();
        loaded.ComputeNewUserQuery([1, 2], [1, 1]).Should().Equal(model.ComputeNewUserQuery([1, 2], [1, 1]));
    }

    [Fact]
    public void Fit_WithoutItemBiases_HasNoBiases()
    {
        FactorizationModel model = new BprFactorizer(new BprOptions { Dimensions = 3, Iterations = 2, UseItemBiases = false }).Fit(FullBatchTestData.Random(20, 15, 0.4, seed: 2));

        model.HasBiases.Should().BeFalse();
        model.Predict(U(1), I(2)).Should().BeApproximately(model.GetUserEmbedding(U(1))[0] * model.GetItemEmbedding(I(2))[0] + (model.GetUserEmbedding(U(1))[1] * model.GetItemEmbedding(I(2))[1]) + (model.GetUserEmbedding(U(1))[2] * model.GetItemEmbedding(I(2))[2]), 1e-6f);
    }

    [Fact]
    public void Fit_UserWithoutInteractions_HasAZeroQueryAndIsRankedByTheItemBiases()
    {
        RatingsDataset all = FullBatchTestData.Random(30, 20, 0.4, seed: 2);
        RatingsDataset train = all.Where([.. all.Select(r => r.User.Value != 4)]);

        FactorizationModel model = new BprFactorizer(new BprOptions { Dimensions = 3, Iterations = 5 }).Fit(train);

        model.GetUserEmbedding(U(4)).ToArray().Should().OnlyContain(x => x == 0);
        Recommender.Recommend(model, U(4), 3).Select(r => r.Item.Value).Should().Equal(Enumerable.Range(0, 20).OrderByDescending(i => model.ItemBiases[i]).ThenBy(i => i).Take(3));
    }

    [Fact]
    public void CrossValidation_RunRanking_TakesBprLikeAnyTrainer()
    {
        RatingsDataset data = FullBatchTestData.Random(60, 40, 0.4, seed: 4);

        RankingCrossValidationResult result = CrossValidation.RunRanking(new BprFactorizer(new BprOptions { Dimensions = 4, Iterations = 5 }), data, folds: 3, k: 10, seed: 1);

        result.Folds.Should().HaveCount(3);
    }

    // ------------------------------------------------------------------ bad input

    [Fact]
    public void Constructor_ClipPredictionsOrUndefinedSampling_ThrowNamingTheOption()
    {
        FluentActions.Invoking(() => new BprFactorizer(new BprOptions { ClipPredictions = true })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ClipPredictions");
        FluentActions.Invoking(() => new BprFactorizer(new BprOptions { NegativeSampling = (BprNegativeSampling)7 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("NegativeSampling");
        FluentActions.Invoking(() => new BprFactorizer(new BprOptions { PopularityExponent = 0 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("PopularityExponent");
        FluentActions.Invoking(() => new BprFactorizer(new BprOptions { MaxValidationUsers = 0 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxValidationUsers");
    }

    [Fact]
    public void Fit_EmptyOrForeignSets_ThrowNamingTheArgument()
    {
        var factorizer = new BprFactorizer(new BprOptions { Dimensions = 2, Iterations = 1 });
        RatingsDataset other = new RatingsDatasetBuilder(Catalog.Sequential(3, 5)).Add(new Rating(U(0), I(4), 3)).Build();

        factorizer.Invoking(f => f.Fit(RatingsDataset.Empty(Catalog.Sequential(3, 4)))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
        factorizer.Invoking(f => f.Fit(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("train");
        factorizer.Invoking(f => f.Fit(FullBatchTestData.Tiny(), other)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    [Fact]
    public void Fit_HugeLearningRate_ThrowsDivergedOrStaysFinite()
    {
        var factorizer = new BprFactorizer(new BprOptions { Dimensions = 8, Iterations = 30, LearningRate = 1e30, LearningRateDecay = 1, InitStdDev = 1 });

        try
        {
            FactorizationModel model = factorizer.Fit(FullBatchTestData.Random(30, 20, 0.5, seed: 1));
            model.ItemEmbeddings.ToArray().Should().OnlyContain(x => float.IsFinite(x));
        }
        catch (TrainingDivergedException e)
        {
            e.Message.Should().Contain("learning rate 1E+30");
        }
    }

    [Fact]
    public void Training_CancelledToken_StopsWithinTheEpoch()
    {
        using BprTraining training = new BprFactorizer(new BprOptions { Dimensions = 4 }).CreateTraining(FullBatchTestData.Tiny());

        FluentActions.Invoking(() => training.RunEpoch(0.01f, 0.01f, 0.01f, new CancellationToken(canceled: true))).Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void ComputeNewUserQuery_BadInput_ThrowsNamingTheArgument()
    {
        FactorizationModel model = new BprFactorizer(new BprOptions { Dimensions = 3, Iterations = 2 }).Fit(FullBatchTestData.Random(20, 15, 0.4, seed: 2));

        model.Invoking(m => m.ComputeNewUserQuery([], [])).Should().Throw<ArgumentException>();
        model.Invoking(m => m.ComputeNewUserQuery([1, 1], [1, 1])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("items");
        model.Invoking(m => m.ComputeNewUserQuery([15], [1])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("items");
        model.Invoking(m => m.ComputeNewUserQuery([1], [float.NaN])).Should().Throw<ArgumentOutOfRangeException>();
        model.ComputeNewUserQuery([.. Enumerable.Range(0, 15)], [.. Enumerable.Repeat(1f, 15)]).Should().OnlyContain(x => x == 0, "with no other item there is nothing to rank against");
        model.RatingScale.Should().BeNull("BPR's scores are not ratings");
        model.ComputeNewUserQuery([1, 2], [100, 0.5f]).Should().Equal(model.ComputeNewUserQuery([1, 2], [1, 1]), "which items were interacted with is what counts, not the values");
    }
}
