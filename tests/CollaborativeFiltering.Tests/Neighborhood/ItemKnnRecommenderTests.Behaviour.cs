using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Scoring;
using CollaborativeFiltering.Tests.Factorization;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>Item-kNN as a trainer: options, bad input, determinism, progress, logging, cancellation and memory limits.</summary>
public sealed partial class ItemKnnRecommenderTests
{
    [Fact]
    public void Constructor_Defaults_AreSurprisesKnnBaseline()
    {
        KnnOptions o = new ItemKnnRecommender().Options;

        (o.Similarity, o.Predictor, o.Neighbors, o.MinNeighbors, o.MinSupport, o.Shrinkage).Should().Be((KnnSimilarity.PearsonBaseline, KnnPredictor.WithBaseline, 40, 1, 1, 100.0));
        (o.Iterations, o.BaselineUserRegularization, o.BaselineItemRegularization, o.ClipPredictions, o.SavedNeighbors).Should().Be((10, 15.0, 10.0, true, 1000));
        o.ToString().Should().Contain("Similarity = PearsonBaseline").And.NotContain("Dimensions", "a kNN fit has no embeddings");
    }

    [Theory]
    [InlineData(nameof(KnnOptions.Neighbors))]
    [InlineData(nameof(KnnOptions.MinNeighbors))]
    [InlineData(nameof(KnnOptions.SavedNeighbors))]
    [InlineData(nameof(KnnOptions.Similarity))]
    [InlineData(nameof(KnnOptions.Predictor))]
    [InlineData(nameof(KnnOptions.TopNSimilarity))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string name)
    {
        KnnOptions options = name switch
        {
            nameof(KnnOptions.Neighbors) => new KnnOptions { Neighbors = 0 },
            nameof(KnnOptions.MinNeighbors) => new KnnOptions { Neighbors = 5, MinNeighbors = 6 },
            nameof(KnnOptions.SavedNeighbors) => new KnnOptions { Neighbors = 50, SavedNeighbors = 49 },
            nameof(KnnOptions.Similarity) => new KnnOptions { Similarity = (KnnSimilarity)99 },
            nameof(KnnOptions.TopNSimilarity) => new KnnOptions { TopNSimilarity = (KnnTopNSimilarity)2 },
            _ => new KnnOptions { Predictor = (KnnPredictor)(-1) },
        };

        FluentActions.Invoking(() => new ItemKnnRecommender(options)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void Fit_BadInput_ThrowsTypedExceptions()
    {
        var recommender = new ItemKnnRecommender();
        RatingsDataset tiny = NeighborhoodTestData.Tiny();

        FluentActions.Invoking(() => recommender.Fit(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => recommender.Fit(RatingsDataset.Empty(Catalog.Sequential(3, 3)))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
        FluentActions.Invoking(() => recommender.Fit(tiny, NeighborhoodTestData.Random(5, 5, 0.5, seed: 1))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    /// <summary>Ratings at the edge of single precision make an item bias overflow a float: a clear exception, never an infinite model.</summary>
    [Fact]
    public void Fit_RatingsTooLargeForSinglePrecision_ThrowsTrainingDiverged()
    {
        RatingsDataset data = NeighborhoodTestData.Build(Catalog.Sequential(3, 3), (0, 0, 3.4e38f), (1, 1, -3.4e38f), (2, 2, -3.4e38f));

        FluentActions.Invoking(() => new ItemKnnRecommender(new KnnOptions { BaselineItemRegularization = 0 }).Fit(data))
            .Should().Throw<TrainingDivergedException>().WithMessage("*ItemKnnRecommender*not finite*");
    }

    /// <summary>A million items with a million neighbours each cannot be kept: refused before anything is allocated, naming the option.</summary>
    [Fact]
    public void Fit_NeighbourListsLargerThanMemory_ThrowsNamingSavedNeighbors()
    {
        RatingsDataset data = NeighborhoodTestData.Build(Catalog.Sequential(1, 1_000_000), (0, 0, 4), (0, 1, 5));
        var recommender = new ItemKnnRecommender(new KnnOptions { SavedNeighbors = KnnOptions.MaxSavedNeighbors });

        long before = GC.GetAllocatedBytesForCurrentThread();
        FluentActions.Invoking(() => recommender.Fit(data)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(KnnOptions.SavedNeighbors));
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Fit_AnyThreadCount_GivesTheSameModelBitForBit()
    {
        RatingsDataset data = NeighborhoodTestData.Random(120, 90, 0.2, seed: 8);
        ItemKnnModel one = new ItemKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = 1, SavedNeighbors = 60 }).Fit(data);
        foreach (int threads in new[] { 2, 3, 7 })
        {
            ItemKnnModel other = new ItemKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = threads, SavedNeighbors = 60 }).Fit(data);

            other.Core.Neighbors.OffsetArray.Should().Equal(one.Core.Neighbors.OffsetArray);
            other.Core.Neighbors.IndexArray.Should().Equal(one.Core.Neighbors.IndexArray);
            other.Core.Neighbors.WeightArray.Should().Equal(one.Core.Neighbors.WeightArray);
            other.UserBiases.ToArray().Should().Equal(one.UserBiases.ToArray());
            Enumerable.Range(0, 90).Select(i => other.Predict(U(5), I(i))).Should().Equal(Enumerable.Range(0, 90).Select(i => one.Predict(U(5), I(i))));
        }
    }

    [Fact]
    public void Fit_WithProgress_ReportsOnceWithTheRatingErrors()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(NeighborhoodTestData.Random(60, 40, 0.3, seed: 9), 0.2, seed: 1);
        var reports = new List<TrainingProgress>();

        ItemKnnModel model = new ItemKnnRecommender().Fit(split.Train, split.Test, new SyncProgress(reports));

        TrainingProgress report = reports.Should().ContainSingle().Subject;
        (report.Iteration, report.TotalIterations).Should().Be((1, 1));
        report.TrainMse!.Value.Should().BeApproximately(RegressionMetrics.Compute(model, split.Train).Mse, 1e-9);
        report.ValidationMse!.Value.Should().BeApproximately(RegressionMetrics.Compute(model, split.Test).Mse, 1e-9);
        report.ValidationLoss.Should().Be(report.ValidationMse);
    }

    [Fact]
    public void Fit_EarlyStoppingPatience_IsIgnoredWithAWarning()
    {
        var logger = new ListLogger();

        new ItemKnnRecommender(new KnnOptions { EarlyStoppingPatience = 3 }, logger).Fit(NeighborhoodTestData.Tiny());

        logger.Events.Select(e => e.Id).Should().Contain([6006, 6000, 6003], "ignored early stopping (6006), start (6000) and completion (6003)");
        logger.Events.Single(e => e.Id == 6006).Message.Should().Contain("one pass");
    }

    [Fact]
    public void Fit_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        FluentActions.Invoking(() => new ItemKnnRecommender().Fit(NeighborhoodTestData.Tiny(), cancellationToken: cts.Token)).Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Predict_IndexOutOfRange_Throws()
    {
        ItemKnnModel model = new ItemKnnRecommender().Fit(NeighborhoodTestData.Tiny());

        FluentActions.Invoking(() => model.Predict(U(4), I(0))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("user");
        FluentActions.Invoking(() => model.Predict(U(0), I(4))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("item");
        FluentActions.Invoking(() => model.TryScoreItems(U(0), new float[3])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("scores");
        model.TryScoreItems(U(4), new float[4]).Should().BeFalse("the interface's contract: no scores for a user outside the catalogue");
        FluentActions.Invoking(() => model.ScoreItemsForNewUser([1, 1], [4, 5], new float[4])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("items");
        FluentActions.Invoking(() => model.ScoreItemsForNewUser([1], [float.NaN], new float[4])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("values");
    }

    [Fact]
    public void RatingScale_IsTheTrainingRatingsRange_AndANewUsersRatingsMustLieInIt()
    {
        ItemKnnModel clipped = new ItemKnnRecommender().Fit(NeighborhoodTestData.Tiny());
        UserKnnModel unclipped = new UserKnnRecommender(new KnnOptions { ClipPredictions = false }).Fit(NeighborhoodTestData.Tiny());

        clipped.RatingScale.Should().Be(new RatingRange(1, 5));
        unclipped.RatingScale.Should().Be(new RatingRange(1, 5), "the scale is recorded whether or not predictions are clamped");
        unclipped.PredictionRange.Should().BeNull();
        FluentActions.Invoking(() => clipped.ScoreItemsForNewUser([1], [9], new float[4])).Should().Throw<ArgumentOutOfRangeException>()
            .Which.Message.Should().Contain("[1, 5]").And.Contain("'2'", "item index 1 has the id '2'");
        FluentActions.Invoking(() => unclipped.ScoreItemsForNewUser([1], [0.5f], new float[4])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("values");
        FluentActions.Invoking(() => Recommender.RecommendForNewUser(clipped, [new KeyValuePair<string, float>("1", 50)])).Should().Throw<ArgumentOutOfRangeException>();
        Recommender.RecommendForNewUser(clipped, [new KeyValuePair<string, float>("1", 5)], 2).Should().NotBeEmpty();
    }

    [Fact]
    public void ToString_NamesThePredictorSimilarityAndSizes()
    {
        new ItemKnnRecommender().Fit(NeighborhoodTestData.Tiny()).ToString().Should()
            .StartWith("ItemKnnModel: 4 users × 4 items, KNN with baseline, Pearson-baseline similarity (shrinkage 100), k = 40, ")
            .And.EndWith(" neighbours kept, top-N by binary cosine, predictions clamped to [1, 5]");
        new EaseRecommender().Fit(NeighborhoodTestData.Tiny()).ToString().Should().Be("EaseModel: 4 users × 4 items, λ = 200");
    }
}
