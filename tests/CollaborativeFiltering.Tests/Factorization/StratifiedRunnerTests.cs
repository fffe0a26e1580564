using System.Collections.Concurrent;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed class StratifiedRunnerTests
{
    /// <summary>How long an epoch of a few hundred tiny blocks may take before the test fails instead of hanging.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Several epochs on real threads, with blocks of uneven length: every block runs exactly once, and only once
    /// the blocks of the previous stratum on its user group and on its item group are done and before the
    /// next stratum's blocks on them start, which is what makes the trainers' results independent of the
    /// thread count.
    /// </summary>
    [Theory]
    [InlineData(16, 2, true)]
    [InlineData(16, 2, false)]
    [InlineData(16, 3, true)]
    [InlineData(32, 4, false)]
    [InlineData(16, 16, true)]
    public async Task TryTake_EpochsOnThreads_RunEveryBlockOnceInItsGroupsStratumOrder(int grid, int tasks, bool lanesAreRows)
    {
        int[] offsets = BlockOffsets(grid, seed: 5);
        var schedule = new StratifiedSchedule(grid, new SeededRandom(3, 1));
        var runner = new StratifiedRunner(grid, tasks, lanesAreRows);
        using var pool = new WorkerPool(tasks);

        for (int epoch = 0; epoch < 6; epoch++)
        {
            schedule.Plan(offsets);
            runner.Start(schedule.Blocks);
            var work = new CheckedEpoch(runner, schedule, offsets);
            await Task.Run(() => pool.Run(work, tasks)).WaitAsync(Patience); // a hang fails with a TimeoutException

            work.Violations.Should().BeEmpty();
            work.Runs.Should().OnlyContain(r => r == 1, "every block runs once per epoch");
        }

        runner.Owners().Should().OnlyContain(o => o >= 0 && o < tasks);
    }

    /// <summary>
    /// A task that never comes (a worker descheduled for the whole epoch) must not stall the others: the task
    /// that runs finds the other lanes' blocks when its own are done or waiting, runs the whole epoch in
    /// stratum order, and keeps the lanes it took.
    /// </summary>
    [Fact]
    public async Task TryTake_OnlyOneTaskRuns_TakesOverEveryLaneAndFinishesTheEpoch()
    {
        const int grid = 16;
        int[] offsets = BlockOffsets(grid, seed: 9);
        var schedule = new StratifiedSchedule(grid, new SeededRandom(4, 1));
        var runner = new StratifiedRunner(grid, tasks: 3, lanesAreRows: true);
        runner.Owners().Should().Equal(0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2);
        schedule.Plan(offsets);
        runner.Start(schedule.Blocks);
        var work = new CheckedEpoch(runner, schedule, offsets);

        await Task.Run(() => work.Execute(1, 0)).WaitAsync(Patience); // waiting for the tasks that never come fails with a TimeoutException

        work.Violations.Should().BeEmpty();
        work.Runs.Should().OnlyContain(r => r == 1);
        runner.Owners().Should().OnlyContain(o => o == 1);
        runner.TryTake(0, out _).Should().BeFalse("the epoch is over for the tasks that come late");
    }

    /// <summary>With the item groups as lanes, a block's readiness follows its user group's previous block, and a single task runs the strata in order.</summary>
    [Fact]
    public void TryTake_ItemGroupsAsLanes_OneTaskRunsTheStrataInOrder()
    {
        const int grid = 16;
        (StratifiedSchedule schedule, StratifiedRunner runner, _) = Started(grid, tasks: 1, lanesAreRows: false, seed: 2);

        var order = new List<int>();
        while (runner.TryTake(0, out int block))
        {
            order.Add(block);
            runner.Finish(block);
        }

        order.Should().HaveCount(grid * grid);
        int[] stratumOf = StratumOfBlock(schedule, grid);
        order.Select(b => stratumOf[b]).Should().BeInAscendingOrder("one task takes the ready block of the earliest stratum first");
    }

    [Fact]
    public void Abort_MakesEveryTaskStop()
    {
        (_, StratifiedRunner runner, _) = Started(grid: 16, tasks: 2, lanesAreRows: true, seed: 1);
        runner.TryTake(0, out int first).Should().BeTrue();

        runner.Abort();

        runner.Aborted.Should().BeTrue();
        runner.TryTake(1, out int block).Should().BeFalse();
        block.Should().Be(-1);
        runner.Finish(first);
        runner.TryTake(0, out _).Should().BeFalse();
    }

    [Fact]
    public void Run_ABlockThrows_AbortsTheEpochAndPropagates()
    {
        (_, StratifiedRunner runner, _) = Started(grid: 16, tasks: 2, lanesAreRows: true, seed: 6);
        int ran = 0;

        Action run = () => runner.Run(0, block => { if (++ran == 5) { throw new InvalidOperationException("block failed"); } }, CancellationToken.None);

        run.Should().Throw<InvalidOperationException>().WithMessage("block failed");
        runner.Aborted.Should().BeTrue();
        runner.TryTake(1, out _).Should().BeFalse("no task waits for the block that failed");
    }

    [Fact]
    public void Run_CancelledToken_RunsNoBlockAndAborts()
    {
        (_, StratifiedRunner runner, _) = Started(grid: 16, tasks: 1, lanesAreRows: false, seed: 7);
        int ran = 0;

        runner.Run(0, _ => ran++, new CancellationToken(canceled: true));

        ran.Should().Be(0);
        runner.Aborted.Should().BeTrue();
    }

    [Theory]
    [InlineData(6040, 3706, true)]
    [InlineData(943, 1682, false)]
    public void RowsAsLanes_IsTheSideWithMoreRows(int users, int items, bool expected) =>
        StratifiedRunner.RowsAsLanes(users, items).Should().Be(expected);

    /// <summary>A runner with its first epoch started, over a schedule of blocks of random sizes (the offsets returned).</summary>
    private static (StratifiedSchedule Schedule, StratifiedRunner Runner, int[] Offsets) Started(int grid, int tasks, bool lanesAreRows, int seed)
    {
        int[] offsets = BlockOffsets(grid, seed);
        var schedule = new StratifiedSchedule(grid, new SeededRandom(seed, 1));
        var runner = new StratifiedRunner(grid, tasks, lanesAreRows);
        schedule.Plan(offsets);
        runner.Start(schedule.Blocks);
        return (schedule, runner, offsets);
    }

    private static int[] BlockOffsets(int grid, int seed)
    {
        var random = new Random(seed);
        var offsets = new int[(grid * grid) + 1];
        for (int b = 0; b < grid * grid; b++)
        {
            offsets[b + 1] = offsets[b] + random.Next(0, 200);
        }

        return offsets;
    }

    private static int[] StratumOfBlock(StratifiedSchedule schedule, int grid)
    {
        var stratumOf = new int[grid * grid];
        for (int s = 0; s < grid; s++)
        {
            for (int k = 0; k < grid; k++)
            {
                stratumOf[schedule.Block(s, k)] = s;
            }
        }

        return stratumOf;
    }

    /// <summary>Runs an epoch's tasks, busy for a time that grows with each block's size, and checks each block's predecessors and successors on its groups when it starts.</summary>
    private sealed class CheckedEpoch : IBlockWork
    {
        private readonly StratifiedRunner _runner;
        private readonly int _grid;
        private readonly int[] _offsets;
        private readonly int[] _stratumOf;

        /// <summary>Per group and stratum: 0 not started, 1 running, 2 done; rows then columns.</summary>
        private readonly int[,] _rowState;
        private readonly int[,] _columnState;

        public CheckedEpoch(StratifiedRunner runner, StratifiedSchedule schedule, int[] offsets)
        {
            _runner = runner;
            _grid = schedule.GridSize;
            _offsets = offsets;
            _stratumOf = StratumOfBlock(schedule, _grid);
            _rowState = new int[_grid, _grid];
            _columnState = new int[_grid, _grid];
            Runs = new int[_grid * _grid];
        }

        public int[] Runs { get; }

        public ConcurrentBag<string> Violations { get; } = [];

        public void Execute(int task, int worker)
        {
            while (_runner.TryTake(task, out int block))
            {
                int row = block / _grid, column = block % _grid, stratum = _stratumOf[block];
                Check(_rowState, row, stratum, block, "user");
                Check(_columnState, column, stratum, block, "item");
                Interlocked.Increment(ref Runs[block]);
                Volatile.Write(ref _rowState[row, stratum], 1);
                Volatile.Write(ref _columnState[column, stratum], 1);
                Thread.SpinWait(20 * (_offsets[block + 1] - _offsets[block]));
                Volatile.Write(ref _rowState[row, stratum], 2);
                Volatile.Write(ref _columnState[column, stratum], 2);
                _runner.Finish(block);
            }
        }

        private void Check(int[,] state, int group, int stratum, int block, string side)
        {
            if (stratum > 0 && Volatile.Read(ref state[group, stratum - 1]) != 2)
            {
                Violations.Add($"block {block} (stratum {stratum}) started before its {side} group's stratum {stratum - 1} block was done");
            }

            if (stratum + 1 < _grid && Volatile.Read(ref state[group, stratum + 1]) != 0)
            {
                Violations.Add($"block {block} (stratum {stratum}) started after its {side} group's stratum {stratum + 1} block");
            }
        }
    }
}
