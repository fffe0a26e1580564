using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.FullBatch;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Cost of one full-batch gradient-descent iteration (the notebook's CFModel and Regularized_CFModel)
/// on synthetic MovieLens-shaped training sets (90 % of the ratings), on 1 and 2 threads. Each
/// invocation is one <c>Step</c> of a trainer built once in setup, so Allocated is the per-iteration
/// allocation. Sizes follow MovieLens 100k, 1M and 10M (users × items); generating the 10M set in
/// setup takes several seconds. Compare each figure with <see cref="FmaPeakBenchmarks"/> on the same
/// machine: a case's multiply-adds are <see cref="MultiplyAdds"/>; and, for the shapes whose data outgrows the
/// caches, with <see cref="MemoryBandwidthBenchmarks"/>: the bytes it must move are <see cref="StreamedBytes"/>.
/// </summary>
/// <remarks>
/// Allocated: the step allocates nothing, on any thread: <c>alloc CASE THREADS</c> (<see cref="FullBatchStepTimer.Allocations"/>)
/// counts 0 bytes for the whole process over 21,000 steps from a cold start (tiered compilation included), on 1 and
/// 2 threads, and a unit test checks the calling thread. A few bytes per operation in this table come from outside
/// the step: MemoryDiagnoser reads <c>GC.GetTotalAllocatedBytes(precise: true)</c>, which counts every thread of the
/// process, BenchmarkDotNet's engine and the runtime's background threads included (BenchmarkDotNet issues 1542,
/// 1543 and 2562), divided by the operations of one iteration, so the slower the case the more bytes per operation.
/// </remarks>
[MemoryDiagnoser]
public class FactorizerBenchmarks
{
    private FullBatchTraining? _trainer;

    /// <summary>Model, ratings and dimension.</summary>
    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "Plain/100k/d30";

    /// <summary>Threads of the trainer (the result is bit-identical for every value).</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 2;

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
    public void Setup() => _trainer = CreateTrainer(Case, Threads);

    [GlobalCleanup]
    public void Cleanup() => _trainer?.Dispose();

    /// <summary>One iteration: residuals, both gradients (and the Gram matrices for the regularized model), both updates.</summary>
    [Benchmark]
    public double Step() => _trainer!.Step().ObservedMse;

    /// <summary>
    /// A trainer for <paramref name="name"/> (model/shape/dimension, as in <see cref="Cases"/>) on <paramref name="threads"/> threads,
    /// with the factorizer's default options. <paramref name="schedule"/>: "adaptive" (the library's default: each step on all
    /// workers or on the caller alone, whichever is faster now), "all" (every step on all workers, the item pass recomputing
    /// the residuals), "gather" (every step on all workers, the item pass gathering the stored residuals: the schedule before
    /// the recomputation), "own" (every step on all workers recomputing, each on its own range of rows, streamed in first:
    /// <see cref="StepSchedule.AllWorkersOwnRows"/>), "alone" (every step on the calling thread, the other workers idle).
    /// <paramref name="usersPerSlice"/> overrides the users per slice of the item pass (0: the trainer's rule, see
    /// <see cref="FullBatchTraining.UserSliceBytes"/>), <paramref name="itemsPerSlice"/> the items per slice of the user pass
    /// (<see cref="FullBatchTraining.ItemSliceBytes"/>).
    /// </summary>
    internal static FullBatchTraining CreateTrainer(string name, int threads, string schedule = "adaptive", int usersPerSlice = 0, int itemsPerSlice = 0)
    {
        (bool regularized, int d, RatingsDataset train) = Shape(name);
        (float[] users, float[] items) = FullBatchGradientDescent.Initialise(train.UserCount, train.ItemCount, d, 0.05, seed: 1);
        StepSchedule? fixedSchedule = schedule switch
        {
            "adaptive" => null,
            "all" => StepSchedule.AllWorkersRecomputing,
            "gather" => StepSchedule.AllWorkersGathering,
            "own" => StepSchedule.AllWorkersOwnRows,
            "alone" => StepSchedule.CallerAlone,
            _ => throw new ArgumentException($"Unknown schedule '{schedule}': expected adaptive, all, gather, own or alone.", nameof(schedule)),
        };
        var plain = new GradientDescentOptions { Dimensions = d, MaxDegreeOfParallelism = threads };
        var options = new RegularizedOptions { Dimensions = d, MaxDegreeOfParallelism = threads };
        return regularized
            ? new FullBatchTraining(train, null, d, options.LearningRate, options.RegularizationWeight, options.GravityWeight, options.ThreadCount, users, items, usersPerSlice, schedule: fixedSchedule, itemsPerSlice: itemsPerSlice)
            : new FullBatchTraining(train, null, d, plain.LearningRate, 0, 0, plain.ThreadCount, users, items, usersPerSlice, schedule: fixedSchedule, itemsPerSlice: itemsPerSlice);
    }

    /// <summary>
    /// The fused multiply-adds of one iteration of <paramref name="name"/>, counted at d (not the padded
    /// stride): per training rating a dot product, its share of Σ e·V_j and of Σ e·U_i (3·d), and for the
    /// regularized model the two Gram matrices (d²·(N + M)/2 each side, upper half) and the rows times
    /// them (d²·(N + M)).
    /// </summary>
    public static double MultiplyAdds(string name)
    {
        (bool regularized, int d, RatingsDataset train) = Shape(name);
        double rows = train.UserCount + train.ItemCount;
        return (3.0 * d * train.Count) + (regularized ? 1.5 * d * d * rows : 0);
    }

    /// <summary>
    /// The fewest bytes one iteration of <paramref name="name"/> must move when nothing stays cached from one
    /// iteration to the next (the 1M and 10M shapes, against <see cref="MemoryBandwidthBenchmarks"/>): per training
    /// rating its index and value in both CSR views (16 bytes), and U and V read once and their next values written
    /// once (8 bytes per row entry, counted at d, not the padded stride). Residuals are left out (the parallel
    /// schedules recompute them instead of storing them), as are the Gram matrices (d × d, cached).
    /// </summary>
    public static double StreamedBytes(string name)
    {
        (_, int d, RatingsDataset train) = Shape(name);
        double rows = train.UserCount + train.ItemCount;
        return (16.0 * train.Count) + (8.0 * d * rows);
    }

    /// <summary>The last case <see cref="Shape"/> built: the step timer asks for the same case three times (trainer, multiply-adds, bytes), and generating the 10M set takes seconds.</summary>
    private static (string Name, (bool Regularized, int D, RatingsDataset Train) Shape)? _lastShape;

    private static (bool Regularized, int D, RatingsDataset Train) Shape(string name)
    {
        if (_lastShape is { } last && last.Name == name)
        {
            return last.Shape;
        }

        (bool, int, RatingsDataset) shape = Generate(name);
        _lastShape = (name, shape);
        return shape;
    }

    private static (bool Regularized, int D, RatingsDataset Train) Generate(string name)
    {
        string[] parts = name.Split('/');
        bool regularized = parts[0] == "Regularized";
        int d = int.Parse(parts[2].AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture);
        SyntheticOptions shape = parts[1] switch
        {
            "100k" => new() { Users = 943, Items = 1682, Ratings = 100_000 },
            "1M" => new() { Users = 6040, Items = 3706, Ratings = 1_000_000 },
            "10M" => new() { Users = 69_878, Items = 10_677, Ratings = 10_000_000 },
            _ => throw new InvalidOperationException(name),
        };
        RatingsDataset all = SyntheticDataGenerator.Generate(shape with { Seed = 1 }).Dataset;
        return (regularized, d, DatasetSplitter.RandomHoldout(all, 0.1, seed: 1).Train);
    }
}
