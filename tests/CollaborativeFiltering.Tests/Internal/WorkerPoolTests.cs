using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed class WorkerPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Run_EveryWorkerRunsOncePerPhase(int workers)
    {
        using var pool = new WorkerPool(workers);
        var work = new CountingWork(workers);

        for (int phase = 0; phase < 50; phase++)
        {
            pool.Run(work);
        }

        pool.WorkerCount.Should().Be(workers);
        work.Counts.Should().OnlyContain(c => c == 50);
    }

    [Fact]
    public void Run_WorkerThrows_RethrowsOnCaller()
    {
        using var pool = new WorkerPool(2);

        Action run = () => pool.Run(new ThrowingWork());

        run.Should().Throw<InvalidOperationException>().WithMessage("worker 1");
        pool.Run(new CountingWork(2)); // still usable
    }

    private sealed class CountingWork(int workers) : IPoolWork
    {
        public int[] Counts { get; } = new int[workers];

        public void Execute(int worker) => Counts[worker]++;
    }

    private sealed class ThrowingWork : IPoolWork
    {
        public void Execute(int worker)
        {
            if (worker == 1)
            {
                throw new InvalidOperationException("worker 1");
            }
        }
    }
}
