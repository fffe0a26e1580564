using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;
using Microsoft.Data.Analysis;
using Microsoft.ML;

namespace CollaborativeFiltering.MLNet.Tests;

public sealed class DataFrameExtensionsTests
{
    [Fact]
    public void ToRatingsDataset_TextIds_IsTheDatasetTheBuilderMakes()
    {
        RatingRow[] rows = TestData.Rows();
        var frame = new DataFrame(
            new StringDataFrameColumn("user", rows.Select(r => r.UserId)),
            new StringDataFrameColumn("movie", rows.Select(r => r.ItemId)),
            new SingleDataFrameColumn("stars", rows.Select(r => r.Rating)));

        RatingsDataset dataset = frame.ToRatingsDataset("user", "movie", "stars");

        RatingsDataset expected = TestData.Dataset(rows);
        dataset.Catalog.Users.Ids.Should().Equal(expected.Catalog.Users.Ids, "ids are numbered in order of first appearance, as the loaders number them");
        dataset.Catalog.Items.Ids.Should().Equal(expected.Catalog.Items.Ids);
        dataset.ToArray().Should().Equal(expected.ToArray());
        dataset.HasTimestamps.Should().BeFalse();
    }

    [Fact]
    public void ToRatingsDataset_ACsvReadByLoadCsv_KeepsTheIdsAsWrittenAndRejectsFloatTimestamps()
    {
        DataFrame frame = DataFrame.LoadCsvFromString("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n2,31,4,835355493\n");

        RatingsDataset dataset = frame.ToRatingsDataset("userId", "movieId", "rating");
        Action withTimestamps = () => frame.ToRatingsDataset("userId", "movieId", "rating", "timestamp");

        frame["movieId"].DataType.Should().Be<float>("LoadCsv guesses Single for every number");
        dataset.Catalog.Users.Ids.Should().Equal("1", "2");
        dataset.Catalog.Items.Ids.Should().Equal("31", "1029");
        dataset.Select(r => r.Value).Should().Equal(2.5f, 3f, 4f);
        withTimestamps.Should().Throw<ArgumentException>().WithParameterName("timestampColumnName")
            .WithMessage("The timestamp column 'timestamp' holds Single values, which cannot hold Unix timestamps exactly*load it as Int64*");
    }

    [Fact]
    public void ToRatingsDataset_IntegerIdsAndTimestamps_AreRead()
    {
        var frame = new DataFrame(
            new Int32DataFrameColumn("userId", [196, 186, 196]),
            new Int64DataFrameColumn("itemId", [242, 302, 302]),
            new DoubleDataFrameColumn("rating", [3, 3, 1.5]),
            new Int64DataFrameColumn("timestamp", [881250949, 891717742, 881251000]));

        RatingsDataset dataset = frame.ToRatingsDataset("userId", "itemId", "rating", "timestamp");

        dataset.Catalog.Users.Ids.Should().Equal("196", "186");
        dataset.Catalog.Items.Ids.Should().Equal("242", "302");
        dataset.Select(r => (dataset.Catalog.GetUserId(r.User), dataset.Catalog.GetItemId(r.Item), r.Value, r.Timestamp)).Should().BeEquivalentTo(new[]
        {
            ("196", "242", 3f, (long?)881250949),
            ("196", "302", 1.5f, (long?)881251000),
            ("186", "302", 3f, (long?)891717742),
        });
    }

    [Fact]
    public void ToRatingsDataset_WithCatalog_UsesItsIndicesAndRejectsAnUnknownId()
    {
        var catalog = new Catalog(new IdMap(["a", "b", "c"]), new IdMap(["x", "y"]), itemInfos: [new ItemInfo("x", "Film X", null, 1999, ["Drama"]), new ItemInfo("y", "Film Y", null, 2001, [])]);
        var frame = new DataFrame(new StringDataFrameColumn("u", ["c", "a"]), new StringDataFrameColumn("i", ["y", "x"]), new SingleDataFrameColumn("r", [4f, 2f]));
        var unknown = new DataFrame(new StringDataFrameColumn("u", ["c", "d"]), new StringDataFrameColumn("i", ["y", "x"]), new SingleDataFrameColumn("r", [4f, 2f]));

        RatingsDataset dataset = frame.ToRatingsDataset("u", "i", "r", catalog: catalog);
        Action act = () => unknown.ToRatingsDataset("u", "i", "r", catalog: catalog);

        dataset.Catalog.Should().BeSameAs(catalog);
        dataset.ToArray().Should().Equal(new Rating(new UserIndex(0), new ItemIndex(0), 2f), new Rating(new UserIndex(2), new ItemIndex(1), 4f));
        act.Should().Throw<ArgumentException>().WithParameterName("dataFrame").WithMessage("Row 1 of the user column 'u' holds the user id 'd', which is not in the catalogue.*");
    }

