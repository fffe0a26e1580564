using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// The machine's memory read bandwidth, the yardstick for the full-batch shapes whose data outgrows the caches
/// (<see cref="FactorizerBenchmarks"/>' 1M and 10M cases, where the FMA peak of <see cref="FmaPeakBenchmarks"/> is not
/// the limit): each thread sums its own half (or all) of a 512 MiB float array, far larger than any last-level cache,
/// with four independent 256-bit accumulators, so the loop waits on memory, not on the adds. With
/// <c>OperationsPerInvoke</c> set to the bytes read, BDN's Mean is nanoseconds per byte, so GB/s = 1 / Mean(ns).
/// <c>dotnet … mem-bandwidth</c> prints GB/s directly; <see cref="FactorizerBenchmarks.StreamedBytes"/> gives
/// the bytes a step must move, so a step's share of the bandwidth is StreamedBytes / (its time · bandwidth).
/// </summary>
public class MemoryBandwidthBenchmarks
{
    /// <summary>Bytes read per pass: 512 MiB.</summary>
    private const int Floats = 1 << 27;

    private static float[]? _data;

    /// <summary>Threads reading at once, each its own contiguous part of the array.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>Allocates the array and touches every page, so that no page fault is timed.</summary>
    [GlobalSetup]
    public void Setup() => Data();

    /// <summary>One read of the whole array, split between the threads.</summary>
    [Benchmark(OperationsPerInvoke = Floats * sizeof(float))]
    public float Read() => Run(Threads);

    /// <summary>Prints GB/s for 1..<paramref name="maxThreads"/> threads (best of 7 reads of the 512 MiB array).</summary>
    public static void Print(int maxThreads)
    {
        for (int threads = 1; threads <= maxThreads; threads++)
        {
            Run(threads); // JIT, page faults and warm-up
            double best = double.MaxValue;
            for (int k = 0; k < 7; k++)
            {
                long start = Stopwatch.GetTimestamp();
                Run(threads);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory read bandwidth, {threads} thread(s): {(double)Floats * sizeof(float) / best / 1e9:F1} GB/s"));
        }
    }

    private static float[] Data()
    {
        if (_data is null)
        {
            var data = new float[Floats];
            for (int i = 0; i < data.Length; i += 1024)
            {
                data[i] = 1; // one write per 4 KiB page
            }

            _data = data;
        }

        return _data;
    }

    /// <summary>Sums the array on <paramref name="threads"/> threads, thread t reading the t-th of as many equal parts.</summary>
    private static float Run(int threads)
    {
        float[] data = Data();
        int part = data.Length / threads;
        return ParallelRuns.Sum(threads, t => Sum(data.AsSpan(t * part, part)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum(ReadOnlySpan<float> values)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        nuint i = 0, length = (nuint)values.Length;
        for (; i + 32 <= length; i += 32)
        {
            a0 += Vector256.LoadUnsafe(ref x, i);
            a1 += Vector256.LoadUnsafe(ref x, i + 8);
            a2 += Vector256.LoadUnsafe(ref x, i + 16);
            a3 += Vector256.LoadUnsafe(ref x, i + 24);
        }

        float sum = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref x, i);
        }

        return sum;
    }
}
