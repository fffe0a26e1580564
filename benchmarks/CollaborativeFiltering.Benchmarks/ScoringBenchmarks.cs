using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>Seeded random models and exclusion sets for the scoring benchmarks.</summary>
internal static class ScoringBenchmarkData
{
    public static FactorizationModel Model(int users, int items, int d, int seed)
    {
        var rng = new Random(seed);
        return FactorizationModel.FromEmbeddings(Catalog.Sequential(users, items), d, Uniform(rng, users * d, 0.5f), Uniform(rng, items * d, 0.5f),
            Uniform(rng, users, 0.2f), Uniform(rng, items, 0.2f), 3.5f);
    }

    /// <summary>About <paramref name="perUser"/> distinct random items per user, rated 1..5 (user-major CSR built directly).</summary>
    public static RatingsDataset Ratings(Catalog catalog, int perUser, int seed)
    {
        var rng = new Random(seed);
        int n = catalog.UserCount;
        var offsets = new int[n + 1];
        var items = new List<int>(n * perUser);
        var row = new SortedSet<int>();
        for (int u = 0; u < n; u++)
        {
            row.Clear();
            int count = rng.Next(1, (2 * perUser) + 1);
            while (row.Count < Math.Min(count, catalog.ItemCount))
            {
                row.Add(rng.Next(catalog.ItemCount));
            }

            items.AddRange(row);
            offsets[u + 1] = items.Count;
        }

        var values = new float[items.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.Next(1, 6);
        }

        return RatingsDataset.FromUserMajor(catalog, offsets, [.. items], values, null);
    }

    private static float[] Uniform(Random rng, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }
}

/// <summary>Scoring on a MovieLens-100k-shaped model: 943 users × 1682 items, d = 30, ~100k training ratings excluded.</summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private FactorizationModel _model = null!;
    private RatingsDataset _train = null!;
    private float[] _query = null!;
    private float[] _scores = null!;
    private KeyValuePair<string, float>[] _newUser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = ScoringBenchmarkData.Model(943, 1682, 30, seed: 1);
        _train = ScoringBenchmarkData.Ratings(_model.Catalog, 106, seed: 2);
        _query = _model.GetUserEmbedding(new UserIndex(0)).ToArray();
        _scores = new float[_model.ItemCount];
        _newUser = [.. Enumerable.Range(0, 20).Select(j => new KeyValuePair<string, float>(_model.Catalog.Items[j * 50], (j % 5) + 1))];
        EmbeddingNorms.Items(_model); // warm the norm cache
    }

    /// <summary>All users' top 10, all cores.</summary>
    [Benchmark]
    public TopKRecommendations RecommendAll() => Recommender.RecommendAll(_model, 10, _train);

    /// <summary>All users' top 10 on one thread.</summary>
    [Benchmark]
    public TopKRecommendations RecommendAll_OneThread() => Recommender.RecommendAll(_model, 10, _train, maxDegreeOfParallelism: 1);

    /// <summary>The first version: TensorPrimitives.Dot per (user, item) pair, then a heap per user, one thread.</summary>
    [Benchmark(Baseline = true)]
    public int RecommendAll_NaivePerPairDot_OneThread()
    {
        int d = _model.Dimensions, m = _model.ItemCount;
        ReadOnlySpan<float> v = _model.ItemEmbeddings;
        ReadOnlySpan<float> b = _model.ItemBiases;
        var hs = new float[10];
        var hi = new int[10];
        int total = 0;
        for (int u = 0; u < _model.UserCount; u++)
        {
            ReadOnlySpan<float> q = _model.GetUserEmbedding(new UserIndex(u));
            for (int j = 0; j < m; j++)
            {
                _scores[j] = TensorPrimitives.Dot(q, v.Slice(j * d, d)) + b[j];
            }

            total += TopK.Select(_scores, _train.ByUser.GetColumns(u), -1, hs, hi);
        }

        return total;
    }

    /// <summary>One user's top 10.</summary>
    [Benchmark]
    public IReadOnlyList<Recommendation> Recommend() => Recommender.Recommend(_model, new UserIndex(17), 10, _train);

    /// <summary>Cosine neighbours of one item (norms cached).</summary>
    [Benchmark]
    public ItemNeighborResult NearestItems_Cosine() => Neighbors.NearestItems(_model, new ItemIndex(49), 10, SimilarityMeasure.Cosine);

    /// <summary>One query against all items, dot, into a caller's span.</summary>
    [Benchmark]
    public void ScoreAll_Dot() => Similarity.ScoreAll(_model, _query, SimilarityMeasure.Dot, _scores);

    /// <summary>Fold-in from 20 ratings and top 10.</summary>
    [Benchmark]
    public IReadOnlyList<Recommendation> RecommendForNewUser() => Recommender.RecommendForNewUser(_model, _newUser, 10);
}

/// <summary>
/// The large target: 100k users × 20k items at d = 64 (1.28e11 FLOP), top 10 each, on two threads,
/// excluding ~20 ratings per user. Filter with <c>*ScoringLarge*</c>; it takes seconds per operation.
/// </summary>
public class ScoringLargeBenchmarks
{
    private FactorizationModel _model = null!;
    private RatingsDataset _train = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = ScoringBenchmarkData.Model(100_000, 20_000, 64, seed: 3);
        _train = ScoringBenchmarkData.Ratings(_model.Catalog, 20, seed: 4);
    }

    /// <summary>All 100k users' top 10 on two threads.</summary>
    [Benchmark]
    public TopKRecommendations RecommendAll_100kx20k_d64_TwoThreads() => Recommender.RecommendAll(_model, 10, _train, maxDegreeOfParallelism: 2);
}