    [Fact]
    public void ToRatingsDataset_MissingColumn_ThrowsListingTheColumns()
    {
        var frame = new DataFrame(new StringDataFrameColumn("u", ["a"]), new StringDataFrameColumn("i", ["x"]), new SingleDataFrameColumn("r", [4f]));

        Action act = () => frame.ToRatingsDataset("u", "item", "r");

        act.Should().Throw<ArgumentException>().WithParameterName("itemColumnName").WithMessage("The DataFrame has no item column 'item'. Its columns are: 'u', 'i', 'r'.*");
    }

    [Fact]
    public void ToRatingsDataset_NullValues_ThrowNamingTheRowAndColumn()
    {
        var nullId = new DataFrame(new StringDataFrameColumn("u", ["a", null!]), new StringDataFrameColumn("i", ["x", "y"]), new SingleDataFrameColumn("r", [4f, 2f]));
        var nullNumericId = new DataFrame(new StringDataFrameColumn("u", ["a", "b"]), new Int32DataFrameColumn("i", [1, null]), new SingleDataFrameColumn("r", [4f, 2f]));
        var nullRating = new DataFrame(new StringDataFrameColumn("u", ["a", "b"]), new StringDataFrameColumn("i", ["x", "y"]), new SingleDataFrameColumn("r", [null, 2f]));

        nullId.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithParameterName("dataFrame")
            .WithMessage("Row 1 of the user column 'u' is missing (null)*");
        nullNumericId.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithMessage("Row 1 of the item column 'i' is missing (null)*");
        nullRating.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithMessage("Row 0 of the rating column 'r' is missing (null)*");
    }

    [Fact]
    public void ToRatingsDataset_BadValues_ThrowNamingTheRowAndColumn()
    {
        var nan = new DataFrame(new StringDataFrameColumn("u", ["a", "b"]), new StringDataFrameColumn("i", ["x", "y"]), new DoubleDataFrameColumn("r", [4, double.NaN]));
        var huge = new DataFrame(new StringDataFrameColumn("u", ["a"]), new StringDataFrameColumn("i", ["x"]), new DoubleDataFrameColumn("r", [1e300]));
        var fractionalTime = new DataFrame(new StringDataFrameColumn("u", ["a"]), new StringDataFrameColumn("i", ["x"]), new DoubleDataFrameColumn("r", [4]), new DoubleDataFrameColumn("t", [1.5]));
        var inexactId = new DataFrame(new SingleDataFrameColumn("u", [1f, 16_777_217f]), new StringDataFrameColumn("i", ["x", "y"]), new DoubleDataFrameColumn("r", [4, 3]));

        nan.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithMessage("Row 1 of the rating column 'r' holds NaN; expected a finite rating.*");
        huge.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithMessage("Row 0 of the rating column 'r' holds 1E+300; expected a finite rating.*");
        fractionalTime.Invoking(f => f.ToRatingsDataset("u", "i", "r", "t")).Should().Throw<ArgumentException>().WithMessage("Row 0 of the timestamp column 't' holds 1.5; expected a whole number*");
        inexactId.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithMessage("Row 1 of the user column 'u' holds 16777216, too large for a Single to tell neighbouring ids apart*");
    }

    [Fact]
    public void ToRatingsDataset_ColumnsOfTheWrongType_ThrowNamingTheColumn()
    {
        var boolRating = new DataFrame(new StringDataFrameColumn("u", ["a"]), new StringDataFrameColumn("i", ["x"]), new BooleanDataFrameColumn("r", [true]));
        var dateIds = new DataFrame(new DateTimeDataFrameColumn("u", [DateTime.UnixEpoch]), new StringDataFrameColumn("i", ["x"]), new SingleDataFrameColumn("r", [1f]));

        boolRating.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithParameterName("ratingColumnName")
            .WithMessage("The rating column 'r' holds Boolean values; expected numbers.*");
        dateIds.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<ArgumentException>().WithParameterName("userColumnName")
            .WithMessage("The user column 'u' holds DateTime values; expected text or numbers, whose text is the user id.*");
    }

