using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class RatingsDatasetBuilderTests
{
    private static Catalog Closed() => new(new IdMap(["u1", "u2", "u3"]), new IdMap(["a", "b", "c", "d"]));

    private static List<Rating> All(RatingsDataset ds)
    {
        var list = new List<Rating>();
        foreach (var r in ds)
        {
            list.Add(r);
        }

        return list;
    }

    [Fact]
    public void Build_ClosedCatalog_UsesCatalogIndicesAndSizes()
    {
        var catalog = Closed();
        var ds = new RatingsDatasetBuilder(catalog)
            .Add("u3", "d", 2f)
            .Add("u1", "b", 4f)
            .Build();

        ds.Catalog.Should().BeSameAs(catalog);
        ds.UserCount.Should().Be(3);
        ds.ItemCount.Should().Be(4);
        All(ds).Should().Equal(new Rating(U(0), I(1), 4f), new Rating(U(2), I(3), 2f));
    }

    [Fact]
    public void Build_OpenCatalog_GrowsInOrderOfFirstAppearance()
    {
        var ds = new RatingsDatasetBuilder()
            .Add("42", "m9", 1f)
            .Add("7", "m1", 2f)
            .Add("42", "m1", 3f)
            .Build();

        ds.Catalog.Users.Ids.Should().Equal("42", "7");
        ds.Catalog.Items.Ids.Should().Equal("m9", "m1");
        All(ds).Should().Equal(new Rating(U(0), I(0), 1f), new Rating(U(0), I(1), 3f), new Rating(U(1), I(1), 2f));
    }

    [Fact]
    public void Add_UnknownUserInClosedCatalog_ThrowsNamingIdAndParameter()
    {
        var b = new RatingsDatasetBuilder(Closed());
        FluentActions.Invoking(() => b.Add("u9", "a", 3f))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "userId" && e.Message.Contains("'u9'"));
        FluentActions.Invoking(() => b.Add("u1", "zz", 3f))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "itemId" && e.Message.Contains("'zz'"));
        b.Count.Should().Be(0);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Add_NonFiniteValue_ThrowsNamingValue(float value)
    {
        FluentActions.Invoking(() => new RatingsDatasetBuilder().Add("1", "1", value))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("value");
        FluentActions.Invoking(() => new RatingsDatasetBuilder(Closed()).Add(new Rating(U(0), I(0), value)))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("value");
    }

    [Fact]
    public void Add_RejectedValueInOpenCatalog_DoesNotAddItsIds()
    {
        var b = new RatingsDatasetBuilder();
        FluentActions.Invoking(() => b.Add("ghost", "nothing", float.NaN)).Should().Throw<ArgumentOutOfRangeException>();
        var ds = b.Add("1", "x", 3f).Build();

        ds.Catalog.Users.Ids.Should().Equal("1");
        ds.Catalog.Items.Ids.Should().Equal("x");
        b.Count.Should().Be(1);
    }

    [Fact]
    public void Add_RatingWithoutCatalog_ThrowsInvalidOperation()
    {
        FluentActions.Invoking(() => new RatingsDatasetBuilder().Add(new Rating(U(0), I(0), 1f)))
            .Should().Throw<InvalidOperationException>().WithMessage("*catalogue*");
    }

    [Fact]
    public void Add_RatingOutsideCatalog_ThrowsNamingTheField()
    {
        var b = new RatingsDatasetBuilder(Closed());
        FluentActions.Invoking(() => b.Add(new Rating(U(3), I(0), 1f)))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("rating.User");
        FluentActions.Invoking(() => b.Add(new Rating(U(0), I(4), 1f)))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("rating.Item");
    }

    [Fact]
    public void Constructor_UndefinedPolicy_ThrowsNamingDuplicates()
    {
        FluentActions.Invoking(() => new RatingsDatasetBuilder(null, (DuplicatePolicy)7))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("duplicates");
    }

    [Fact]
    public void Build_RejectPolicy_DuplicateThrowsNamingPairAndPositions()
    {
        var b = new RatingsDatasetBuilder()
            .Add("u1", "a", 4f)
            .Add("u2", "a", 3f)
            .Add("u1", "a", 5f);

        b.Duplicates.Should().Be(DuplicatePolicy.Reject);
        FluentActions.Invoking(b.Build).Should().Throw<InvalidOperationException>()
            .WithMessage("User 'u1' rated item 'a' twice (ratings #1 and #3 *");
    }

    [Fact]
    public void Build_KeepLast_KeepsLaterRatingAndItsTimestamp()
    {
        var ds = new RatingsDatasetBuilder(Closed(), DuplicatePolicy.KeepLast)
            .Add("u2", "c", 2f, 900)
            .Add("u1", "a", 1f, 10)
            .Add("u2", "c", 5f, 100) // later in the input, earlier in time: still the one kept
            .Build();

        All(ds).Should().Equal(new Rating(U(0), I(0), 1f, 10), new Rating(U(1), I(2), 5f, 100));
        ds.Timestamps.ToArray().Should().Equal(10L, 100L);
    }

    [Fact]
    public void Build_Average_KeepsMeanAndLatestTimestamp()
    {
        var ds = new RatingsDatasetBuilder(Closed(), DuplicatePolicy.Average)
            .Add("u1", "b", 4f, 10)
            .Add("u1", "b", 5f, 30)
            .Add("u3", "a", 1f, 5)
            .Add("u1", "b", 2.5f, 20)
            .Build();

        ds.Count.Should().Be(2);
        ds[0].Should().Be(new Rating(U(0), I(1), 11.5f / 3, 30));
        ds[1].Should().Be(new Rating(U(2), I(0), 1f, 5));
        ds.ByItem.GetValues(1)[0].Should().BeApproximately(3.8333333f, 1e-6f);
    }

    [Fact]
    public void Build_Count_IncludesDuplicatesButDatasetDoesNot()
    {
        var b = new RatingsDatasetBuilder(duplicates: DuplicatePolicy.KeepLast).Add("1", "1", 1f).Add("1", "1", 2f);
        b.Count.Should().Be(2);
        b.Build().Count.Should().Be(1);
    }

    [Fact]
    public void Build_MissingTimestampOnAnyRating_DatasetHasNone()
    {
        var ds = new RatingsDatasetBuilder().Add("1", "a", 1f, 5).Add("1", "b", 2f).Build();
        ds.HasTimestamps.Should().BeFalse();
        ds.Timestamps.IsEmpty.Should().BeTrue();
        ds[0].Timestamp.Should().BeNull();
    }

    [Fact]
    public void Build_AllTimestamps_AlignedWithUserMajorOrder()
    {
        var ds = new RatingsDatasetBuilder()
            .Add("2", "b", 1f, 300)
            .Add("1", "b", 2f, 200)
            .Add("1", "a", 3f, 100)
            .Build();

        // users 2 -> 0, 1 -> 1; items b -> 0, a -> 1
        ds.HasTimestamps.Should().BeTrue();
        All(ds).Should().Equal(new Rating(U(0), I(0), 1f, 300), new Rating(U(1), I(0), 2f, 200), new Rating(U(1), I(1), 3f, 100));
        ds.Timestamps.ToArray().Should().Equal(300L, 200L, 100L);
    }

    [Fact]
    public void Build_CanContinueAfterBuild_EarlierDatasetUnchanged()
    {
        var b = new RatingsDatasetBuilder().Add("1", "a", 1f);
        var first = b.Build();
        var second = b.Add("2", "b", 2f).Build();

        first.Count.Should().Be(1);
        first.UserCount.Should().Be(1);
        second.Count.Should().Be(2);
        second.Catalog.Users.Ids.Should().Equal("1", "2");
    }

    [Fact]
    public void Build_ManyRatings_GrowsBuffersAndSortsUserMajor()
    {
        var b = new RatingsDatasetBuilder(Catalog.Sequential(10, 10));
        for (int k = 99; k >= 0; k--)
        {
            b.Add(new Rating(U(k % 10), I(k / 10), k));
        }

        var ds = b.Build();
        ds.Count.Should().Be(100);
        var all = All(ds);
        for (int p = 0; p < 100; p++)
        {
            all[p].User.Should().Be(U(p / 10));
            all[p].Item.Should().Be(I(p % 10));
            all[p].Value.Should().Be((p % 10 * 10) + (p / 10));
        }
    }
}
