using BenchmarkDotNet.Running;
using CollaborativeFiltering.Benchmarks;

if (args.Length > 0 && args[0].StartsWith("sgd-", StringComparison.Ordinal))
{
    return SgdSideBySide.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
