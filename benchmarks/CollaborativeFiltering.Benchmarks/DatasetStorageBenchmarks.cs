using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Issue 16's storage targets on 1M synthetic half-star ratings with timestamps: opening the binary
/// dataset cache (the 32m target is ≤ 2 s; the Scale tool's <c>--cache --load-only</c> times that
/// shape), writing it, a 90/10 split whose sides build their views as a fit and an evaluation would,
/// the same split read in place as ALS, SGD and the evaluators read it, and the item-to-user link the
/// full-batch trainer builds per fit. Run:
/// <c>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*DatasetStorageBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class DatasetStorageBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-bench-cache-" + Guid.NewGuid().ToString("N"));
    private RatingsDataset _dataset = null!;
    private string _cache = "";

    [GlobalSetup]
    public void Setup()
    {
        _dataset = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, HalfStars = true, Seed = 7 }).Dataset;
        Directory.CreateDirectory(_directory);
        _cache = Path.Combine(_directory, "ratings.cfd");
        RatingsDatasetCache.Save(_dataset, _cache);
        Console.WriteLine($"// cache size: {new FileInfo(_cache).Length / 1e6:F1} MB");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>Open the cache: map, verify the checksums, copy, check the rows, rebuild the item view.</summary>
    [Benchmark(Baseline = true)]
    public RatingsDataset OpenCache() => RatingsDatasetCache.Open(_cache);

    /// <summary>Write the cache (atomically, flushed to disk).</summary>
    [Benchmark]
    public void SaveCache() => RatingsDatasetCache.Save(_dataset, Path.Combine(_directory, "saved.cfd"));

    /// <summary>A 90/10 split, then the training side's two views and the test side's user view, as a fit and its evaluation build them.</summary>
    [Benchmark]
    public int SplitAndBuildViews()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(_dataset, 0.1, seed: 1);
        return split.Train.ByItem.NonZeroCount + split.Test.ByUser.NonZeroCount;
    }

    /// <summary>A 90/10 split, then the rows the library's trainers and evaluators read in place: the training side's user and item rows (offsets and the item-major bitmap) and the test side's user rows.</summary>
    [Benchmark]
    public int SplitAndReadRowsInPlace()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(_dataset, 0.1, seed: 1);
        return split.Train.ItemRows.Count + split.Test.UserRows.Count;
    }

    /// <summary>The item-to-user link built per fit by full-batch GD, EASE and the factorization machine.</summary>
    [Benchmark]
    public int[] ItemToUserPositions() => _dataset.ItemToUserPositions();
}
