using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public class FoldInTests
{
    private static KeyValuePair<string, float> R(string key, float rating) => new(key, rating);

    [Fact]
    public void ComputeUserEmbedding_OneDimension_HandComputed()
    {
        // V = (1), (2); r = 3, 5; λ = 1: x = (3·1 + 5·2) / (1 + 4 + 1) = 13/6.
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [0], [1, 2]);
        FoldIn.ComputeUserEmbedding(model, [0, 1], [3f, 5f]).ShouldBeClose(1e-6f, 13f / 6f);
    }

    [Fact]
    public void ComputeUserEmbedding_Biases_SubtractMeanAndItemBias()
    {
        // μ = 1, b = 0.5, −0.5: targets 1.5, 4.5; x = (1.5 + 9) / 6 = 1.75.
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [0], [1, 2], [0f], [0.5f, -0.5f], 1f);
        FoldIn.ComputeUserEmbeddingById(model, [R("1", 3f), R("2", 5f)]).ShouldBeClose(1e-6f, 1.75f);
    }

    [Fact]
    public void ComputeUserEmbedding_FewerRatingsThanDimensions_Solvable()
    {
        // d = 2, one rating of item (1, 0) with r = 2, λ = 0.5: [[1.5, 0], [0, 0.5]] x = (2, 0) → x = (4/3, 0).
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 2, [0, 0], [1, 0, 0, 1]);
        FoldIn.ComputeUserEmbedding(model, [0], [2f], new FoldInOptions { Regularization = 0.5 }).ShouldBeClose(1e-6f, 4f / 3f, 0f);
    }

    [Fact]
    public void FoldIn_PlantedUser_RecoversEmbeddingAndRecommendations()
    {
        const int m = 200, d = 8, users = 3;
        var rng = new Random(2024);
        float[] u = ScoringTestModels.Normal(rng, users * d);
        float[] v = ScoringTestModels.Normal(rng, m * d);
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(users, m), d, u, v);
        int[] rated = [.. Enumerable.Range(0, m).OrderBy(_ => rng.Next()).Take(30)];
        var byId = rated.Select(j => R(model.Catalog.Items[j], model.Predict(U(0), I(j)))).ToList();

        float[] x = FoldIn.ComputeUserEmbeddingById(model, byId);
        float[] truth = model.GetUserEmbedding(U(0)).ToArray();
        double error = Math.Sqrt(truth.Zip(x, (a, b) => (double)(a - b) * (a - b)).Sum());
        double norm = Math.Sqrt(truth.Sum(a => (double)a * a));
        (error / norm).Should().BeLessThan(0.15);

        var builder = new RatingsDatasetBuilder(model.Catalog);
        foreach (var (id, rating) in byId)
        {
            builder.Add("1", id, rating);
        }

        var trained = Recommender.Recommend(model, U(0), 10, builder.Build()).Select(r => r.Item.Value);
        var folded = Recommender.RecommendForNewUser(model, byId, 10);
        folded.Select(r => r.Item.Value).Intersect(trained).Count().Should().BeGreaterThanOrEqualTo(8);
        folded.Select(r => r.Item.Value).Intersect(rated).Should().BeEmpty();
    }

    [Fact]
    public void ComputeUserEmbedding_SmallLambda_ExactRecovery()
    {
        var rng = new Random(7);
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 40), 4, ScoringTestModels.Normal(rng, 4), ScoringTestModels.Normal(rng, 160));
        int[] items = [.. Enumerable.Range(0, 20)];
        float[] ratings = [.. items.Select(j => model.Predict(U(0), I(j)))];
        float[] x = FoldIn.ComputeUserEmbedding(model, items, ratings, new FoldInOptions { Regularization = 1e-6 });
        x.ShouldBeClose(1e-4f, model.GetUserEmbedding(U(0)).ToArray());
    }

    [Fact]
    public void ComputeUserEmbeddingByTitle_FirstMatchUsed()
    {
        var model = ScoringTestModels.MovieModel();
        // "aladdin" selects item 2 = (0.5, 0), the first match; "heat" item 4 = (−1, 0).
        float[] byTitle = FoldIn.ComputeUserEmbeddingByTitle(model, [R("aladdin", 4f), R("HEAT", 1f)]);
        float[] byId = FoldIn.ComputeUserEmbeddingById(model, [R("3", 4f), R("5", 1f)]);
        byTitle.ShouldBeClose(0f, byId);
    }

    [Fact]
    public void RecommendForNewUserByTitle_ExcludesRatedItems()
    {
        var recs = Recommender.RecommendForNewUserByTitle(ScoringTestModels.MovieModel(), [R("toy story", 5f), R("goldeneye", 4f)], 10);
        recs.Select(r => r.Item.Value).Should().NotContain([0, 1]).And.HaveCount(3);
    }

    [Fact]
    public void ComputeUserEmbeddingByTitle_NoMatch_KeyNotFoundNamingText()
    {
        var act = () => FoldIn.ComputeUserEmbeddingByTitle(ScoringTestModels.MovieModel(), [R("Casablanca", 4f)]);
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'Casablanca'*");
    }

    [Fact]
    public void ComputeUserEmbeddingByTitle_TwoTextsSameItem_Throws()
    {
        var act = () => FoldIn.ComputeUserEmbeddingByTitle(ScoringTestModels.MovieModel(), [R("Toy", 4f), R("story", 3f)]);
        act.Should().Throw<ArgumentException>().WithMessage("*'Toy'*'story'*").Which.ParamName.Should().Be("ratingsByTitle");
    }

    [Fact]
    public void ComputeUserEmbeddingById_UnknownItem_KeyNotFoundNamingIt()
    {
        var act = () => FoldIn.ComputeUserEmbeddingById(ScoringTestModels.MovieModel(), [R("1", 4f), R("1682", 3f)]);
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'1682'*");
    }

    [Fact]
    public void ComputeUserEmbeddingById_NoRatings_ArgumentException()
    {
        var act = () => FoldIn.ComputeUserEmbeddingById(ScoringTestModels.MovieModel(), []);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratingsByItemId");
        FluentActions.Invoking(() => Recommender.RecommendForNewUser(ScoringTestModels.MovieModel(), [], 5))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratingsByItemId");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ComputeUserEmbeddingById_NonFiniteRating_OutOfRangeNamingItem(float rating)
    {
        var act = () => FoldIn.ComputeUserEmbeddingById(ScoringTestModels.MovieModel(), [R("2", 4f), R("4", rating)]);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'4'*").Which.ParamName.Should().Be("ratingsByItemId");
    }

    [Fact]
    public void ComputeUserEmbeddingById_DuplicateId_Throws()
    {
        var act = () => FoldIn.ComputeUserEmbeddingById(ScoringTestModels.MovieModel(), [R("2", 4f), R("2", 3f)]);
        act.Should().Throw<ArgumentException>().WithMessage("*'2'*twice*");
    }

    [Fact]
    public void ComputeUserEmbedding_IndexOverloadBadInput_Throws()
    {
        var model = ScoringTestModels.MovieModel();
        FluentActions.Invoking(() => FoldIn.ComputeUserEmbedding(model, [0, 9], [1f, 2f])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("items");
        FluentActions.Invoking(() => FoldIn.ComputeUserEmbedding(model, [0, 1], [1f])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
        FluentActions.Invoking(() => FoldIn.ComputeUserEmbedding(model, [], [])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
        FluentActions.Invoking(() => FoldIn.ComputeUserEmbedding(model, [1, 1], [1f, 2f])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("items");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void FoldInOptions_InvalidRegularization_ThrowsNamingOptionWhenUsed(double lambda)
    {
        // Options records are validated by their consumer before any work (one style for every options record).
        var options = new FoldInOptions { Regularization = lambda };
        FactorizationModel model = ScoringTestModels.MovieModel();

        var act = () => FoldIn.ComputeUserEmbedding(model, [0], [2f], options);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Regularization");
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Regularization");
    }

    [Fact]
    public void FoldInOptions_Default_IsOne()
    {
        new FoldInOptions().Regularization.Should().Be(1.0);
    }

    [Fact]
    public void ComputeImplicitUserEmbedding_InvalidArguments_ThrowNamingTheArgument()
    {
        FactorizationModel model = FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 3), 2, new float[4], [1, 0, 0, 1, 1, 1]);

        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(null!, [0], [1])).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("model");
        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(model, [], [])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("items");
        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(model, [0, 1], [1])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("values");
        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(model, [0, 0], [1, 1])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("items");
        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(model, [3], [1])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("items");
        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(model, [1], [-1])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("values");
        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(model, [1], [float.NaN])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("values");
        FluentActions.Invoking(() => FoldIn.ComputeImplicitUserEmbedding(model, [1], [1], new ImplicitFoldInOptions { Alpha = -1 })).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Alpha");
    }

    [Fact]
    public void RecommendForNewUser_SoftmaxModel_UsesTheNetworksQueryNotTheRidgeFoldIn()
    {
        RatingsDataset train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 40, Items = 60, Ratings = 900, MinRatingsPerUser = 10 }).Dataset;
        SoftmaxModel model = new SoftmaxTrainer(new SoftmaxOptions { Dimensions = 6, HiddenLayerSizes = [8], Iterations = 30, BatchSize = 20 }).Fit(train);
        int[] items = [3, 17, 41];
        KeyValuePair<string, float>[] byId = [.. items.Select(i => R(model.Catalog.Items[i], 4f))];

        var viaLibrary = Recommender.RecommendForNewUser(model, byId, 10);

        var expected = Recommender.RecommendForQuery(model, model.ComputeQuery(items), 10, items);
        viaLibrary.Select(r => (r.Item.Value, r.Score)).Should().Equal(expected.Select(r => (r.Item.Value, r.Score)));
        var ridge = Recommender.RecommendForQuery(model, FoldIn.ComputeUserEmbedding(model, items, [4f, 4f, 4f]), 10, items);
        viaLibrary.Select(r => r.Score).Should().NotEqual(ridge.Select(r => r.Score), "the ridge fold-in is not the network's embedding");
    }

    [Fact]
    public void RecommendForNewUser_ImplicitAlsModel_UsesTheImplicitFoldIn()
    {
        RatingsDataset train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 40, Items = 60, Ratings = 900, MinRatingsPerUser = 10 }).Dataset;
        var options = new ImplicitAlsOptions { Dimensions = 5, Iterations = 4 };
        FactorizationModel model = new ImplicitAlsFactorizer(options).Fit(train);
        int[] items = [2, 9, 30];
        float[] values = [5f, 3f, 1f];
        KeyValuePair<string, float>[] byId = [.. items.Select((i, k) => R(model.Catalog.Items[i], values[k]))];

        var viaLibrary = Recommender.RecommendForNewUser(model, byId, 10);

        var expected = Recommender.RecommendForQuery(model, FoldIn.ComputeImplicitUserEmbedding(model, items, values, new ImplicitFoldInOptions { Regularization = options.Regularization, Alpha = options.Alpha }), 10, items);
        viaLibrary.Select(r => (r.Item.Value, r.Score)).Should().Equal(expected.Select(r => (r.Item.Value, r.Score)));
    }

    // ------------------------------------------------------------------ the model's rating scale

    private static RatingsDataset OneToFive() =>
        new RatingsDatasetBuilder().Add("a", "x", 1f).Add("a", "y", 5f).Add("b", "x", 4f).Add("b", "z", 2f).Add("c", "y", 3f).Add("c", "z", 5f).Build();

    [Theory]
    [InlineData(50f)]
    [InlineData(-40f)]
    [InlineData(5.5f)]
    [InlineData(0.5f)]
    public void RecommendForNewUser_RatingOutsideTheTrainingScale_ThrowsNamingValueItemAndScale(float rating)
    {
        // The notebook's plain model does not clamp its predictions, but it knows the scale it was trained on.
        FactorizationModel model = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 3 }).Fit(OneToFive());
        model.RatingScale.Should().Be(new RatingRange(1, 5));

        var act = () => Recommender.RecommendForNewUser(model, [R("x", 4f), R("y", rating)], 2);

        var e = act.Should().Throw<ArgumentOutOfRangeException>().Which;
        e.ParamName.Should().Be("ratingsByItemId");
        e.ActualValue.Should().Be(rating);
        e.Message.Should().Contain("'y'").And.Contain(rating.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("[1, 5]");
    }

    [Fact]
    public void RecommendForNewUser_RatingsAtTheEndsOfTheScale_Accepted()
    {
        FactorizationModel model = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 2, Iterations = 3 }).Fit(OneToFive());

        Recommender.RecommendForNewUser(model, [R("x", 1f), R("y", 5f)], 1).Should().ContainSingle().Which.Id.Should().Be("z");
    }

    [Fact]
    public void FoldIn_EveryEntryPoint_ChecksTheScale()
    {
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 2 }).Fit(OneToFive());

        FluentActions.Invoking(() => FoldIn.ComputeUserEmbedding(model, [0, 1], [3f, 9f])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'y'*9*[1, 5]*");
        FluentActions.Invoking(() => FoldIn.ComputeUserEmbeddingById(model, [R("z", 0f)])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'z'*");
        FluentActions.Invoking(() => Recommender.RecommendForNewUserByTitle(model, [R("x", 6f)], 1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ratingsByTitle");
        FluentActions.Invoking(() => model.ScoreItemsForNewUser([2], [7f], new float[3])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[1, 5]*");
    }

    [Fact]
    public void RatingScale_ModelsWhoseValuesAreNotRatingsOrUnknown_IsNullAndNothingIsChecked()
    {
        FactorizationModel implicitModel = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 2, Iterations = 2 }).Fit(OneToFive());
        FactorizationModel fromEmbeddings = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [0], [1, 2]);

        implicitModel.RatingScale.Should().BeNull("interaction strengths are not ratings");
        fromEmbeddings.RatingScale.Should().BeNull();
        fromEmbeddings.WithPredictionRange(new RatingRange(0.5f, 5f)).RatingScale.Should().Be(new RatingRange(0.5f, 5f), "a range to clamp to is the scale");
        Recommender.RecommendForNewUser(implicitModel, [R("x", 12f)], 1).Should().ContainSingle();
        FoldIn.ComputeUserEmbedding(fromEmbeddings, [0], [40f]).Should().HaveCount(1);
    }
}
