using System.Runtime.Intrinsics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Sgd;
using CollaborativeFiltering.Internal;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class BiasedSgdFactorizerTests
{
    // ------------------------------------------------------------------ exactness

    /// <summary>
    /// One rating r = 4 of the only user on the only item, so μ = 4; p = (0.1, 0.2), q = (0.5, −0.3),
    /// lr = 0.1, λ = 0.5, lr_b = 0.2, λ_b = 0.5. By hand:
    ///   ⟨p, q⟩ = 0.05 − 0.06 = −0.01; e = 4 − (4 + 0 + 0 − 0.01) = 0.01
    ///   b_u = b_i = 0 + 0.2·(0.01 − 0.5·0) = 0.002
    ///   p' = p + 0.1·(0.01·q − 0.5·p) = 0.95·p + 0.001·q = (0.0955, 0.1897)
    ///   q' = 0.95·q + 0.001·p (old p)                    = (0.4751, −0.2848)
    /// </summary>
    [Fact]
    public void Fit_OneRatingOneEpoch_EqualsHandComputedUpdate()
    {
        RatingsDataset train = new RatingsDatasetBuilder(Catalog.Sequential(1, 1)).Add(new Rating(U(0), I(0), 4)).Build();
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions
        {
            Dimensions = 2,
            Iterations = 1,
            LearningRate = 0.1,
            Regularization = 0.5,
            BiasLearningRate = 0.2,
            BiasRegularization = 0.5,
        });

        FactorizationModel model = factorizer.Fit(train, [0.1f, 0.2f], [0.5f, -0.3f]);

        model.HasBiases.Should().BeTrue();
        model.GlobalMean.Should().Be(4);
        model.UserBiases[0].Should().BeApproximately(0.002f, 1e-7f);
        model.ItemBiases[0].Should().BeApproximately(0.002f, 1e-7f);
        model.UserEmbeddings.ToArray().Should().Equal([0.0955f, 0.1897f], (a, e) => Math.Abs(a - e) < 1e-7);
        model.ItemEmbeddings.ToArray().Should().Equal([0.4751f, -0.2848f], (a, e) => Math.Abs(a - e) < 1e-7);
        model.WithPredictionRange(null).Predict(U(0), I(0)).Should().BeApproximately(4 + 0.004f + ((0.0955f * 0.4751f) - (0.1897f * 0.2848f)), 1e-6f);
        model.PredictionRange.Should().Be(new RatingRange(4, 4), "the training set's only rating is 4");
        model.Predict(U(0), I(0)).Should().Be(4f, "3.99535 is clamped into [4, 4]");
        model.Options.Should().BeSameAs(factorizer.Options);
    }

    /// <summary>
    /// The row kernel alone, d = 2: p = (0.1, 0.2), q = (0.5, −0.3), target 4, lr = 0.1, λ = 0.5:
    /// e = 4.01, a = lr·e = 0.401, c = 1 − lr·λ = 0.95;
    /// p' = 0.95·p + 0.401·q = (0.2955, 0.0697); q' = 0.95·q + 0.401·p_old = (0.5151, −0.2048)
    /// (with the new p it would be (0.59350, −0.25705)).
    /// </summary>
    [Fact]
    public void Kernel_HandComputed_MovesItemWithOldUserRow()
    {
        float[] p = [0.1f, 0.2f], q = [0.5f, -0.3f];

        float e = BiasedSgdKernels.Scalar.Update(ref p[0], ref q[0], 2, 4f, 0.1f, 0.95f);

        e.Should().BeApproximately(4.01f, 1e-6f);
        p.Should().Equal([0.2955f, 0.0697f], (a, x) => Math.Abs(a - x) < 1e-6);
        q.Should().Equal([0.5151f, -0.2048f], (a, x) => Math.Abs(a - x) < 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(128)]
    [InlineData(130)]
    [InlineData(200)]
    public void Kernel_EveryAvailablePath_MatchesScalarTwinOnPaddedRows(int d)
    {
        // Rows as the trainer stores them: d values, then zero padding up to the path's stride.
        var paths = new List<(BiasedSgdKernels.KernelKind Kind, int Stride)> { (BiasedSgdKernels.KindFor(PaddedRows.WholeVectors(d)), PaddedRows.WholeVectors(d)) };
        if (Vector256.IsHardwareAccelerated)
        {
            paths.Add((BiasedSgdKernels.KernelKind.Loop256, (d + 7) & ~7));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            paths.Add((BiasedSgdKernels.KernelKind.Loop512, (d + 15) & ~15));
            if (d <= 128)
            {
                paths.Add((BiasedSgdKernels.KernelKind.Fused512, (d + 15) & ~15));
            }
        }

        float[] p0 = FullBatchTestData.RandomMatrix(1, d, 0.5, seed: d), q0 = FullBatchTestData.RandomMatrix(1, d, 0.5, seed: d + 1000);
        float[] ps = (float[])p0.Clone(), qs = (float[])q0.Clone();
        float es = BiasedSgdKernels.Scalar.Update(ref ps[0], ref qs[0], d, 0.7f, 0.03f, 0.998f);
        foreach ((BiasedSgdKernels.KernelKind kind, int stride) in paths)
        {
            float[] p = new float[stride], q = new float[stride];
            p0.CopyTo(p, 0);
            q0.CopyTo(q, 0);

            float e = BiasedSgdKernels.Update(kind, p, q, 0.7f, 0.03f, 0.998f);

            e.Should().BeApproximately(es, 1e-5f, "path {0}", kind);
            p[..d].Should().Equal(ps, (a, x) => Math.Abs(a - x) < 1e-6, "path {0}", kind);
            q[..d].Should().Equal(qs, (a, x) => Math.Abs(a - x) < 1e-6, "path {0}", kind);
            p[d..].Concat(q[d..]).All(x => x == 0).Should().BeTrue("the padding stays zero");
        }
    }

    [Theory]
    [InlineData(11, 1)]
    [InlineData(64, 2)]
    public void Trainer_SeveralEpochs_EqualsDoubleReferenceInTheEpochsOrder(int d, int threads)
    {
        // Every user and item has ratings, so no row is zeroed; the reference replays each epoch's order in double.
        RatingsDataset train = FullBatchTestData.Random(200, 120, 0.9, seed: 5); // ~21 600 ratings: two workers really share strata
        train.ByItem.RowOffsets.ToArray().Zip(train.ByItem.RowOffsets.ToArray().Skip(1)).Should().OnlyContain(x => x.Second > x.First);
        float[] u0 = FullBatchTestData.RandomMatrix(200, d, 0.1, 1), v0 = FullBatchTestData.RandomMatrix(120, d, 0.1, 2);
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = d, MaxDegreeOfParallelism = threads, Seed = 3 });
        using BiasedSgdTraining trainer = factorizer.CreateTrainer(train, (float[])u0.Clone(), (float[])v0.Clone());
        var reference = new Reference(train, u0, v0, d);
        trainer.WorkerCount.Should().Be(threads);
        trainer.GlobalMean.Should().BeApproximately((float)reference.Mean, 1e-6f);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            float lr = 0.02f / (epoch + 1), lrb = 0.03f / (epoch + 1);
            double sse = trainer.RunEpoch(lr, 0.05f, lrb, 0.02f, CancellationToken.None);
            double referenceSse = reference.Epoch(trainer.LastEpochOrder(), lr, 0.05f, lrb, 0.02f);
            sse.Should().BeApproximately(referenceSse, 1e-6 * referenceSse);
        }

        trainer.CopyUsers().Should().Equal(reference.U, (a, e) => Math.Abs(a - e) < 2e-5);
        trainer.CopyItems().Should().Equal(reference.V, (a, e) => Math.Abs(a - e) < 2e-5);
        trainer.UserBiases.Should().Equal(reference.BU, (a, e) => Math.Abs(a - e) < 2e-5);
        trainer.ItemBiases.Should().Equal(reference.BI, (a, e) => Math.Abs(a - e) < 2e-5);
        (double trainMse, double? validationMse) = trainer.Evaluate();
        trainMse.Should().BeApproximately(reference.Mse(train), 1e-5);
        validationMse.Should().BeNull();
    }

    [Fact]
    public void Fit_DecayAndBiasLearningRate_EqualTheTrainerDrivenByHand()
    {
        // Fit must run epoch k with lr·decay^(k−1) for the factors and lr_b·decay^(k−1) for the biases.
        RatingsDataset train = FullBatchTestData.Random(40, 30, 0.5, seed: 9);
        BiasedSgdOptions options = new()
        {
            Dimensions = 6,
            Iterations = 3,
            LearningRate = 0.04,
            BiasLearningRate = 0.01,
            LearningRateDecay = 0.5,
            Regularization = 0.1,
            BiasRegularization = 0.3,
            Seed = 4,
        };
        var factorizer = new BiasedSgdFactorizer(options);

        FactorizationModel model = factorizer.Fit(train);

        using BiasedSgdTraining trainer = factorizer.CreateTrainer(train);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            trainer.RunEpoch((float)(0.04 * Math.Pow(0.5, epoch)), 0.1f, (float)(0.01 * Math.Pow(0.5, epoch)), 0.3f, CancellationToken.None);
        }

        model.UserEmbeddings.SequenceEqual(trainer.CopyUsers()).Should().BeTrue();
        model.ItemEmbeddings.SequenceEqual(trainer.CopyItems()).Should().BeTrue();
        model.UserBiases.SequenceEqual(trainer.UserBiases).Should().BeTrue();
        model.ItemBiases.SequenceEqual(trainer.ItemBiases).Should().BeTrue();
    }

    [Fact]
    public void Fit_GlobalMean_IsTheTrainingMean()
    {
        RatingsDataset train = FullBatchTestData.Tiny(); // 5 + 3 + 4 + 1 + 2 + 5 = 20 over 6 ratings

        FactorizationModel model = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 2, Iterations = 2 }).Fit(train);

        model.GlobalMean.Should().BeApproximately(20f / 6, 1e-6f);
    }

    [Fact]
    public void BiasLearningRate_Unset_FollowsLearningRate()
    {
        new BiasedSgdOptions { LearningRate = 0.02 }.EffectiveBiasLearningRate.Should().Be(0.02);
        new BiasedSgdOptions { LearningRate = 0.02, BiasLearningRate = 0.005 }.EffectiveBiasLearningRate.Should().Be(0.005);
    }

    // ------------------------------------------------------------------ unknown users and items

    [Fact]
    public void Fit_UserAndItemWithoutTrainingRatings_PredictMeanPlusTheOtherBias()
    {
        RatingsDataset all = FullBatchTestData.Tiny(); // item 3 has no ratings at all
        bool[] keep = [.. all.Select(r => r.User.Value != 2)];
        RatingsDataset train = all.Where(keep);
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 8, Iterations = 20, InitStdDev = 0.5, LearningRate = 0.05 });

        FactorizationModel model = factorizer.Fit(train);

        model.GetUserEmbedding(U(2)).ToArray().Should().OnlyContain(x => x == 0);
        model.UserBiases[2].Should().Be(0);
        model.GetItemEmbedding(I(3)).ToArray().Should().OnlyContain(x => x == 0);
        model.ItemBiases[3].Should().Be(0);
        for (int i = 0; i < 4; i++)
        {
            float prediction = model.Predict(U(2), I(i));
            float.IsFinite(prediction).Should().BeTrue();
            prediction.Should().Be(model.GlobalMean + model.ItemBiases[i]);
        }

        model.Predict(U(0), I(3)).Should().Be(model.GlobalMean + model.UserBiases[0]);
        model.ItemBiases[0].Should().NotBe(0, "rated items learn a bias");
        model.GetUserEmbedding(U(0)).ToArray().Should().Contain(x => x != 0);
    }

    [Fact]
    public void Fit_Model_RoundTripsThroughAStreamWithBiasesAndOptions()
    {
        BiasedSgdOptions options = new() { Dimensions = 5, Iterations = 3, BiasLearningRate = 0.004, Seed = 9 };
        FactorizationModel model = new BiasedSgdFactorizer(options).Fit(FullBatchTestData.Random(30, 20, 0.5, seed: 6));
        using var stream = new MemoryStream();

        model.Save(stream);
        stream.Position = 0;
        FactorizationModel loaded = FactorizationModel.Load(stream);

        loaded.Options.Should().Be(options);
        loaded.GlobalMean.Should().Be(model.GlobalMean);
        loaded.UserBiases.SequenceEqual(model.UserBiases).Should().BeTrue();
        loaded.ItemBiases.SequenceEqual(model.ItemBiases).Should().BeTrue();
        loaded.Predict(U(3), I(7)).Should().Be(model.Predict(U(3), I(7)));
    }

    // ------------------------------------------------------------------ determinism and schedule

    [Fact]
    public void Fit_SameSeedTwiceSequential_GivesBitIdenticalModels()
    {
        RatingsDataset train = FullBatchTestData.Random(80, 60, 0.3, seed: 2);
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 10, Iterations = 8, MaxDegreeOfParallelism = 1, Seed = 12 });

        FactorizationModel first = factorizer.Fit(train);
        FactorizationModel second = factorizer.Fit(train);

        first.UserEmbeddings.SequenceEqual(second.UserEmbeddings).Should().BeTrue();
        first.ItemEmbeddings.SequenceEqual(second.ItemEmbeddings).Should().BeTrue();
        first.UserBiases.SequenceEqual(second.UserBiases).Should().BeTrue();
        first.ItemBiases.SequenceEqual(second.ItemBiases).Should().BeTrue();
        FactorizationModel other = new BiasedSgdFactorizer(factorizer.Options with { Seed = 13 }).Fit(train);
        other.UserEmbeddings.SequenceEqual(first.UserEmbeddings).Should().BeFalse();
    }

    /// <summary>
    /// A fit draws its starting factors during its set-up, on its workers (beside the grid's arrangement when there
    /// are two): they must be, bit for bit, the values <see cref="BiasedSgdFactorizer.Initialise"/> draws in row-major
    /// order, with the rows of users and items without ratings left at zero. 300 × 200 at one half is over the
    /// 20,000 ratings from which the set-up runs on two workers.
    /// </summary>
    [Theory]
    [InlineData(40, 30, 1)]
    [InlineData(40, 30, 2)]
    [InlineData(300, 200, 1)]
    [InlineData(300, 200, 2)]
    public void CreateTrainer_SeededStart_HoldsInitialisesDrawsBitForBit(int userCount, int itemCount, int threads)
    {
        const int d = 7;
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(userCount, itemCount));
        var random = new Random(4);
        for (int u = 0; u < userCount; u++)
        {
            for (int i = 0; i < itemCount; i++)
            {
                if (u is not (3 or 17) && i is not (0 or 22) && random.NextDouble() < 0.5)
                {
                    builder.Add(new Rating(U(u), I(i), 1 + random.Next(5)));
                }
            }
        }

        RatingsDataset train = builder.Build();
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = d, Seed = 13, InitStdDev = 0.3, MaxDegreeOfParallelism = threads });
        (float[] users, float[] items) = BiasedSgdFactorizer.Initialise(userCount, itemCount, d, 0.3, seed: 13);
        foreach (int unrated in new[] { 3, 17 })
        {
            users.AsSpan(unrated * d, d).Clear();
        }

        foreach (int unrated in new[] { 0, 22 })
        {
            items.AsSpan(unrated * d, d).Clear();
        }

        using BiasedSgdTraining drawn = factorizer.CreateTrainer(train);

        drawn.WorkerCount.Should().Be(train.Count >= BiasedSgdTraining.MinRatingsForThreads ? threads : 1);
        drawn.CopyUsers().Should().Equal(users);
        drawn.CopyItems().Should().Equal(items);
        users.AsSpan(4 * d, d).ToArray().Should().NotContain(0f);
    }

    /// <summary>Given starting factors are copied into the trainer's rows (not drawn), on one worker and on two.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void CreateTrainer_GivenStart_HoldsThoseFactors(int threads)
    {
        const int d = 5, userCount = 300, itemCount = 200;
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(userCount, itemCount));
        var random = new Random(8);
        for (int u = 0; u < userCount; u++)
        {
            for (int i = 0; i < itemCount; i++)
            {
                if (random.NextDouble() < 0.5)
                {
                    builder.Add(new Rating(U(u), I(i), 1 + random.Next(5)));
                }
            }
        }

        RatingsDataset train = builder.Build();
        float[] users = Enumerable.Range(0, userCount * d).Select(k => (float)k).ToArray();
        float[] items = Enumerable.Range(0, itemCount * d).Select(k => -(float)k).ToArray();
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = d, MaxDegreeOfParallelism = threads });

        using BiasedSgdTraining trainer = factorizer.CreateTrainer(train, users, items);

        trainer.WorkerCount.Should().Be(threads);
        trainer.CopyUsers().Should().Equal(users);
        trainer.CopyItems().Should().Equal(items);
    }

    [Fact]
    public void Fit_DifferentThreadCounts_GiveBitIdenticalModels()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.4, seed: 11); // ~24 000 ratings: above the one-thread threshold
        train.Count.Should().BeGreaterThan(BiasedSgdTraining.MinRatingsForThreads);
        BiasedSgdOptions options = new() { Dimensions = 20, Iterations = 4, Seed = 5 };

        FactorizationModel one = new BiasedSgdFactorizer(options with { MaxDegreeOfParallelism = 1 }).Fit(train);
        FactorizationModel two = new BiasedSgdFactorizer(options with { MaxDegreeOfParallelism = 2 }).Fit(train);
        FactorizationModel three = new BiasedSgdFactorizer(options with { MaxDegreeOfParallelism = 3 }).Fit(train);
        FactorizationModel eight = new BiasedSgdFactorizer(options with { MaxDegreeOfParallelism = 8 }).Fit(train); // more workers than cores: blocks wait on each other's rows

        foreach (FactorizationModel model in new[] { two, three, eight })
        {
            model.UserEmbeddings.SequenceEqual(one.UserEmbeddings).Should().BeTrue();
            model.ItemEmbeddings.SequenceEqual(one.ItemEmbeddings).Should().BeTrue();
            model.UserBiases.SequenceEqual(one.UserBiases).Should().BeTrue();
            model.ItemBiases.SequenceEqual(one.ItemBiases).Should().BeTrue();
        }
    }

    [Fact]
    public void Trainer_Schedule_EachStratumIsIndependentAndEachEpochIsAFreshPermutation()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.4, seed: 11);
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4, Seed = 8 });
        using BiasedSgdTraining trainer = factorizer.CreateTrainer(train);
        int b = trainer.GridSize;
        b.Should().Be(BiasedSgdTraining.MinGridSize);
        var previousOrders = new List<List<BiasedSgdEntry>>();
        var previousSchedules = new List<int[]>();

        for (int epoch = 0; epoch < 3; epoch++)
        {
            trainer.RunEpoch(0.01f, 0.05f, 0.01f, 0.02f, CancellationToken.None);

            int[] schedule = trainer.Schedule.ToArray();
            schedule.Order().Should().Equal(Enumerable.Range(0, b * b), "every block runs once per epoch");
            for (int s = 0; s < b; s++)
            {
                int[] stratum = schedule[(s * b)..((s + 1) * b)];
                stratum.Select(block => block / b).Should().OnlyHaveUniqueItems("no two blocks of a stratum share users");
                stratum.Select(block => block % b).Should().OnlyHaveUniqueItems("no two blocks of a stratum share items");
            }

            List<BiasedSgdEntry> order = trainer.LastEpochOrder();
            order.Select(x => (x.User, x.Item, x.Value)).Order().SequenceEqual(train.Select(r => (r.User.Value, r.Item.Value, r.Value))).Should().BeTrue("each epoch applies every training rating once");
            foreach (List<BiasedSgdEntry> previous in previousOrders)
            {
                order.SequenceEqual(previous).Should().BeFalse("the order is drawn afresh each epoch");
            }

            foreach (int[] previous in previousSchedules)
            {
                schedule.SequenceEqual(previous).Should().BeFalse("the strata are drawn afresh each epoch");
            }

            previousOrders.Add(order);
            previousSchedules.Add(schedule);
        }
    }

    [Fact]
    public void Trainer_Groups_HoldAboutTheSameNumberOfRatings()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.4, seed: 11);
        using BiasedSgdTraining trainer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4 }).CreateTrainer(train);
        int b = trainer.GridSize;
        int[] sizes = trainer.BlockSizes();

        sizes.Sum().Should().Be(train.Count);
        double share = train.Count / (double)b;
        for (int g = 0; g < b; g++)
        {
            int userGroup = 0, itemGroup = 0;
            for (int k = 0; k < b; k++)
            {
                userGroup += sizes[(g * b) + k];
                itemGroup += sizes[(k * b) + g];
            }

            userGroup.Should().BeInRange((int)(0.8 * share), (int)(1.2 * share));
            itemGroup.Should().BeInRange((int)(0.8 * share), (int)(1.2 * share));
        }
    }

    [Fact]
    public void Trainer_Blocks_ApplyTheirRatingsAsInterleavedByUserStreamsInEveryEpoch()
    {
        // A fixed order within a block (the epoch's randomness is the schedule of the blocks): LIBMF's by user, then item,
        // cut into S streams taken in turn; undoing the interleaving must give the sorted block back.
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.4, seed: 11);
        using BiasedSgdTraining trainer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4, Seed = 8 }).CreateTrainer(train);
        int[] sizes = trainer.BlockSizes();

        for (int epoch = 0; epoch < 2; epoch++)
        {
            trainer.RunEpoch(0.01f, 0.05f, 0.01f, 0.02f, CancellationToken.None);
            List<BiasedSgdEntry> order = trainer.LastEpochOrder();
            int start = 0;
            foreach (int block in trainer.Schedule.ToArray())
            {
                List<(int User, int Item)> ratings = order.GetRange(start, sizes[block]).ConvertAll(x => (x.User, x.Item));
                Deinterleave(ratings, BiasedSgdTraining.Streams).Should().BeInAscendingOrder("block {0} is its ratings by user, then item, in {1} streams", block, BiasedSgdTraining.Streams);
                if (ratings.Count >= 2 * BiasedSgdTraining.Streams)
                {
                    ratings[1].Should().Be(Deinterleave(ratings, BiasedSgdTraining.Streams)[ratings.Count / BiasedSgdTraining.Streams], "the second rating opens the second stream");
                }

                start += sizes[block];
            }

            start.Should().Be(train.Count);
        }
    }

    /// <summary>Undoes the interleaving: stream s holds sorted positions [s·L/S, (s+1)·L/S), and the order takes one from each non-empty stream in turn.</summary>
    private static List<(int User, int Item)> Deinterleave(List<(int User, int Item)> ratings, int streams)
    {
        int length = ratings.Count;
        var sorted = new (int User, int Item)[length];
        int k = 0;
        for (int j = 0; k < length; j++)
        {
            for (int s = 0; s < streams; s++)
            {
                int from = s * length / streams, to = (s + 1) * length / streams;
                if (from + j < to)
                {
                    sorted[from + j] = ratings[k++];
                }
            }
        }

        return [.. sorted];
    }

    [Fact]
    public void GroupMajorSlots_EachGroup_TakesConsecutiveSlotsInIndexOrder()
    {
        int[] group = [2, 0, 1, 0, 2, 2, 1, 0];

        int[] slots = StratifiedSchedule.GroupMajorSlots(group, 3);

        // Group 0 is rows 1, 3, 7; group 1 is rows 2, 6; group 2 is rows 0, 4, 5.
        slots.Should().Equal(5, 0, 3, 1, 6, 7, 4, 2);
    }

    [Theory]
    [InlineData(943, 1682, 112, 16)] // MovieLens 100k at d = 100 (stride 112)
    [InlineData(6040, 3706, 112, 16)] // MovieLens 1M: (6 040 + 3 706)·112·4 B / 16 = 273 KB per group pair
    [InlineData(30_000, 7_000, 112, 16)] // 16 576 000 B / 16 = 1 036 000 B, just under 1 MiB = 1 048 576 B
    [InlineData(31_000, 7_000, 112, 32)] // 17 024 000 B / 16 = 1 064 000 B, just over
    [InlineData(69_878, 10_677, 112, 64)] // MovieLens 10M: 36.1 MB / 32 = 1.13 MB, still above 1 MiB
    [InlineData(162_541, 59_047, 112, 64)] // MovieLens 25M: capped at 64
    [InlineData(50_000, 10_000, 32, 16)] // 7.7 MB / 16 = 480 KB
    public void Trainer_GridSize_GrowsWithTheFactorMatricesOnly(int users, int items, int stride, int expected)
    {
        BiasedSgdTraining.GridSizeFor(users, items, stride).Should().Be(expected);
    }

    // ------------------------------------------------------------------ progress, logging, early stopping

    [Fact]
    public void Fit_ReportInterval_ReportsEveryIntervalAndTheLastWithTheLossTerms()
    {
        RatingsDataset all = FullBatchTestData.Random(60, 50, 0.4, seed: 8);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.2, seed: 1);
        var reports = new List<TrainingProgress>();
        BiasedSgdOptions options = new() { Dimensions = 5, Iterations = 25, ReportInterval = 10, Regularization = 0.07, BiasRegularization = 0.03 };

        FactorizationModel model = new BiasedSgdFactorizer(options).Fit(split.Train, split.Test, new SyncProgress(reports));

        reports.Select(r => r.Iteration).Should().Equal(10, 20, 25);
        reports.Should().OnlyContain(r => r.TotalIterations == 25 && r.ValidationMse != null && r.GravityLoss == 0);
        reports[^1].TrainMse.Should().BeApproximately(model.MeanSquaredError(split.Train), 1e-5);
        reports[^1].ValidationMse!.Value.Should().BeApproximately(model.MeanSquaredError(split.Test), 1e-5);
        reports[^1].RegularizationLoss.Should().BeApproximately(RegularizationLoss(model, split.Train, 0.07, 0.03), 1e-6);
        reports[^1].RegularizationLoss.Should().BePositive();
        reports[0].ObservedLoss.Should().BeGreaterThan(reports[^1].ObservedLoss);
        reports[^1].TotalLoss.Should().Be(reports[^1].ObservedLoss + reports[^1].RegularizationLoss);
    }

    [Fact]
    public void Fit_WithLogger_LogsStartProgressAndCompletionWithStableIds()
    {
        var logger = new ListLogger();
        RatingsDataset train = FullBatchTestData.Random(30, 20, 0.5, seed: 1);

        new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4, Iterations = 4, ReportInterval = 2 }, logger).Fit(train);

        logger.Entries.Select(e => e.Id).Should().Equal(1300, 1301, 1301, 1303);
        logger.Entries[0].Message.Should().Contain("30 users").And.Contain("d = 4").And.Contain("4 epochs");
        logger.Entries[^1].Level.Should().Be(LogLevel.Information);
    }

    [Fact]
    public void Fit_EarlyStopping_StopsAfterPatienceAndReturnsTheBestEpoch()
    {
        // No penalty, a large step and a wide model on little data: the validation error turns up after a few epochs.
        RatingsDataset all = FullBatchTestData.Random(60, 50, 0.4, seed: 3);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.25, seed: 2);
        var reports = new List<TrainingProgress>();
        var logger = new ListLogger();
        BiasedSgdOptions options = new()
        {
            Dimensions = 30,
            Iterations = 200,
            LearningRate = 0.05,
            Regularization = 0,
            BiasRegularization = 0,
            InitStdDev = 0.3,
            LearningRateDecay = 1,
            ReportInterval = 1,
            EarlyStoppingPatience = 3,
        };

        FactorizationModel model = new BiasedSgdFactorizer(options, logger).Fit(split.Train, split.Test, new SyncProgress(reports));

        int best = reports.MinBy(r => r.ValidationMse!.Value).Iteration;
        reports[^1].Iteration.Should().Be(best + 3).And.BeLessThan(200);
        reports.Select(r => r.Iteration).Should().Equal(Enumerable.Range(1, best + 3));
        model.MeanSquaredError(split.Test).Should().BeApproximately(reports[best - 1].ValidationMse!.Value, 1e-5);
        model.MeanSquaredError(split.Test).Should().BeLessThan(reports[^1].ValidationMse!.Value);
        logger.Entries.Should().Contain(e => e.Id == 1306 && e.Message.Contains($"kept epoch {best}"));
    }

    [Fact]
    public void Fit_EarlyStoppingWithoutValidation_RunsEveryEpoch()
    {
        var reports = new List<TrainingProgress>();
        BiasedSgdOptions options = new() { Dimensions = 4, Iterations = 12, ReportInterval = 1, EarlyStoppingPatience = 1, LearningRate = 0.05, Regularization = 0 };

        new BiasedSgdFactorizer(options).Fit(FullBatchTestData.Random(30, 20, 0.5, seed: 1), progress: new SyncProgress(reports));

        reports.Select(r => r.Iteration).Should().Equal(Enumerable.Range(1, 12));
        reports.Should().OnlyContain(r => r.ValidationMse == null);
    }

    // ------------------------------------------------------------------ robustness

    [Fact]
    public void Fit_HugeLearningRate_ThrowsDivergedNamingEpochAndRate()
    {
        var logger = new ListLogger();
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 8, Iterations = 50, LearningRate = 1000, LearningRateDecay = 1, InitStdDev = 1 }, logger);

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.5, seed: 1));

        TrainingDivergedException ex = fit.Should().Throw<TrainingDivergedException>().Which;
        ex.Iteration.Should().BeInRange(1, 50);
        ex.Message.Should().Contain($"iteration {ex.Iteration}").And.Contain("learning rate 1000").And.Contain("smaller learning rate");
        double.IsFinite(ex.Loss).Should().BeFalse();
        logger.Entries.Should().Contain(e => e.Id == 1304 && e.Level == LogLevel.Warning);
    }

    [Fact]
    public void Fit_CancelledFromProgress_ThrowsBeforeNextEpoch()
    {
        using var cts = new CancellationTokenSource();
        var reports = new List<TrainingProgress>();
        var logger = new ListLogger();
        var progress = new SyncProgress(reports, p =>
        {
            if (p.Iteration == 3)
            {
                cts.Cancel();
            }
        });
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4, Iterations = 100, ReportInterval = 1 }, logger);

        Action fit = () => factorizer.Fit(FullBatchTestData.Random(30, 20, 0.4, seed: 1), progress: progress, cancellationToken: cts.Token);

        fit.Should().Throw<OperationCanceledException>();
        reports.Select(r => r.Iteration).Should().Equal(1, 2, 3);
        logger.Entries.Should().Contain(e => e.Id == 1305 && e.Message.Contains("after 3 epochs"));
    }

    [Fact]
    public void Trainer_CancelledToken_StopsWithinTheEpoch()
    {
        using BiasedSgdTraining trainer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4 }).CreateTrainer(FullBatchTestData.Tiny());

        Action epoch = () => trainer.RunEpoch(0.01f, 0.05f, 0.01f, 0.02f, new CancellationToken(canceled: true));

        epoch.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public async Task Trainer_CancelledWhileSeveralWorkersRun_ThrowsAndReleasesEveryWorker()
    {
        // Blocks wait for each other's rows; a cancellation at any point must stop the epoch, not leave a worker waiting.
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.4, seed: 11);
        using BiasedSgdTraining trainer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 8, MaxDegreeOfParallelism = 4 }).CreateTrainer(train);
        trainer.WorkerCount.Should().Be(4);
        using var source = new CancellationTokenSource();
        Task cancel = Task.Run(source.Cancel);

        Action epochs = () =>
        {
            for (int epoch = 0; epoch < 100_000; epoch++)
            {
                trainer.RunEpoch(0.01f, 0.05f, 0.01f, 0.02f, source.Token);
            }
        };

        epochs.Should().Throw<OperationCanceledException>();
        await cancel;
        trainer.RunEpoch(0.01f, 0.05f, 0.01f, 0.02f, CancellationToken.None).Should().BePositive("the workers are free for the next epoch");
    }

    [Fact]
    public void Fit_AlreadyCancelled_Throws()
    {
        Action fit = () => new BiasedSgdFactorizer().Fit(FullBatchTestData.Tiny(), cancellationToken: new CancellationToken(canceled: true));

        fit.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Fit_EmptyTrainingSet_ThrowsArgumentExceptionNamingTrain()
    {
        Action fit = () => new BiasedSgdFactorizer().Fit(RatingsDataset.Empty(Catalog.Sequential(3, 4)));

        ArgumentException ex = fit.Should().Throw<ArgumentException>().Which;
        ex.ParamName.Should().Be("train");
        ex.Message.Should().Contain("no ratings");
    }

    [Fact]
    public void Fit_NullTrainingSet_ThrowsArgumentNullException()
    {
        Action fit = () => new BiasedSgdFactorizer().Fit(null!);

        fit.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("train");
    }

    [Fact]
    public void Fit_ValidationFromAnotherCatalogue_ThrowsNamingValidation()
    {
        RatingsDataset other = new RatingsDatasetBuilder(Catalog.Sequential(3, 5)).Add(new Rating(U(0), I(4), 3)).Build();

        Action fit = () => new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 2, Iterations = 1 }).Fit(FullBatchTestData.Tiny(), other);

        ArgumentException ex = fit.Should().Throw<ArgumentException>().Which;
        ex.ParamName.Should().Be("validation");
        ex.Message.Should().Contain("another catalogue");
    }

    [Theory]
    [InlineData(nameof(BiasedSgdOptions.Dimensions))]
    [InlineData(nameof(BiasedSgdOptions.Iterations))]
    [InlineData(nameof(BiasedSgdOptions.LearningRate))]
    [InlineData(nameof(BiasedSgdOptions.BiasLearningRate))]
    [InlineData(nameof(BiasedSgdOptions.Regularization))]
    [InlineData(nameof(BiasedSgdOptions.BiasRegularization))]
    [InlineData(nameof(BiasedSgdOptions.InitStdDev))]
    [InlineData(nameof(BiasedSgdOptions.LearningRateDecay))]
    [InlineData(nameof(BiasedSgdOptions.MaxDegreeOfParallelism))]
    [InlineData(nameof(BiasedSgdOptions.ReportInterval))]
    [InlineData(nameof(BiasedSgdOptions.EarlyStoppingPatience))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option)
    {
        foreach (BiasedSgdOptions invalid in InvalidOptions(option))
        {
            Action create = () => _ = new BiasedSgdFactorizer(invalid);

            ArgumentOutOfRangeException ex = create.Should().Throw<ArgumentOutOfRangeException>().Which;
            ex.ParamName.Should().Be(option);
            ex.Message.Should().Contain(option);
        }
    }

    [Fact]
    public void Constructor_NoOptions_UsesTheDocumentedMovieLensDefaults()
    {
        BiasedSgdOptions options = new BiasedSgdFactorizer().Options;

        options.Dimensions.Should().Be(50);
        options.Iterations.Should().Be(60);
        options.LearningRate.Should().Be(0.01);
        options.BiasLearningRate.Should().BeNull();
        options.Regularization.Should().Be(0.08);
        options.BiasRegularization.Should().Be(0.02);
        options.InitStdDev.Should().Be(0.1);
        options.LearningRateDecay.Should().Be(0.97);
        options.MaxDegreeOfParallelism.Should().Be(-1);
        options.EarlyStoppingPatience.Should().Be(0);
    }

    [Fact]
    public void Options_ValidEdgeValues_AreAccepted()
    {
        Action create = () => _ = new BiasedSgdFactorizer(new BiasedSgdOptions { Regularization = 0, BiasRegularization = 0, LearningRateDecay = 1, BiasLearningRate = 1e-6 });

        create.Should().NotThrow();
    }

    /// <summary>(1/|Ω|)·Σ_(u,i)∈Ω [λ(‖p_u‖² + ‖q_i‖²) + λ_b(b_u² + b_i²)], written plainly over the ratings.</summary>
    private static double RegularizationLoss(FactorizationModel model, RatingsDataset train, double lambda, double biasLambda)
    {
        double sum = 0;
        foreach (Rating r in train)
        {
            double pu = 0, qi = 0;
            foreach (float x in model.GetUserEmbedding(r.User))
            {
                pu += (double)x * x;
            }

            foreach (float x in model.GetItemEmbedding(r.Item))
            {
                qi += (double)x * x;
            }

            double bu = model.UserBiases[r.User.Value], bi = model.ItemBiases[r.Item.Value];
            sum += (lambda * (pu + qi)) + (biasLambda * ((bu * bu) + (bi * bi)));
        }

        return sum / train.Count;
    }

    private static IEnumerable<BiasedSgdOptions> InvalidOptions(string option)
    {
        var o = new BiasedSgdOptions();
        return option switch
        {
            nameof(BiasedSgdOptions.Dimensions) => [o with { Dimensions = 0 }, o with { Dimensions = -1 }],
            nameof(BiasedSgdOptions.Iterations) => [o with { Iterations = 0 }],
            nameof(BiasedSgdOptions.LearningRate) => [o with { LearningRate = 0 }, o with { LearningRate = -0.01 }, o with { LearningRate = double.NaN }, o with { LearningRate = double.PositiveInfinity }],
            nameof(BiasedSgdOptions.BiasLearningRate) => [o with { BiasLearningRate = 0 }, o with { BiasLearningRate = -1 }, o with { BiasLearningRate = double.NaN }],
            nameof(BiasedSgdOptions.Regularization) => [o with { Regularization = -0.1 }, o with { Regularization = double.NaN }, o with { Regularization = double.PositiveInfinity }],
            nameof(BiasedSgdOptions.BiasRegularization) => [o with { BiasRegularization = -0.1 }, o with { BiasRegularization = double.NaN }],
            nameof(BiasedSgdOptions.InitStdDev) => [o with { InitStdDev = 0 }, o with { InitStdDev = -1 }, o with { InitStdDev = double.NaN }],
            nameof(BiasedSgdOptions.LearningRateDecay) => [o with { LearningRateDecay = 0 }, o with { LearningRateDecay = 1.01 }, o with { LearningRateDecay = -0.5 }, o with { LearningRateDecay = double.NaN }],
            nameof(BiasedSgdOptions.MaxDegreeOfParallelism) => [o with { MaxDegreeOfParallelism = 0 }, o with { MaxDegreeOfParallelism = -2 }],
            nameof(BiasedSgdOptions.ReportInterval) => [o with { ReportInterval = 0 }],
            nameof(BiasedSgdOptions.EarlyStoppingPatience) => [o with { EarlyStoppingPatience = -1 }],
            _ => throw new ArgumentOutOfRangeException(nameof(option)),
        };
    }

    /// <summary>Surprise's per-rating updates in double precision, replaying a given order.</summary>
    private sealed class Reference
    {
        private readonly int _d;

        public Reference(RatingsDataset train, float[] u, float[] v, int d)
        {
            _d = d;
            U = FullBatchTestData.ToDouble(u);
            V = FullBatchTestData.ToDouble(v);
            BU = new double[train.UserCount];
            BI = new double[train.ItemCount];
            Mean = train.Average(r => (double)r.Value);
        }

        public double[] U { get; }

        public double[] V { get; }

        public double[] BU { get; }

        public double[] BI { get; }

        public double Mean { get; }

        public double Epoch(IEnumerable<BiasedSgdEntry> order, double lr, double lambda, double biasLr, double biasLambda)
        {
            double sse = 0;
            foreach (BiasedSgdEntry x in order)
            {
                int pu = x.User * _d, qi = x.Item * _d;
                double e = x.Value - Predict(x.User, x.Item);
                sse += e * e;
                BU[x.User] += biasLr * (e - (biasLambda * BU[x.User]));
                BI[x.Item] += biasLr * (e - (biasLambda * BI[x.Item]));
                for (int k = 0; k < _d; k++)
                {
                    double p = U[pu + k], q = V[qi + k];
                    U[pu + k] += lr * ((e * q) - (lambda * p));
                    V[qi + k] += lr * ((e * p) - (lambda * q));
                }
            }

            return sse;
        }

        public double Mse(RatingsDataset ratings) => ratings.Average(r => Math.Pow(r.Value - Predict(r.User.Value, r.Item.Value), 2));

        private double Predict(int user, int item)
        {
            double dot = 0;
            for (int k = 0; k < _d; k++)
            {
                dot += U[(user * _d) + k] * V[(item * _d) + k];
            }

            return Mean + BU[user] + BI[item] + dot;
        }
    }

    /// <summary>Records every log entry with its event id.</summary>
    private sealed class ListLogger : ILogger
    {
        public List<(int Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
    }
}
