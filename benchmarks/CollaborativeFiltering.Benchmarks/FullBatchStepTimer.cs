using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Factorization.FullBatch;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// A quick, BDN-free timing of the full-batch step for the side-by-side with PyTorch
/// (<c>benchmarks/sidebyside-fullbatch.sh</c>): <c>dotnet CollaborativeFiltering.Benchmarks.dll step CASE THREADS</c>
/// warms up, then times 15 samples of about 0.1 s each and prints the median milliseconds per
/// iteration (the PyTorch script's unit), the CPU milliseconds per iteration of the whole process, the
/// bytes allocated per iteration and the GFLOP/s (2 flops per multiply-add, <see cref="FactorizerBenchmarks.MultiplyAdds"/>).
/// </summary>
internal static class FullBatchStepTimer
{
    public static void Run(string name, int threads)
    {
        using FullBatchTraining trainer = FactorizerBenchmarks.CreateTrainer(name, threads);
        double fmas = FactorizerBenchmarks.MultiplyAdds(name);
        for (int i = 0; i < 200; i++)
        {
            trainer.Step(); // tiered JIT up to its final code
        }

        long warm = Stopwatch.GetTimestamp();
        int perSample = 0;
        while (Stopwatch.GetElapsedTime(warm).TotalSeconds < 0.1)
        {
            trainer.Step();
            perSample++;
        }

        var samples = new double[15];
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        for (int s = 0; s < samples.Length; s++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perSample; i++)
            {
                trainer.Step();
            }

            samples[s] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / perSample;
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / (samples.Length * perSample);
        Array.Sort(samples);
        double median = samples[samples.Length / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours {name}: threads={trainer.WorkerCount} ms/iteration median={median:F3} min={samples[0]:F3} max={samples[^1]:F3} cpu-ms/iteration={cpu:F3} allocated-bytes/iteration={(double)allocated / (samples.Length * perSample):F1} GFLOP/s={2 * fmas / (median * 1e6):F1}"));
    }
}
