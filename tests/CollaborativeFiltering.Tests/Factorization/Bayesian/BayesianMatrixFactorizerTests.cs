using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>Bayesian PMF: options, determinism, the posterior's predictions, rankings and files.</summary>
public sealed partial class BayesianMatrixFactorizerTests
{
    private static readonly Lazy<RatingsDataset> Small = new(() => AlsTestData.Random(60, 45, 0.3, seed: 31));

    private static BayesianMatrixOptions Quick => new() { Dimensions = 4, Iterations = 30, BurnIn = 10, Seed = 5 };

    // ------------------------------------------------------------------ options

    [Fact]
    public void Constructor_BurnInNotBelowIterations_ThrowsNamingBurnIn()
    {
        FluentActions.Invoking(() => new BayesianMatrixFactorizer(new BayesianMatrixOptions { Iterations = 10, BurnIn = 10 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(BayesianMatrixOptions.BurnIn));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Constructor_NoisePrecisionNotPositive_ThrowsNamingIt(double alpha)
    {
        FluentActions.Invoking(() => new BayesianMatrixFactorizer(new BayesianMatrixOptions { NoisePrecision = alpha }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(BayesianMatrixOptions.NoisePrecision));
    }

    [Fact]
    public void Defaults_AreLibFmPractice()
    {
        var o = new BayesianMatrixOptions();

        o.Dimensions.Should().Be(10);
        o.Iterations.Should().Be(200);
        o.InitStdDev.Should().Be(0.1);
        o.ClipPredictions.Should().BeTrue();
        o.StoredSamples.Should().Be(int.MaxValue);
        o.NoisePrecision.Should().BeNull();
    }

    // ------------------------------------------------------------------ ordinal ratings

    private static readonly Lazy<SyntheticData> Stars = new(() => SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 300, Items = 200, Ratings = 9_000, MinRatingsPerUser = 10, Dimensions = 3, Seed = 4 }));

    /// <summary>After a sweep every latent score lies in its rating's interval (open beyond 1 and 5), and the item-major copy holds the same scores.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Step_OrdinalRatings_LatentScoresInTheirRatingsIntervals(bool halfStars)
    {
        RatingsDataset train = SyntheticDataGenerator.Generate(Stars.Value.Options with { HalfStars = halfStars }).Dataset;
        var options = Quick with { OrdinalRatings = true };
        int p = options.Dimensions + 1;
        using var training = new BayesianMatrixFactorizer(options).CreateTraining(train, new float[train.UserCount * p], new float[train.ItemCount * p]);

        training.Step(1, CancellationToken.None);
        training.Step(2, CancellationToken.None);

        double half = halfStars ? 0.25 : 0.5, min = halfStars ? 0.5 : 1;
        ReadOnlySpan<float> ratings = train.ByUser.Values, latent = training.FittedValues, itemMajor = training.FittedItemValues;
        int[] link = train.ItemToUserPositions();
        int moved = 0;
        for (int k = 0; k < ratings.Length; k++)
        {
            float r = ratings[k];
            if (r > min)
            {
                latent[k].Should().BeGreaterThanOrEqualTo((float)(r - half));
            }

            if (r < 5)
            {
                latent[k].Should().BeLessThanOrEqualTo((float)(r + half));
            }

            moved += latent[k] != r ? 1 : 0;
        }

        moved.Should().Be(ratings.Length, "every score is drawn, none left at its rating");
        for (int j = 0; j < link.Length; j++)
        {
            itemMajor[j].Should().Be(latent[link[j]]);
        }

        train.ByUser.Values.ToArray().Should().Equal(SyntheticDataGenerator.Generate(Stars.Value.Options with { HalfStars = halfStars }).Dataset.ByUser.Values.ToArray(), "the dataset's own ratings are not touched");
    }

    [Fact]
    public void Fit_OrdinalRatingsAnyThreadCount_BitIdentical()
    {
        BayesianMatrixOptions options = Quick with { OrdinalRatings = true };

        FactorizationModel one = new BayesianMatrixFactorizer(options with { MaxDegreeOfParallelism = 1 }).Fit(Stars.Value.Dataset);
        FactorizationModel three = new BayesianMatrixFactorizer(options with { MaxDegreeOfParallelism = 3 }).Fit(Stars.Value.Dataset);

        three.Posterior!.UserArray.Should().Equal(one.Posterior!.UserArray);
        three.Posterior.NoiseVariances.Should().Equal(one.Posterior.NoiseVariances);
    }

    [Fact]
    public void Fit_OrdinalRatingsOffTheStarGrid_ThrowsNamingTheOption()
    {
        RatingsDataset data = new RatingsDatasetBuilder().Add("u", "a", 3f).Add("u", "b", 3.7f).Add("v", "a", 4f).Build();

        FluentActions.Invoking(() => new BayesianMatrixFactorizer(Quick with { OrdinalRatings = true }).Fit(data))
            .Should().Throw<ArgumentException>().Where(e => e.Message.Contains("OrdinalRatings") && e.Message.Contains("3.7"));
    }

    /// <summary>
    /// On star ratings (rounded, clipped Gaussian scores: the generator's) the ordinal likelihood describes the
    /// data the Gaussian one misdescribes: on the 100k-rating shape (seed 7, 90/10 split, rank 10, 100 sweeps)
    /// its test RMSE is 1.1421× the noise floor against 1.1523×, and its noise is the latent scores' (planted
    /// σ = 0.5), below the Gaussian model's, which also absorbs the rounding. The test takes about two seconds.
    /// </summary>
    [Fact]
    public void Fit_OrdinalRatingsOnStarData_BeatsTheGaussianLikelihood()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 943, Items = 1682, Ratings = 100_000, Seed = 7 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.1, seed: 3);
        BayesianMatrixOptions options = new() { Iterations = 100 };

        FactorizationModel gaussian = new BayesianMatrixFactorizer(options).Fit(split.Train);
        FactorizationModel ordinal = new BayesianMatrixFactorizer(options with { OrdinalRatings = true }).Fit(split.Train);

        double floor = data.NoiseFloorRmse(split.Test);
        double gaussianRmse = Math.Sqrt(gaussian.MeanSquaredError(split.Test)), ordinalRmse = Math.Sqrt(ordinal.MeanSquaredError(split.Test));
        ordinalRmse.Should().BeLessThan(gaussianRmse - (0.005 * floor), "measured 1.1421× against 1.1523× the floor");
        float ordinalNoise = ordinal.PredictDistribution(new UserIndex(0), new ItemIndex(0)).NoiseStandardDeviation;
        float gaussianNoise = gaussian.PredictDistribution(new UserIndex(0), new ItemIndex(0)).NoiseStandardDeviation;
        ordinalNoise.Should().BeLessThan(gaussianNoise).And.BeInRange(0.45f, 0.56f);
    }

