namespace CollaborativeFiltering.Benchmarks;

/// <summary>The peak yardsticks' way of loading every core at once (<see cref="FmaPeakBenchmarks"/>, <see cref="MemoryBandwidthBenchmarks"/>).</summary>
internal static class ParallelRuns
{
    /// <summary>
    /// Runs <paramref name="work"/>(t) for t in [0, <paramref name="threads"/>) at once, t = 0 on the calling thread and
    /// the others on threads of their own, and returns the sum of the results (so that none is optimised away).
    /// </summary>
    public static float Sum(int threads, Func<int, float> work)
    {
        if (threads == 1)
        {
            return work(0);
        }

        var results = new float[threads];
        var workers = new Thread[threads - 1];
        for (int t = 1; t < threads; t++)
        {
            int slot = t;
            workers[t - 1] = new Thread(() => results[slot] = work(slot));
            workers[t - 1].Start();
        }

        results[0] = work(0);
        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        return results.Sum();
    }
}
