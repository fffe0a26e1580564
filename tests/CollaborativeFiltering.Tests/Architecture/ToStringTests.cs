using System.Reflection;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;
using CollaborativeFiltering.Tests.Scoring;

namespace CollaborativeFiltering.Tests.Architecture;

/// <summary>
/// Every public type that holds a result prints something a person can read: its own <c>ToString()</c>,
/// never the type name or a record's dump of collections, with numbers rounded to four significant digits.
/// Options records, builders, trainers and exceptions are left out (options print as records; an
/// exception prints its message).
/// </summary>
public sealed class ToStringTests
{
    // The neighbourhood trainers are named ...Recommender, as issue 17 named them (ItemKnnRecommender, EaseRecommender);
    // a search and its strategy configure work, like options.
    private static readonly string[] Machinery = ["Options", "Factorizer", "Trainer", "Builder", "Enumerator", "Recommender", "Search", "Strategy"];

    /// <summary>Machinery without a suffix: the t-SNE projector, like a trainer, holds only its options.</summary>
    private static readonly Type[] AlsoMachinery = [typeof(CollaborativeFiltering.Projection.TSne), typeof(CollaborativeFiltering.Tuning.HyperparameterSearch<,>)];

    private static readonly Type[] Results = [.. typeof(RatingsDataset).Assembly.GetExportedTypes().Where(t =>
        (t.IsClass || t.IsValueType) && !t.IsEnum && !(t.IsAbstract && t.IsSealed) && !typeof(Exception).IsAssignableFrom(t)
        && !typeof(Delegate).IsAssignableFrom(t) && !Machinery.Any(m => t.Name.EndsWith(m, StringComparison.Ordinal)) && !AlsoMachinery.Contains(t))];

    public static TheoryData<Type> ResultTypes() => [.. Results];

    [Theory]
    [MemberData(nameof(ResultTypes))]
    public void ResultType_DeclaresItsOwnToString(Type type)
    {
        MethodInfo? method = type.GetMethod(nameof(ToString), BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly, Type.EmptyTypes);

        method.Should().NotBeNull($"{type.Name} should print itself readably");
        method!.GetCustomAttribute<CompilerGeneratedAttribute>().Should().BeNull($"{type.Name}'s ToString should not be the record's generated dump");
    }

    [Fact]
    public void ResultTypes_IncludeTheOnesUsersPrint()
    {
        Results.Should().Contain([typeof(ItemNeighborResult), typeof(Recommendation), typeof(Summary), typeof(RegressionResult), typeof(RankingResult), typeof(CrossValidationResult), typeof(TrainingProgress), typeof(FactorizationModel), typeof(SoftmaxModel)]);
    }

    [Fact]
    public void Summary_PandasLabelsAndFourSignificantDigits()
    {
        DatasetStatistics.Describe([1.5, 2.5]).ToString().Should().Be("count=2, mean=2, std=0.7071, min=1.5, 25%=1.75, 50%=2, 75%=2.25, max=2.5");
    }

    [Fact]
    public void ItemNeighborResult_OneNeighbourPerLine()
    {
        ItemNeighborResult result = Neighbors.NearestItemsByTitle(ScoringTestModels.MovieModel(), "e", k: 2, measure: SimilarityMeasure.Cosine);

        string[] lines = result.ToString().Split(Environment.NewLine);
        lines[0].Should().Be($"Nearest to {result.Query} by cosine:");
        lines[1].Should().Be($"  1. {result.Neighbors[0]}");
        lines[2].Should().StartWith("  2. '").And.MatchRegex(@": -?[0-9.]+$");
        lines[^1].Should().StartWith("Other candidates: '");
        result.ToString().Should().NotContain("ReadOnlyCollection").And.NotContain("System.");
    }

    [Fact]
    public void ItemNeighborResult_OfAModelWithItsOwnWeights_DoesNotClaimADotProduct()
    {
        // An item-kNN model lists the similarities it kept; the header said "by dot product".
        ItemNeighborResult result = Neighbors.NearestItems(new CollaborativeFiltering.Neighborhood.ItemKnnRecommender().Fit(Neighborhood.NeighborhoodTestData.Tiny()), new ItemIndex(0), k: 2);

        result.Measure.Should().Be(SimilarityMeasure.ModelWeights);
        result.ToString().Split(Environment.NewLine)[0].Should().Be($"Nearest to {result.Query} by the model's own weights:");
    }