    // ------------------------------------------------------------------ determinism

    [Fact]
    public void Fit_SameSeedAnyThreadCount_BitIdentical()
    {
        FactorizationModel one = new BayesianMatrixFactorizer(Quick with { MaxDegreeOfParallelism = 1 }).Fit(Small.Value);
        FactorizationModel four = new BayesianMatrixFactorizer(Quick with { MaxDegreeOfParallelism = 4 }).Fit(Small.Value);

        four.UserEmbeddings.ToArray().Should().Equal(one.UserEmbeddings.ToArray());
        four.ItemEmbeddings.ToArray().Should().Equal(one.ItemEmbeddings.ToArray());
        four.UserBiases.ToArray().Should().Equal(one.UserBiases.ToArray());
        four.Posterior!.UserArray.Should().Equal(one.Posterior!.UserArray);
        four.Posterior.NoiseVariances.Should().Equal(one.Posterior.NoiseVariances);
    }

    [Fact]
    public void Fit_OtherSeed_OtherChain()
    {
        FactorizationModel a = new BayesianMatrixFactorizer(Quick).Fit(Small.Value);
        FactorizationModel b = new BayesianMatrixFactorizer(Quick with { Seed = 6 }).Fit(Small.Value);

        b.UserEmbeddings.ToArray().Should().NotEqual(a.UserEmbeddings.ToArray());
    }

    // ------------------------------------------------------------------ the posterior

