using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Neural.Training;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Cost of training the softmax recommender on a MovieLens 100k-shaped synthetic dataset (943 users,
/// 1,682 items, 100,000 ratings) with the default architecture (d = 35, one hidden layer of 35,
/// batch 200) on 2 threads: <see cref="Step"/> is one mini-batch step of a trainer built (and warmed
/// up) in setup, so Allocated is the per-batch allocation; <see cref="Fit3000"/> is a whole fit of
/// 3,000 steps, the target being at most 20 s on 2 cores. Each step costs about three products of
/// 200 × 35 × 1,682 (logits, query gradient, item gradient), ≈ 35 MFLOP.
/// </summary>
[MemoryDiagnoser]
public class SoftmaxBenchmarks
{
    private RatingsDataset? _train;
    private SoftmaxTraining? _trainer;

    /// <summary>The options benchmarked: the defaults, on 2 threads.</summary>
    public static SoftmaxOptions Options => new() { MaxDegreeOfParallelism = 2 };

    [GlobalSetup]
    public void Setup()
    {
        _train = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1 }).Dataset;
        SoftmaxOptions options = Options;
        _trainer = new SoftmaxTraining(_train, null, options, SoftmaxFeatures.Create(_train.Catalog, options.YearBucketWidth));
        for (int i = 0; i < 20; i++)
        {
            _trainer.Step();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer?.Dispose();

    /// <summary>One mini-batch step: sampling, forward, softmax, backward and the optimizer updates.</summary>
    [Benchmark]
    public double Step() => _trainer!.Step();

    /// <summary>A whole fit: 3,000 steps of batch 200, no validation.</summary>
    [Benchmark]
    public int Fit3000() => new SoftmaxTrainer(Options).Fit(_train!).Dimensions;

    /// <summary>
    /// The quick mode <c>softmax-step THREADS</c>: the default step on the benchmark's data, 100 untimed steps, then
    /// nine timings of 50 steps; prints their median and minimum per step and the bytes allocated per step.
    /// </summary>
    public static void Print(int threads)
    {
        RatingsDataset train = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1 }).Dataset;
        SoftmaxOptions options = Options with { MaxDegreeOfParallelism = threads };
        using var trainer = new SoftmaxTraining(train, null, options, SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth));
        for (int i = 0; i < 100; i++)
        {
            trainer.Step();
        }

        const int timings = 9, steps = 50;
        double[] ms = new double[timings];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < timings; t++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                trainer.Step();
            }

            ms[t] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / steps;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(ms);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours Softmax/default: threads={threads} ms/step median={ms[timings / 2]:F3} min={ms[0]:F3} allocated-bytes/step={(double)allocated / (timings * steps):F1}"));
    }
}
