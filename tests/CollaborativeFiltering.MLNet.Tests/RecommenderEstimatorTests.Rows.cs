using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace CollaborativeFiltering.MLNet.Tests;

/// <summary>What the estimator does with the rows: skipped ones, duplicates, validation data, cancellation, logging.</summary>
public sealed partial class RecommenderEstimatorTests
{
    private static readonly AlsOptions SmallAls = new() { Dimensions = 4, Iterations = 3 };

    [Fact]
    public void Fit_RowsWhoseIdsTheKeyMappingLacks_AreSkippedWithAWarningAsInMLNetMatrixFactorization()
    {
        var mlContext = new MLContext(seed: 0);
        var log = new LogCollector(mlContext);
        RatingRow[] rows = TestData.Rows();
        RatingRow[] known = rows[..60];
        var keys = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(known));
        var knownUsers = known.Select(r => r.UserId).ToHashSet();
        var knownItems = known.Select(r => r.ItemId).ToHashSet();
        RatingRow[] usable = [.. rows.Where(r => knownUsers.Contains(r.UserId) && knownItems.Contains(r.ItemId))];

        var transformer = mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), SmallAls)
            .Fit(keys.Transform(mlContext.Data.LoadFromEnumerable(rows)));

        usable.Length.Should().BeLessThan(rows.Length, "some rows name an id the first 60 do not");
        FactorizationModel direct = new AlsFactorizer(SmallAls).Fit(TestData.Dataset(usable));
        transformer.Model.UserEmbeddings.ToArray().Should().Equal(direct.UserEmbeddings.ToArray(), "the rows with a missing key (0) are left out, nothing else");
        log.Warnings.Should().ContainSingle().Which.Should().Be(
            $"trainData: skipped {rows.Length - usable.Length} of {rows.Length} rows whose user key ('userKey') or item key ('itemKey') is missing or unknown, or whose label ('Rating') is not a finite number");
    }

    [Fact]
    public void Fit_RowsWithANonFiniteLabel_AreSkipped()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        RatingRow[] withBadLabels = [.. rows.Select((r, i) => i % 50 == 7 ? new RatingRow { UserId = r.UserId, ItemId = r.ItemId, Rating = i % 100 == 7 ? float.NaN : float.PositiveInfinity } : r)];

        var transformer = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), SmallAls))
            .Fit(mlContext.Data.LoadFromEnumerable(withBadLabels));

        // The skipped rows' ids still have keys, so the catalogue is the full one.
        var catalog = new Catalog(new IdMap(rows.Select(r => r.UserId).Distinct()), new IdMap(rows.Select(r => r.ItemId).Distinct()));
        FactorizationModel direct = new AlsFactorizer(SmallAls).Fit(TestData.Dataset(withBadLabels.Where(r => float.IsFinite(r.Rating)), catalog));
        transformer.LastTransformer.Model.ItemEmbeddings.ToArray().Should().Equal(direct.ItemEmbeddings.ToArray());
    }

    [Fact]
    public void Fit_NoUsableRow_ThrowsNamingTheColumns()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = [.. TestData.Rows().Take(20).Select(r => new RatingRow { UserId = r.UserId, ItemId = r.ItemId, Rating = float.NaN })];

        Action fit = () => TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating)))
            .Fit(mlContext.Data.LoadFromEnumerable(rows));

        fit.Should().Throw<ArgumentException>().WithMessage("No rating can be read from trainData: of its 20 rows, none has a user key in 'userKey', an item key in 'itemKey' that the catalogue knows and a finite label in 'Rating'.*");
    }

    [Fact]
    public void Fit_APairTwice_ThrowsNamingThePairUnlessDuplicatesAreAccepted()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        RatingRow[] twice = [.. rows, new RatingRow { UserId = rows[5].UserId, ItemId = rows[5].ItemId, Rating = rows[5].Rating == 5 ? 1 : 5 }];
        IDataView data = mlContext.Data.LoadFromEnumerable(twice);
        RecommenderEstimator<FactorizationModel> als = mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), SmallAls);

        Action reject = () => TestData.MapIdsToKeys(mlContext).Append(als).Fit(data);
        var average = TestData.MapIdsToKeys(mlContext).Append(als.WithDuplicates(DuplicatePolicy.Average)).Fit(data);

        reject.Should().Throw<InvalidOperationException>().WithMessage($"trainData holds a (user, item) pair twice: User '{rows[5].UserId}' rated item '{rows[5].ItemId}' twice*.WithDuplicates(DuplicatePolicy.Average)*");
        als.Duplicates.Should().Be(DuplicatePolicy.Reject, "WithDuplicates returns a new estimator");
        var builder = new RatingsDatasetBuilder(duplicates: DuplicatePolicy.Average);
        foreach (RatingRow row in twice)
        {
            builder.Add(row.UserId, row.ItemId, row.Rating);
        }

        average.LastTransformer.Model.UserEmbeddings.ToArray().Should().Equal(new AlsFactorizer(SmallAls).Fit(builder.Build()).UserEmbeddings.ToArray());
    }

    [Fact]
    public void WithDuplicates_UndefinedPolicy_Throws()
    {
        Action act = () => new MLContext(seed: 0).CollaborativeFiltering().Als("u", "i").WithDuplicates((DuplicatePolicy)42);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("duplicates");
    }

    [Fact]
    public void Fit_WithValidationData_StopsEarlyAndReportsAsTheDirectApi()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows(count: 800);
        RatingRow[] train = rows[..600];
        var trainUsers = train.Select(r => r.UserId).ToHashSet();
        var trainItems = train.Select(r => r.ItemId).ToHashSet();
        RatingRow[] validation = [.. rows[600..].Where(r => trainUsers.Contains(r.UserId) && trainItems.Contains(r.ItemId))];
        var keys = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(train));
        var options = new BiasedSgdOptions { Dimensions = 8, Iterations = 200, LearningRate = 0.05, LearningRateDecay = 1, Regularization = 0.001, EarlyStoppingPatience = 3 };
        var reported = new List<TrainingProgress>();
        var directReported = new List<TrainingProgress>();

        var transformer = mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), options).Fit(
            keys.Transform(mlContext.Data.LoadFromEnumerable(train)), keys.Transform(mlContext.Data.LoadFromEnumerable(validation)), new SyncProgress(reported.Add), CancellationToken.None);

        RatingsDataset directTrain = TestData.Dataset(train);
        FactorizationModel direct = new BiasedSgdFactorizer(options).Fit(directTrain, TestData.Dataset(validation, directTrain.Catalog), new SyncProgress(directReported.Add));
        reported.Last().Iteration.Should().BeLessThan(200, "the validation MSE of an overfitting model stops improving");
        reported.Select(p => (p.Iteration, p.ValidationMse)).Should().Equal(directReported.Select(p => (p.Iteration, p.ValidationMse)));
        transformer.Model.UserEmbeddings.ToArray().Should().Equal(direct.UserEmbeddings.ToArray());
    }

    [Fact]
    public void Fit_TwoDataViews_IsMLNetMatrixFactorizationsFitWithValidation()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        var keys = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(rows));
        IDataView train = keys.Transform(mlContext.Data.LoadFromEnumerable(rows[..500]));
        IDataView validation = keys.Transform(mlContext.Data.LoadFromEnumerable(rows[500..]));
        var estimator = mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), SmallAls with { EarlyStoppingPatience = 1 });

        estimator.Fit(train, validation).Model.UserEmbeddings.ToArray()
            .Should().Equal(estimator.Fit(train, validation, null, CancellationToken.None).Model.UserEmbeddings.ToArray());
        estimator.Invoking(e => e.Fit(train, null!)).Should().Throw<ArgumentNullException>().WithParameterName("validationData");
    }

    [Fact]
    public void Fit_CancelledToken_Throws()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView keyed = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(TestData.Rows())).Transform(mlContext.Data.LoadFromEnumerable(TestData.Rows()));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Action fit = () => mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating)).Fit(keyed, null, null, cancelled.Token);

        fit.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Fit_CatalogueTrainers_LogIntoTheMLContext()
    {
        var mlContext = new MLContext(seed: 0);
        var log = new LogCollector(mlContext);

        TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), new BiasedSgdOptions { Iterations = 20, ReportInterval = 10 }))
            .Fit(mlContext.Data.LoadFromEnumerable(TestData.Rows()));

        var ours = log.Messages.Where(m => m.Source.Contains("BiasedSgdFactorizer", StringComparison.Ordinal)).ToList();
        ours.Should().Contain(m => m.Kind == ChannelMessageKind.Info && m.RawMessage.StartsWith("BiasedSgdFactorizer: fitting 40 users × 30 items from 600 ratings", StringComparison.Ordinal));
        ours.Should().Contain(m => m.Kind == ChannelMessageKind.Trace && m.RawMessage.StartsWith("BiasedSgdFactorizer: epoch 10/20", StringComparison.Ordinal), "debug-level progress arrives as trace messages");
        ours.Should().Contain(m => m.Kind == ChannelMessageKind.Info && m.RawMessage.StartsWith("BiasedSgdFactorizer: trained 20 epochs", StringComparison.Ordinal));
        log.Messages.Should().Contain(m => m.RawMessage == "trainData: read 600 ratings over 40 users × 30 items");
    }

    [Fact]
    public void Trainer_AnyTrainer_FitsWithItsOwnLoggerAndTheCataloguesLogger()
    {
        var mlContext = new MLContext(seed: 0);
        var log = new LogCollector(mlContext);
        CollaborativeFilteringCatalog cf = mlContext.CollaborativeFiltering();
        var trainer = new AlsFactorizer(SmallAls, cf.Logger("MyAls"));

        var transformer = TestData.MapIdsToKeys(mlContext).Append(cf.Trainer(trainer, "userKey", "itemKey", nameof(RatingRow.Rating)))
            .Fit(mlContext.Data.LoadFromEnumerable(TestData.Rows()));

        transformer.LastTransformer.Model.Options.Should().Be(SmallAls);
        log.Messages.Should().Contain(m => m.Source.Contains("MyAls", StringComparison.Ordinal) && m.RawMessage.StartsWith("AlsFactorizer: fitting", StringComparison.Ordinal));
    }

    [Fact]
    public void Trainer_NeighbourhoodTrainer_ScoresLikeTheModelItTrained()
    {
        var mlContext = new MLContext(seed: 0);
        CollaborativeFilteringCatalog cf = mlContext.CollaborativeFiltering();
        IDataView data = mlContext.Data.LoadFromEnumerable(TestData.Rows());

        var transformer = TestData.MapIdsToKeys(mlContext).Append(cf.Trainer(new ItemKnnRecommender(new KnnOptions { Neighbors = 5 }), "userKey", "itemKey", nameof(RatingRow.Rating))).Fit(data);
        using var engine = mlContext.Model.CreatePredictionEngine<RatingRow, RatingPrediction>(transformer);
        ItemKnnModel model = transformer.LastTransformer.Model;
        RatingRow first = TestData.Rows().First();

        float score = engine.Predict(first).Score;

        score.Should().Be(model.Predict(model.Catalog.GetUserIndex(first.UserId), model.Catalog.GetItemIndex(first.ItemId)), "the estimator takes any ITrainer, the item-kNN recommender included");
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
