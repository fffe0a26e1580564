using System.Globalization;
using BenchmarkDotNet.Running;
using CollaborativeFiltering.Benchmarks;

// Quick modes besides BDN: "step CASE THREADS [SCHEDULE]", "step-ab CASE THREADS ROUNDS CONFIG CONFIG ..." and "alloc CASE THREADS" (FullBatchStepTimer),
// "softmax-step THREADS" (SoftmaxBenchmarks.Print), "fma-peak [THREADS]" (FmaPeakBenchmarks.Print), "mem-bandwidth [THREADS]" (MemoryBandwidthBenchmarks.Print) and "sgd-text|sgd-fit|sgd-epochs|sgd-eval ..." (SgdSideBySide, driven by
// benchmarks/sidebyside-sgd.sh), "fm-data|fm-fit ..." (FmSideBySide, driven by benchmarks/sidebyside-fm.sh) and
// "surprise-data|surprise-predict ..." (SurpriseSideBySide, driven by benchmarks/peers/surprise-compare.sh).
if (args is ["step", string name, string threads, ..] && args.Length <= 4)
{
    FullBatchStepTimer.Run(name, int.Parse(threads, CultureInfo.InvariantCulture), args.Length == 4 ? args[3] : "adaptive");
}
else if (args is ["step-ab", string abName, string abThreads, string abRounds, ..])
{
    FullBatchStepTimer.Compare(abName, int.Parse(abThreads, CultureInfo.InvariantCulture), int.Parse(abRounds, CultureInfo.InvariantCulture), args[4..]);
}
else if (args is ["alloc", string allocName, string allocThreads])
{
    FullBatchStepTimer.Allocations(allocName, int.Parse(allocThreads, CultureInfo.InvariantCulture));
}
else if (args is ["softmax-step", string softmaxThreads])
{
    SoftmaxBenchmarks.Print(int.Parse(softmaxThreads, CultureInfo.InvariantCulture));
}
else if (args is ["fma-peak", ..])
{
    FmaPeakBenchmarks.Print(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount);
}
else if (args is ["mem-bandwidth", ..])
{
    MemoryBandwidthBenchmarks.Print(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount);
}
else if (args.Length > 0 && args[0].StartsWith("sgd-", StringComparison.Ordinal))
{
    return SgdSideBySide.Run(args);
}
else if (args.Length > 0 && args[0].StartsWith("fm-", StringComparison.Ordinal))
{
    return FmSideBySide.Run(args);
}
else if (args.Length > 0 && args[0].StartsWith("surprise-", StringComparison.Ordinal))
{
    return SurpriseSideBySide.Run(args);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

return 0;
