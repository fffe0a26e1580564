using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Internal;

public sealed class WorkerPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Run_ManyRuns_ExecutesEveryBlockExactlyOncePerRun(int workers)
    {
        var work = new CountingBlocks(37);
        using var pool = new WorkerPool(workers);

        for (int run = 1; run <= 200; run++)
        {
            work.Generation = run;
            pool.Run(work, 37);
            work.Counts.Should().OnlyContain(c => c == run);
            work.LastGeneration.Should().OnlyContain(g => g == run);
        }

        pool.WorkerCount.Should().Be(workers);
        work.Workers.Should().OnlyContain(w => w >= 0 && w < workers);
    }

    /// <summary>
    /// Runs of different sizes in a row: a worker that wakes late from a small run must never take a
    /// block of the next, larger run before it is published, nor run one twice.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Run_RunsOfChangingSizes_ExecutesEachRunsBlocksExactlyOnce(int workers)
    {
        using var pool = new WorkerPool(workers);
        var small = new CountingBlocks(2);
        var large = new CountingBlocks(61);

        for (int run = 1; run <= 300; run++)
        {
            small.Generation = run;
            large.Generation = run;
            pool.Run(small, 2);
            pool.Run(large, 61);
            small.Counts.Should().OnlyContain(c => c == run);
            large.Counts.Should().OnlyContain(c => c == run);
            large.LastGeneration.Should().OnlyContain(g => g == run);
        }
    }

    /// <summary>
    /// Workers that have spun out their <see cref="WorkerPool.SpinTime"/> and parked must be woken by the
    /// next run: the caller's block 0 does not finish until another worker has run a block, so a lost
    /// wake-up would show as the wait below timing out.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Run_AfterWorkersParked_WakesThemForTheNextRun(int workers)
    {
        using var pool = new WorkerPool(workers);
        for (int round = 0; round < 3; round++)
        {
            SpinWait.SpinUntil(() => pool.ParkedWorkers == workers - 1, TimeSpan.FromSeconds(30)).Should().BeTrue("idle workers park after their spin");
            bool helped = false;
            var work = new CountingBlocks(workers)
            {
                OnExecute = block =>
                {
                    if (block == 0)
                    {
                        helped = SpinWait.SpinUntil(() => Volatile.Read(ref helped), TimeSpan.FromSeconds(30));
                    }
                    else
                    {
                        Volatile.Write(ref helped, true);
                    }
                },
            };

            pool.Run(work, workers);

            work.Counts.Should().OnlyContain(c => c == 1);
            helped.Should().BeTrue("a parked worker woke and ran a block while the caller held block 0");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dispose_WorkersSpinningOrParked_JoinsThem(bool parked)
    {
        var pool = new WorkerPool(3);
        pool.Run(new CountingBlocks(8), 8);
        if (parked)
        {
            SpinWait.SpinUntil(() => pool.ParkedWorkers == 2, TimeSpan.FromSeconds(30)).Should().BeTrue();
        }

        pool.Dispose(); // returns only once both threads have stopped

        pool.Dispose(); // and a second call is harmless
    }

    [Fact]
    public void Run_BlockThrows_RethrowsOnCallerAfterTheOtherBlocks()
    {
        var work = new CountingBlocks(10) { ThrowAt = 7 };
        using var pool = new WorkerPool(2);

        Action act = () => pool.Run(work, 10);

        act.Should().Throw<InvalidOperationException>().WithMessage("block 7");
        work.Counts.Sum().Should().Be(10, "the other blocks still ran");
        pool.Run(new CountingBlocks(3), 3); // still usable
    }

    [Fact]
    public void Run_TokenCancelledByABlock_RunsNoFurtherBlockAndThrows()
    {
        using var cts = new CancellationTokenSource();
        var work = new CountingBlocks(100) { OnExecute = block => { if (block == 3) { cts.Cancel(); } } };
        using var pool = new WorkerPool(1);

        Action act = () => pool.Run(work, 100, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        work.Counts.Sum().Should().Be(4, "blocks are checked before they start: 0–3 ran, the cancelling one included");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Run_TokenCancelledDuringARun_StopsEarlyAndThrows(int workers)
    {
        using var cts = new CancellationTokenSource();
        var work = new CountingBlocks(10_000) { OnExecute = block => { if (block == 10) { cts.Cancel(); } } };
        using var pool = new WorkerPool(workers);

        Action act = () => pool.Run(work, 10_000, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        work.Counts.Sum().Should().BeLessThan(10_000);
        pool.Run(work, 10_000); // a later run without the token runs every block
        work.Counts.Should().Contain(c => c >= 1).And.HaveCount(10_000);
    }

    [Fact]
    public void Run_TokenAlreadyCancelled_RunsNothingAndThrows()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var work = new CountingBlocks(50);
        using var pool = new WorkerPool(3);

        Action act = () => pool.Run(work, 50, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        work.Counts.Sum().Should().Be(0);
    }

    [Fact]
    public void Run_ZeroBlocks_ReturnsAtOnce()
    {
        using var pool = new WorkerPool(2);
        var work = new CountingBlocks(1);

        pool.Run(work, 0);

        work.Counts[0].Should().Be(0);
    }

    [Fact]
    public void Run_AfterDispose_Throws()
    {
        var pool = new WorkerPool(2);
        pool.Dispose();

        Action act = () => pool.Run(new CountingBlocks(1), 1);

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Run_CallerOnlyBetweenParallelRuns_CallerRunsEveryBlockOnce()
    {
        var work = new CountingBlocks(23);
        using var pool = new WorkerPool(3);
        pool.Run(work, 23);

        var alone = new CountingBlocks(23);
        alone.Generation = 1;
        pool.Run(alone, 23, callerOnly: true, CancellationToken.None);
        pool.Run(work, 23);

        alone.Counts.Should().OnlyContain(c => c == 1);
        alone.Workers.Should().OnlyContain(w => w == 0);
        work.Counts.Should().OnlyContain(c => c == 2);
    }

    /// <summary>
    /// Runs in ranges between shared runs of other sizes: every block once per run; each worker announces at most
    /// one range per run: its own share [w·B/W, (w+1)·B/W) less the blocks others took from its back before it started.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void RunInRanges_BetweenSharedRuns_ExecutesEveryBlockOnceAndAnnouncesOwnRanges(int workers)
    {
        using var pool = new WorkerPool(workers);
        var shared = new CountingBlocks(7);
        for (int run = 1; run <= 200; run++)
        {
            int blocks = 1 + (run * 7 % 61);
            var ranged = new RangeBlocks(blocks);
            pool.RunInRanges(ranged, blocks, CancellationToken.None);
            shared.Generation = run;
            pool.Run(shared, 7);

            ranged.Counts.Should().OnlyContain(c => c == 1);
            shared.Counts.Should().OnlyContain(c => c == run);
            foreach ((int first, int end, int worker) in ranged.Begun)
            {
                workers.Should().BeGreaterThan(1, "a run of one worker announces nothing");
                first.Should().Be(blocks * worker / workers);
                end.Should().BeGreaterThan(first).And.BeLessThanOrEqualTo(blocks * (worker + 1) / workers);
            }

            ranged.Begun.Select(b => b.Worker).Should().OnlyHaveUniqueItems();
        }
    }

    /// <summary>While a worker prepares its range (slowly here), no block of that range runs anywhere.</summary>
    [Fact]
    public void RunInRanges_WhileOwnerBeginsItsRange_NoBlockOfItRuns()
    {
        using var pool = new WorkerPool(3);
        for (int run = 0; run < 40; run++)
        {
            var ranged = new RangeBlocks(30) { BeginTime = TimeSpan.FromMilliseconds(1) };
            pool.RunInRanges(ranged, 30, CancellationToken.None);

            ranged.Counts.Should().OnlyContain(c => c == 1);
            ranged.Overlaps.Should().Be(0);
        }
    }

    /// <summary>
    /// A worker stuck in a block (descheduled, say) holds only that block: the others run the rest of its
    /// range, from the back, while it is stuck.
    /// </summary>
    [Fact]
    public void RunInRanges_WorkerStuckInABlock_OthersRunTheRestOfItsRange()
    {
        using var pool = new WorkerPool(2);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            bool stuck = false;
            int stuckWorker = -1, ranWhileStuck = 0;
            var ranged = new RangeBlocks(40)
            {
                OnExecute = (block, worker) =>
                {
                    if (block == 0)
                    {
                        // Holds the caller until worker 1 has started on its range (block 20 first), so that it is stuck in it.
                        SpinWait.SpinUntil(() => Volatile.Read(ref stuckWorker) >= 0, TimeSpan.FromSeconds(5));
                    }

                    if (block == 20)
                    {
                        Volatile.Write(ref stuckWorker, worker);
                        Volatile.Write(ref stuck, true);
                        Thread.Sleep(200);
                        Volatile.Write(ref stuck, false);
                    }
                    else if (Volatile.Read(ref stuck))
                    {
                        Interlocked.Increment(ref ranWhileStuck);
                    }
                },
            };

            pool.RunInRanges(ranged, 40, CancellationToken.None);

            ranged.Counts.Should().OnlyContain(c => c == 1);
            if (stuckWorker != 1)
            {
                continue; // the caller took block 20 (worker 1 woke late): try again
            }

            ranged.WorkerOf.Skip(21).Should().OnlyContain(w => w == 0, "the caller took worker 1's other blocks");
            ranWhileStuck.Should().BeGreaterThanOrEqualTo(19, "they ran while worker 1 was stuck");
            ranged.WorkerOf[20].Should().Be(1);
            return;
        }

        Assert.Fail("worker 1 never started its own range in 20 runs");
    }

    [Fact]
    public void RunInRanges_BeginRangeThrows_RethrowsAfterEveryBlock()
    {
        using var pool = new WorkerPool(2);
        var ranged = new RangeBlocks(12) { ThrowInBegin = true };

        Action act = () => pool.RunInRanges(ranged, 12, CancellationToken.None);

        act.Should().Throw<InvalidOperationException>().WithMessage("begin");
        ranged.Counts.Should().OnlyContain(c => c == 1);
        pool.RunInRanges(new RangeBlocks(5), 5, CancellationToken.None); // still usable
    }

    [Fact]
    public void RunInRanges_TokenAlreadyCancelled_RunsNothingAndThrows()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var pool = new WorkerPool(3);
        var ranged = new RangeBlocks(30);

        Action act = () => pool.RunInRanges(ranged, 30, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        ranged.Counts.Sum().Should().Be(0);
        ranged.Begun.Should().BeEmpty();
    }

    private sealed class RangeBlocks(int blocks) : IRangeWork
    {
        private readonly object _gate = new();
        private readonly List<(int First, int End, int Worker)> _active = [];
        private readonly List<(int First, int End, int Worker)> _begun = [];
        private int _overlaps;

        public int[] Counts { get; } = new int[blocks];

        public int[] WorkerOf { get; } = new int[blocks];

        public TimeSpan BeginTime { get; init; }

        public bool ThrowInBegin { get; init; }

        public Action<int, int>? OnExecute { get; init; }

        public IReadOnlyList<(int First, int End, int Worker)> Begun
        {
            get
            {
                lock (_gate)
                {
                    return [.. _begun];
                }
            }
        }

        public int Overlaps => Volatile.Read(ref _overlaps);

        public void BeginRange(int first, int end, int worker)
        {
            lock (_gate)
            {
                _begun.Add((first, end, worker));
                _active.Add((first, end, worker));
            }

            if (BeginTime > TimeSpan.Zero)
            {
                Thread.Sleep(BeginTime);
            }

            lock (_gate)
            {
                _active.Remove((first, end, worker));
            }

            if (ThrowInBegin)
            {
                throw new InvalidOperationException("begin");
            }
        }

        public void Execute(int block, int worker)
        {
            lock (_gate)
            {
                if (_active.Exists(r => block >= r.First && block < r.End))
                {
                    _overlaps++;
                }
            }

            Interlocked.Increment(ref Counts[block]);
            WorkerOf[block] = worker;
            OnExecute?.Invoke(block, worker);
        }
    }

    private sealed class CountingBlocks(int blocks) : IBlockWork
    {
        public int[] Counts { get; } = new int[blocks];

        public int[] LastGeneration { get; } = new int[blocks];

        public System.Collections.Concurrent.ConcurrentBag<int> Workers { get; } = [];

        public int Generation { get; set; }

        public int ThrowAt { get; init; } = -1;

        public Action<int>? OnExecute { get; init; }

        public void Execute(int block, int worker)
        {
            Interlocked.Increment(ref Counts[block]);
            LastGeneration[block] = Generation;
            Workers.Add(worker);
            OnExecute?.Invoke(block);
            if (block == ThrowAt)
            {
                throw new InvalidOperationException("block 7");
            }
        }
    }
}
