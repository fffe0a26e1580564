using System.Globalization;
using BenchmarkDotNet.Running;
using CollaborativeFiltering.Benchmarks;

// Two quick modes besides BDN: "step CASE THREADS" (FullBatchStepTimer) and "fma-peak [THREADS]" (FmaPeakBenchmarks.Print).
if (args is ["step", string name, string threads])
{
    FullBatchStepTimer.Run(name, int.Parse(threads, CultureInfo.InvariantCulture));
}
else if (args is ["fma-peak", ..])
{
    FmaPeakBenchmarks.Print(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
