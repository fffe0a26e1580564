using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Issue 15's speed targets, whole fits on synthetic data shaped like MovieLens (its generator's
/// UserInfo and ItemInfo stand in for the demographics, genres and years):
/// <list type="bullet">
/// <item>100k-shaped (943 × 1,682, 100k ratings), rank 10, 200 samples: the FM with user and item ids
/// only ≤ 3 s (libFM: 4.5 s), with the rated-items block and user and item information ≤ 30 s on two
/// cores (libFM: 218 s);</item>
/// <item>1M-shaped (6,040 × 3,706, 1M ratings): BPMF rank 32, 100 samples ≤ 60 s on two cores.</item>
/// </list>
/// One iteration each (a fit is seconds long); run with
/// <c>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*BayesianBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class BayesianBenchmarks
{
    private RatingsDataset _hundredK = null!;
    private RatingsDataset _million = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hundredK = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 943, Items = 1682, Ratings = 100_000, Seed = 7 }).Dataset;
        _million = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 }).Dataset;
    }

    /// <summary>FM, user and item ids only, rank 10, 200 sweeps, one thread: target ≤ 3 s.</summary>
    [Benchmark]
    public FactorizationMachineModel FmUserItem100k() =>
        new BayesianFactorizationMachine(new FactorizationMachineOptions { Blocks = FeatureBlocks.UserId | FeatureBlocks.ItemId, MaxDegreeOfParallelism = 1 }).Fit(_hundredK);

    /// <summary>The same on two threads (the residual and per-row passes in parallel; the draws stay sequential).</summary>
    [Benchmark]
    public FactorizationMachineModel FmUserItem100kTwoThreads() =>
        new BayesianFactorizationMachine(new FactorizationMachineOptions { Blocks = FeatureBlocks.UserId | FeatureBlocks.ItemId, MaxDegreeOfParallelism = 2 }).Fit(_hundredK);

    /// <summary>FM with the default blocks (ids, rated items, user and item information), rank 10, 200 sweeps, one thread: target ≤ 30 s.</summary>
    [Benchmark]
    public FactorizationMachineModel FmImplicitAndSide100k() => new BayesianFactorizationMachine(new FactorizationMachineOptions { MaxDegreeOfParallelism = 1 }).Fit(_hundredK);

    /// <summary>The same on two threads.</summary>
    [Benchmark]
    public FactorizationMachineModel FmImplicitAndSide100kTwoThreads() => new BayesianFactorizationMachine(new FactorizationMachineOptions { MaxDegreeOfParallelism = 2 }).Fit(_hundredK);

    /// <summary>BPMF rank 32, 100 sweeps (10 burn-in), two threads: target ≤ 60 s.</summary>
    [Benchmark]
    public FactorizationModel Bpmf1M() =>
        new BayesianMatrixFactorizer(new BayesianMatrixOptions { Dimensions = 32, Iterations = 100, BurnIn = 10, MaxDegreeOfParallelism = 2 }).Fit(_million);
}
