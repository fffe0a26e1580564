using CollaborativeFiltering.Projection;

namespace CollaborativeFiltering.Tests.Projection;

public sealed class TsnePoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Run_ManyRuns_ExecutesEveryBlockExactlyOncePerRun(int workers)
    {
        var work = new CountingBlocks(37);
        using var pool = new TsnePool(work, 37, workers);

        for (int run = 1; run <= 200; run++)
        {
            work.Generation = run;
            pool.Run();
            work.Counts.Should().OnlyContain(c => c == run);
            work.LastGeneration.Should().OnlyContain(g => g == run);
        }

        pool.WorkerCount.Should().Be(workers);
        work.Workers.Should().OnlyContain(w => w >= 0 && w < workers);
    }

    [Fact]
    public void Run_BlockThrows_RethrowsOnCaller()
    {
        var work = new CountingBlocks(10) { ThrowAt = 7 };
        using var pool = new TsnePool(work, 10, 2);

        Action act = pool.Run;

        act.Should().Throw<InvalidOperationException>().WithMessage("block 7");
        work.Counts.Sum().Should().Be(10, "the other blocks still ran");
    }

    [Fact]
    public void Run_AfterDispose_Throws()
    {
        var pool = new TsnePool(new CountingBlocks(1), 1, 2);
        pool.Dispose();

        Action act = pool.Run;

        act.Should().Throw<ObjectDisposedException>();
    }

    private sealed class CountingBlocks(int blocks) : ITsneBlocks
    {
        public int[] Counts { get; } = new int[blocks];

        public int[] LastGeneration { get; } = new int[blocks];

        public System.Collections.Concurrent.ConcurrentBag<int> Workers { get; } = [];

        public int Generation { get; set; }

        public int ThrowAt { get; init; } = -1;

        public void ExecuteBlock(int block, int worker)
        {
            Interlocked.Increment(ref Counts[block]);
            LastGeneration[block] = Generation;
            Workers.Add(worker);
            if (block == ThrowAt)
            {
                throw new InvalidOperationException("block 7");
            }
        }
    }
}
