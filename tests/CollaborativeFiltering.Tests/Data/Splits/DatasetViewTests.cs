using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>
/// Splits and subsets are views over the parent's storage (a bitmap) that build their own CSR views
/// on first use: what they build must be exactly what copying the member ratings gives.
/// </summary>
public class DatasetViewTests
{
    private static RatingsDataset Sample(bool timestamps)
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 80, Items = 60, Ratings = 2_500, MinRatingsPerUser = 5, Seed = 9 }).Dataset;
        var builder = new RatingsDatasetBuilder(data.Catalog);
        int k = 0;
        foreach (Rating r in data)
        {
            builder.Add(r with { Timestamp = timestamps ? 1_000_000 + ((k++ * 7919) % 5000) : null });
        }

        return builder.Build();
    }

    /// <summary>The member ratings copied through the builder: the reference a view must equal.</summary>
    private static RatingsDataset Copy(RatingsDataset view)
    {
        var builder = new RatingsDatasetBuilder(view.Catalog);
        foreach (Rating r in view)
        {
            builder.Add(r);
        }

        return builder.Build();
    }

    private static void ShouldEqualCopy(RatingsDataset view)
    {
        RatingsDataset copy = Copy(view);
        view.Count.Should().Be(copy.Count);
        view.ValueRange.Should().Be(copy.ValueRange);
        view.HasTimestamps.Should().Be(copy.HasTimestamps);
        view.ByUser.RowOffsets.ToArray().Should().Equal(copy.ByUser.RowOffsets.ToArray());
        view.ByUser.ColumnIndices.ToArray().Should().Equal(copy.ByUser.ColumnIndices.ToArray());
        view.ByUser.Values.ToArray().Should().Equal(copy.ByUser.Values.ToArray());
        view.ByItem.RowOffsets.ToArray().Should().Equal(copy.ByItem.RowOffsets.ToArray());
        view.ByItem.ColumnIndices.ToArray().Should().Equal(copy.ByItem.ColumnIndices.ToArray());
        view.ByItem.Values.ToArray().Should().Equal(copy.ByItem.Values.ToArray());
        view.Timestamps.ToArray().Should().Equal(copy.Timestamps.ToArray());
        view.ItemToUserPositions().Should().Equal(copy.ItemToUserPositions());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RandomHoldout_BothSides_EqualCopiesOfTheirRatings(bool timestamps)
    {
        RatingsDataset data = Sample(timestamps);
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.2, seed: 3);
        split.Train.IsPendingView.Should().BeTrue();
        ShouldEqualCopy(split.Train);
        ShouldEqualCopy(split.Test);
        split.Train.IsPendingView.Should().BeFalse();
        (split.Train.Count + split.Test.Count).Should().Be(data.Count);
    }

    [Fact]
    public void EverySplitter_Sides_EqualCopiesOfTheirRatings()
    {
        RatingsDataset data = Sample(timestamps: true);
        var splits = new List<DatasetSplit>
        {
            DatasetSplitter.PerUserHoldout(data, 0.3, seed: 1),
            DatasetSplitter.LeaveLastK(data, 2),
        };
        splits.AddRange(DatasetSplitter.KFold(data, 4, seed: 2));
        foreach (DatasetSplit split in splits)
        {
            ShouldEqualCopy(split.Train);
            ShouldEqualCopy(split.Test);
        }
    }

    [Fact]
    public void SplitOfASplit_TranslatesToTheRoot_AndEqualsCopies()
    {
        RatingsDataset data = Sample(timestamps: true);
        DatasetSplit outer = DatasetSplitter.RandomHoldout(data, 0.2, seed: 5);
        DatasetSplit inner = DatasetSplitter.PerUserHoldout(outer.Train, 0.25, seed: 6);
        DatasetSplit innerOfCopy = DatasetSplitter.PerUserHoldout(Copy(outer.Train), 0.25, seed: 6);

        outer.Train.IsPendingView.Should().BeTrue("the inner split reads positions, which needs the outer train's user view only");
        ShouldEqualCopy(inner.Train);
        ShouldEqualCopy(inner.Test);
        inner.Test.ByUser.ColumnIndices.ToArray().Should().Equal(innerOfCopy.Test.ByUser.ColumnIndices.ToArray());
        inner.Train.ByItem.ColumnIndices.ToArray().Should().Equal(innerOfCopy.Train.ByItem.ColumnIndices.ToArray());
    }

    [Fact]
    public void Where_OnAView_KeepsTheFlaggedPositionsOfThatView()
    {
        RatingsDataset data = Sample(timestamps: false);
        RatingsDataset test = DatasetSplitter.RandomHoldout(data, 0.3, seed: 7).Test;
        var keep = new bool[test.Count];
        for (int p = 0; p < keep.Length; p += 3)
        {
            keep[p] = true;
        }

        RatingsDataset subset = test.Where(keep);
        subset.Count.Should().Be((test.Count + 2) / 3);
        var expected = new List<Rating>();
        for (int p = 0; p < keep.Length; p += 3)
        {
            expected.Add(test[p]);
        }

        subset.ToList().Should().Equal(expected);
        ShouldEqualCopy(subset);
    }

    [Fact]
    public void Trainers_OnAViewOrOnACopy_GiveBitIdenticalModels()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(Sample(timestamps: false), 0.2, seed: 11);
        RatingsDataset copy = Copy(split.Train);

        var als = new AlsFactorizer(new AlsOptions { Dimensions = 6, Iterations = 3, Seed = 1 });
        FactorizationModel onView = als.Fit(split.Train, split.Test), onCopy = als.Fit(copy, Copy(split.Test));
        onView.UserEmbeddings.ToArray().Should().Equal(onCopy.UserEmbeddings.ToArray());
        onView.ItemEmbeddings.ToArray().Should().Equal(onCopy.ItemEmbeddings.ToArray());

        // Full-batch GD and EASE read the item-to-user link, built per fit.
        var gd = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 4, Iterations = 20, Seed = 2 });
        gd.Fit(split.Train).ItemEmbeddings.ToArray().Should().Equal(gd.Fit(copy).ItemEmbeddings.ToArray());
        var ease = new EaseRecommender(new EaseOptions { Regularization = 50 });
        EaseModel easeOnView = ease.Fit(split.Train), easeOnCopy = ease.Fit(copy);
        var scoresOnView = new float[copy.ItemCount];
        var scoresOnCopy = new float[copy.ItemCount];
        easeOnView.TryScoreItems(new UserIndex(3), scoresOnView).Should().BeTrue();
        easeOnCopy.TryScoreItems(new UserIndex(3), scoresOnCopy).Should().BeTrue();
        scoresOnView.Should().Equal(scoresOnCopy);
    }

    [Fact]
    public void ByUser_ManyThreadsAtOnce_BuildOneView()
    {
        RatingsDataset train = DatasetSplitter.RandomHoldout(Sample(timestamps: true), 0.1, seed: 8).Train;
        var seen = new CsrView[8];
        var itemViews = new CsrView[8];
        Parallel.For(0, seen.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            seen[k] = train.ByUser;
            itemViews[k] = train.ByItem;
            _ = train.Timestamps.Length;
        });

        seen.Should().AllSatisfy(v => v.Should().BeSameAs(seen[0]));
        itemViews.Should().AllSatisfy(v => v.Should().BeSameAs(itemViews[0]));
        train.IsPendingView.Should().BeFalse();
    }

    [Fact]
    public void EmptySide_HasNoRange_AndEmptyViews()
    {
        RatingsDataset data = Sample(timestamps: false);
        RatingsDataset none = data.Where(new bool[data.Count]);
        none.Count.Should().Be(0);
        none.ValueRange.Should().BeNull();
        none.ByUser.NonZeroCount.Should().Be(0);
        none.ByItem.RowCount.Should().Be(data.ItemCount);
        none.ToList().Should().BeEmpty();
    }
}
