using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bpr;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// BPR on 1M MovieLens-1M-shaped synthetic interactions at its default d = 64: a 20-epoch fit (one sampled
/// triple per interaction and epoch) and one epoch on a prepared trainer, with uniform and popularity
/// sampling, on one and two threads (results are identical for every thread count); no allocation per epoch.
/// </summary>
[MemoryDiagnoser]
public class BprBenchmarks
{
    private RatingsDataset _train = null!;
    private BprTraining _trainer = null!;

    /// <summary>Threads used by the fit.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>How negatives are drawn.</summary>
    [Params(BprNegativeSampling.Uniform, BprNegativeSampling.Popularity)]
    public BprNegativeSampling Sampling { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 1 }).Dataset;
        _trainer = Factorizer(20).CreateTraining(_train);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    /// <summary>A whole fit: 20 epochs with the default learning rate, decay and penalties.</summary>
    [Benchmark]
    public FactorizationModel Fit20Epochs() => Factorizer(20).Fit(_train);

    /// <summary>One epoch (1M triples: a negative drawn, checked against the user's items, and three rows updated): the allocation column must read 0 B.</summary>
    [Benchmark]
    public double Epoch() => _trainer.RunEpoch(0.05f, 0.01f, 0.01f, CancellationToken.None);

    private BprFactorizer Factorizer(int epochs) =>
        new(new BprOptions { Iterations = epochs, MaxDegreeOfParallelism = Threads, NegativeSampling = Sampling });
}
