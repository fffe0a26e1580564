using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Neural;

/// <summary>A new user's ratings: the items rated at or above the midpoint of the training scale form the network's bag.</summary>
public sealed partial class SoftmaxModelTests
{
    private static readonly Lazy<(RatingsDataset Train, SoftmaxModel Model)> OneToFiveModel = new(() =>
    {
        RatingsDataset train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 60, Items = 80, Ratings = 1500, MinRatingsPerUser = 10, Seed = 5 }).Dataset;
        return (train, new SoftmaxTrainer(new SoftmaxOptions { Dimensions = 6, HiddenLayerSizes = [8], ItemEmbeddingDimensions = 6, Iterations = 40, BatchSize = 20 }).Fit(train));
    });

    [Fact]
    public void RatingScale_IsTheTrainingRatingsRange_AndTheLikedThresholdItsMidpoint()
    {
        var (train, model) = OneToFiveModel.Value;

        train.ValueRange.Should().Be(new RatingRange(1, 5), "the generator rates on MovieLens's 1-5 stars");
        model.RatingScale.Should().Be(new RatingRange(1, 5));
        model.LikedRatingThreshold.Should().Be(3f);
        model.PredictsRatings.Should().BeFalse("knowing the scale does not make the logits ratings");
    }

    [Fact]
    public void ComputeNewUserQuery_AllFiveStars_IsTheQueryOfTheRatedItems_AllOneStar_TheEmptyBags()
    {
        SoftmaxModel model = OneToFiveModel.Value.Model;
        int[] items = [3, 17, 41, 60];

        float[] loved = model.ComputeNewUserQuery(items, [5, 5, 5, 5]);
        float[] hated = model.ComputeNewUserQuery(items, [1, 1, 1, 1]);

        loved.Should().Equal(model.ComputeQuery(items));
        hated.Should().Equal(model.ComputeQuery([]), "no item was liked: the empty bag's query");
        hated.Should().NotEqual(loved);
    }

    [Fact]
    public void ComputeNewUserQuery_MixedRatings_KeepsTheItemsAtOrAboveTheMidpoint()
    {
        SoftmaxModel model = OneToFiveModel.Value.Model;

        float[] query = model.ComputeNewUserQuery([3, 17, 41, 60, 70], [5, 2.9f, 3, 1, 4]);

        query.Should().Equal(model.ComputeQuery([3, 41, 70]), "5, 3 and 4 are at or above 3; 2.9 and 1 are below");
    }

    [Fact]
    public void RecommendForNewUser_AllOneStarAndAllFiveStar_GiveDifferentListsWithoutTheRatedItems()
    {
        SoftmaxModel model = OneToFiveModel.Value.Model;
        int[] items = [3, 17, 41, 60];
        KeyValuePair<string, float>[] Rate(float value) => [.. items.Select(i => new KeyValuePair<string, float>(model.Catalog.Items[i], value))];

        var loved = Recommender.RecommendForNewUser(model, Rate(5), 10);
        var hated = Recommender.RecommendForNewUser(model, Rate(1), 10);

        loved.Select(r => r.Item.Value).Should().Equal(Recommender.RecommendForQuery(model, model.ComputeQuery(items), 10, items).Select(r => r.Item.Value));
        hated.Select(r => r.Item.Value).Should().Equal(Recommender.RecommendForQuery(model, model.ComputeQuery([]), 10, items).Select(r => r.Item.Value));
        hated.Select(r => r.Score).Should().NotEqual(loved.Select(r => r.Score));
        loved.Concat(hated).Select(r => r.Item.Value).Should().NotIntersectWith(items, "a rated item, liked or not, is never recommended");
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(5.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ComputeNewUserQuery_ValueOutsideTheScaleOrNotFinite_ThrowsNamingValues(float value)
    {
        SoftmaxModel model = OneToFiveModel.Value.Model;

        var e = FluentActions.Invoking(() => model.ComputeNewUserQuery([3, 17], [4, value])).Should().Throw<ArgumentOutOfRangeException>().Which;

        e.ParamName.Should().Be("values");
        e.Message.Should().Contain("item 17").And.Contain("[1, 5]");
        FluentActions.Invoking(() => Recommender.RecommendForNewUser(model, [new(model.Catalog.Items[3], value)], 1))
            .Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ComputeNewUserQuery_BadItemsOrLengths_Throw()
    {
        SoftmaxModel model = OneToFiveModel.Value.Model;

        FluentActions.Invoking(() => model.ComputeNewUserQuery([3, 80], [4, 4])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("items");
        FluentActions.Invoking(() => model.ComputeNewUserQuery([3, 4], [4])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("values");
    }
}
