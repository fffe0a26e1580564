using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.FullBatch;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Cost of one full-batch gradient-descent iteration (the notebook's CFModel and Regularized_CFModel)
/// on synthetic MovieLens-shaped training sets (90 % of the ratings), all processors. Each
/// invocation is one <c>Step</c> of a trainer built once in setup, so Allocated is the per-iteration
/// allocation. Sizes follow MovieLens 100k, 1M and 10M (users × items); generating the 10M set in
/// setup takes several seconds.
/// </summary>
[MemoryDiagnoser]
public class FactorizerBenchmarks
{
    private FullBatchTraining? _trainer;

    /// <summary>Model, ratings and dimension.</summary>
    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "Plain/100k/d30";

    public static IEnumerable<string> Cases =>
    [
        "Plain/100k/d30",
        "Regularized/100k/d50",
        "Plain/100k/d64",
        "Plain/1M/d64",
        "Regularized/1M/d64",
        "Plain/10M/d64",
    ];

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Case.Split('/');
        bool regularized = parts[0] == "Regularized";
        int d = int.Parse(parts[2].AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture);
        SyntheticOptions shape = parts[1] switch
        {
            "100k" => new() { Users = 943, Items = 1682, Ratings = 100_000 },
            "1M" => new() { Users = 6040, Items = 3706, Ratings = 1_000_000 },
            "10M" => new() { Users = 69_878, Items = 10_677, Ratings = 10_000_000 },
            _ => throw new InvalidOperationException(Case),
        };
        RatingsDataset all = SyntheticDataGenerator.Generate(shape with { Seed = 1 }).Dataset;
        RatingsDataset train = DatasetSplitter.RandomHoldout(all, 0.1, seed: 1).Train;
        (float[] users, float[] items) = FullBatchGradientDescent.Initialise(train.UserCount, train.ItemCount, d, 0.05, seed: 1);
        _trainer = regularized
            ? new RegularizedFactorizer(new RegularizedOptions { Dimensions = d }).CreateTrainer(train, users, items)
            : new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = d }).CreateTrainer(train, users, items);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer?.Dispose();

    /// <summary>One iteration: residuals, both gradients (and the Gram matrices for the regularized model), both updates.</summary>
    [Benchmark]
    public double Step() => _trainer!.Step().ObservedMse;
}