    [Fact]
    public void Recommendation_TitleIdAndRoundedScore()
    {
        new Recommendation(I(49), "50", "Star Wars (1977)", ["Action"], 4.123456f).ToString().Should().Be("'Star Wars (1977)' (id 50): 4.123");
        new ItemNeighbor(I(1), "2", "2", [], 0.83456f).ToString().Should().Be("item 2: 0.8346");
        new UserNeighbor(U(41), "42", 0.5f).ToString().Should().Be("user 42: 0.5");
    }

    [Fact]
    public void Metrics_RoundedWithTheirNames()
    {
        new RegressionResult(0.81234567, 0.90130222, 0.71234, 10000).ToString().Should().Be("MSE 0.8123, RMSE 0.9013, MAE 0.7123 over 10000 ratings");
        new MetricSummary(0.91234, 0.0123456).ToString().Should().Be("0.9123 ± 0.01235");
        new RankingResult(0.19234, 0.35, 0.353, 0.2, 0.8, 0.12, 943, 10).ToString()
            .Should().Be("precision@10 0.1923, recall@10 0.35, NDCG@10 0.353, MAP@10 0.2, hit rate@10 0.8, coverage 0.12 over 943 users");
        new FoldResult(0, new RegressionResult(1, 1, 0.5, 4), new RegressionResult(0.25, 0.5, 0.25, 12), TimeSpan.FromSeconds(1.234)).ToString()
            .Should().Be("fold 0: test MSE 1, RMSE 1, MAE 0.5 over 4 ratings; train RMSE 0.5; trained in 1.23 s");
    }

    [Fact]
    public void TrainingProgress_RatingModelWithPenalties_AndNetwork()
    {
        new TrainingProgress { Iteration = 3000, TotalIterations = 3000, ObservedLoss = 0.80712, RegularizationLoss = 1.0191, GravityLoss = 1.2634, TrainMse = 0.80655, ValidationMse = 2.60712, Elapsed = TimeSpan.FromSeconds(2.853) }
            .ToString().Should().Be("iteration 3000 of 3000: train MSE 0.8066, validation MSE 2.607; loss 3.09 = observed 0.8071 + regularization 1.019 + gravity 1.263 (2.85 s)");
        new TrainingProgress { Iteration = 200, TotalIterations = 3000, ObservedLoss = 6.6361, ValidationLoss = 6.874, ValidationRecallAt10 = 0.1192, Elapsed = TimeSpan.FromSeconds(0.2) }
            .ToString().Should().Be("iteration 200 of 3000: loss 6.636, validation loss 6.874, validation recall@10 0.1192 (0.2 s)");
    }

    [Fact]
    public void Data_CountsAndRanges()
    {
        var data = new RatingsDatasetBuilder().Add("1", "10", 4f, 874965758).Add("2", "10", 1.5f, 874965800).Build();

        data.ToString().Should().Be("2 users × 1 items, 2 ratings from 1.5 to 4");
        data[0].ToString().Should().Be("user index 0 rated item index 0: 4 (timestamp 874965758)");
        data.Catalog.ToString().Should().Be("2 users, 1 items");
        data.Catalog.Users.ToString().Should().Be("2 ids (1 … 2)");
        data.ByUser.ToString().Should().Be("2 rows × 1 columns, 2 entries");
        new DatasetSplit(data, data).ToString().Should().Be("2 training and 2 test ratings");
        new UserInfo("1", 24, "M", "technician", "85711").ToString().Should().Be("user 1: age 24, M, technician, zip 85711");
        new UserInfo("7").ToString().Should().Be("user 7");
        new ItemInfo("1", "Toy Story (1995)", null, 1995, ["Animation", "Comedy"]).ToString().Should().Be("'Toy Story (1995)' (id 1), 1995, Animation|Comedy");
    }

    [Fact]
    public void Models_SayWhatTheyAre()
    {
        FactorizationModel model = ScoringTestModels.MovieModel().WithPredictionRange(new RatingRange(1, 5));

        model.ToString().Should().Be($"FactorizationModel: 3 users × 5 items, d = 2, no biases, predictions clamped to [1, 5]");
    }
}
