using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.FullBatch;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed class FullBatchTrainingTests
{
    [Theory]
    [InlineData(3)]  // scalar kernels
    [InlineData(10)] // rows padded with zero columns to whole vectors
    [InlineData(16)] // vector kernels, no padding
    [InlineData(30)] // the notebook's d, padded to 32
    public void ComputeGradient_EachLossTerm_MatchesCentralFiniteDifferences(int d)
    {
        RatingsDataset train = FullBatchTestData.Random(12, 9, 0.4, seed: d);
        float[] u = FullBatchTestData.RandomMatrix(12, d, 0.5, seed: 100 + d);
        float[] v = FullBatchTestData.RandomMatrix(9, d, 0.5, seed: 200 + d);

        (float[] mseU, float[] mseV) = Gradient(train, u, v, d, 0, 0);
        (float[] regU, float[] regV) = Gradient(train, u, v, d, 1, 0);
        (float[] gravU, float[] gravV) = Gradient(train, u, v, d, 0, 1);

        double[] ud = FullBatchTestData.ToDouble(u), vd = FullBatchTestData.ToDouble(v);
        AssertMatchesFiniteDifferences(mseU, mseV, null, null, train, ud, vd, d, l => l.Mse);
        AssertMatchesFiniteDifferences(regU, regV, mseU, mseV, train, ud, vd, d, l => l.R);
        AssertMatchesFiniteDifferences(gravU, gravV, mseU, mseV, train, ud, vd, d, l => l.G);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(13)]
    [InlineData(32)]
    public void Losses_GravityThroughGramMatrices_EqualsBruteForceOverAllPairs(int d)
    {
        RatingsDataset train = FullBatchTestData.Random(57, 43, 0.2, seed: 5);
        float[] u = FullBatchTestData.RandomMatrix(57, d, 0.7, seed: 1);
        float[] v = FullBatchTestData.RandomMatrix(43, d, 0.7, seed: 2);
        (double mse, double r, double g) = FullBatchTestData.Losses(train, FullBatchTestData.ToDouble(u), FullBatchTestData.ToDouble(v), d);
        var factorizer = new RegularizedFactorizer(new RegularizedOptions { Dimensions = d, MaxDegreeOfParallelism = 2 });
        using FullBatchTraining trainer = factorizer.CreateTrainer(train, u, v);

        FullBatchLosses losses = trainer.Step();

        losses.Gravity.Should().BeApproximately(g, 1e-5 * g);
        losses.Regularization.Should().BeApproximately(r, 1e-5 * r);
        losses.ObservedMse.Should().BeApproximately(mse, 1e-5 * mse);
    }

    [Fact]
    public void Step_PaddedRows_PaddingNeverLeaksIntoTheResult()
    {
        // d = 30 is computed on rows of 32; the model, gradients and Gram matrices come back at d = 30.
        RatingsDataset train = FullBatchTestData.Random(25, 18, 0.3, seed: 8);
        const int d = 30;
        float[] u = FullBatchTestData.RandomMatrix(25, d, 0.5, seed: 3);
        float[] v = FullBatchTestData.RandomMatrix(18, d, 0.5, seed: 4);
        (double mse, double r, double g) = FullBatchTestData.Losses(train, FullBatchTestData.ToDouble(u), FullBatchTestData.ToDouble(v), d);
        using FullBatchTraining trainer = new RegularizedFactorizer(new RegularizedOptions { Dimensions = d, MaxDegreeOfParallelism = 2 }).CreateTrainer(train, u, v);

        FullBatchLosses losses = trainer.Step();

        trainer.Users.Should().HaveCount(25 * d);
        trainer.Items.Should().HaveCount(18 * d);
        trainer.UserGram.Length.Should().Be(d * d);
        trainer.ItemGram.Length.Should().Be(d * d);
        losses.ObservedMse.Should().BeApproximately(mse, 1e-5 * mse);
        losses.Regularization.Should().BeApproximately(r, 1e-5 * r);
        losses.Gravity.Should().BeApproximately(g, 1e-5 * g);
    }

    [Theory]
    [InlineData(10, 0.0, 0.0, 1, 0)] // U in slices: the item pass runs once per slice
    [InlineData(10, 0.1, 1.0, 3, 0)]
    [InlineData(30, 0.0, 0.0, 7, 0)]
    [InlineData(30, 0.1, 1.0, 16, 0)]
    [InlineData(3, 0.1, 1.0, 5, 0)]
    [InlineData(10, 0.0, 0.0, 0, 1)] // V in slices: the user pass runs once per slice
    [InlineData(16, 0.1, 1.0, 0, 4)]
    [InlineData(30, 0.0, 0.0, 0, 7)]
    [InlineData(64, 0.1, 1.0, 0, 10)]
    [InlineData(3, 0.1, 1.0, 0, 5)]
    [InlineData(30, 0.1, 1.0, 9, 6)] // both
    public void Step_PassesOverSlices_SameStepAsOnePass(int d, double regularization, double gravity, int usersPerSlice, int itemsPerSlice)
    {
        RatingsDataset train = FullBatchTestData.Random(40, 25, 0.3, seed: 17 + d);
        RatingsDataset validation = FullBatchTestData.Random(40, 25, 0.1, seed: 91 + d);
        float[] u = FullBatchTestData.RandomMatrix(40, d, 0.5, seed: 5);
        float[] v = FullBatchTestData.RandomMatrix(25, d, 0.5, seed: 6);
        using var whole = new FullBatchTraining(train, validation, d, 3, regularization, gravity, 2, (float[])u.Clone(), (float[])v.Clone());
        using var sliced = new FullBatchTraining(train, validation, d, 3, regularization, gravity, 2, (float[])u.Clone(), (float[])v.Clone(), usersPerSlice, itemsPerSlice: itemsPerSlice);

        for (int step = 0; step < 3; step++)
        {
            FullBatchLosses a = whole.Step();
            FullBatchLosses b = sliced.Step();

            // Over item slices the squared errors are added slice by slice (groups of four restart at each slice), so their sum may differ in the last bits.
            b.ObservedMse.Should().BeApproximately(a.ObservedMse, 1e-12 * a.ObservedMse);
            (b.Regularization, b.Gravity).Should().Be((a.Regularization, a.Gravity));
        }

        // Each row sums its ratings in the other side's order either way, one multiply-add chain across the slices.
        Bits([.. sliced.Users, .. sliced.Items]).Should().Equal(Bits([.. whole.Users, .. whole.Items]));
        sliced.Evaluate().Should().Be(whole.Evaluate(), "evaluation walks each user's slices in item order, the same sums");
        sliced.Users.Should().NotEqual(u, "the steps moved the users");
        sliced.StoredResiduals.Should().BeEmpty("sliced, every step recomputes the residuals, one worker included");
    }

    [Theory]
    [InlineData(9, 0)]
    [InlineData(0, 7)]
    [InlineData(9, 7)]
    public void Step_PassesOverSlices_BitIdenticalForAnyThreadCount(int usersPerSlice, int itemsPerSlice)
    {
        const int d = 12;
        RatingsDataset train = FullBatchTestData.Random(60, 45, 0.3, seed: 23);
        float[] u = FullBatchTestData.RandomMatrix(60, d, 0.5, seed: 7);
        float[] v = FullBatchTestData.RandomMatrix(45, d, 0.5, seed: 8);
        float[]? reference = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var trainer = new FullBatchTraining(train, null, d, 3, 0.1, 1, threads, (float[])u.Clone(), (float[])v.Clone(), usersPerSlice, itemsPerSlice: itemsPerSlice);
            for (int step = 0; step < 4; step++)
            {
                trainer.Step();
            }

            float[] result = [.. trainer.Users, .. trainer.Items];
            if (reference is null)
            {
                reference = result;
            }
            else
            {
                result.Select(BitConverter.SingleToInt32Bits).Should().Equal(reference.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    /// <summary>
    /// Rows of a stride with row kernels (multiples of 8 up to 64) go through the register-accumulating
    /// row kernels; they must compute exactly
    /// what the generic loop computes (same multiply-add chains), with rows of every length mod 4,
    /// on 1 and 2 threads, with and without gravity, and through the gradient-only path.
    /// </summary>
    [Theory]
    [InlineData(30, 0.0, 0.0, 1)]
    [InlineData(32, 0.1, 1.0, 1)]
    [InlineData(27, 0.1, 1.0, 2)]
    [InlineData(8, 0.1, 0.0, 1)]
    [InlineData(12, 0.0, 1.0, 2)]
    [InlineData(40, 0.1, 1.0, 1)]
    [InlineData(50, 0.1, 1.0, 2)]
    [InlineData(64, 0.0, 0.0, 2)]
    public void Step_RowKernels_BitIdenticalToTheGenericLoop(int d, double regularization, double gravity, int threads)
    {
        RatingsDataset train = FullBatchTestData.Random(70, 50, 0.35, seed: d);
        float[] u = FullBatchTestData.RandomMatrix(70, d, 0.5, seed: 3);
        float[] v = FullBatchTestData.RandomMatrix(50, d, 0.5, seed: 4);
        using var registers = new FullBatchTraining(train, null, d, 3, regularization, gravity, threads, (float[])u.Clone(), (float[])v.Clone());
        using var generic = new FullBatchTraining(train, null, d, 3, regularization, gravity, threads, (float[])u.Clone(), (float[])v.Clone(), registerRows: false);
        for (int step = 0; step < 4; step++)
        {
            FullBatchLosses a = registers.Step(), b = generic.Step();
            a.Should().Be(b);
        }

        float[] gu = new float[70 * d], gv = new float[50 * d], hu = new float[70 * d], hv = new float[50 * d];
        registers.ComputeGradient(gu, gv);
        generic.ComputeGradient(hu, hv);
        Bits([.. registers.Users, .. registers.Items, .. gu, .. gv]).Should().Equal(Bits([.. generic.Users, .. generic.Items, .. hu, .. hv]));
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

    /// <summary>
    /// A parallel step's item pass recomputes each residual instead of reading the one the user pass
    /// stored: for every stride class (scalar below 8, whole 256-bit vectors, 512-bit rows with a masked
    /// tail at 24, 40, 56, unpadded 70) the two must be the same bits, rating for rating.
    /// </summary>
    [Theory]
    [InlineData(3, true)]
    [InlineData(8, true)]
    [InlineData(13, false)]
    [InlineData(24, true)]
    [InlineData(30, true)]
    [InlineData(40, false)]
    [InlineData(50, true)]
    [InlineData(56, true)]
    [InlineData(64, true)]
    [InlineData(70, true)]
    public void RecomputedResiduals_EveryStride_BitIdenticalToThoseTheUserPassStored(int d, bool registerRows)
    {
        RatingsDataset train = FullBatchTestData.Random(70, 50, 0.35, seed: d);
        using var trainer = new FullBatchTraining(train, null, d, 3, 0.1, 1, 1, FullBatchTestData.RandomMatrix(70, d, 0.5, seed: 3), FullBatchTestData.RandomMatrix(50, d, 0.5, seed: 4), registerRows: registerRows);
        float[] gu = new float[70 * d], gv = new float[50 * d];
        for (int step = 0; step < 3; step++)
        {
            trainer.ComputeGradient(gu, gv); // one worker: the user pass stores the residuals at the current point
            float[] stored = trainer.StoredResiduals;
            stored.Should().Contain(e => e != 0);
            Bits(trainer.RecomputedResiduals()).Should().Equal(Bits(stored));
            trainer.Step();
        }
    }

    /// <summary>
    /// The schedules a step may run on (one thread storing and gathering the residuals; several threads
    /// recomputing them in the item pass, or gathering them) give the same bits, with and without the row
    /// kernels, gravity and user slices.
    /// </summary>
    [Theory]
    [InlineData(3, 0.1, 1.0, 0)]
    [InlineData(13, 0.1, 1.0, 0)]
    [InlineData(24, 0.1, 0.0, 0)]
    [InlineData(30, 0.0, 0.0, 0)]
    [InlineData(40, 0.1, 1.0, 0)]
    [InlineData(50, 0.1, 1.0, 0)]
    [InlineData(56, 0.0, 0.0, 0)]
    [InlineData(70, 0.1, 1.0, 0)]
    [InlineData(30, 0.1, 1.0, 9)]
    [InlineData(64, 0.0, 0.0, 64)]
    [InlineData(30, 0.1, 1.0, 9, 13)]
    [InlineData(64, 0.0, 0.0, 0, 50)]
    public void Step_ParallelRecomputingResiduals_BitIdenticalToOneThreadGathering(int d, double regularization, double gravity, int usersPerSlice, int itemsPerSlice = 0)
    {
        const int n = 300, m = 200; // enough ratings for several blocks even at d = 3
        RatingsDataset train = FullBatchTestData.Random(n, m, 0.3, seed: d + 1);
        float[] u = FullBatchTestData.RandomMatrix(n, d, 0.5, seed: 5), v = FullBatchTestData.RandomMatrix(m, d, 0.5, seed: 6);
        FullBatchTraining Create(int threads, StepSchedule schedule = StepSchedule.AllWorkersRecomputing, bool registerRows = true) =>
            new(train, null, d, 3, regularization, gravity, threads, (float[])u.Clone(), (float[])v.Clone(), usersPerSlice, registerRows: registerRows, schedule: schedule, itemsPerSlice: itemsPerSlice);

        using FullBatchTraining reference = Create(1), twoRecompute = Create(2), threeRecompute = Create(3), twoGather = Create(2, StepSchedule.AllWorkersGathering),
            twoAlone = Create(2, StepSchedule.CallerAlone), twoGeneric = Create(2, registerRows: false),
            twoOwn = Create(2, StepSchedule.AllWorkersOwnRows), threeOwn = Create(3, StepSchedule.AllWorkersOwnRows),
            twoOwnGeneric = Create(2, StepSchedule.AllWorkersOwnRows, registerRows: false);
        FullBatchTraining[] others = [twoRecompute, threeRecompute, twoGather, twoAlone, twoGeneric, twoOwn, threeOwn, twoOwnGeneric];
        float[] gu = new float[n * d], gv = new float[m * d], hu = new float[n * d], hv = new float[m * d];
        for (int step = 0; step < 4; step++)
        {
            FullBatchLosses expected = reference.Step();
            foreach (FullBatchTraining other in others)
            {
                other.Step().Should().Be(expected);
            }
        }

        reference.ComputeGradient(gu, gv);
        int[] expectedBits = Bits([.. reference.Users, .. reference.Items, .. gu, .. gv]);
        foreach (FullBatchTraining other in others)
        {
            other.WorkerCount.Should().BeGreaterThan(1);
            other.ComputeGradient(hu, hv);
            Bits([.. other.Users, .. other.Items, .. hu, .. hv]).Should().Equal(expectedBits);
        }
    }

    [Fact]
    public void Step_TunerSwitchingBetweenSchedules_BitIdenticalToOneThread()
    {
        const int d = 30;
        RatingsDataset train = FullBatchTestData.Random(80, 60, 0.3, seed: 17);
        float[] u = FullBatchTestData.RandomMatrix(80, d, 0.5, seed: 1), v = FullBatchTestData.RandomMatrix(60, d, 0.5, seed: 2);
        using var reference = new FullBatchTraining(train, null, d, 3, 0.1, 1, 1, (float[])u.Clone(), (float[])v.Clone());

        // Probes of one step each, one step between probes, no schedule ever losing clearly: the schedule changes every
        // step or two, whatever the clock says.
        var tuner = new ScheduleTuner(schedules: 4, warmupSteps: 0, probeSteps: 1, baseInterval: 1, maxInterval: 1, clearLossFactor: double.PositiveInfinity);
        using var adaptive = new FullBatchTraining(train, null, d, 3, 0.1, 1, 2, (float[])u.Clone(), (float[])v.Clone(), tuner: tuner);
        for (int step = 0; step < 20; step++)
        {
            adaptive.Step().Should().Be(reference.Step());
            adaptive.Evaluate().Should().Be(reference.Evaluate()); // on the caller alone or not, as the steps
        }

        adaptive.StepsOn(StepSchedule.AllWorkersRecomputing).Should().BeGreaterThan(2);
        adaptive.StepsOn(StepSchedule.CallerAlone).Should().BeGreaterThan(2);
        adaptive.StepsOn(StepSchedule.AllWorkersGathering).Should().BeGreaterThan(2);
        adaptive.StepsOn(StepSchedule.AllWorkersOwnRows).Should().BeGreaterThan(2);
        Bits([.. adaptive.Users, .. adaptive.Items]).Should().Equal(Bits([.. reference.Users, .. reference.Items]));
    }

    [Theory]
    [InlineData(0, 0, 4)]
    [InlineData(32, 0, 3)]
    [InlineData(0, 32, 3)]
    public void Step_Adaptive_ProbesGatheringOnlyWhereItDiffers(int usersPerSlice, int itemsPerSlice, int schedulesRun)
    {
        // Sliced, gathering is the same step as all workers recomputing (both recompute), so the tuner leaves it out.
        // The trainer's own tuner: its first probe runs every schedule it keeps for at least a step (15 steps at most).
        const int d = 24;
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.3, seed: 4);
        using var trainer = new FullBatchTraining(train, null, d, 3, 0, 0, 2, FullBatchTestData.RandomMatrix(300, d, 0.1, seed: 1), FullBatchTestData.RandomMatrix(200, d, 0.1, seed: 2),
            usersPerSlice, itemsPerSlice: itemsPerSlice);
        trainer.WorkerCount.Should().Be(2);
        for (int step = 0; step < 16; step++)
        {
            trainer.Step();
        }

        Enum.GetValues<StepSchedule>().Count(s => trainer.StepsOn(s) > 0).Should().Be(schedulesRun);
        (trainer.StepsOn(StepSchedule.AllWorkersGathering) > 0).Should().Be(schedulesRun == 4);
    }

    [Fact]
    public void Step_GramMatricesAreThoseOfTheStartingPoint()
    {
        RatingsDataset train = FullBatchTestData.Random(20, 15, 0.3, seed: 5);
        const int d = 9;
        float[] u = FullBatchTestData.RandomMatrix(20, d, 0.5, seed: 1);
        float[] expected = new float[d * d];
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b < d; b++)
            {
                double s = 0;
                for (int i = 0; i < 20; i++)
                {
                    s += (double)u[(i * d) + a] * u[(i * d) + b];
                }

                expected[(a * d) + b] = (float)s;
            }
        }

        using FullBatchTraining trainer = new RegularizedFactorizer(new RegularizedOptions { Dimensions = d }).CreateTrainer(train, u, FullBatchTestData.RandomMatrix(15, d, 0.5, seed: 2));
        trainer.Step();

        trainer.UserGram.ToArray().Should().Equal(expected, (x, e) => Math.Abs(x - e) < 1e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Step_SingleThread_AllocatesNothing(bool regularized)
    {
        RatingsDataset all = FullBatchTestData.Random(200, 150, 0.2, seed: 3);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.1, seed: 1);
        const int d = 24;
        float[] u = FullBatchTestData.RandomMatrix(200, d, 0.1, seed: 1), v = FullBatchTestData.RandomMatrix(150, d, 0.1, seed: 2);
        using FullBatchTraining trainer = regularized
            ? new RegularizedFactorizer(new RegularizedOptions { Dimensions = d, MaxDegreeOfParallelism = 1 }).CreateTrainer(split.Train, u, v, split.Test)
            : new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = d, MaxDegreeOfParallelism = 1 }).CreateTrainer(split.Train, u, v, split.Test);
        trainer.Step();
        trainer.Evaluate();

        AllocationWindows.Measure(20, k =>
        {
            trainer.Step();
            if (k == 19)
            {
                _ = trainer.Evaluate();
            }
        }).ShouldHaveACleanWindow("a step (and the last one's evaluation)");
    }

    /// <summary>
    /// The adaptive schedule (timestamps, the tuner, switching between the caller alone and all workers) allocates
    /// nothing on the calling thread, step after step (in one window of 20 steps: see <see cref="AllocationWindows"/>).
    /// A failure names each window's bytes and the schedule and bytes of each step of the last one.
    /// </summary>
    [Fact]
    public void Step_TwoThreadsSwitchingSchedules_AllocatesNothing()
    {
        RatingsDataset train = FullBatchTestData.Random(300, 200, 0.3, seed: 4);
        const int d = 24, steps = 20;
        var tuner = new ScheduleTuner(schedules: 4, warmupSteps: 0, probeSteps: 1, baseInterval: 1, maxInterval: 1, clearLossFactor: double.PositiveInfinity);
        using var trainer = new FullBatchTraining(train, null, d, 3, 0.1, 1, 2, FullBatchTestData.RandomMatrix(300, d, 0.1, seed: 1), FullBatchTestData.RandomMatrix(200, d, 0.1, seed: 2), tuner: tuner);
        for (int k = 0; k < 8; k++)
        {
            trainer.Step(); // every schedule once, JIT included
        }

        int[] stepSchedules = new int[steps];
        AllocationWindows windows = AllocationWindows.Measure(steps, k =>
        {
            stepSchedules[k] = tuner.Choice;
            trainer.Step();
        });

        windows.AnyClean.Should().BeTrue(
            "a window of {0} steps must allocate nothing; the windows allocated {1} B, the last one's steps (schedule: bytes) {2}",
            steps, string.Join(", ", windows.WindowBytes), string.Join(", ", stepSchedules.Zip(windows.LastWindowCallBytes, (s, b) => $"{(StepSchedule)s}: {b}")));
        (trainer.StepsOn(StepSchedule.AllWorkersRecomputing) * trainer.StepsOn(StepSchedule.CallerAlone) * trainer.StepsOn(StepSchedule.AllWorkersGathering)
            * trainer.StepsOn(StepSchedule.AllWorkersOwnRows)).Should().BePositive();
    }

    [Fact]
    public void Partition_DependsOnlyOnDataAndCost()
    {
        int[] offsets = [0, 1000, 1000, 1001, 3000, 3010];

        int[] blocks = FullBatchTraining.Partition(offsets, d: 16, rowCost: 32);

        // Row costs 16 032, 32, 48, 32 016, 192 against a 32 768 target: cut after row 3, then the rest.
        blocks.Should().Equal(0, 4, 5);
    }

    [Fact]
    public void Partition_RowMultiple_CutsOnlyAfterWholeMultiples()
    {
        int[] offsets = [0, 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3001];

        int[] blocks = FullBatchTraining.Partition(offsets, d: 16, rowCost: 32, rowMultiple: 4);

        // Row 0 alone reaches the target, but the first cut waits for 4 rows; the last block takes the rest.
        blocks.Should().Equal(0, 4, 9);
    }

    [Theory]
    [InlineData(943, 32, 0, 943)]      // ML-100k, d = 30: 121 KB, one slice
    [InlineData(4096, 64, 0, 4096)]    // exactly 1 MB: one slice
    [InlineData(4097, 64, 0, 2049)]    // just over: two equal slices
    [InlineData(6040, 64, 0, 3020)]    // ML-1M, d = 64: 1.5 MB, two slices
    [InlineData(69_878, 64, 0, 3883)]  // ML-10M, d = 64: 18 MB, 18 slices
    [InlineData(69_878, 64, 100, 100)] // requested
    [InlineData(0, 64, 0, 1)]
    public void RowsPerSlice_AsFewEqualSlicesAsFitTheSliceBytes(int rows, int stride, int requested, int expected)
    {
        FullBatchTraining.RowsPerSlice(rows, stride, FullBatchTraining.UserSliceBytes, requested).Should().Be(expected);
    }

    [Fact]
    public void SliceMajor_SplitsEachItemRowAtTheUserSliceBounds_SliceBySlice()
    {
        // Three items over users 0..4 in slices of two users: {0, 1}, {2, 3}, {4}.
        int[] offsets = [0, 3, 3, 7];
        int[] users = [0, 2, 4, /* item 1 has none */ 1, 2, 3, 4];
        float[] values = [10, 12, 14, 21, 22, 23, 24];

        (int[] segments, int[] slicedUsers, float[] slicedValues) = FullBatchTraining.SliceMajor(offsets, users, values, columnsPerSlice: 2, slices: 3);

        // Slice 0: item 0 {0}, item 1 {}, item 2 {1}; slice 1: {2}, {}, {2, 3}; slice 2: {4}, {}, {4}.
        segments.Should().Equal(0, 1, 1, 2, 3, 3, 5, 6, 6, 7);
        slicedUsers.Should().Equal(0, 1, 2, 2, 3, 4, 4);
        slicedValues.Should().Equal(10, 21, 12, 22, 23, 14, 24);
    }

    private static (float[] U, float[] V) Gradient(RatingsDataset train, float[] u, float[] v, int d, double lambdaR, double lambdaG)
    {
        var factorizer = new RegularizedFactorizer(new RegularizedOptions { Dimensions = d, RegularizationWeight = lambdaR, GravityWeight = lambdaG, MaxDegreeOfParallelism = 2 });
        using FullBatchTraining trainer = factorizer.CreateTrainer(train, (float[])u.Clone(), (float[])v.Clone());
        var gu = new float[u.Length];
        var gv = new float[v.Length];
        trainer.ComputeGradient(gu, gv);
        return (gu, gv);
    }

    /// <summary>Checks (analytic − baseline) against (f(x + h) − f(x − h)) / 2h for every coordinate of U and V.</summary>
    private static void AssertMatchesFiniteDifferences(float[] gu, float[] gv, float[]? baseU, float[]? baseV, RatingsDataset train, double[] u, double[] v, int d, Func<(double Mse, double R, double G), double> term)
    {
        const double h = 1e-5;
        var fu = new double[u.Length];
        var fv = new double[v.Length];
        for (int k = 0; k < u.Length; k++)
        {
            fu[k] = Central(u, k);
        }

        for (int k = 0; k < v.Length; k++)
        {
            fv[k] = Central(v, k);
        }

        double scale = Math.Max(fu.Max(Math.Abs), fv.Max(Math.Abs));
        scale.Should().BeGreaterThan(1e-4, "the term must have a gradient worth checking");
        for (int k = 0; k < u.Length; k++)
        {
            double analytic = gu[k] - (baseU?[k] ?? 0);
            analytic.Should().BeApproximately(fu[k], 1e-4 * scale, $"∂/∂U[{k}]");
        }

        for (int k = 0; k < v.Length; k++)
        {
            double analytic = gv[k] - (baseV?[k] ?? 0);
            analytic.Should().BeApproximately(fv[k], 1e-4 * scale, $"∂/∂V[{k}]");
        }

        double Central(double[] x, int k)
        {
            double saved = x[k];
            x[k] = saved + h;
            double plus = term(FullBatchTestData.Losses(train, u, v, d));
            x[k] = saved - h;
            double minus = term(FullBatchTestData.Losses(train, u, v, d));
            x[k] = saved;
            return (plus - minus) / (2 * h);
        }
    }
}
