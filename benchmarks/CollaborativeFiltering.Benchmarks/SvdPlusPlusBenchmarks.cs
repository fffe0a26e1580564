using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.SvdPlusPlus;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// SVD++ on 1M MovieLens-1M-shaped synthetic ratings at Surprise's d = 20: a 20-epoch fit, and one epoch
/// on a prepared trainer. The implicit term is computed once per user per epoch, so an epoch costs
/// O(|Ω|·d) like biased SGD's, not O(Σ_u n_u²·d) (Σ_u n_u² / Σ_u n_u times more: the mean rating count of
/// each rating's user, in the hundreds on MovieLens 1M). The updates run on one thread (see <c>SvdPlusPlusTraining</c>), so
/// <see cref="Threads"/> only moves the measurements; no allocation per epoch.
/// </summary>
[MemoryDiagnoser]
public class SvdPlusPlusBenchmarks
{
    private RatingsDataset _train = null!;
    private SvdPlusPlusTraining _trainer = null!;

    /// <summary>Threads used by the fit (results are identical for every value).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 1 }).Dataset;
        _trainer = Factorizer(20).CreateTraining(_train);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    /// <summary>A whole fit: 20 epochs with Surprise's SVDpp defaults (d = 20, lr = 0.007, λ = 0.02).</summary>
    [Benchmark]
    public FactorizationModel Fit20Epochs() => Factorizer(20).Fit(_train);

    /// <summary>One epoch (1M rating updates, one implicit sum and one y push per user): the allocation column must read 0 B.</summary>
    [Benchmark]
    public double Epoch() => _trainer.RunEpoch(0.007f, 0.02f, 0.02f, 0.007f, 0.02f, CancellationToken.None);

    private SvdPlusPlusFactorizer Factorizer(int epochs) =>
        new(new SvdPlusPlusOptions { Dimensions = 20, LearningRate = 0.007, Regularization = 0.02, LearningRateDecay = 1, Iterations = epochs, MaxDegreeOfParallelism = Threads }); // Surprise's settings, the README row's
}
