using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bayesian;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Issue 15, point 7: the Bayesian FM's passes around the draws go to the worker pool only when they are
/// worth at least <see cref="FmTraining.DefaultMinParallelWork"/> values (smaller ones run on the calling
/// thread; the chain is the same bit for bit). This sweeps that threshold on two threads, beside one
/// thread, on the 100k shape (943 × 1,682; rank 10, 200 sweeps; ids only and the default blocks) and the 1M
/// shape (6,040 × 3,706; ids only, 40 sweeps): 0 is every pass of several blocks pooled (the behaviour
/// before the threshold), <see cref="long.MaxValue"/> none. The threshold to keep is the smallest at which
/// two threads are nowhere slower than one. Run on a quiet machine with
/// <c>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*FmPassThresholdBenchmarks*' --job short --inProcess</c>.
/// </summary>
public class FmPassThresholdBenchmarks
{
    private RatingsDataset _hundredK = null!;
    private RatingsDataset _million = null!;

    /// <summary>Threads, and the least work of a pooled pass (0: every pass pooled; 2^17, 2^19 (the default), 2^21; max: none).</summary>
    [Params("1", "2:0", "2:131072", "2:524288", "2:2097152", "2:max")]
    public string Threading { get; set; } = "2:524288";

    [GlobalSetup]
    public void Setup()
    {
        _hundredK = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 943, Items = 1682, Ratings = 100_000, Seed = 7 }).Dataset;
        _million = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 }).Dataset;
    }

    /// <summary>Ids only, 100k ratings, 200 sweeps.</summary>
    [Benchmark]
    public FactorizationMachineModel Ids100k() => Trainer(new FactorizationMachineOptions { Blocks = FeatureBlocks.UserId | FeatureBlocks.ItemId }).Fit(_hundredK);

    /// <summary>The default blocks (ids, rated items, user and item information), 100k ratings, 200 sweeps.</summary>
    [Benchmark]
    public FactorizationMachineModel Default100k() => Trainer(new FactorizationMachineOptions()).Fit(_hundredK);

    /// <summary>Ids only, 1M ratings, 40 sweeps (every per-rank pass is above the default threshold here).</summary>
    [Benchmark]
    public FactorizationMachineModel Ids1M() => Trainer(new FactorizationMachineOptions { Blocks = FeatureBlocks.UserId | FeatureBlocks.ItemId, Iterations = 40 }).Fit(_million);

    private BayesianFactorizationMachine Trainer(FactorizationMachineOptions options)
    {
        string[] parts = Threading.Split(':');
        int threads = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        long threshold = parts.Length == 1 ? FmTraining.DefaultMinParallelWork
            : parts[1] == "max" ? long.MaxValue : long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        return new BayesianFactorizationMachine(options with { MaxDegreeOfParallelism = threads }) { MinParallelWork = threshold };
    }
}
