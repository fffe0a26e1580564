using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

[Collection(ProcessWideMeasurements.Name)]
public class RatingsDatasetMemoryTests
{
    private const int Users = 6040;
    private const int Items = 3706;
    private const int Ratings = 1_000_000;

    [Fact]
    public void Build_OneMillionRatings_ResidentSizeAtMost16BytesPerRating()
    {
        var catalog = Catalog.Sequential(Users, Items);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        RatingsDataset dataset = BuildRandom(catalog, withTimestamps: false);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        dataset.Count.Should().BeGreaterThan(970_000, "about 2 % of random pairs repeat and are merged");
        double bytesPerRating = (after - before) / (double)dataset.Count;
        // 4 + 4 bytes per rating per view; the row offsets, (N + M + 2)·4 bytes, and the catalogue's
        // lookup built on first use add about 0.1 byte per rating at this size.
        bytesPerRating.Should().BeLessThanOrEqualTo(16.2, "both CSR views must fit in 16 bytes per rating");
        GC.KeepAlive(dataset);
    }

    [Fact]
    public void Build_OneMillionRatingsWithTimestamps_ResidentSizeAtMost24BytesPerRating()
    {
        var catalog = Catalog.Sequential(Users, Items);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        RatingsDataset dataset = BuildRandom(catalog, withTimestamps: true);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        dataset.HasTimestamps.Should().BeTrue();
        double bytesPerRating = (after - before) / (double)dataset.Count;
        bytesPerRating.Should().BeLessThanOrEqualTo(24.2, "timestamps add 8 bytes to the 16 of the views");
        GC.KeepAlive(dataset);
    }

    [Fact]
    public void RandomHoldout_OneMillionRatings_SplitHoldsOneBitPerRatingUntilUsed()
    {
        RatingsDataset dataset = BuildRandom(Catalog.Sequential(Users, Items), withTimestamps: true);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        DatasetSplit split = DatasetSplitter.RandomHoldout(dataset, 0.1, seed: 4);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        double bytesPerRating = (after - before) / (double)dataset.Count;
        bytesPerRating.Should().BeLessThanOrEqualTo(0.2, "train and test share one bitmap over the parent's ratings (1/8 byte per rating) and a few small objects");
        split.Train.IsPendingView.Should().BeTrue();
        split.Test.IsPendingView.Should().BeTrue();
        GC.KeepAlive(split);
        GC.KeepAlive(dataset);
    }

    [Fact]
    public void KFold_OneMillionRatingsFiveFolds_AllFoldsShareOneLabelPerRating()
    {
        RatingsDataset dataset = BuildRandom(Catalog.Sequential(Users, Items), withTimestamps: false);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        IReadOnlyList<DatasetSplit> folds = DatasetSplitter.KFold(dataset, 5, seed: 2);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        double bytesPerRating = (after - before) / (double)dataset.Count;
        bytesPerRating.Should().BeLessThanOrEqualTo(4.1, "the five folds' views share one 4-byte fold label per rating");
        folds.Should().OnlyContain(f => f.Train.IsPendingView && f.Test.IsPendingView);
        GC.KeepAlive(folds);
        GC.KeepAlive(dataset);
    }

    [Fact]
    public void RandomHoldout_OneMillionRatings_UsedSidesCostWhatTheyHold()
    {
        RatingsDataset dataset = BuildRandom(Catalog.Sequential(Users, Items), withTimestamps: false);
        DatasetSplit split = DatasetSplitter.RandomHoldout(dataset, 0.1, seed: 4);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        _ = split.Train.ByItem; // builds both of the training set's views
        _ = split.Test.ByUser; // evaluation reads the test set user-major only
        long after = GC.GetTotalMemory(forceFullCollection: true);

        double expected = (16.0 * split.Train.Count) + (8.0 * split.Test.Count);
        double overhead = (after - before) - expected;
        overhead.Should().BeLessThan(4.0 * 4 * (Users + Items) + (dataset.Count / 8) + 4096, "beyond the ratings only the row offsets are allocated");
        split.Train.IsPendingView.Should().BeFalse("a view that has built everything lets go of the parent");
        split.Test.IsPendingView.Should().BeTrue("the test set's item view was never asked for");
        GC.KeepAlive(split);
        GC.KeepAlive(dataset);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static RatingsDataset BuildRandom(Catalog catalog, bool withTimestamps)
    {
        var random = new Random(5);
        var builder = new RatingsDatasetBuilder(catalog, DuplicatePolicy.KeepLast);
        for (int k = 0; k < Ratings; k++)
        {
            builder.Add(new Rating(U(random.Next(Users)), I(random.Next(Items)), 1 + random.Next(5), withTimestamps ? 880_000_000 + k : null));
        }

        return builder.Build();
    }
}