    /// <summary>
    /// Predict is the posterior mean over the stored samples (each clamped into the range), which is not
    /// the prediction of the posterior-mean embeddings; the embeddings and biases are the samples' means.
    /// </summary>
    [Fact]
    public void Predict_IsTheMeanOverTheSamples_NotThePluginOfTheMeanEmbeddings()
    {
        FactorizationModel model = new BayesianMatrixFactorizer(Quick).Fit(Small.Value);
        PosteriorSamples samples = model.Posterior!;
        samples.Count.Should().Be(20);
        int d = model.Dimensions, p = d + 1;

        double largestGap = 0;
        for (int u = 0; u < 10; u++)
        {
            for (int i = 0; i < 10; i++)
            {
                double sum = 0, plugin = model.GlobalMean + model.UserBiases[u] + model.ItemBiases[i];
                for (int s = 0; s < samples.Count; s++)
                {
                    sum += Math.Clamp(samples.SamplePrediction(s, u, i), 1, 5);
                }

                for (int k = 0; k < d; k++)
                {
                    plugin += model.GetUserEmbedding(U(u))[k] * model.GetItemEmbedding(I(i))[k];
                }

                model.Predict(U(u), I(i)).Should().BeApproximately((float)(sum / samples.Count), 1e-5f);
                largestGap = Math.Max(largestGap, Math.Abs(model.Predict(U(u), I(i)) - Math.Clamp(plugin, 1, 5)));
            }
        }

        largestGap.Should().BeGreaterThan(1e-3, "the mean of ⟨q_s, v_s⟩ is not ⟨q̄, v̄⟩");
        double mean = 0;
        for (int s = 0; s < samples.Count; s++)
        {
            mean += samples.UserRows(s)[(3 * p) + 1];
        }

        model.GetUserEmbedding(U(3))[1].Should().BeApproximately((float)(mean / samples.Count), 1e-5f, "all 20 kept samples are stored, so their mean is the embedding");
    }

    /// <summary>The training's last validation report is the running posterior-mean MSE, which the model's own predictions reproduce.</summary>
    [Fact]
    public void Fit_LastValidationReport_EqualsTheModelsValidationMse()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(Small.Value, 0.2, seed: 2);
        var reports = new List<TrainingProgress>();

        FactorizationModel model = new BayesianMatrixFactorizer(Quick).Fit(split.Train, split.Test, new SyncProgress(reports));

