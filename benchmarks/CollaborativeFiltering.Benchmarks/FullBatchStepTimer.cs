using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Factorization.FullBatch;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// A quick, BDN-free timing of the full-batch step for the side-by-side with PyTorch
/// (<c>benchmarks/sidebyside-fullbatch.sh</c>): <c>dotnet CollaborativeFiltering.Benchmarks.dll step CASE THREADS</c>
/// warms up, then times 15 samples of about 0.1 s each and prints the median milliseconds per
/// iteration (the PyTorch script's unit), the CPU milliseconds per iteration of the whole process, the
/// bytes allocated per iteration, the GFLOP/s (2 flops per multiply-add, <see cref="FactorizerBenchmarks.MultiplyAdds"/>)
/// and the GB/s of the bytes a step must move (<see cref="FactorizerBenchmarks.StreamedBytes"/>; compare with <c>mem-bandwidth</c>).
/// An optional SCHEDULE (<c>adaptive</c>, the default; <c>all</c>; <c>gather</c>; <c>own</c>; <c>alone</c>: see <see cref="FactorizerBenchmarks.CreateTrainer"/>)
/// fixes how the steps use the threads; the line says how many timed steps ran on each schedule (all workers
/// recomputing the residuals, the caller alone, all workers gathering them, all workers on their own rows).
/// <c>alloc CASE THREADS</c> (<see cref="Allocations"/>) prints where the bytes allocated during steps come from.
/// <c>step-ab CASE THREADS ROUNDS CONFIG CONFIG …</c> (<see cref="Compare"/>) compares trainer configurations step by step in one process.
/// </summary>
internal static class FullBatchStepTimer
{
    /// <summary>
    /// From a cold start, steps in windows (10 of 100 steps, then 20 of 1000), printing for each the bytes
    /// allocated by this thread (the one that runs the step and, on one worker, all of it) and by the whole
    /// process (<c>GC.GetTotalAllocatedBytes(precise: true)</c>, what BenchmarkDotNet's MemoryDiagnoser reads:
    /// it also counts the runtime's background threads, tiered compilation among them).
    /// </summary>
    public static void Allocations(string name, int threads)
    {
        using FullBatchTraining trainer = FactorizerBenchmarks.CreateTrainer(name, threads);
        long steps = 0, threadTotal = 0, processTotal = 0;
        foreach ((int windows, int size) in new[] { (10, 100), (20, 1000) })
        {
            for (int w = 0; w < windows; w++)
            {
                long thread0 = GC.GetAllocatedBytesForCurrentThread(), process0 = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < size; i++)
                {
                    trainer.Step();
                }

                long thread = GC.GetAllocatedBytesForCurrentThread() - thread0, process = GC.GetTotalAllocatedBytes(precise: true) - process0;
                steps += size;
                threadTotal += thread;
                processTotal += process;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steps {steps - size + 1}-{steps}: this thread {thread} B, process {process} B"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours {name}: threads={trainer.WorkerCount} steps={steps} allocated by this thread={threadTotal} B, by the process={processTotal} B ({(double)processTotal / steps:F2} B/step)"));
    }

    public static void Run(string name, int threads, string schedule = "adaptive")
    {
        using FullBatchTraining trainer = FactorizerBenchmarks.CreateTrainer(name, threads, schedule);
        double fmas = FactorizerBenchmarks.MultiplyAdds(name);
        double bytes = FactorizerBenchmarks.StreamedBytes(name);
        int perSample = WarmUp(trainer, 200);

        int[] before = Schedules(trainer);
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
        int[] after = Schedules(trainer);
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / (samples.Length * perSample);
        Array.Sort(samples);
        double median = samples[samples.Length / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours {name}: threads={trainer.WorkerCount} schedule={schedule} steps-recomputing={after[0] - before[0]} steps-alone={after[1] - before[1]} steps-gathering={after[2] - before[2]} steps-own-rows={after[3] - before[3]} ms/iteration median={median:F3} min={samples[0]:F3} max={samples[^1]:F3} cpu-ms/iteration={cpu:F3} allocated-bytes/iteration={(double)allocated / (samples.Length * perSample):F1} GFLOP/s={2 * fmas / (median * 1e6):F1} streamed-GB/s={bytes / (median * 1e6):F1}"));
    }

    /// <summary>
    /// An A/B of trainer configurations within one process: <c>step-ab CASE THREADS ROUNDS CONFIG CONFIG …</c>, each CONFIG a
    /// schedule (as <see cref="Run"/>'s SCHEDULE) with an optional <c>:USERS_PER_SLICE</c> and then <c>:ITEMS_PER_SLICE</c> (0: the
    /// trainer's rule) and an optional <c>@THREADS</c> in place of THREADS, e.g. <c>step-ab Plain/1M/d64 1 41 adaptive:6040 adaptive</c>,
    /// <c>step-ab Plain/10M/d64 1 9 adaptive:0:10677 adaptive</c>, or <c>step-ab Plain/100k/d30 2 9 adaptive@1 adaptive</c> for what the
    /// second thread gives, both thread counts measured in the same rounds. Builds one trainer per configuration on the same data,
    /// warms each up, then in every round steps each for about 0.1 s, in an order that rotates from round to round, and
    /// prints per configuration the median, first quartile and minimum milliseconds per step and the median over the
    /// rounds of its ratio to the first configuration. On a virtual machine whose speed drifts by tens of percent from one
    /// minute to the next, configurations measured step by step in one process compare where separate processes cannot.
    /// </summary>
    public static void Compare(string name, int threads, int rounds, IReadOnlyList<string> configurations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        if (configurations.Count < 2)
        {
            throw new ArgumentException("step-ab compares at least two configurations.", nameof(configurations));
        }

        var trainers = new List<FullBatchTraining>();
        try
        {
            foreach (string configuration in configurations)
            {
                string[] threadParts = configuration.Split('@');
                int configThreads = threadParts.Length == 1 ? threads
                    : threadParts.Length == 2 && int.TryParse(threadParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int t) && t >= 1 ? t
                    : throw new ArgumentException($"Configuration '{configuration}': expected at most one @THREADS, a whole number of at least 1.", nameof(configurations));
                string[] parts = threadParts[0].Split(':');
                var slices = new List<int>();
                foreach (string part in parts.Skip(1))
                {
                    slices.Add(slices.Count < 2 && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int perSlice) ? perSlice
                        : throw new ArgumentException($"Configuration '{configuration}': expected SCHEDULE[:USERS_PER_SLICE[:ITEMS_PER_SLICE]] (whole numbers, 0 for the trainer's rule).", nameof(configurations)));
                }

                trainers.Add(FactorizerBenchmarks.CreateTrainer(name, configThreads, parts[0], slices.ElementAtOrDefault(0), slices.ElementAtOrDefault(1)));
            }

            int[] perSample = [.. trainers.Select(trainer => WarmUp(trainer, 50))];

            var samples = new double[trainers.Count, rounds];
            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < trainers.Count; i++)
                {
                    int k = (i + round) % trainers.Count;
                    long start = Stopwatch.GetTimestamp();
                    for (int step = 0; step < perSample[k]; step++)
                    {
                        trainers[k].Step();
                    }

                    samples[k, round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / perSample[k];
                }
            }

            for (int k = 0; k < trainers.Count; k++)
            {
                double[] times = [.. Enumerable.Range(0, rounds).Select(round => samples[k, round]).Order()];
                double[] ratios = [.. Enumerable.Range(0, rounds).Select(round => samples[k, round] / samples[0, round]).Order()];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ours {name}: threads={trainers[k].WorkerCount} config={configurations[k]} rounds={rounds} ms/iteration median={times[rounds / 2]:F3} p25={times[rounds / 4]:F3} min={times[0]:F3} ratio-to-first median={ratios[rounds / 2]:F3}"));
            }
        }
        finally
        {
            foreach (FullBatchTraining trainer in trainers)
            {
                trainer.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="steps"/> steps (tiered JIT up to its final code), then returns how many steps take about 0.1 s, a sample's worth.</summary>
    private static int WarmUp(FullBatchTraining trainer, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            trainer.Step();
        }

        long warm = Stopwatch.GetTimestamp();
        int perSample = 0;
        while (Stopwatch.GetElapsedTime(warm).TotalSeconds < 0.1)
        {
            trainer.Step();
            perSample++;
        }

        return perSample;
    }

    private static int[] Schedules(FullBatchTraining trainer) =>
        [trainer.StepsOn(StepSchedule.AllWorkersRecomputing), trainer.StepsOn(StepSchedule.CallerAlone), trainer.StepsOn(StepSchedule.AllWorkersGathering), trainer.StepsOn(StepSchedule.AllWorkersOwnRows)];
}