    [Fact]
    public void ToRatingsDataset_APairTwice_ThrowsUnlessDuplicatesAreAccepted()
    {
        var frame = new DataFrame(new StringDataFrameColumn("u", ["a", "a"]), new StringDataFrameColumn("i", ["x", "x"]), new SingleDataFrameColumn("r", [4f, 2f]));

        frame.Invoking(f => f.ToRatingsDataset("u", "i", "r")).Should().Throw<InvalidOperationException>().WithMessage("User 'a' rated item 'x' twice*");
        frame.ToRatingsDataset("u", "i", "r", duplicates: DuplicatePolicy.Average).Single().Value.Should().Be(3f);
        frame.Invoking(f => f.ToRatingsDataset("u", "i", "r", duplicates: (DuplicatePolicy)9)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("duplicates");
    }

    [Fact]
    public void ToDataFrame_Ratings_RoundTripsThroughToRatingsDataset()
    {
        var builder = new RatingsDatasetBuilder();
        builder.Add("196", "242", 3, 881250949).Add("186", "302", 3, 891717742).Add("196", "302", 1.5f, 881251000);
        RatingsDataset ratings = builder.Build();

        DataFrame frame = ratings.ToDataFrame();

        frame.Columns.Select(c => (c.Name, c.DataType)).Should().Equal(("UserId", typeof(string)), ("ItemId", typeof(string)), ("Rating", typeof(float)), ("Timestamp", typeof(long)));
        frame.Rows.Count.Should().Be(3);
        frame[0, 0].Should().Be("196");
        frame[0, 1].Should().Be("242");
        RatingsDataset back = frame.ToRatingsDataset("UserId", "ItemId", "Rating", "Timestamp", catalog: ratings.Catalog);
        back.ToArray().Should().Equal(ratings.ToArray());
        TestData.Dataset(TestData.Rows()).ToDataFrame().Columns.Select(c => c.Name).Should().Equal("UserId", "ItemId", "Rating");
    }

    [Fact]
    public void ToDataFrame_Recommendations_OneRowPerRankWithTitleGenresAndScore()
    {
        var catalog = new Catalog(IdMap.Sequential(2), new IdMap(["x", "y", "z"]),
            itemInfos: [new ItemInfo("x", "Film X", null, 1999, ["Comedy", "Drama"]), new ItemInfo("y", "Film Y", null, 2001, []), new ItemInfo("z", "Film Z", null, null, ["Horror"])]);
        FactorizationModel model = FactorizationModel.FromEmbeddings(catalog, 1, [1f, -1f], [0.5f, 2f, 1f]);
        IReadOnlyList<Recommendation> top = Recommender.Recommend(model, new UserIndex(0), k: 3);

        DataFrame frame = top.ToDataFrame();

        frame.Columns.Select(c => c.Name).Should().Equal("Rank", "ItemId", "Title", "Genres", "Score");
        frame.Rows.Select(r => (r[0], r[1], r[2], r[3], r[4])).Should().Equal(
            (1, "y", "Film Y", "", 2f),
            (2, "z", "Film Z", "Horror", 1f),
            (3, "x", "Film X", "Comedy|Drama", 0.5f));
    }

    [Fact]
    public void ToDataFrame_TopKForAllUsers_OneRowPerUserAndRank()
    {
        RatingsDataset ratings = TestData.Dataset(TestData.Rows());
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 3, Iterations = 3 }).Fit(ratings);
        TopKRecommendations all = Recommender.RecommendAll(model, k: 5, exclude: ratings);

        DataFrame frame = all.ToDataFrame();

        frame.Columns.Select(c => c.Name).Should().Equal("UserId", "Rank", "ItemId", "Title", "Genres", "Score");
        frame.Rows.Count.Should().Be(Enumerable.Range(0, all.UserCount).Sum(u => all.GetCount(new UserIndex(u))));
        IReadOnlyList<Recommendation> second = all.GetRecommendations(new UserIndex(1));
        var rows = frame.Rows.Where(r => (string)r[0] == model.Catalog.GetUserId(new UserIndex(1))).ToList();
        rows.Select(r => ((int)r[1], (string)r[2], (float)r[5])).Should().Equal(second.Select((rec, i) => (i + 1, rec.Id, rec.Score)));
    }

    [Fact]
    public void DataFrame_AsTheIDataViewOfAPipeline_TrainsAsTheRowsDo()
    {
        var mlContext = new MLContext(seed: 0);
        RatingRow[] rows = TestData.Rows();
        var frame = new DataFrame(
            new StringDataFrameColumn("UserId", rows.Select(r => r.UserId)),
            new StringDataFrameColumn("ItemId", rows.Select(r => r.ItemId)),
            new SingleDataFrameColumn("Rating", rows.Select(r => r.Rating)));
        var options = new AlsOptions { Dimensions = 4, Iterations = 3 };

        var fromFrame = TestData.MapIdsToKeys(mlContext).Append(mlContext.CollaborativeFiltering().Als("userKey", "itemKey", "Rating", options)).Fit(frame);

        fromFrame.LastTransformer.Model.UserEmbeddings.ToArray().Should().Equal(new AlsFactorizer(options).Fit(frame.ToRatingsDataset("UserId", "ItemId", "Rating")).UserEmbeddings.ToArray());
    }
}
