using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.Tests;

/// <summary>A bad schema, at Fit and at GetOutputSchema: the exception names the column and says what was expected.</summary>
public sealed partial class RecommenderEstimatorTests
{
    [Fact]
    public void Fit_MissingUserColumn_ThrowsNamingItAndListingTheColumns()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = TestData.MapIdsToKeys(mlContext).Fit(mlContext.Data.LoadFromEnumerable(TestData.Rows())).Transform(mlContext.Data.LoadFromEnumerable(TestData.Rows()));

        Action fit = () => mlContext.CollaborativeFiltering().Als("userKy", "itemKey", nameof(RatingRow.Rating)).Fit(data);

        fit.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("trainData")
            .WithMessage("The user column 'userKy' is not in the data. Its columns are: 'UserId', 'ItemId', 'Rating', 'userKey', 'itemKey'.*");
    }

    [Fact]
    public void Fit_ItemColumnOfIdsNotKeys_ThrowsNamingItAndMapValueToKey()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Transforms.Conversion.MapValueToKey("userKey", nameof(RatingRow.UserId)).Fit(mlContext.Data.LoadFromEnumerable(TestData.Rows()))
            .Transform(mlContext.Data.LoadFromEnumerable(TestData.Rows()));

        Action fit = () => mlContext.CollaborativeFiltering().Als("userKey", nameof(RatingRow.ItemId), nameof(RatingRow.Rating)).Fit(data);

        fit.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("The item column 'ItemId' has type String; expected a key type.*MapValueToKey(\"ItemId\", \"<item id column>\")*");
    }

    [Fact]
    public void Fit_TextLabel_ThrowsNamingIt()
    {
        var mlContext = new MLContext(seed: 0);
        var rows = TestData.Rows().Select(r => new TextLabelRow { UserId = r.UserId, ItemId = r.ItemId, Rating = "5" });

        Action fit = () => TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(TextLabelRow.Rating)))
            .Fit(mlContext.Data.LoadFromEnumerable(rows));

        fit.Should().Throw<ArgumentOutOfRangeException>().WithMessage("The label column 'Rating' has type String; expected Single (float) or Double ratings.*ConvertType*");
    }

    [Fact]
    public void Fit_IntegerLabel_ThrowsNamingItAndTheConversion()
    {
        var mlContext = new MLContext(seed: 0);
        var rows = TestData.Rows().Select(r => new IntLabelRow { UserId = r.UserId, ItemId = r.ItemId, Rating = (int)r.Rating });

        Action fit = () => TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", nameof(IntLabelRow.Rating)))
            .Fit(mlContext.Data.LoadFromEnumerable(rows));

        fit.Should().Throw<ArgumentOutOfRangeException>().WithMessage("The label column 'Rating' has type Int32;*ConvertType(\"Rating\", outputKind: DataKind.Single)*");
    }

    [Fact]
    public void Fit_MissingLabelColumn_ThrowsNamingIt()
    {
        var mlContext = new MLContext(seed: 0);

        Action fit = () => TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey"))
            .Fit(mlContext.Data.LoadFromEnumerable(TestData.Rows()));

        fit.Should().Throw<ArgumentOutOfRangeException>().WithMessage("The label column 'Label' is not in the data.*'Rating'*");
    }

    [Fact]
    public void GetOutputSchema_KeysAndALabel_AddsASingleScoreColumnReplacingAnyOther()
    {
        SchemaShape output = new MLContext(seed: 0).CollaborativeFiltering().Als("UserKey", "ItemKey").GetOutputSchema(Shapes.Of<KeyShape>());

        output.Select(c => c.Name).Should().Equal("UserKey", "ItemKey", "Label", "Score");
        SchemaShape.Column score = output.Single(c => c.Name == "Score");
        score.ItemType.Should().Be(NumberDataViewType.Single);
        score.Kind.Should().Be(SchemaShape.Column.VectorKind.Scalar);
        score.IsKey.Should().BeFalse();
    }

    [Fact]
    public void GetOutputSchema_ThroughAnEstimatorChain_PropagatesTheScore()
    {
        var mlContext = new MLContext(seed: 0);
        var chain = new EstimatorChain<ITransformer>()
            .Append(mlContext.Transforms.CopyColumns("Rating", "Label"))
            .Append(mlContext.CollaborativeFiltering().Als("UserKey", "ItemKey", "Rating"));

        chain.GetOutputSchema(Shapes.Of<KeyShape>()).Select(c => c.Name).Should().Contain(["Rating", "Score"]);
    }

    [Fact]
    public void GetOutputSchema_ItemColumnNotAKey_ThrowsNamingIt()
    {
        Action act = () => new MLContext(seed: 0).CollaborativeFiltering().Als("UserKey", "ItemKey").GetOutputSchema(Shapes.Of<TextItemShape>());

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inputSchema").WithMessage("The item column 'ItemKey' has type String; expected a key type.*");
    }

    [Fact]
    public void GetOutputSchema_VectorOfKeys_ThrowsNamingIt()
    {
        Action act = () => new MLContext(seed: 0).CollaborativeFiltering().Als("UserKey", "ItemKey").GetOutputSchema(Shapes.Of<VectorKeyShape>());

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("The user column 'UserKey' has type Vector<Key<UInt32>>; expected a key type.*");
    }

    [Fact]
    public void GetOutputSchema_BooleanLabel_ThrowsNamingIt()
    {
        Action act = () => new MLContext(seed: 0).CollaborativeFiltering().Als("UserKey", "ItemKey").GetOutputSchema(Shapes.Of<BoolLabelShape>());

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("The label column 'Label' has type Boolean; expected Single (float) or Double ratings.*");
    }

    [Fact]
    public void GetOutputSchema_MissingItemColumn_ThrowsListingTheColumns()
    {
        Action act = () => new MLContext(seed: 0).CollaborativeFiltering().Als("UserKey", "Item").GetOutputSchema(Shapes.Of<KeyShape>());

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("The item column 'Item' is not in the data. Its columns are: 'UserKey', 'ItemKey', 'Label', 'Score'.*");
    }

    [Fact]
    public void Fit_KeyCountsTooLargeForACatalogue_ThrowNamingTheColumnBeforeAllocating()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView huge = mlContext.Data.LoadFromEnumerable(new[] { new HugeKeyRow { UserKey = 1, ItemKey = 1, Label = 4 } });
        IDataView hugeItems = mlContext.Transforms.Conversion.MapValueToKey("userKey", nameof(HugeKeyRow.UserKey)).Fit(huge).Transform(huge);

        Action users = () => mlContext.CollaborativeFiltering().Als("UserKey", "ItemKey").Fit(huge);
        Action items = () => mlContext.CollaborativeFiltering().Als("userKey", "ItemKey").Fit(hugeItems);

        users.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("trainData")
            .WithMessage("The user column 'UserKey' is a key of 3000000000 values; at most 2147483647 users are supported.*");
        items.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("trainData")
            .WithMessage("The item column 'ItemKey' is a key of 2000000000 values without key values, too many to give each an id:*");
    }
}
