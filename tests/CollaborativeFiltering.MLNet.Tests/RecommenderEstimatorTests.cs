using System.Globalization;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CollaborativeFiltering.MLNet.Tests;

public sealed partial class RecommenderEstimatorTests
{
    /// <summary>Each trainer with small options, through ML.NET and directly.</summary>
    public static TheoryData<string> Trainers() => ["GradientDescent", "Regularized", "BiasedSgd", "Als", "ImplicitAls", "Softmax"];

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Fit_InAPipelineAfterMapValueToKey_PredictsBitForBitAsTheDirectApi(string trainer)
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        (IEstimator<ITransformer> estimator, ITrainer<IRecommenderModel> direct) = Create(mlContext, trainer);

        var pipeline = TestData.MapIdsToKeys(mlContext).Append(estimator).Fit(data);
        float[] scores = TestData.Scores(pipeline.Transform(data));

        IRecommenderModel model = direct.Fit(TestData.Dataset(rows));
        float[] expected = rows.Select(r => model.Predict(model.Catalog.GetUserIndex(r.UserId), model.Catalog.GetItemIndex(r.ItemId))).ToArray();
        scores.Should().OnlyContain(s => float.IsFinite(s), "every row's user and item have keys");
        scores.Distinct().Should().HaveCountGreaterThan(rows.Length / 10, "a trained model tells pairs apart");
        scores.Should().Equal(expected, "the same rows, options and seed give the same model, whichever API trains it");
    }

    [Fact]
    public void Fit_KeyValues_BecomeTheCatalogueIdsInKeyOrder()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        IDataView keyed = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(rows)).Transform(mlContext.Data.LoadFromEnumerable(rows));

        FactorizationModel model = mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), new AlsOptions { Iterations = 1 }).Fit(keyed).Model;

        model.Catalog.Users.Ids.Should().Equal(rows.Select(r => r.UserId).Distinct(), "MapValueToKey numbers ids in order of occurrence and key k is index k − 1");
        model.Catalog.Items.Ids.Should().Equal(rows.Select(r => r.ItemId).Distinct());
        uint[] userKeys = keyed.GetColumn<uint>("userKey").ToArray();
        for (int r = 0; r < rows.Length; r++)
        {
            model.Catalog.Users[(int)userKeys[r] - 1].Should().Be(rows[r].UserId);
        }
    }

    [Fact]
    public void Fit_KeysMappedOnMoreDataThanTrainedOn_UsersAndItemsWithoutRatingsAreInTheModel()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        RatingRow[] train = rows[..300];
        var keys = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(rows));

        FactorizationModel model = mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), new BiasedSgdOptions { Dimensions = 4, Iterations = 5 })
            .Fit(keys.Transform(mlContext.Data.LoadFromEnumerable(train))).Model;

        model.Catalog.Users.Ids.Should().Equal(rows.Select(r => r.UserId).Distinct(), "the catalogue is the keys', as the library's catalogue holds every user of a release");
        model.Catalog.Items.Ids.Should().Equal(rows.Select(r => r.ItemId).Distinct());
        FactorizationModel direct = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4, Iterations = 5 })
            .Fit(TestData.Dataset(train, new Catalog(new IdMap(rows.Select(r => r.UserId).Distinct()), new IdMap(rows.Select(r => r.ItemId).Distinct()))));
        model.UserEmbeddings.ToArray().Should().Equal(direct.UserEmbeddings.ToArray());
        model.ItemBiases.ToArray().Should().Equal(direct.ItemBiases.ToArray());
    }

    [Fact]
    public void Fit_KeyColumnsWithoutKeyValues_CatalogueIdsAreTheKeyNumbers()
    {
        var mlContext = new MLContext(seed: 0);
        KeyRow[] rows = KeyRows();

        var transformer = mlContext.CollaborativeFiltering().Als("UserKey", "ItemKey", options: new AlsOptions { Dimensions = 4, Iterations = 3 })
            .Fit(mlContext.Data.LoadFromEnumerable(rows));

        FactorizationModel model = transformer.Model;
        model.Catalog.Users.Ids.Should().Equal(Enumerable.Range(1, 50).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)), "key k has id \"k\" and index k − 1");
        model.Catalog.Items.Count.Should().Be(40);
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(50, 40));
        foreach (KeyRow row in rows)
        {
            builder.Add(new Rating(new UserIndex((int)row.UserKey), new ItemIndex((int)row.ItemKey), row.Label));
        }

        FactorizationModel direct = new AlsFactorizer(new AlsOptions { Dimensions = 4, Iterations = 3 }).Fit(builder.Build());
        model.ItemEmbeddings.ToArray().Should().Equal(direct.ItemEmbeddings.ToArray());
        TestData.Scores(transformer.Transform(mlContext.Data.LoadFromEnumerable(rows)))
            .Should().Equal(rows.Select(r => direct.Predict(new UserIndex((int)r.UserKey), new ItemIndex((int)r.ItemKey))));
    }

    [Fact]
    public void Fit_NumericIdsFromACsvFileKeyedByValue_ModelIdsAreTheNumbersInKeyOrder()
    {
        // As in ML.NET's movie-recommendation tutorial: float ids and a float Label read with LoadFromTextFile;
        // here the keys are numbered by value, so the key order is not the order the ids first appear in.
        var mlContext = new MLContext(seed: 0);
        (string User, string Item, float Rating)[] rows = [.. TestData.Rows().Select(r => (r.UserId[1..], r.ItemId, r.Rating))];
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-tutorial-{Environment.ProcessId}-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["userId,movieId,rating", .. rows.Select(r => $"{r.User},{r.Item},{r.Rating.ToString(CultureInfo.InvariantCulture)}")]);
        try
        {
            IDataView data = mlContext.Data.LoadFromTextFile<TutorialRating>(path, separatorChar: ',', hasHeader: true);
            var options = new AlsOptions { Dimensions = 4, Iterations = 3 };

            var transformer = mlContext.Transforms.Conversion.MapValueToKey("userKey", nameof(TutorialRating.UserId), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Append(mlContext.Transforms.Conversion.MapValueToKey("movieKey", nameof(TutorialRating.MovieId), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
                .Append(mlContext.CollaborativeFiltering().Als("userKey", "movieKey", options: options))
                .Fit(data);

            FactorizationModel model = transformer.LastTransformer.Model;
            string[] users = [.. rows.Select(r => int.Parse(r.User, CultureInfo.InvariantCulture)).Distinct().Order().Select(id => id.ToString(CultureInfo.InvariantCulture))];
            string[] items = [.. rows.Select(r => int.Parse(r.Item, CultureInfo.InvariantCulture)).Distinct().Order().Select(id => id.ToString(CultureInfo.InvariantCulture))];
            users.Should().NotEqual(rows.Select(r => r.User).Distinct(), "keys by value are not in order of occurrence");
            model.Catalog.Users.Ids.Should().Equal(users, "key k is index k − 1 and a whole float's key value reads as the number written in the file");
            model.Catalog.Items.Ids.Should().Equal(items);
            var builder = new RatingsDatasetBuilder(new Catalog(new IdMap(users), new IdMap(items)));
            foreach (var (user, item, rating) in rows)
            {
                builder.Add(user, item, rating);
            }

            FactorizationModel direct = new AlsFactorizer(options).Fit(builder.Build());
            model.UserEmbeddings.ToArray().Should().Equal(direct.UserEmbeddings.ToArray());
            using var engine = mlContext.Model.CreatePredictionEngine<TutorialRating, TutorialPrediction>(transformer);
            foreach (var (user, item, _) in rows.Take(20))
            {
                engine.Predict(new TutorialRating { UserId = float.Parse(user, CultureInfo.InvariantCulture), MovieId = float.Parse(item, CultureInfo.InvariantCulture) })
                    .Score.Should().Be(direct.Predict(user, item));
            }

            engine.Predict(new TutorialRating { UserId = 4, MovieId = 1000 }).Score.Should().Be(float.NaN, "user 4 is not in the file");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fit_ByteAndUlongKeysAndADoubleLabel_AreRead()
    {
        var mlContext = new MLContext(seed: 0);
        KeyRow[] rows = KeyRows();
        NarrowKeyRow[] narrow = rows.Select(r => new NarrowKeyRow { UserKey = (byte)r.UserKey, ItemKey = r.ItemKey, Label = r.Label }).ToArray();
        var options = new AlsOptions { Dimensions = 4, Iterations = 3 };

        var fromUint = mlContext.CollaborativeFiltering().Als("UserKey", "ItemKey", options: options).Fit(mlContext.Data.LoadFromEnumerable(rows));
        var fromNarrow = mlContext.CollaborativeFiltering().Als("UserKey", "ItemKey", options: options).Fit(mlContext.Data.LoadFromEnumerable(narrow));

        fromNarrow.Model.UserEmbeddings.ToArray().Should().Equal(fromUint.Model.UserEmbeddings.ToArray());
        TestData.Scores(fromNarrow.Transform(mlContext.Data.LoadFromEnumerable(narrow)))
            .Should().Equal(TestData.Scores(fromUint.Transform(mlContext.Data.LoadFromEnumerable(rows))));
    }

    [Fact]
    public void Fit_WithCatalog_TrainsOverThatCatalogueAndItsIndices()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        // A catalogue in another order than the keys', with titles and a user and an item no row has.
        string[] users = [.. rows.Select(r => r.UserId).Distinct().Order(StringComparer.Ordinal), "u-nobody"];
        string[] items = [.. rows.Select(r => r.ItemId).Distinct().Order(StringComparer.Ordinal), "no-item"];
        var catalog = new Catalog(new IdMap(users), new IdMap(items), itemInfos: items.Select(id => new ItemInfo(id, $"Movie {id}", null, null, [])).ToArray());
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        var options = new AlsOptions { Dimensions = 4, Iterations = 3 };

        var transformer = TestData.MapIdsToKeys(mlContext)
            .Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), options).WithCatalog(catalog))
            .Fit(data);

        FactorizationModel model = transformer.LastTransformer.Model;
        model.Catalog.Should().BeSameAs(catalog);
        FactorizationModel direct = new AlsFactorizer(options).Fit(TestData.Dataset(rows, catalog));
        model.UserEmbeddings.ToArray().Should().Equal(direct.UserEmbeddings.ToArray());
        TestData.Scores(transformer.Transform(data)).Should().Equal(rows.Select(r => direct.Predict(r.UserId, r.ItemId)));
    }

    [Fact]
    public void Fit_WithCatalogLackingSomeIds_SkipsTheirRowsWithAWarning()
    {
        var mlContext = new MLContext(seed: 0);
        var log = new LogCollector(mlContext);
        RatingRow[] rows = TestData.Rows();
        string dropped = rows[0].UserId;
        var catalog = new Catalog(new IdMap(rows.Select(r => r.UserId).Where(id => id != dropped).Distinct()), new IdMap(rows.Select(r => r.ItemId).Distinct()));
        var options = new AlsOptions { Dimensions = 4, Iterations = 3 };

        var transformer = TestData.MapIdsToKeys(mlContext)
            .Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), options).WithCatalog(catalog))
            .Fit(mlContext.Data.LoadFromEnumerable(rows));

        FactorizationModel direct = new AlsFactorizer(options).Fit(TestData.Dataset(rows.Where(r => r.UserId != dropped), catalog));
        transformer.LastTransformer.Model.UserEmbeddings.ToArray().Should().Equal(direct.UserEmbeddings.ToArray());
        log.Warnings.Should().ContainSingle().Which.Should().Contain($"skipped {rows.Count(r => r.UserId == dropped)} of {rows.Length} rows");
    }

    /// <summary>
    /// The test rows with their user and item indices as key columns of a data class. LoadFromEnumerable
    /// reads a [KeyType] field's value v as key v + 1, so index i becomes key i + 1, as MapValueToKey's keys are.
    /// </summary>
    private static KeyRow[] KeyRows() => TestData.Rows(users: 50, items: 40).Select(r => new KeyRow
    {
        UserKey = (uint)(int.Parse(r.UserId[1..]) - 3) / 7,
        ItemKey = (uint)(int.Parse(r.ItemId) - 1000) / 13,
        Label = r.Rating,
    }).ToArray();

    private static (IEstimator<ITransformer> Estimator, ITrainer<IRecommenderModel> Direct) Create(MLContext mlContext, string trainer)
    {
        CollaborativeFilteringCatalog cf = mlContext.CollaborativeFiltering();
        switch (trainer)
        {
            case "GradientDescent":
                var gd = new GradientDescentOptions { Dimensions = 4, Iterations = 50, InitStdDev = 0.1, LearningRate = 1 };
                return (cf.GradientDescent("userKey", "itemKey", nameof(RatingRow.Rating), gd), new GradientDescentFactorizer(gd));
            case "Regularized":
                var reg = new RegularizedOptions { Dimensions = 4, Iterations = 50, LearningRate = 1 };
                return (cf.Regularized("userKey", "itemKey", nameof(RatingRow.Rating), reg), new RegularizedFactorizer(reg));
            case "BiasedSgd":
                var sgd = new BiasedSgdOptions { Dimensions = 4, Iterations = 10 };
                return (cf.BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), sgd), new BiasedSgdFactorizer(sgd));
            case "Als":
                var als = new AlsOptions { Dimensions = 4, Iterations = 5 };
                return (cf.Als("userKey", "itemKey", nameof(RatingRow.Rating), als), new AlsFactorizer(als));
            case "ImplicitAls":
                var implicitAls = new ImplicitAlsOptions { Dimensions = 4, Iterations = 5 };
                return (cf.ImplicitAls("userKey", "itemKey", nameof(RatingRow.Rating), implicitAls), new ImplicitAlsFactorizer(implicitAls));
            default:
                var softmax = new SoftmaxOptions { Dimensions = 4, ItemEmbeddingDimensions = 4, HiddenLayerSizes = [8], Iterations = 30, BatchSize = 16 };
                return (cf.Softmax("userKey", "itemKey", nameof(RatingRow.Rating), softmax), new SoftmaxTrainer(softmax));
        }
    }
}
