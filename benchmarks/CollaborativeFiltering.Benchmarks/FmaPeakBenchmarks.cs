using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// The machine's fused multiply-add peak, the yardstick for <see cref="FactorizerBenchmarks"/>: each
/// thread runs 12 independent FMA chains on registers (enough to cover the FMA latency on two pipes)
/// of 256-bit (8 floats) or 512-bit (16 floats) vectors. With <c>OperationsPerInvoke</c> set to the
/// vector FMAs of all threads, BDN's Mean is nanoseconds per vector FMA, so GFLOP/s =
/// 2 · lanes / Mean(ns) (lanes = 8 or 16). <c>dotnet … fma-peak</c> prints GFLOP/s directly.
/// </summary>
public class FmaPeakBenchmarks
{
    /// <summary>Iterations of the 12-chain loop per thread and invocation.</summary>
    private const int Iterations = 1 << 20;

    /// <summary>Vector width in bits: 256 (AVX2 + FMA) or 512 (AVX-512F; skipped where not accelerated).</summary>
    [Params(256, 512)]
    public int Width { get; set; } = 256;

    /// <summary>Threads running chains at once.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>The 512-bit case fails where 512-bit vectors are not accelerated, rather than timing 256-bit code under its name.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Width == 512 && !Vector512.IsHardwareAccelerated)
        {
            throw new NotSupportedException("512-bit vectors are not accelerated here (DOTNET_EnableAVX512=0, or no AVX-512): read the 256-bit rows.");
        }
    }

    /// <summary>Every thread's 12 × <see cref="Iterations"/> vector FMAs.</summary>
    [Benchmark(OperationsPerInvoke = 12 * Iterations * 2)]
    public float Chains()
    {
        // OperationsPerInvoke is a constant: the 1-thread case does the work twice in a row, so Mean is ns per vector FMA for both.
        return Threads == 1 ? Run(Width, 1, Iterations * 2) : Run(Width, 2, Iterations);
    }

    /// <summary>Prints GFLOP/s for each width and 1..<paramref name="maxThreads"/> threads (best of 7 runs of about 0.1 s).</summary>
    public static void Print(int maxThreads)
    {
        foreach (int width in new[] { 256, 512 })
        {
            if (width == 512 && !Vector512.IsHardwareAccelerated)
            {
                Console.WriteLine("512-bit: not accelerated here (DOTNET_EnableAVX512=0, or no AVX-512)");
                continue;
            }

            for (int threads = 1; threads <= maxThreads; threads++)
            {
                Run(width, threads, 1 << 16); // JIT and warm-up
                double best = double.MaxValue;
                for (int k = 0; k < 7; k++)
                {
                    long start = Stopwatch.GetTimestamp();
                    Run(width, threads, Iterations * 4);
                    best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
                }

                double flops = 2.0 * (width / 32) * 12.0 * Iterations * 4 * threads;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{width}-bit FMA peak, {threads} thread(s): {flops / best / 1e9:F1} GFLOP/s"));
            }
        }
    }

    /// <summary>Runs <paramref name="iterations"/> of the chains on each of <paramref name="threads"/> threads.</summary>
    private static float Run(int width, int threads, int iterations) => ParallelRuns.Sum(threads, _ => Chains(width, iterations));

    private static float Chains(int width, int iterations) => width == 512 && Vector512.IsHardwareAccelerated ? Chains512(iterations) : Chains256(iterations);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), a = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a);
            c1 = Fma.MultiplyAdd(c1, m, a);
            c2 = Fma.MultiplyAdd(c2, m, a);
            c3 = Fma.MultiplyAdd(c3, m, a);
            c4 = Fma.MultiplyAdd(c4, m, a);
            c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a);
            c7 = Fma.MultiplyAdd(c7, m, a);
            c8 = Fma.MultiplyAdd(c8, m, a);
            c9 = Fma.MultiplyAdd(c9, m, a);
            c10 = Fma.MultiplyAdd(c10, m, a);
            c11 = Fma.MultiplyAdd(c11, m, a);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(int iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a);
            c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = Avx512F.FusedMultiplyAdd(c4, m, a);
            c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a);
            c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
            c8 = Avx512F.FusedMultiplyAdd(c8, m, a);
            c9 = Avx512F.FusedMultiplyAdd(c9, m, a);
            c10 = Avx512F.FusedMultiplyAdd(c10, m, a);
            c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
