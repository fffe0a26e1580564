using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Biased SGD targets on 1M MovieLens-1M-shaped synthetic ratings at d = 64: a 20-epoch fit
/// (seeded initialisation, grid set-up and 20 epochs) in ≤ 3 s on one thread and ≤ 1.5 s on two;
/// no allocation per epoch (so none per rating). For reference, LIBMF does the same work in about
/// 0.9 s on two cores. <see cref="Epoch"/> is one epoch on a prepared trainer;
/// <see cref="BiasedSgdKernelBenchmarks"/> compares the row-update kernels.
/// </summary>
[MemoryDiagnoser]
public class BiasedSgdBenchmarks
{
    private RatingsDataset _train = null!;
    private BiasedSgdTrainer _trainer = null!;

    /// <summary>Threads used by the fit (results are identical for every value).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _train = SyntheticDataset.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 1 }).Dataset;
        _trainer = Factorizer(20).CreateTrainer(_train);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    /// <summary>A whole fit: 20 epochs at d = 64 with the default learning rates and penalties.</summary>
    [Benchmark]
    public FactorizationModel Fit20Epochs() => Factorizer(20).Fit(_train);

    /// <summary>One epoch (1M per-rating updates) on a prepared trainer: the allocation column must read 0 B.</summary>
    [Benchmark]
    public double Epoch() => _trainer.RunEpoch(0.005f, 0.05f, 0.005f, 0.02f, CancellationToken.None);

    private BiasedSgdFactorizer Factorizer(int epochs) =>
        new(new BiasedSgdOptions { Dimensions = 64, Iterations = epochs, MaxDegreeOfParallelism = Threads });
}

/// <summary>One row update (dot product, then p and q) at d = 64 through each kernel path; 1,000 updates per operation over rows in L1.</summary>
public class BiasedSgdKernelBenchmarks
{
    private const int Rows = 16;
    private const int D = 64;
    private readonly float[] _p = new float[Rows * D];
    private readonly float[] _q = new float[Rows * D];

    private BiasedSgdKernels.Path _path;

    /// <summary>The kernel path, a <c>BiasedSgdKernels.Path</c> name (512-bit paths fall back to Vector256 on machines without them).</summary>
    [Params("Scalar", "Vector256", "Vector512", "Fused64")]
    public string Kernel { get; set; } = "Scalar";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int k = 0; k < _p.Length; k++)
        {
            _p[k] = (float)(random.NextDouble() - 0.5) * 0.2f;
            _q[k] = (float)(random.NextDouble() - 0.5) * 0.2f;
        }

        _path = Enum.Parse<BiasedSgdKernels.Path>(Kernel);
        if (_path is BiasedSgdKernels.Path.Vector512 or BiasedSgdKernels.Path.Fused64 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            _path = BiasedSgdKernels.Path.Vector256;
        }
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public float Update()
    {
        float sum = 0;
        for (int n = 0; n < 1000; n++)
        {
            int a = n % Rows, b = (n * 7) % Rows;
            sum += BiasedSgdKernels.Update(_path, _p.AsSpan(a * D, D), _q.AsSpan(b * D, D), 0.1f, 0.001f, 0.9999f);
        }

        return sum;
    }
}
