using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CollaborativeFiltering.Projection;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// 2-D projections of 1682 item embeddings of dimension 50 (the size of MovieLens 100k's catalogue with the
/// notebook's regularized model): t-SNE with the default options (perplexity 30, 1000 iterations, cosine
/// distance as the notebook uses for movies) on 2 threads, exact and Barnes–Hut, and PCA. The embeddings are
/// synthetic: 19 Gaussian "genre" clusters, seeded, whose exact affinities keep 358,774 of the 2,827,442 pairs
/// (sparse P); <see cref="TSne1682x50Spread"/> maps unclustered Gaussian embeddings, which keep every pair as the
/// walkthrough's regularized movie embeddings do on the synthetic set (dense P: the attraction is summed in the
/// all-pairs pass); real embeddings with more structure may keep fewer.
/// Target: t-SNE ≤ 10 s on 2 cores.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BuildTimeoutConfig))]
public class ProjectionBenchmarks
{
    private const int Items = 1682;
    private const int Dimensions = 50;

    private float[] _embeddings = null!;
    private float[] _spread = null!;
    private TSne _tsne = null!;

    [Params(TSneMethod.Exact, TSneMethod.BarnesHut)]
    public TSneMethod Gradient { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var centres = new double[19 * Dimensions];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = 2 * Gaussian(random);
        }

        _embeddings = new float[Items * Dimensions];
        for (int i = 0; i < Items; i++)
        {
            for (int j = 0; j < Dimensions; j++)
            {
                _embeddings[(i * Dimensions) + j] = (float)(centres[((i % 19) * Dimensions) + j] + Gaussian(random));
            }
        }

        _spread = new float[Items * Dimensions];
        for (int i = 0; i < _spread.Length; i++)
        {
            _spread[i] = (float)Gaussian(random);
        }

        _tsne = new TSne(new TSneOptions { Method = Gradient, Distance = TSneDistance.Cosine, MaxDegreeOfParallelism = 2 });
    }

    [Benchmark]
    public TSneProjection TSne1682x50() => _tsne.Project(_embeddings, Items, Dimensions);

    /// <summary>t-SNE of 1,682 unclustered Gaussian embeddings: every pair kept, as on the walkthrough's movie embeddings of the synthetic set.</summary>
    [Benchmark]
    public TSneProjection TSne1682x50Spread() => _tsne.Project(_spread, Items, Dimensions);

    [Benchmark]
    public PcaProjection Pca1682x50() => Pca.Project(_embeddings, Items, Dimensions);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A longer build timeout than BenchmarkDotNet's 2 minutes: the generated project rebuilds the library, which takes longer on a busy machine.</summary>
    private sealed class BuildTimeoutConfig : ManualConfig
    {
        public BuildTimeoutConfig() => WithBuildTimeout(TimeSpan.FromMinutes(10));
    }
}
