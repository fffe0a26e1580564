using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class RatingsDatasetTests
{
    [Fact]
    public void Build_OpenCatalog_AssignsIndicesInOrderOfFirstAppearance()
    {
        var ds = new RatingsDatasetBuilder()
            .Add("7", "b", 4f)
            .Add("3", "a", 2f)
            .Add("7", "a", 5f)
            .Build();

        ds.Catalog.Users.Ids.Should().Equal("7", "3");
        ds.Catalog.Items.Ids.Should().Equal("b", "a");
        ds.Count.Should().Be(3);
        ds.ByUser.GetColumns(0).ToArray().Should().Equal(0, 1);
        ds.ByUser.GetValues(0).ToArray().Should().Equal(4f, 5f);
        ds.ByItem.GetColumns(1).ToArray().Should().Equal(0, 1);
        ds.ByItem.GetValues(1).ToArray().Should().Equal(5f, 2f);
    }

    /// <summary>5 users, 3 items; users 0, 2 and 4 have no ratings (one at each end and one in the middle).</summary>
    private static RatingsDataset Gappy() =>
        new RatingsDatasetBuilder(Catalog.Sequential(5, 3))
            .Add(new Rating(U(3), I(2), 1.5f, 30))
            .Add(new Rating(U(1), I(0), 4f, 10))
            .Add(new Rating(U(3), I(0), 2f, 40))
            .Add(new Rating(U(1), I(2), 5f, 20))
            .Build();

    private static readonly Rating[] GappyExpected =
    [
        new(U(1), I(0), 4f, 10),
        new(U(1), I(2), 5f, 20),
        new(U(3), I(0), 2f, 40),
        new(U(3), I(2), 1.5f, 30),
    ];

    [Fact]
    public void Enumeration_And_Indexer_AgreeInUserMajorOrder_WithEmptyUsers()
    {
        var ds = Gappy();

        var enumerated = new List<Rating>();
        foreach (var r in ds)
        {
            enumerated.Add(r);
        }

        enumerated.Should().Equal(GappyExpected);
        for (int p = 0; p < ds.Count; p++)
        {
            ds[p].Should().Be(GappyExpected[p]);
        }

        ((IEnumerable<Rating>)ds).Should().Equal(GappyExpected, "the boxed interface path enumerates the same");
        ds.ByUser.GetRowLength(0).Should().Be(0);
        ds.ByUser.GetRowLength(2).Should().Be(0);
        ds.ByUser.GetRowLength(4).Should().Be(0);
        ds.UserCount.Should().Be(5);
        ds.ItemCount.Should().Be(3);
    }

    [Fact]
    public void Enumerator_Reset_StartsOver()
    {
        var e = Gappy().GetEnumerator();
        while (e.MoveNext())
        {
        }

        e.MoveNext().Should().BeFalse();
        e.Reset();
        e.MoveNext().Should().BeTrue();
        e.Current.Should().Be(GappyExpected[0]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void Indexer_OutOfRange_ThrowsNamingIndex(int index)
    {
        var ds = Gappy();
        FluentActions.Invoking(() => ds[index]).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("index");
    }

    [Fact]
    public void ItemToUserPositions_LinksEachItemEntryToSameRating()
    {
        var ds = Gappy();
        int[] link = ds.ItemToUserPositions();
        link.Should().HaveCount(ds.Count);
        for (int i = 0; i < ds.ItemCount; i++)
        {
            for (int p = ds.ByItem.RowOffsets[i]; p < ds.ByItem.RowOffsets[i + 1]; p++)
            {
                var r = ds[link[p]];
                r.Item.Should().Be(I(i));
                r.User.Should().Be(U(ds.ByItem.ColumnIndices[p]));
                r.Value.Should().Be(ds.ByItem.Values[p]);
            }
        }

        link.Should().Equal(0, 2, 1, 3); // item 0: users 1 (pos 0), 3 (pos 2); item 2: users 1 (pos 1), 3 (pos 3)
    }

    [Fact]
    public void Empty_HasCatalogSizesAndNoRatings()
    {
        var catalog = Catalog.Sequential(4, 6);
        var ds = RatingsDataset.Empty(catalog);

        ds.Catalog.Should().BeSameAs(catalog);
        ds.Count.Should().Be(0);
        ds.UserCount.Should().Be(4);
        ds.ItemCount.Should().Be(6);
        ds.ByUser.RowOffsets.ToArray().Should().Equal(0, 0, 0, 0, 0);
        ds.ByItem.RowCount.Should().Be(6);
        ds.ByItem.ColumnCount.Should().Be(4);
        ds.HasTimestamps.Should().BeFalse();
        ds.GetEnumerator().MoveNext().Should().BeFalse();
        ds.Should().BeEmpty();
    }

    [Fact]
    public void Empty_NullCatalog_Throws()
    {
        FluentActions.Invoking(() => RatingsDataset.Empty(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Where_KeepsCatalogTimestampsAndBothViews()
    {
        var ds = Gappy();
        var subset = ds.Where([false, true, true, false]);

        subset.Catalog.Should().BeSameAs(ds.Catalog);
        subset.UserCount.Should().Be(5);
        subset.ItemCount.Should().Be(3);
        subset.HasTimestamps.Should().BeTrue();
        subset.Should().Equal(GappyExpected[1], GappyExpected[2]);
        subset.Timestamps.ToArray().Should().Equal(20L, 40L);
        subset.ByItem.GetColumns(0).ToArray().Should().Equal(3);
        subset.ByItem.GetColumns(2).ToArray().Should().Equal(1);
        subset.ByItem.GetValues(2).ToArray().Should().Equal(5f);
        ds.Count.Should().Be(4, "the source is unchanged");
    }

    [Fact]
    public void Where_NothingKept_IsEmptyOverSameCatalog()
    {
        var ds = Gappy();
        var none = ds.Where(new bool[4]);
        none.Count.Should().Be(0);
        none.Catalog.Should().BeSameAs(ds.Catalog);
        none.HasTimestamps.Should().BeTrue();
    }

    [Fact]
    public void ValueRange_IsTheLowestAndHighestRating()
    {
        Gappy().ValueRange.Should().Be(new RatingRange(1.5f, 5f));
        new RatingsDatasetBuilder().Add("u", "i", -2f).Build().ValueRange.Should().Be(new RatingRange(-2f, -2f));
    }

    [Fact]
    public void ValueRange_Subset_IsTheSubsetsOwnRange()
    {
        // Keep (1,0)=4 and (3,0)=2 of the user-major order 4, 5, 2, 1.5.
        RatingsDataset subset = Gappy().Where([true, false, true, false]);

        subset.ValueRange.Should().Be(new RatingRange(2f, 4f));
    }

    [Fact]
    public void ValueRange_Empty_IsNull()
    {
        RatingsDataset.Empty(Catalog.Sequential(3, 2)).ValueRange.Should().BeNull();
        Gappy().Where(new bool[4]).ValueRange.Should().BeNull();
    }

    [Fact]
    public void Where_WrongLength_ThrowsNamingKeep()
    {
        var ds = Gappy();
        FluentActions.Invoking(() => ds.Where(new bool[3]))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "keep" && e.Message.Contains("3 flags") && e.Message.Contains("4 ratings"));
    }
}
