using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class DatasetSplitterTests
{
    /// <summary>A deterministic dataset: user u rates (u % 7) + 1 items, items spread over 15, timestamps vary.</summary>
    private static RatingsDataset Sample(int users = 30, bool timestamps = true)
    {
        var catalog = Catalog.Sequential(users + 2, 15); // two users without ratings
        var builder = new RatingsDatasetBuilder(catalog);
        for (int u = 0; u < users; u++)
        {
            int c = (u % 7) + 1;
            for (int q = 0; q < c; q++)
            {
                int item = ((u * 5) + (q * 2)) % 15;
                builder.Add(new Rating(U(u + 1), I(item), 1 + ((u + q) % 5), timestamps ? 1000 + (((u * 31) + (q * 17)) % 50) : null));
            }
        }

        return builder.Build();
    }

    private static List<Rating> All(RatingsDataset ds)
    {
        var list = new List<Rating>(ds.Count);
        foreach (var r in ds)
        {
            list.Add(r);
        }

        return list;
    }

    private static void ShouldPartition(RatingsDataset source, DatasetSplit split)
    {
        split.Train.Catalog.Should().BeSameAs(source.Catalog);
        split.Test.Catalog.Should().BeSameAs(source.Catalog);
        split.Train.UserCount.Should().Be(source.UserCount);
        split.Test.ItemCount.Should().Be(source.ItemCount);
        var train = All(split.Train);
        var test = All(split.Test);
        train.Select(r => (r.User, r.Item)).Intersect(test.Select(r => (r.User, r.Item))).Should().BeEmpty();
        train.Concat(test).Should().BeEquivalentTo(All(source), "train and test together are the input, values and timestamps included");
    }

    [Fact]
    public void RandomHoldout_TenPercent_HoldsOutRoundedCountAndPartitions()
    {
        var ds = Sample();
        var split = DatasetSplitter.RandomHoldout(ds, 0.1, seed: 42);

        ds.Count.Should().Be(115);
        split.Test.Count.Should().Be(12); // round(11.5) = 12 (half to even)
        split.Train.Count.Should().Be(103);
        split.Train.HasTimestamps.Should().BeTrue();
        ShouldPartition(ds, split);
    }

    [Theory]
    [InlineData(10, 0.25, 2)] // 2.5 -> 2
    [InlineData(6, 0.25, 2)] // 1.5 -> 2
    [InlineData(10, 0.5, 5)]
    [InlineData(3, 0.1, 0)] // 0.3 -> 0: nothing held out
    public void RandomHoldout_TestCount_IsRoundedHalfToEvenLikePandas(int ratings, double fraction, int expected)
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(1, ratings));
        for (int i = 0; i < ratings; i++)
        {
            builder.Add(new Rating(U(0), I(i), 3));
        }

        var split = DatasetSplitter.RandomHoldout(builder.Build(), fraction, seed: 1);

        split.Test.Count.Should().Be(expected);
        split.Train.Count.Should().Be(ratings - expected);
    }

    [Fact]
    public void RandomHoldout_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        var ds = Sample();
        var a = All(DatasetSplitter.RandomHoldout(ds, 0.3, seed: 7).Test);
        var b = All(DatasetSplitter.RandomHoldout(ds, 0.3, seed: 7).Test);
        var c = All(DatasetSplitter.RandomHoldout(ds, 0.3, seed: 8).Test);

        a.Should().Equal(b);
        c.Should().NotEqual(a);
    }

    [Fact]
    public void RandomHoldout_ManySeeds_EveryRatingHeldOutAboutEquallyOften()
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(1, 20));
        for (int i = 0; i < 20; i++)
        {
            builder.Add(new Rating(U(0), I(i), 1));
        }

        var ds = builder.Build();
        var held = new int[20];
        for (int seed = 0; seed < 400; seed++)
        {
            foreach (var r in DatasetSplitter.RandomHoldout(ds, 0.5, seed).Test)
            {
                held[r.Item.Value]++;
            }
        }

        // Expected 200 each, binomial sd 10: a biased shuffle (e.g. never touching the last slot) would fall far outside.
        held.Should().OnlyContain(h => h > 150 && h < 250);
    }

    [Fact]
    public void RandomHoldout_EmptyDataset_GivesTwoEmptySets()
    {
        var ds = RatingsDataset.Empty(Catalog.Sequential(2, 3));
        var split = DatasetSplitter.RandomHoldout(ds, 0.2, seed: 0);

        split.Train.Count.Should().Be(0);
        split.Test.Count.Should().Be(0);
        split.Train.Catalog.Should().BeSameAs(ds.Catalog);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Holdouts_FractionOutsideOpenUnitInterval_ThrowNamingIt(double fraction)
    {
        var ds = Sample();
        FluentActions.Invoking(() => DatasetSplitter.RandomHoldout(ds, fraction, 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("testFraction");
        FluentActions.Invoking(() => DatasetSplitter.PerUserHoldout(ds, fraction, 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("testFraction");
    }

    [Fact]
    public void Splits_NullDataset_Throw()
    {
        FluentActions.Invoking(() => DatasetSplitter.RandomHoldout(null!, 0.1, 0)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("dataset");
        FluentActions.Invoking(() => DatasetSplitter.PerUserHoldout(null!, 0.1, 0)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => DatasetSplitter.LeaveLastK(null!, 1)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => DatasetSplitter.KFold(null!, 2, 0)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void PerUserHoldout_HoldsOutRoundedShareOfEachUserAndKeepsOneInTrain()
    {
        var ds = Sample();
        var split = DatasetSplitter.PerUserHoldout(ds, 0.5, seed: 3);

        ShouldPartition(ds, split);
        var counts = DatasetStatistics.UserRatingCounts(ds);
        var testCounts = DatasetStatistics.UserRatingCounts(split.Test);
        var trainCounts = DatasetStatistics.UserRatingCounts(split.Train);
        for (int u = 0; u < ds.UserCount; u++)
        {
            int expected = Math.Min((int)Math.Round(0.5 * counts[u], MidpointRounding.ToEven), Math.Max(counts[u] - 1, 0));
            testCounts[u].Should().Be(expected, "user {0} has {1} ratings", u, counts[u]);
            if (counts[u] > 0)
            {
                trainCounts[u].Should().BeGreaterThan(0);
            }
        }

        // Users with 1, 2, 3, 4, 5, 6, 7 ratings hold out 0, 1, 2, 2, 2, 3, 4.
        testCounts[1].Should().Be(0);
        testCounts[2].Should().Be(1);
        testCounts[3].Should().Be(2);
        testCounts[5].Should().Be(2);
        testCounts[7].Should().Be(4);
    }

    [Fact]
    public void PerUserHoldout_LargeFraction_StillLeavesOneTrainingRating()
    {
        var ds = Sample();
        var split = DatasetSplitter.PerUserHoldout(ds, 0.99, seed: 5);

        var counts = DatasetStatistics.UserRatingCounts(ds);
        var trainCounts = DatasetStatistics.UserRatingCounts(split.Train);
        for (int u = 0; u < ds.UserCount; u++)
        {
            trainCounts[u].Should().Be(counts[u] > 0 ? 1 : 0);
        }

        ShouldPartition(ds, split);
    }

    [Fact]
    public void PerUserHoldout_IsDeterministicPerSeed()
    {
        var ds = Sample();
        All(DatasetSplitter.PerUserHoldout(ds, 0.4, 11).Test).Should().Equal(All(DatasetSplitter.PerUserHoldout(ds, 0.4, 11).Test));
        All(DatasetSplitter.PerUserHoldout(ds, 0.4, 11).Test).Should().NotEqual(All(DatasetSplitter.PerUserHoldout(ds, 0.4, 12).Test));
    }

    private static RatingsDataset TimedDataset() =>
        new RatingsDatasetBuilder()
            // user A: four ratings, two at the same latest second
            .Add("A", "i1", 1, 100)
            .Add("A", "i2", 2, 400)
            .Add("A", "i3", 3, 400)
            .Add("A", "i4", 4, 200)
            // user B: two ratings
            .Add("B", "i2", 5, 50)
            .Add("B", "i1", 4, 60)
            // user C: a single rating
            .Add("C", "i3", 3, 10)
            .Build();

    [Fact]
    public void LeaveLastK_One_HoldsOutMostRecentBreakingTiesByLargerItemIndex()
    {
        var ds = TimedDataset();
        var split = DatasetSplitter.LeaveLastK(ds, 1);

        ShouldPartition(ds, split);
        string Pair(Rating r) => ds.Catalog.Users[r.User.Value] + ds.Catalog.Items[r.Item.Value];
        All(split.Test).Select(Pair).Should().Equal("Ai3", "Bi1");
        All(split.Train).Select(Pair).Should().Equal("Ai1", "Ai2", "Ai4", "Bi2", "Ci3");
        split.Test.Timestamps.ToArray().Should().Equal(400L, 60L);
    }

    [Fact]
    public void LeaveLastK_LargerThanUserHistory_KeepsOldestRatingInTrain()
    {
        var ds = TimedDataset();
        var split = DatasetSplitter.LeaveLastK(ds, 3);

        string Pair(Rating r) => ds.Catalog.Users[r.User.Value] + ds.Catalog.Items[r.Item.Value];
        All(split.Train).Select(Pair).Should().Equal("Ai1", "Bi2", "Ci3");
        All(split.Test).Select(Pair).Should().Equal("Ai2", "Ai3", "Ai4", "Bi1");
        ShouldPartition(ds, split);
    }

    [Fact]
    public void LeaveLastK_TwoOnSampleData_TestHoldsEachUsersLatest()
    {
        var ds = Sample();
        var split = DatasetSplitter.LeaveLastK(ds, 2);
        ShouldPartition(ds, split);

        var train = All(split.Train);
        foreach (var t in All(split.Test))
        {
            // Every training rating of the same user is older (or equally old with a smaller item index).
            train.Where(r => r.User == t.User)
                .Should().OnlyContain(r => r.Timestamp < t.Timestamp || (r.Timestamp == t.Timestamp && r.Item.Value < t.Item.Value));
        }
    }

    [Fact]
    public void LeaveLastK_NoTimestamps_ThrowsInvalidOperationSayingSo()
    {
        var ds = Sample(timestamps: false);
        FluentActions.Invoking(() => DatasetSplitter.LeaveLastK(ds, 1))
            .Should().Throw<InvalidOperationException>().WithMessage("*no timestamps*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void LeaveLastK_NonPositiveK_ThrowsNamingK(int k)
    {
        FluentActions.Invoking(() => DatasetSplitter.LeaveLastK(TimedDataset(), k))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("k");
    }

    [Fact]
    public void KFold_EveryRatingInExactlyOneTestFold_TrainIsComplement()
    {
        var ds = Sample();
        var folds = DatasetSplitter.KFold(ds, 4, seed: 9);

        folds.Should().HaveCount(4);
        var seen = new HashSet<(int, int)>();
        foreach (var split in folds)
        {
            ShouldPartition(ds, split);
            foreach (var r in split.Test)
            {
                seen.Add((r.User.Value, r.Item.Value)).Should().BeTrue("a rating is tested in one fold only");
            }
        }

        seen.Should().HaveCount(ds.Count);
        folds.Select(f => f.Test.Count).Should().Equal(29, 29, 29, 28); // 115 = 3 x 29 + 28
    }

    [Fact]
    public void KFold_TenRatingsThreeFolds_SizesFourThreeThree()
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(2, 5));
        for (int k = 0; k < 10; k++)
        {
            builder.Add(new Rating(U(k / 5), I(k % 5), k + 1));
        }

        var folds = DatasetSplitter.KFold(builder.Build(), 3, seed: 0);
        folds.Select(f => f.Test.Count).Should().Equal(4, 3, 3);
        folds.Select(f => f.Train.Count).Should().Equal(6, 7, 7);
    }

    [Fact]
    public void KFold_SameSeed_SameFolds()
    {
        var ds = Sample();
        var a = DatasetSplitter.KFold(ds, 3, 21);
        var b = DatasetSplitter.KFold(ds, 3, 21);
        var c = DatasetSplitter.KFold(ds, 3, 22);
        for (int f = 0; f < 3; f++)
        {
            All(a[f].Test).Should().Equal(All(b[f].Test));
        }

        All(c[0].Test).Should().NotEqual(All(a[0].Test));
    }

    [Fact]
    public void KFold_FoldsEqualToCount_LeaveOneOut()
    {
        var ds = TimedDataset();
        var folds = DatasetSplitter.KFold(ds, ds.Count, 1);
        folds.Should().OnlyContain(f => f.Test.Count == 1 && f.Train.Count == ds.Count - 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(8)] // dataset has 7 ratings
    public void KFold_FoldsOutOfRange_ThrowsNamingFolds(int folds)
    {
        FluentActions.Invoking(() => DatasetSplitter.KFold(TimedDataset(), folds, 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("folds");
    }
}
