using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neighborhood.Ease;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Issue 17's kNN targets on synthetic data of MovieLens shapes, with the library's defaults (kNN-Baseline,
/// Pearson-baseline similarity shrunk by 100, k = 40, up to 1,000 neighbours kept): item-kNN fit (all 1,682² item pairs)
/// on 100k ratings ≤ 1 s on 2 cores, and on 1M ratings (6,040 × 3,706) ≤ 10 s. Also user-kNN's fit and
/// item-kNN's predictions of a 20k-rating test set.
/// <code>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*KnnBenchmarks*' --job short</code>
/// </summary>
[MemoryDiagnoser]
public class KnnBenchmarks
{
    private RatingsDataset _train100K = null!;
    private RatingsDataset _test100K = null!;
    private RatingsDataset _train1M = null!;
    private ItemKnnModel _model = null!;

    /// <summary>Worker threads of the fit.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 7 }).Dataset, 0.2, seed: 1);
        _train100K = split.Train;
        _test100K = split.Test;
        _train1M = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 }).Dataset;
        _model = new ItemKnnRecommender().Fit(_train100K);
    }

    [Benchmark(Description = "item-kNN fit, 100k-shaped (943 × 1,682, 80k ratings)")]
    public ItemKnnModel ItemKnnFit100K() => new ItemKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = Threads }).Fit(_train100K);

    [Benchmark(Description = "item-kNN fit, 1M-shaped (6,040 × 3,706, 1M ratings)")]
    public ItemKnnModel ItemKnnFit1M() => new ItemKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = Threads }).Fit(_train1M);

    [Benchmark(Description = "user-kNN fit, 100k-shaped")]
    public UserKnnModel UserKnnFit100K() => new UserKnnRecommender(new KnnOptions { MaxDegreeOfParallelism = Threads }).Fit(_train100K);

    [Benchmark(Description = "item-kNN, predict 20k test ratings (one thread)")]
    public double ItemKnnPredict()
    {
        double sum = 0;
        foreach (Rating r in _test100K)
        {
            sum += _model.Predict(r.User, r.Item);
        }

        return sum;
    }
}

/// <summary>
/// EASE (issue 17, point 4): the whole fit, the Gram matrix XᵀX + λI from sparse co-occurrence counts, and the
/// inversion by the library's blocked sweep operator, on 100k-shaped (943 × 1,682) and 1M-shaped (6,040 × 3,706)
/// synthetic data, two threads.
/// <code>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*EaseBenchmarks*' --job short</code>
/// </summary>
[MemoryDiagnoser]
public class EaseBenchmarks
{
    private const double Lambda = 200;

    private RatingsDataset _train = null!;
    private double[] _gram = [];
    private double[] _work = [];
    private int _padded;
    private WorkerPool _pool = null!;

    /// <summary>The catalogue: 1,682 items (MovieLens 100k's shape, 943 users, 100k ratings) or 3,706 (1M's: 6,040 users, 1M ratings).</summary>
    [Params(1682, 3706)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _train = Items == 1682
            ? SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 7 }).Dataset
            : SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 }).Dataset;
        _pool = new WorkerPool(2);
        _padded = (int)SymmetricSweep.PaddedOrder(_train.ItemCount);
        _gram = CooccurrenceGram.Build(_train, _padded, Lambda, _pool, CancellationToken.None);
        _work = new double[_gram.Length];
    }

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();

    [Benchmark(Description = "EASE fit, 2 threads")]
    public EaseModel Fit() => new EaseRecommender(new EaseOptions { MaxDegreeOfParallelism = 2 }).Fit(_train);

    [Benchmark(Description = "Gram XᵀX + λI: co-occurrence counts, 2 threads")]
    public double[] GramCooccurrence() => CooccurrenceGram.Build(_train, _padded, Lambda, _pool, CancellationToken.None);

    [Benchmark(Description = "inverse: blocked sweep operator, 2 threads")]
    public bool InverseSweep()
    {
        _gram.CopyTo(_work, 0);
        return SymmetricSweep.TrySweep(_work, _padded, _pool, CancellationToken.None);
    }
}

/// <summary>
/// The measurement that decides how EASE computes its Gram matrix and inverse (issue 17 asks for MathNet or a
/// blocked Cholesky of our own, whichever is faster), on the 100k shape only (MathNet's dense O(M³) work at
/// 3,706 items takes minutes per call): the library's co-occurrence Gram and sweep against MathNet's dense
/// XᵀX, its Cholesky solve of the identity and its LU inverse (managed provider). MathNet's sparse XᵀX is
/// left out: on this shape it did not finish in four minutes.
/// <code>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*EaseMathNetBenchmarks*' --job short</code>
/// </summary>
[MemoryDiagnoser]
public class EaseMathNetBenchmarks
{
    private const double Lambda = 200;

    private RatingsDataset _train = null!;
    private double[] _gram = [];
    private double[] _work = [];
    private int _padded;
    private Matrix<double> _a = null!;
    private Matrix<double> _x = null!;
    private WorkerPool _pool = null!;

    [GlobalSetup]
    public void Setup()
    {
        _train = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 7 }).Dataset;
        _pool = new WorkerPool(2);
        int m = _train.ItemCount;
        _padded = (int)SymmetricSweep.PaddedOrder(m);
        _gram = CooccurrenceGram.Build(_train, _padded, Lambda, _pool, CancellationToken.None);
        _work = new double[_gram.Length];

        // MathNet's inputs: X dense (N × M, 0/1), and XᵀX + λI in full (the library fills the upper triangle).
        _x = Matrix<double>.Build.Dense(_train.UserCount, m);
        foreach (Rating r in _train)
        {
            _x[r.User.Value, r.Item.Value] = 1;
        }

        _a = Matrix<double>.Build.Dense(m, m, (i, j) => i <= j ? _gram[((long)i * _padded) + j] : _gram[((long)j * _padded) + i]);
    }

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();

    [Benchmark(Description = "Gram XᵀX + λI: co-occurrence counts, 2 threads")]
    public double[] GramCooccurrence() => CooccurrenceGram.Build(_train, _padded, Lambda, _pool, CancellationToken.None);

    [Benchmark(Description = "Gram XᵀX: MathNet dense TransposeThisAndMultiply")]
    public Matrix<double> GramMathNet() => _x.TransposeThisAndMultiply(_x);

    [Benchmark(Baseline = true, Description = "inverse: blocked sweep operator, 2 threads")]
    public bool InverseSweep()
    {
        _gram.CopyTo(_work, 0);
        return SymmetricSweep.TrySweep(_work, _padded, _pool, CancellationToken.None);
    }

    [Benchmark(Description = "inverse: MathNet Cholesky, solve against I")]
    public Matrix<double> InverseMathNetCholesky() => _a.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(_a.RowCount));

    [Benchmark(Description = "inverse: MathNet LU Inverse()")]
    public Matrix<double> InverseMathNetLu() => _a.Inverse();
}
