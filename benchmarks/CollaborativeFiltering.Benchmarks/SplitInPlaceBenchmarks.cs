using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Issue 16, "splits share the parent's storage": the scale path's consumers on the training side of a
/// 90/10 split of 1M synthetic half-star ratings (6,040 × 3,706), read in place through the parent's
/// rows and the membership bits (<c>View</c>), against the same work on a materialised copy of the
/// training set (<c>Copy</c>, what a dataset with storage of its own costs). Results are bit-identical
/// (DatasetViewInPlaceTests); this measures what the in-place reads cost in time. d = 64, two threads.
/// Run: <c>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*SplitInPlaceBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class SplitInPlaceBenchmarks
{
    private RatingsDataset _data = null!;
    private RatingsDataset _copy = null!;
    private RatingsDataset _test = null!;
    private FactorizationModel _model = null!;

    /// <summary>Whether the training set is the split's view (read in place) or a materialised copy.</summary>
    [Params("View", "Copy")]
    public string Train { get; set; } = "View";

    [GlobalSetup]
    public void Setup()
    {
        _data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, HalfStars = true, Seed = 7 }).Dataset;
        DatasetSplit split = DatasetSplitter.RandomHoldout(_data, 0.1, seed: 1);
        _test = split.Test;
        var builder = new RatingsDatasetBuilder(_data.Catalog);
        foreach (Rating r in DatasetSplitter.RandomHoldout(_data, 0.1, seed: 1).Train)
        {
            builder.Add(r);
        }

        _copy = builder.Build();
        _model = new AlsFactorizer(new AlsOptions { Dimensions = 64, Iterations = 1, MaxDegreeOfParallelism = 2 }).Fit(_copy);
    }

    /// <summary>A fresh view per invocation for <c>View</c> (its row offsets and item bitmap are built inside the measurement, as a fit's first use builds them).</summary>
    private RatingsDataset TrainSet() => Train == "View" ? DatasetSplitter.RandomHoldout(_data, 0.1, seed: 1).Train : _copy;

    /// <summary>Explicit ALS, d = 64, 2 sweeps.</summary>
    [Benchmark]
    public FactorizationModel Als() => new AlsFactorizer(new AlsOptions { Dimensions = 64, Iterations = 2, MaxDegreeOfParallelism = 2 }).Fit(TrainSet());

    /// <summary>Implicit ALS (conjugate gradient), d = 64, 2 sweeps.</summary>
    [Benchmark]
    public FactorizationModel ImplicitAls() => new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 64, Iterations = 2, MaxDegreeOfParallelism = 2 }).Fit(TrainSet());

    /// <summary>Biased SGD, d = 64, 3 epochs (the block schedule built from parent + membership for a view).</summary>
    [Benchmark]
    public FactorizationModel BiasedSgd() => new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 64, Iterations = 3, MaxDegreeOfParallelism = 2 }).Fit(TrainSet());

    /// <summary>Top-10 for every user, the training items excluded.</summary>
    [Benchmark]
    public TopKRecommendations RecommendAll() => Recommender.RecommendAll(_model, 10, TrainSet(), 2);

    /// <summary>Ranking metrics at 10 on the test view, the training items excluded.</summary>
    [Benchmark]
    public RankingResult Ranking() => RankingMetrics.Evaluate(_model, TrainSet(), _test, 10, 2);
}
