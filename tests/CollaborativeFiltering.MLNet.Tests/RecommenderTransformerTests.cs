using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.Tests;

public sealed class RecommenderTransformerTests
{
    private static readonly BiasedSgdOptions Sgd = new() { Dimensions = 6, Iterations = 20 };

    [Fact]
    public void PredictionEngine_OnIds_ScoresEachPairAsTheModelPredictsIt()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), Sgd))
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        FactorizationModel model = pipeline.LastTransformer.Model;

        using var engine = mlContext.Model.CreatePredictionEngine<RatingRow, RatingPrediction>(pipeline);

        foreach (RatingRow row in rows.Take(50))
        {
            RatingPrediction prediction = engine.Predict(new RatingRow { UserId = row.UserId, ItemId = row.ItemId });
            prediction.UserId.Should().Be(row.UserId);
            prediction.Score.Should().Be(model.Predict(row.UserId, row.ItemId));
        }

        // A pair nobody rated is scored too: that is what a recommender is for.
        engine.Predict(new RatingRow { UserId = rows[0].UserId, ItemId = rows[1].ItemId }).Score.Should().Be(model.Predict(rows[0].UserId, rows[1].ItemId));
    }

    [Fact]
    public void PredictionEngine_UnseenUserOrItem_ScoresNaNAsMLNetMatrixFactorization()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), Sgd))
            .Fit(mlContext.Data.LoadFromEnumerable(rows));

        using var engine = mlContext.Model.CreatePredictionEngine<RatingRow, RatingPrediction>(pipeline);

        engine.Predict(new RatingRow { UserId = "stranger", ItemId = rows[0].ItemId }).Score.Should().Be(float.NaN);
        engine.Predict(new RatingRow { UserId = rows[0].UserId, ItemId = "unknown film" }).Score.Should().Be(float.NaN);
        engine.Predict(new RatingRow { UserId = rows[0].UserId, ItemId = rows[0].ItemId }).Score.Should().BeInRange(1, 5, "the engine still works after unknown ids");
    }

    [Fact]
    public void Transform_OutputSchema_IsTheInputThenASingleScore()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromEnumerable(TestData.Rows());
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating))).Fit(data);

        DataViewSchema schema = pipeline.Transform(data).Schema;

        schema.Select(c => c.Name).Should().Equal("UserId", "ItemId", "Rating", "userKey", "itemKey", "Score");
        schema["Score"].Type.Should().Be(NumberDataViewType.Single);
        pipeline.GetOutputSchema(data.Schema).Select(c => c.Name).Should().Equal(schema.Select(c => c.Name));
        pipeline.LastTransformer.ScoreColumnName.Should().Be("Score");
        pipeline.LastTransformer.IsRowToRowMapper.Should().BeTrue();
    }

    [Fact]
    public void Transform_InputWithAScoreColumn_TheNewScoreHidesIt()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromEnumerable(TestData.Rows());
        var first = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating))).Fit(data);
        var second = mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), Sgd).Fit(first.Transform(data));

        IDataView scored = second.Transform(first.Transform(data));

        scored.Schema.Count(c => c.Name == "Score").Should().Be(2);
        scored.Schema["Score"].Index.Should().Be(scored.Schema.Count - 1, "ML.NET looks up the last column of a name");
        TestData.Scores(scored).Should().Equal(TestData.Rows().Select(r => second.Model.Predict(r.UserId, r.ItemId)));
    }

    [Fact]
    public void Transform_KeysFromAnotherMapValueToKey_AreMatchedToTheModelById()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        FactorizationModel model = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), Sgd))
            .Fit(mlContext.Data.LoadFromEnumerable(rows)).LastTransformer.Model;
        // Other keys: mapped from the rows in reverse order, plus ids the model never saw.
        RatingRow[] other = [new RatingRow { UserId = "newcomer", ItemId = "new film" }, .. rows.Reverse()];
        var otherKeys = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(other));

        IDataView scored = otherKeys.Append(mlContext.CollaborativeFiltering().Transformer(model, "userKey", "itemKey")).Transform(mlContext.Data.LoadFromEnumerable(other));

        otherKeys.Transform(mlContext.Data.LoadFromEnumerable(other)).GetColumn<uint>("userKey").Skip(1).Should().NotEqual(
            TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(rows)).Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<uint>("userKey").Reverse(),
            "the key numbers differ from the training keys");
        float[] scores = TestData.Scores(scored);
        scores[0].Should().Be(float.NaN);
        scores[1..].Should().Equal(rows.Reverse().Select(r => model.Predict(r.UserId, r.ItemId)));
    }

    [Fact]
    public void Transform_KeysWithoutKeyValuesOfAnotherCount_ThrowsNamingTheColumn()
    {
        var mlContext = new MLContext(seed: 0);
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Iterations = 1 }).Fit(TestData.Dataset(TestData.Rows(users: 30)));
        IDataView keys = mlContext.Data.LoadFromEnumerable(new[] { new KeyRow { UserKey = 1, ItemKey = 2, Label = 3 } });

        Action act = () => mlContext.CollaborativeFiltering().Transformer(model, "UserKey", "ItemKey").Transform(keys);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("input")
            .WithMessage("The user column 'UserKey' is a key of 50 values without key values, and the model has 30 users*");
    }

    [Fact]
    public void Transform_MissingItemColumn_ThrowsNamingIt()
    {
        var mlContext = new MLContext(seed: 0);
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Iterations = 1 }).Fit(TestData.Dataset(TestData.Rows()));
        var transformer = mlContext.CollaborativeFiltering().Transformer(model, "UserKey", "movieKey");
        IDataView keys = mlContext.Data.LoadFromEnumerable(new[] { new KeyRow() });

        transformer.Invoking(t => t.Transform(keys)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The item column 'movieKey' is not in the data.*");
        transformer.Invoking(t => t.GetOutputSchema(keys.Schema)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inputSchema");
        transformer.Invoking(t => t.GetRowToRowMapper(keys.Schema)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inputSchema");
    }

    [Fact]
    public void RegressionEvaluate_OnTheScores_MeasuresWhatTheLibraryMeasures()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows(count: 800);
        RatingRow[] train = rows[..640];
        var keys = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(rows));
        var transformer = mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), new AlsOptions { Dimensions = 3, Iterations = 10 })
            .Fit(keys.Transform(mlContext.Data.LoadFromEnumerable(train)));

        Microsoft.ML.Data.RegressionMetrics metrics = mlContext.Regression.Evaluate(transformer.Transform(keys.Transform(mlContext.Data.LoadFromEnumerable(rows[640..]))), labelColumnName: nameof(RatingRow.Rating));

        RegressionResult expected = Evaluation.RegressionMetrics.Compute(transformer.Model, TestData.Dataset(rows[640..], transformer.Model.Catalog));
        metrics.MeanSquaredError.Should().BeApproximately(expected.Mse, 1e-9 * expected.Mse);
        metrics.MeanAbsoluteError.Should().BeApproximately(expected.Mae, 1e-9 * expected.Mae);
        metrics.RootMeanSquaredError.Should().BeApproximately(expected.Rmse, 1e-9 * expected.Rmse);
        double mean = train.Average(r => r.Rating);
        double meanRmse = Math.Sqrt(rows[640..].Average(r => (r.Rating - mean) * (r.Rating - mean)));
        expected.Rmse.Should().BeLessThan(0.8 * meanRmse, "ALS recovers the planted rank-3 structure: held-out RMSE 0.44 against the training mean's 0.74 (measured)");
    }

    [Fact]
    public void RegressionCrossValidate_WithThePipeline_EvaluatesEveryFold()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromEnumerable(TestData.Rows(count: 800));
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating), new AlsOptions { Dimensions = 3, Iterations = 10 }));

        var folds = mlContext.Regression.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: nameof(RatingRow.Rating));

        folds.Should().HaveCount(3);
        foreach (var fold in folds)
        {
            var model = (TransformerChain<RecommenderTransformer<FactorizationModel>>)fold.Model;
            fold.Metrics.RootMeanSquaredError.Should().BeInRange(0.3, 0.6, "each fold's held-out ratings are predicted near the planted structure (folds measured 0.43, 0.45, 0.49), well under the mean's 0.74");
            float[] scores = TestData.Scores(fold.ScoredHoldOutSet);
            scores.Should().OnlyContain(s => float.IsNaN(s) || (s >= 1 && s <= 5), "ALS clamps to the training range; ids a fold's training part lacks score NaN");
            model.LastTransformer.Model.Catalog.UserCount.Should().BeGreaterThan(30);
        }
    }

    [Fact]
    public void Transform_SoftmaxModel_ScoresAreItsLogits()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        var options = new SoftmaxOptions { Dimensions = 4, ItemEmbeddingDimensions = 4, HiddenLayerSizes = [8], Iterations = 30, BatchSize = 16 };
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Softmax("userKey", "itemKey", nameof(RatingRow.Rating), options))
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        SoftmaxModel model = pipeline.LastTransformer.Model;

        using var engine = mlContext.Model.CreatePredictionEngine<RatingRow, RatingPrediction>(pipeline);

        model.PredictsRatings.Should().BeFalse();
        engine.Predict(rows[3]).Score.Should().Be(model.Predict(model.Catalog.GetUserIndex(rows[3].UserId), model.Catalog.GetItemIndex(rows[3].ItemId)));
    }

    [Fact]
    public void GetRowCursorSet_ParallelCursors_ScoreEveryRowOnce()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), Sgd)).Fit(data);
        IDataView scored = pipeline.Transform(mlContext.Data.Cache(data));
        DataViewSchema.Column score = scored.Schema["Score"];

        var seen = new List<float>();
        foreach (DataViewRowCursor cursor in scored.GetRowCursorSet([score], 3))
        {
            using (cursor)
            {
                ValueGetter<float> get = cursor.GetGetter<float>(score);
                float value = 0;
                while (cursor.MoveNext())
                {
                    get(ref value);
                    seen.Add(value);
                }
            }
        }

        seen.Order().Should().Equal(TestData.Scores(scored).Order(), "every row is scored by exactly one cursor of the set");
    }

    [Fact]
    public void Cursor_ScoreNotAsked_IsInactiveAndHasNoGetter()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromEnumerable(TestData.Rows());
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating))).Fit(data);
        IDataView scored = pipeline.LastTransformer.Transform(pipeline.Take(2).Aggregate(data, (d, t) => t.Transform(d)));
        DataViewSchema.Column score = scored.Schema["Score"];
        DataViewSchema.Column userId = scored.Schema["UserId"];

        using DataViewRowCursor withoutScore = scored.GetRowCursor([userId]);
        using DataViewRowCursor withScore = scored.GetRowCursor([score]);

        withoutScore.IsColumnActive(score).Should().BeFalse();
        withoutScore.IsColumnActive(userId).Should().BeTrue();
        withoutScore.Invoking(c => c.GetGetter<float>(score)).Should().Throw<InvalidOperationException>().WithMessage("The column 'Score' is not active*");
        withScore.IsColumnActive(score).Should().BeTrue();
        withScore.IsColumnActive(scored.Schema["userKey"]).Should().BeTrue("the score needs the keys");
        withScore.Invoking(c => c.GetGetter<double>(score)).Should().Throw<InvalidOperationException>().WithMessage("The column 'Score' holds Single values; a getter of System.Double was asked for.");
    }

    [Fact]
    public void Save_WithMLNetModelSave_ThrowsNotSupportedSayingHowToPersist()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromEnumerable(TestData.Rows());
        var pipeline = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(RatingRow.Rating))).Fit(data);
        using var stream = new MemoryStream();

        Action save = () => mlContext.Model.Save(pipeline, data.Schema, stream);

        save.Should().Throw<NotSupportedException>().WithMessage(
            "mlContext.Model.Save cannot save the FactorizationModel recommender transformer*ModelFile.Save(transformer.Model, path)*mlContext.CollaborativeFiltering().Transformer(model, \"userKey\", \"itemKey\")*");
    }

    [Fact]
    public void Persistence_KeysWithMLNetAndTheModelWithModelFile_ScoresAsBefore()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        var keys = TestData.MapIdsToKeys(mlContext).Fit(data);
        var recommender = mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", nameof(RatingRow.Rating), Sgd).Fit(keys.Transform(data));
        using var keysFile = new MemoryStream();
        using var modelFile = new MemoryStream();

        // As the README says: the ML.NET steps with mlContext.Model.Save, the model with ModelFile.Save.
        mlContext.Model.Save(keys, data.Schema, keysFile);
        ModelFile.Save(recommender.Model, modelFile);
        keysFile.Position = 0;
        modelFile.Position = 0;
        var loadContext = new MLContext(seed: 1);
        ITransformer loadedKeys = loadContext.Model.Load(keysFile, out DataViewSchema inputSchema);
        IRecommenderModel loadedModel = ModelFile.Load(modelFile);
        var loaded = loadedKeys.Append(loadContext.CollaborativeFiltering().Transformer(loadedModel, "userKey", "itemKey"));

        inputSchema.Select(c => c.Name).Should().Equal("UserId", "ItemId", "Rating");
        using var engine = loadContext.Model.CreatePredictionEngine<RatingRow, RatingPrediction>(loaded);
        foreach (RatingRow row in rows.Take(20))
        {
            engine.Predict(row).Score.Should().Be(recommender.Model.Predict(row.UserId, row.ItemId));
        }
    }

    [Fact]
    public void Transformer_NullOrEmptyArguments_Throw()
    {
        CollaborativeFilteringCatalog cf = new MLContext(seed: 0).CollaborativeFiltering();
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Iterations = 1 }).Fit(TestData.Dataset(TestData.Rows()));

        cf.Invoking(c => c.Transformer<FactorizationModel>(null!, "u", "i")).Should().Throw<ArgumentNullException>().WithParameterName("model");
        cf.Invoking(c => c.Transformer(model, "", "i")).Should().Throw<ArgumentException>().WithParameterName("userColumnName");
        cf.Invoking(c => c.Transformer(model, "u", null!)).Should().Throw<ArgumentNullException>().WithParameterName("itemColumnName");
        cf.Transformer(model, "u", "i").Model.Should().BeSameAs(model);
    }
}
