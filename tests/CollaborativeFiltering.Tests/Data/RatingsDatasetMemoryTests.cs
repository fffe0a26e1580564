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
    public void Build_OneMillionRatings_ResidentSizeAtMost24BytesPerRating()
    {
        var catalog = Catalog.Sequential(Users, Items);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        RatingsDataset dataset = BuildRandom(catalog, withTimestamps: false);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        dataset.Count.Should().BeGreaterThan(970_000, "about 2 % of random pairs repeat and are merged");
        double bytesPerRating = (after - before) / (double)dataset.Count;
        bytesPerRating.Should().BeLessThanOrEqualTo(24, "both CSR views must fit in 24 bytes per rating");
        GC.KeepAlive(dataset);
    }

    [Fact]
    public void Build_OneMillionRatingsWithTimestamps_ResidentSizeAtMost32BytesPerRating()
    {
        var catalog = Catalog.Sequential(Users, Items);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        RatingsDataset dataset = BuildRandom(catalog, withTimestamps: true);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        dataset.HasTimestamps.Should().BeTrue();
        double bytesPerRating = (after - before) / (double)dataset.Count;
        bytesPerRating.Should().BeLessThanOrEqualTo(32, "timestamps add 8 bytes to the 24 of the views");
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
