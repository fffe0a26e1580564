using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>
/// Item-kNN on <see cref="NeighborhoodTestData.Tiny"/>: every similarity, shrinkage and minimum support,
/// every predictor and the top-N scores against values worked out by hand with Surprise's formulas
/// (a few lines of Python, quoted per test), then its behaviour as a trainer.
/// </summary>
public sealed partial class ItemKnnRecommenderTests
{
    private const double Tolerance = 1e-5;

    private static ItemKnnModel Fit(KnnSimilarity similarity, KnnPredictor predictor = KnnPredictor.WithBaseline, double shrinkage = 0, int k = 40, int minK = 1, int minSupport = 1, bool normalize = true,
        KnnTopNSimilarity topN = KnnTopNSimilarity.RatingSimilarity) =>
        new ItemKnnRecommender(new KnnOptions
        {
            Similarity = similarity,
            Predictor = predictor,
            Shrinkage = shrinkage,
            Neighbors = k,
            MinNeighbors = minK,
            MinSupport = minSupport,
            NormalizeTopN = normalize,
            TopNSimilarity = topN,
            ClipPredictions = false,
        }).Fit(NeighborhoodTestData.Tiny());

    /// <summary>
    /// Items 0 and 1 share users 0, 1, 2 with ratings (5, 3, 4) and (3, 1, 2): Σab = 26, Σa² = 50, Σb² = 14,
    /// cosine 26/√700 = 0.982708. Items 0 and 3 share users 1 and 2: (3, 4)·(5, 1) = 19 over √(25·26), 0.745241.
    /// </summary>
    [Fact]
    public void Fit_Cosine_KeepsTheCosinesOverTheSharedUsers()
    {
        ItemKnnModel model = Fit(KnnSimilarity.Cosine);

        NeighborhoodTestData.Row(model, 0).Should().Equal([1f, 0.982708f, 0.997054f, 0.745241f], (a, b) => Math.Abs(a - b) < Tolerance);
        NeighborhoodTestData.Row(model, 3).Should().Equal([0.745241f, 0.678935f, 0.843661f, 1f], (a, b) => Math.Abs(a - b) < Tolerance);
    }