        reports[^1].Iteration.Should().Be(30);
        reports[^1].ValidationMse!.Value.Should().BeApproximately(model.MeanSquaredError(split.Test), 1e-5);
        reports[^1].TrainMse.Should().BePositive();
    }

    [Fact]
    public void PredictDistribution_StandardDeviations_ArePositiveAndShrinkWithMoreRatings()
    {
        RatingsDataset train = Small.Value;
        FactorizationModel model = new BayesianMatrixFactorizer(Quick with { Iterations = 60 }).Fit(train);
        int heavy = Enumerable.Range(0, train.UserCount).MaxBy(u => train.ByUser.GetRowLength(u));
        int light = Enumerable.Range(0, train.UserCount).MinBy(u => train.ByUser.GetRowLength(u));

        double heavySd = Enumerable.Range(0, train.ItemCount).Average(i => model.WithPredictionRange(null).PredictDistribution(U(heavy), I(i)).StandardDeviation);
        double lightSd = Enumerable.Range(0, train.ItemCount).Average(i => model.WithPredictionRange(null).PredictDistribution(U(light), I(i)).StandardDeviation);
        PosteriorPrediction one = model.PredictDistribution(U(heavy), I(0));

        heavySd.Should().BeLessThan(lightSd, $"user {heavy} has {train.ByUser.GetRowLength(heavy)} ratings, user {light} {train.ByUser.GetRowLength(light)}");
        one.StandardDeviation.Should().BePositive();
        one.NoiseStandardDeviation.Should().BePositive();
        one.PredictiveStandardDeviation.Should().BeGreaterThan(one.NoiseStandardDeviation);
        one.Samples.Should().Be(50);
    }

    /// <summary>Thinning: with S stored of K kept, slot j holds kept sample ⌊(j + 1)·K/S⌋ − 1 of the same chain.</summary>
    [Fact]
    public void Fit_FewerStoredSamples_KeepsEvenlySpacedSamplesOfTheSameChain()
    {
        FactorizationModel all = new BayesianMatrixFactorizer(Quick).Fit(Small.Value);
        FactorizationModel five = new BayesianMatrixFactorizer(Quick with { StoredSamples = 5 }).Fit(Small.Value);

        five.PosteriorSampleCount.Should().Be(5);
        five.UserEmbeddings.ToArray().Should().Equal(all.UserEmbeddings.ToArray(), "the embeddings average every kept sample either way");
        for (int j = 0; j < 5; j++)
        {
            int kept = ((j + 1) * 20 / 5) - 1;
            five.Posterior!.UserRows(j).ToArray().Should().Equal(all.Posterior!.UserRows(kept).ToArray());
            five.Posterior.ItemRows(j).ToArray().Should().Equal(all.Posterior.ItemRows(kept).ToArray());
        }
    }

    [Fact]
    public void Fit_NoStoredSamples_PredictsWithTheMeanEmbeddingsAndHasNoDistribution()
    {
        FactorizationModel model = new BayesianMatrixFactorizer(Quick with { StoredSamples = 0 }).Fit(Small.Value);

        model.HasPosterior.Should().BeFalse();
        model.PosteriorSampleCount.Should().Be(0);
        float plugin = model.GlobalMean + model.UserBiases[2] + model.ItemBiases[3] + System.Numerics.Tensors.TensorPrimitives.Dot(model.GetUserEmbedding(U(2)), model.GetItemEmbedding(I(3)));
        model.Predict(U(2), I(3)).Should().Be(Math.Clamp(plugin, 1, 5));
        FluentActions.Invoking(() => model.PredictDistribution(U(2), I(3))).Should().Throw<InvalidOperationException>().WithMessage("*no posterior samples*");
        FluentActions.Invoking(() => model.RankBy(PosteriorRanking.Mean)).Should().Throw<InvalidOperationException>();
    }

    /// <summary>A ranker scores each item mean + z·sd of its unclamped predictions over the samples, and recommendations follow those scores.</summary>
    [Fact]
    public void RankBy_LowerBound_ScoresMeanMinusZStandardDeviationsAndRecommendsByThem()
    {
        FactorizationModel model = new BayesianMatrixFactorizer(Quick).Fit(Small.Value);
        FactorizationModel raw = model.WithPredictionRange(null);
        PosteriorRanker ranker = model.RankBy(PosteriorRanking.LowerBound(1.5));
        var scores = new float[model.ItemCount];

        ranker.TryScoreItems(U(4), scores).Should().BeTrue();

        for (int i = 0; i < model.ItemCount; i++)
        {
            PosteriorPrediction p = raw.PredictDistribution(U(4), I(i));
            scores[i].Should().BeApproximately(p.Mean - (1.5f * p.StandardDeviation), 1e-4f);
        }

        IReadOnlyList<Recommendation> top = Recommender.Recommend(ranker, U(4), 5, exclude: Small.Value);
        top.Select(r => r.Item.Value).Should().NotIntersectWith(Small.Value.ByUser.GetColumns(4).ToArray());
        top.Select(r => r.Score).Should().BeInDescendingOrder();
        top[0].Score.Should().Be(Enumerable.Range(0, model.ItemCount).Where(i => !Small.Value.ByUser.Contains(4, i)).Max(i => scores[i]));
        ranker.Predict(U(4), I(2)).Should().Be(model.Predict(U(4), I(2)));
        ranker.TryScoreItems(U(model.UserCount), scores).Should().BeFalse();
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(11.0)]
    [InlineData(double.NaN)]
    public void PosteriorRankingBounds_OutOfRange_ThrowNamingTheArgument(double z)
    {
        FluentActions.Invoking(() => PosteriorRanking.UpperBound(z)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("standardDeviations");
        FluentActions.Invoking(() => PosteriorRanking.LowerBound(z)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("standardDeviations");
    }

    [Fact]
    public void Fit_UserWithoutRatings_IsDrawnFromThePriorAndPredictedNearTheItemsMean()
    {
        RatingsDataset train = AlsTestData.Without(Small.Value, r => r.User.Value == 7);

        FactorizationModel model = new BayesianMatrixFactorizer(Quick).Fit(train);

        model.PredictDistribution(U(7), I(1)).StandardDeviation.Should().BeGreaterThan(model.PredictDistribution(U(8), I(1)).StandardDeviation);
        float.IsFinite(model.Predict(U(7), I(1))).Should().BeTrue();
    }

    [Fact]
    public void Fit_EarlyStoppingAsked_IgnoredWithAWarningAndEverySweepRuns()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(Small.Value, 0.2, seed: 2);
        var logger = new ListLogger();
        var reports = new List<TrainingProgress>();

        new BayesianMatrixFactorizer(Quick with { EarlyStoppingPatience = 1, ReportInterval = 1 }, logger).Fit(split.Train, split.Test, new SyncProgress(reports));

        reports.Should().HaveCount(30);
        logger.Events.Should().Contain(e => e.Id == 3106 && e.Message.Contains("EarlyStoppingPatience = 1 is ignored"));
        logger.Events.Should().Contain(e => e.Id == 3102 && e.Message.Contains("sweep 30/30") && e.Message.Contains("posterior mean of 20 samples"));
        logger.Events.Should().Contain(e => e.Id == 3103 && e.Message.Contains("20 samples kept, 20 stored"));
    }

    [Fact]
    public void Fit_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        FluentActions.Invoking(() => new BayesianMatrixFactorizer(Quick).Fit(Small.Value, cancellationToken: cts.Token)).Should().Throw<OperationCanceledException>();
    }

    // ------------------------------------------------------------------ files

    [Fact]
    public void SaveLoad_WithPosterior_RoundTripsBitForBitWithTheSamplesAndTheTrainingSupport()
    {
        FactorizationModel model = new BayesianMatrixFactorizer(Quick with { StoredSamples = 3 }).Fit(Small.Value);
        var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        byte[] bytes = stream.ToArray();

        var loaded = (FactorizationModel)ModelFile.Load(new MemoryStream(bytes));

        System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)).Should().Be(4, "version 3 added the samples, version 4 the training support");
        (System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10)) & (32 | 64)).Should().Be(32 | 64);
        loaded.ItemSupport.ToArray().Should().Equal(model.ItemSupport.ToArray());
        loaded.UserSupport.ToArray().Should().Equal(model.UserSupport.ToArray());
        loaded.DefaultRanking.Should().Be(RankingScore.SupportAware);
        loaded.PosteriorSampleCount.Should().Be(3);
        loaded.Posterior!.UserArray.Should().Equal(model.Posterior!.UserArray);
        loaded.Posterior.ItemArray.Should().Equal(model.Posterior.ItemArray);
        loaded.Posterior.Globals.Should().Equal(model.Posterior.Globals);
        loaded.Posterior.NoiseVariances.Should().Equal(model.Posterior.NoiseVariances);
        loaded.PredictDistribution(U(3), I(4)).Should().Be(model.PredictDistribution(U(3), I(4)));
        loaded.Options.Should().Be(model.Options);
        loaded.UserEmbeddings.ToArray().Should().Equal(model.UserEmbeddings.ToArray());
    }

    [Fact]
    public void Save_WithoutPosterior_WritesNoSamples()
    {
        FactorizationModel model = new BayesianMatrixFactorizer(Quick with { StoredSamples = 0 }).Fit(Small.Value);
        var stream = new MemoryStream();

        model.Save(stream);

        (System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(stream.ToArray().AsSpan(10)) & 32).Should().Be(0, "flag 32 marks the posterior samples");
        ((FactorizationModel)ModelFile.Load(new MemoryStream(stream.ToArray()))).HasPosterior.Should().BeFalse();
    }

    /// <summary>A forged file: a version-1 model relabelled version 2 with the posterior flag (32) set and both checksums fixed is rejected, naming the flags.</summary>
    [Fact]
    public void Load_PosteriorFlagOutsideVersionThree_ThrowsNamingTheFlags()
    {
        FactorizationModel model = new BayesianMatrixFactorizer(Quick with { StoredSamples = 0 }).Fit(Small.Value);
        var stream = new MemoryStream();
        model.Save(stream);
        byte[] bytes = stream.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        ushort flags = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), (ushort)(flags | 32));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), CollaborativeFiltering.Persistence.Crc32C.Compute(bytes.AsSpan(0, 36)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), CollaborativeFiltering.Persistence.Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));

        FluentActions.Invoking(() => FactorizationModel.Load(new MemoryStream(bytes)))
            .Should().Throw<ModelFormatException>().WithMessage("*version 2*posterior samples*need version 3*");
    }
}