    /// <summary>
    /// Pearson over the shared users, centred on the pair's own means: items 0 and 1 are perfectly
    /// correlated (1), items 1 and 2 (users 0, 1, 3: (3, 1, 5) and (4, 2, 4)) 0.866025; item 3 correlates
    /// negatively with every item, and non-positive similarities are not kept (−∞).
    /// </summary>
    [Fact]
    public void Fit_Pearson_KeepsThePositiveCorrelations()
    {
        ItemKnnModel model = Fit(KnnSimilarity.Pearson);

        NeighborhoodTestData.Row(model, 1).Should().Equal([1f, 1f, 0.866025f, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        NeighborhoodTestData.Row(model, 3).Skip(0).Take(3).Should().OnlyContain(w => float.IsNegativeInfinity(w));
    }

    /// <summary>
    /// The baselines (Surprise's ALS: λ_i = 10, λ_u = 15, 10 sweeps, items first) are
    /// b_u = (0.124845, −0.102057, −0.149833, 0.137720), b_i = (0.187288, −0.138125, 0.011322, −0.044472),
    /// and the correlations of the residuals r − μ − b_u − b_i are 0.659736 (items 0, 2) and 0.836831 (1, 2).
    /// </summary>
    [Fact]
    public void Fit_PearsonBaseline_CorrelatesTheResidualsOfSurprisesAlsBaselines()
    {
        ItemKnnModel model = Fit(KnnSimilarity.PearsonBaseline);

        model.GlobalMean.Should().BeApproximately(42f / 13, 1e-6f);
        model.UserBiases.ToArray().Should().Equal([0.124845f, -0.102057f, -0.149833f, 0.137720f], (a, b) => Math.Abs(a - b) < Tolerance);
        model.ItemBiases.ToArray().Should().Equal([0.187288f, -0.138125f, 0.011322f, -0.044472f], (a, b) => Math.Abs(a - b) < Tolerance);
        NeighborhoodTestData.Row(model, 2).Should().Equal([0.659736f, 0.836831f, 1f, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        NeighborhoodTestData.Row(model, 0)[1].Should().Be(float.NegativeInfinity, "items 0 and 1 have negatively correlated residuals");
    }

    /// <summary>
    /// The adjusted cosine centres each rating on its user's mean (4, 2.75, 2.333, 4): only items 1 and 2
    /// end up positive, over users 0, 1, 3: (−1, −1.75, 1)·(0, −0.75, 0) = 1.3125 over √(5.0625·0.5625) = 1.6875, 0.777778.
    /// </summary>
    [Fact]
    public void Fit_AdjustedCosine_CentresOnTheUsersMeans()
    {
        ItemKnnModel model = Fit(KnnSimilarity.AdjustedCosine);

        NeighborhoodTestData.Row(model, 1).Should().Equal([float.NegativeInfinity, 1f, 0.777778f, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        NeighborhoodTestData.Row(model, 0).Where(w => w != 1).Should().OnlyContain(w => float.IsNegativeInfinity(w));
    }

    /// <summary>Items 0 and 1 differ by 2 on each of their 3 shared users: msd 4, similarity 1/5; items 0 and 2 share u0, u1 with differences 1 and 1: 1/2.</summary>
    [Fact]
    public void Fit_MeanSquaredDifference_IsOneOverMsdPlusOne()
    {
        ItemKnnModel model = Fit(KnnSimilarity.MeanSquaredDifference);

        NeighborhoodTestData.Row(model, 0).Should().Equal([1f, 0.2f, 0.5f, 0.133333f], (a, b) => Math.Abs(a - b) < Tolerance);
        NeighborhoodTestData.Row(model, 3).Should().Equal([0.133333f, 0.125f, 0.166667f, 1f], (a, b) => Math.Abs(a - b) < Tolerance);
    }

    /// <summary>Shrinkage multiplies by n/(n + λ): the Pearson-baseline similarity of items 0 and 2 (2 shared users) becomes 0.659736·2/102 = 0.012936.</summary>
    [Fact]
    public void Fit_Shrinkage_MultipliesBySupportOverSupportPlusLambda()
    {
        ItemKnnModel model = Fit(KnnSimilarity.PearsonBaseline, shrinkage: 100);

        NeighborhoodTestData.Row(model, 2)[0].Should().BeApproximately(0.012936f, 1e-6f);
        NeighborhoodTestData.Row(model, 2)[1].Should().BeApproximately(0.02437373f, 1e-6f);
    }

    /// <summary>With a minimum support of 3 only pairs with three shared users keep a similarity: (0, 1), (1, 2), (1, 3), each shrunk by 3/5 at λ = 2.</summary>
    [Fact]
    public void Fit_MinSupport_DropsPairsWithFewerSharedUsers()
    {
        ItemKnnModel model = Fit(KnnSimilarity.Cosine, shrinkage: 2, minSupport: 3);

        NeighborhoodTestData.Row(model, 1).Should().Equal([0.58962458f, 1f, 0.57470489f, 0.40736084f], (a, b) => Math.Abs(a - b) < Tolerance);
        NeighborhoodTestData.Row(model, 0).Should().Equal([1f, 0.58962458f, float.NegativeInfinity, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
    }

    [Fact]
    public void Fit_AnySimilarity_IsSymmetricBitForBit()
    {
        RatingsDataset data = NeighborhoodTestData.Random(60, 40, 0.3, seed: 3);
        foreach (KnnSimilarity similarity in Enum.GetValues<KnnSimilarity>())
        {
            ItemKnnModel model = new ItemKnnRecommender(new KnnOptions { Similarity = similarity, SavedNeighbors = 40 }).Fit(data);
            float[][] rows = [.. Enumerable.Range(0, 40).Select(i => NeighborhoodTestData.Row(model, i))];
            for (int i = 0; i < 40; i++)
            {
                for (int j = 0; j < 40; j++)
                {
                    rows[i][j].Should().Be(rows[j][i], $"{similarity}: sim({i}, {j}) = sim({j}, {i})");
                }
            }
        }
    }

    /// <summary>
    /// u0 rated items 0, 1, 2; item 3's cosines to them are 0.745241, 0.678935, 0.843661. Basic:
    /// (0.745241·5 + 0.678935·3 + 0.843661·4)/Σ = 4.029238; with k = 1 only item 2 counts: 4. u3 (items 1, 2, 3)
    /// for item 0: 4.087143.
    /// </summary>
    [Fact]
    public void Predict_Basic_IsTheSimilarityWeightedMeanOfTheKNearestRated()
    {
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic).Predict(U(0), I(3)).Should().BeApproximately(4.029238f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic, k: 1).Predict(U(0), I(3)).Should().BeApproximately(4f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic).Predict(U(3), I(0)).Should().BeApproximately(4.087143f, 1e-5f);
    }

    /// <summary>With means: μ_3 = 3 plus the weighted deviations from the neighbours' means (4, 2.75, 3.333): 3.651465; k = 1: 3 + (4 − 3.333) = 3.666667; u3, item 0: 5.055336 (not clamped here).</summary>
    [Fact]
    public void Predict_WithMeans_AddsTheNeighboursDeviationsToTheItemMean()
    {
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithMeans).Predict(U(0), I(3)).Should().BeApproximately(3.651465f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithMeans, k: 1).Predict(U(0), I(3)).Should().BeApproximately(3.666667f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithMeans).Predict(U(3), I(0)).Should().BeApproximately(5.055336f, 1e-5f);
    }

    /// <summary>With the baseline: b_03 = μ + b_0 + b_3 = 3.311142 plus the weighted residuals of the neighbours: 3.960360; k = 1: 3.944206; u3, item 0: 4.332262.</summary>
    [Fact]
    public void Predict_WithBaseline_AddsTheNeighboursResidualsToTheBaseline()
    {
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithBaseline).Predict(U(0), I(3)).Should().BeApproximately(3.960360f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithBaseline, k: 1).Predict(U(0), I(3)).Should().BeApproximately(3.944206f, 1e-5f);
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithBaseline).Predict(U(3), I(0)).Should().BeApproximately(4.332262f, 1e-5f);
    }

    /// <summary>Item 3 has no positive Pearson-baseline similarity, so u0's prediction falls back: μ (Basic), the item's mean 3 (with means), the baseline 3.311142 (with baseline); for u3 and item 0 (neighbour item 2): 4, 4.666667, 4.175966.</summary>
    [Fact]
    public void Predict_WithoutNeighbours_FallsBackAsSurpriseDoes()
    {
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.Basic).Predict(U(0), I(3)).Should().BeApproximately(42f / 13, 1e-5f);
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.WithMeans).Predict(U(0), I(3)).Should().BeApproximately(3f, 1e-5f);
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.WithBaseline).Predict(U(0), I(3)).Should().BeApproximately(3.311142f, 1e-5f);
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.Basic).Predict(U(3), I(0)).Should().BeApproximately(4f, 1e-5f);
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.WithMeans).Predict(U(3), I(0)).Should().BeApproximately(4.666667f, 1e-5f);
        Fit(KnnSimilarity.PearsonBaseline, KnnPredictor.WithBaseline).Predict(U(3), I(0)).Should().BeApproximately(4.175966f, 1e-5f);
    }

    [Fact]
    public void Predict_FewerNeighboursThanMinNeighbors_FallsBack()
    {
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic, minK: 3).Predict(U(0), I(3)).Should().BeApproximately(4.029238f, 1e-5f, "three neighbours are enough");
        Fit(KnnSimilarity.Cosine, KnnPredictor.Basic, minK: 4).Predict(U(0), I(3)).Should().BeApproximately(42f / 13, 1e-5f, "u0 rated only three other items");
        Fit(KnnSimilarity.Cosine, KnnPredictor.WithBaseline, minK: 4).Predict(U(0), I(3)).Should().BeApproximately(3.311142f, 1e-5f);
    }

    [Fact]
    public void Predict_ClipPredictions_ClampsToTheTrainingRange()
    {
        var options = new KnnOptions { Similarity = KnnSimilarity.Cosine, Predictor = KnnPredictor.WithMeans, Shrinkage = 0 };
        ItemKnnModel model = new ItemKnnRecommender(options).Fit(NeighborhoodTestData.Tiny());

        model.PredictionRange.Should().Be(new RatingRange(1, 5));
        model.Predict(U(3), I(0)).Should().Be(5f, "5.055 is clamped to the highest rating");
    }

    /// <summary>
    /// Deshpande and Karypis's top-N for u3 (items 1, 2, 3) with k = 2: item 1's two nearest are 0 (0.982708)
    /// and 2 (0.957841), item 2's 0 and 1, item 3's 2 and 0. Raw sums: item 0 2.725003, item 2 1.801503,
    /// item 1 0.957841; each list divided by its sum first: 1.485465, 1.024564, 0.489971. Item 3 is on no list.
    /// </summary>
    [Fact]
    public void TryScoreItems_SumsTheNeighboursOfTheUsersItems()
    {
        var raw = new float[4];
        var normalized = new float[4];

        Fit(KnnSimilarity.Cosine, k: 2, normalize: false).TryScoreItems(U(3), raw).Should().BeTrue();
        Fit(KnnSimilarity.Cosine, k: 2, normalize: true).TryScoreItems(U(3), normalized).Should().BeTrue();

        raw.Should().Equal([2.725003f, 0.957841f, 1.801503f, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        normalized.Should().Equal([1.485465f, 0.489971f, 1.024564f, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
    }

    /// <summary>
    /// The default top-N lists are Deshpande and Karypis's binary cosines |U_i ∩ U_j| / √(|U_i|·|U_j|). In the
    /// tiny set items 0, 2 and 3 have 3 raters and item 1 has 4; items 0–1, 1–2 and 1–3 share 3 raters
    /// (3/√12 = 0.866025), the other pairs 2 (2/3). With k = 2 (ties by index): item 0 → 1, 2; item 1 → 0, 2;
    /// item 2 → 1, 0; item 3 → 1, 0. For u3 (items 1, 2, 3) the raw sums are item 0 0.866025 + 2·0.666667 =
    /// 2.199359, item 1 2·0.866025 = 1.732051, item 2 0.866025; each list divided by its sum first: item 0
    /// 0.5 + 2·0.434964 = 1.369928, item 1 2·0.565036 = 1.130072, item 2 0.5. The ratings do not matter.
    /// </summary>
    [Fact]
    public void TryScoreItems_BinaryCosine_SumsDeshpandeAndKarypissLists()
    {
        var raw = new float[4];
        var normalized = new float[4];
        ItemKnnModel model = Fit(KnnSimilarity.Cosine, k: 2, normalize: false, topN: KnnTopNSimilarity.BinaryCosine);

        model.TryScoreItems(U(3), raw).Should().BeTrue();
        Fit(KnnSimilarity.PearsonBaseline, k: 2, normalize: true, topN: KnnTopNSimilarity.BinaryCosine).TryScoreItems(U(3), normalized).Should().BeTrue();

        model.Core.TopNNeighbors.Indices(0).ToArray().Should().Equal(1, 2);
        model.Core.TopNNeighbors.Weights(0).ToArray().Should().Equal([0.866025f, 0.666667f], (a, b) => Math.Abs(a - b) < Tolerance);
        model.Core.TopNNeighbors.Indices(1).ToArray().Should().Equal(0, 2);
        raw.Should().Equal([2.199359f, 1.732051f, 0.866025f, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        normalized.Should().Equal([1.369928f, 1.130072f, 0.5f, float.NegativeInfinity], (a, b) => Math.Abs(a - b) < Tolerance || a == b);
        new KnnOptions().TopNSimilarity.Should().Be(KnnTopNSimilarity.BinaryCosine);
        model.ToString().Should().Contain("top-N by binary cosine");
    }

    [Fact]
    public void TryScoreItems_BinaryCosine_SameAfterSavingLoadingAndForAnyThreadCount()
    {
        RatingsDataset data = NeighborhoodTestData.Random(60, 40, 0.3, seed: 9);
        ItemKnnModel one = new ItemKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = 1, Neighbors = 7 }).Fit(data);
        ItemKnnModel three = new ItemKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = 3, Neighbors = 7 }).Fit(data);
        using var stream = new MemoryStream();
        ModelFile.Save(one, stream);
        var loaded = (ItemKnnModel)ModelFile.Load(new MemoryStream(stream.ToArray()));

        three.Core.TopNNeighbors.IndexArray.Should().Equal(one.Core.TopNNeighbors.IndexArray);
        three.Core.TopNNeighbors.WeightArray.Should().Equal(one.Core.TopNNeighbors.WeightArray);
        for (int u = 0; u < 60; u += 7)
        {
            var expected = new float[40];
            var actual = new float[40];
            one.TryScoreItems(U(u), expected).Should().BeTrue();
            loaded.TryScoreItems(U(u), actual).Should().BeTrue();
            actual.Should().Equal(expected, "a loaded model computes the same lists from its stored ratings");
        }
    }

    [Fact]
    public void TryScoreItems_UserWithoutRatings_ReturnsFalse()
    {
        RatingsDataset data = NeighborhoodTestData.Build(Catalog.Sequential(3, 3), (0, 0, 4), (0, 1, 5), (1, 1, 3), (1, 2, 2));
        ItemKnnModel model = new ItemKnnRecommender().Fit(data);

        model.TryScoreItems(U(2), new float[3]).Should().BeFalse();
        FluentActions.Invoking(() => Recommender.Recommend(model, U(2))).Should().Throw<KeyNotFoundException>().WithMessage("*no scores for user 2*");
    }

    [Fact]
    public void ScoreItemsForNewUser_TheItemsOfAKnownUser_ScoresAsThatUser()
    {
        ItemKnnModel model = new ItemKnnRecommender().Fit(NeighborhoodTestData.Random(50, 30, 0.3, seed: 4));
        int[] items = model.Core.UserItems(7).ToArray();
        var known = new float[30];
        var fresh = new float[30];

        model.TryScoreItems(U(7), known).Should().BeTrue();
        model.ScoreItemsForNewUser([.. items.Reverse()], [.. items.Select(_ => 1f)], fresh);

        fresh.Should().Equal(known, "item-kNN top-N uses which items were rated, not the values");
    }

    [Fact]
    public void Recommend_ExcludingTrain_RanksTheSummedNeighbours()
    {
        ItemKnnModel model = Fit(KnnSimilarity.Cosine, k: 2, normalize: false);

        IReadOnlyList<Recommendation> top = Recommender.Recommend(model, U(3), 10, exclude: NeighborhoodTestData.Tiny());

        top.Select(r => r.Item.Value).Should().Equal([0], "u3 rated items 1–3, and item 0 is the only other item any list reaches");
        top[0].Score.Should().BeApproximately(2.725003f, 1e-5f);
    }

    [Fact]
    public void NearestItems_AreTheKeptListStrongestFirst()
    {
        ItemKnnModel model = Fit(KnnSimilarity.Cosine);

        ItemNeighborResult nearest = Neighbors.NearestItems(model, I(0), k: 3);
        ItemNeighborResult byId = Neighbors.NearestItemsById(model, "1", k: 10, includeQuery: false);

        nearest.Measure.Should().Be(SimilarityMeasure.ModelWeights);
        nearest.Neighbors.Select(n => n.Item.Value).Should().Equal([0, 2, 1]);
        nearest.Neighbors[1].Score.Should().BeApproximately(0.997054f, 1e-5f);
        byId.Neighbors.Select(n => n.Item.Value).Should().Equal([2, 1, 3], "every other item has a positive cosine with item 0");
        FluentActions.Invoking(() => Neighbors.NearestItems(model, I(0), measure: SimilarityMeasure.Cosine))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("measure");
    }

    [Fact]
    public void NearestItems_PrunedToSavedNeighbors_ListsOnlyTheKeptOnes()
    {
        RatingsDataset data = NeighborhoodTestData.Random(80, 60, 0.4, seed: 6);
        ItemKnnModel full = new ItemKnnRecommender(new KnnOptions { Neighbors = 5, SavedNeighbors = 59 }).Fit(data);
        ItemKnnModel pruned = new ItemKnnRecommender(new KnnOptions { Neighbors = 5, SavedNeighbors = 5 }).Fit(data);

        ItemNeighborResult all = Neighbors.NearestItems(full, I(0), k: 60, includeQuery: false);
        ItemNeighborResult kept = Neighbors.NearestItems(pruned, I(0), k: 60, includeQuery: false);

        kept.Neighbors.Should().HaveCount(5);
        kept.Neighbors.Should().Equal(all.Neighbors.Take(5), "pruning keeps the strongest of the same similarities");
    }
}
