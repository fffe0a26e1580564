using System.Diagnostics;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Hands out the blocks of one epoch of a <see cref="StratifiedSchedule"/> to the tasks of a fork-join run
/// so that each block runs after, and only after, the blocks before it in schedule order on its user group
/// and on its item group: every block then sees exactly what it would see if the strata ran one after
/// another with a barrier between them, so the result is the same for any number of workers and any
/// assignment of blocks to them.
/// </summary>
/// <remarks>
/// <para>Affinity. One side of the grid (the user groups or the item groups, whichever has more rows: the
/// <em>lanes</em>) is split among the tasks, each task owning a set of lanes and running their blocks. A
/// lane's factor rows therefore stay in the cache of the core that runs its task, and only the other side's
/// rows (the <em>cross</em> groups) move between cores, when two consecutive blocks on one cross group
/// belong to different tasks. BPR uses it in place of a fork-join per stratum (about 4% faster fits on two
/// threads, measured); biased SGD, whose blocks are shorter, measured about 3% slower with it than with its
/// own claiming in schedule order from one shared counter (<see cref="Sgd.BiasedSgdTraining"/>), so it keeps that.</para>
/// <para>Order. Among its own lanes a task runs any block that is ready: the lane's earlier blocks are done and
/// so is the block of the previous stratum on the block's cross group. Of the ready blocks it takes the one
/// of the earliest stratum, which keeps the tasks near the same stratum and the cross groups available to
/// each other.</para>
/// <para>Stealing. A task with no ready block in its own lanes takes over another task's lane with a ready
/// block (the earliest), and keeps it, in this epoch and the next ones. Ownership so follows speed: a
/// task on a slower core, or one that starts late or is descheduled, loses lanes to the others and costs at
/// most the block it holds, and lane shares that a thread count does not divide even out. Each lane's state
/// (its next stratum, whether a block of it is running, its owner) is one word on a cache line of its own,
/// claimed by compare-and-swap, so an owner's claims stay in its core's cache unless another task is taking
/// the lane over.</para>
/// </remarks>
internal sealed class StratifiedRunner
{
    /// <summary>Ints between two counters, so that each sits on a 64-byte cache line of its own.</summary>
    private const int Spacing = 16;

    /// <summary>A lane's state: the owning task in the low bits, then the running flag, then the lane's next stratum.</summary>
    private const int OwnerBits = 7;
    private const int Running = 1 << OwnerBits;
    private const int OwnerMask = Running - 1;
    private const int StratumShift = OwnerBits + 1;

    /// <summary>Longs between two tasks' lane sets, so that each sits on a cache line of its own.</summary>
    private const int OwnedSpacing = 64 / sizeof(ulong);

    private readonly int _grid;
    private readonly int _tasks;
    private readonly bool _lanesAreRows;

    /// <summary>Per lane (at <c>lane·Spacing</c>): its next stratum (B once done), whether a block of it is running, and its owner.</summary>
    private readonly int[] _lanes;

    /// <summary>Per cross group (at <c>group·Spacing</c>): the number of its blocks finished this epoch.</summary>
    private readonly int[] _crossDone;

    /// <summary>Per task (at <c>task·OwnedSpacing</c>): the lanes it owns as far as it knows, one bit each (a lane taken from it is dropped on its next look).</summary>
    private readonly ulong[] _owned;

    /// <summary>The block of lane l in stratum s, at <c>s·B + l</c>.</summary>
    private readonly int[] _laneBlocks;

    private volatile bool _aborted;

    /// <summary>A runner for a <paramref name="grid"/>×<paramref name="grid"/> schedule (B ≤ 64) split among <paramref name="tasks"/> tasks (at most B), with the user groups as lanes when <paramref name="lanesAreRows"/>.</summary>
    public StratifiedRunner(int grid, int tasks, bool lanesAreRows)
    {
        Debug.Assert(grid is >= 1 and <= StratifiedSchedule.MaxGridSize && tasks >= 1 && tasks <= grid);
        _grid = grid;
        _tasks = tasks;
        _lanesAreRows = lanesAreRows;
        _lanes = new int[grid * Spacing];
        _crossDone = new int[grid * Spacing];
        _owned = new ulong[tasks * OwnedSpacing];
        _laneBlocks = new int[grid * grid];
        for (int lane = 0; lane < grid; lane++)
        {
            _lanes[lane * Spacing] = (int)((long)lane * tasks / grid);
        }
    }

    /// <summary>The number of tasks the lanes are split among: run the epoch as that many tasks.</summary>
    public int Tasks => _tasks;

    /// <summary>Whether the user groups should be the lanes of an N×M grid: the side with more rows keeps its rows on one core.</summary>
    public static bool RowsAsLanes(int users, int items) => users >= items;

    /// <summary>The task that owns each lane now (tasks keep the lanes they took in earlier epochs). For tests.</summary>
    internal int[] Owners()
    {
        var owners = new int[_grid];
        for (int lane = 0; lane < _grid; lane++)
        {
            owners[lane] = _lanes[lane * Spacing] & OwnerMask;
        }

        return owners;
    }

    /// <summary>
    /// Prepares an epoch over <paramref name="blocks"/>, the schedule's B strata of B row-major block indices
    /// (<see cref="StratifiedSchedule.Blocks"/>). Each lane keeps its owner from the last epoch. Not
    /// thread-safe: call it before the run's tasks start.
    /// </summary>
    public void Start(ReadOnlySpan<int> blocks)
    {
        int grid = _grid;
        Debug.Assert(blocks.Length == grid * grid);
        for (int s = 0; s < grid; s++)
        {
            for (int k = 0; k < grid; k++)
            {
                int block = blocks[(s * grid) + k];
                _laneBlocks[(s * grid) + Lane(block)] = block;
            }
        }

        Array.Clear(_owned);
        for (int lane = 0; lane < grid; lane++)
        {
            int owner = _lanes[lane * Spacing] & OwnerMask;
            _lanes[lane * Spacing] = owner;
            _owned[owner * OwnedSpacing] |= 1UL << lane;
        }

        Array.Clear(_crossDone);
        _aborted = false;
    }

    /// <summary>Makes every task's next <see cref="TryTake"/> return <see langword="false"/> (a block failed or the epoch was cancelled), so that none waits for a block that will not finish.</summary>
    public void Abort() => _aborted = true;

    /// <summary>Whether <see cref="Abort"/> was called this epoch.</summary>
    public bool Aborted => _aborted;

    /// <summary>
    /// Claims the next block for task <paramref name="task"/>, waiting (spinning) until one is ready; returns
    /// <see langword="false"/> once every block of the epoch is done, or after <see cref="Abort"/>. Call <see cref="Finish"/> when the block is done.
    /// </summary>
    public bool TryTake(int task, out int block)
    {
        var spin = default(SpinWait);
        while (!_aborted)
        {
            Claim own = TryClaimOwn(task, out block);
            if (own == Claim.Taken)
            {
                return true;
            }

            if (own == Claim.Contended)
            {
                continue;
            }

            // None of its own lanes is ready (or it has none left): take over another task's lane.
            Claim other = TrySteal(task, out block);
            if (other == Claim.Taken)
            {
                return true;
            }

            if (other == Claim.Contended)
            {
                continue;
            }

            if (own == Claim.NoneLeft && other == Claim.NoneLeft)
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }

        block = -1;
        return false;
    }

    /// <summary>
    /// Task <paramref name="task"/>'s share of the epoch: takes blocks (<see cref="TryTake"/>) and runs each with
    /// <paramref name="runBlock"/> until the epoch is over. Checks <paramref name="cancellationToken"/> before every
    /// block; a cancellation or a block that throws aborts the epoch for every task (the exception propagates).
    /// </summary>
    public void Run(int task, Action<int> runBlock, CancellationToken cancellationToken)
    {
        while (TryTake(task, out int block))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Abort();
                return;
            }

            bool finished = false;
            try
            {
                runBlock(block);
                finished = true;
            }
            finally
            {
                if (!finished)
                {
                    Abort();
                }
            }

            Finish(block);
        }
    }

    /// <summary>Marks <paramref name="block"/>, taken by <see cref="TryTake"/>, as done, which makes the next blocks of its lane and its cross group ready.</summary>
    public void Finish(int block)
    {
        int lane = Lane(block), cross = Cross(block);
        int state = _lanes[lane * Spacing];
        Debug.Assert((state & Running) != 0);
        int next = (state >> StratumShift) + 1;
        Volatile.Write(ref _crossDone[cross * Spacing], next);
        Volatile.Write(ref _lanes[lane * Spacing], (next << StratumShift) | (state & OwnerMask));
    }

    private int Lane(int block) => _lanesAreRows ? block / _grid : block % _grid;

    private int Cross(int block) => _lanesAreRows ? block % _grid : block / _grid;

    /// <summary>Claims the ready block of the earliest stratum among the task's own lanes, forgetting lanes another task has taken.</summary>
    private Claim TryClaimOwn(int task, out int block)
    {
        ref ulong owned = ref _owned[task * OwnedSpacing];
        ulong lanes = owned, kept = lanes;
        int best = -1, bestState = int.MaxValue;
        bool pending = false;
        while (lanes != 0)
        {
            int lane = System.Numerics.BitOperations.TrailingZeroCount(lanes);
            lanes &= lanes - 1;
            int state = Volatile.Read(ref _lanes[lane * Spacing]);
            if ((state & OwnerMask) != task)
            {
                kept &= ~(1UL << lane);
                continue;
            }

            Consider(lane, state, ref best, ref bestState, ref pending);
        }

        owned = kept;
        return ClaimLane(best, bestState, pending, bestState, out block);
    }

    /// <summary>Claims, and takes over, the ready block of the earliest stratum among the lanes the task does not own.</summary>
    private Claim TrySteal(int task, out int block)
    {
        ulong own = _owned[task * OwnedSpacing];
        int best = -1, bestState = int.MaxValue;
        bool pending = false;
        for (int lane = 0; lane < _grid; lane++)
        {
            if ((own & (1UL << lane)) == 0)
            {
                Consider(lane, Volatile.Read(ref _lanes[lane * Spacing]), ref best, ref bestState, ref pending);
            }
        }

        Claim claim = ClaimLane(best, bestState, pending, (bestState & ~OwnerMask) | task, out block);
        if (claim == Claim.Taken)
        {
            _owned[task * OwnedSpacing] |= 1UL << best;
        }

        return claim;
    }

    /// <summary>Keeps <paramref name="lane"/> as the best so far when its next block is ready and of an earlier stratum.</summary>
    private void Consider(int lane, int state, ref int best, ref int bestState, ref bool pending)
    {
        int stratum = state >> StratumShift;
        if ((state & Running) != 0 || stratum == _grid)
        {
            pending |= stratum != _grid;
            return;
        }

        pending = true;
        if ((state & ~OwnerMask) < (bestState & ~OwnerMask)
            && Volatile.Read(ref _crossDone[Cross(_laneBlocks[(stratum * _grid) + lane]) * Spacing]) >= stratum)
        {
            best = lane;
            bestState = state;
        }
    }

    /// <summary>Claims lane <paramref name="best"/> (if any) by moving its state from <paramref name="state"/> to <paramref name="claimed"/> with the running flag.</summary>
    private Claim ClaimLane(int best, int state, bool pending, int claimed, out int block)
    {
        block = -1;
        if (best < 0)
        {
            return pending ? Claim.NotReady : Claim.NoneLeft;
        }

        if (Interlocked.CompareExchange(ref _lanes[best * Spacing], claimed | Running, state) != state)
        {
            return Claim.Contended;
        }

        block = _laneBlocks[((state >> StratumShift) * _grid) + best];
        return Claim.Taken;
    }

    private enum Claim
    {
        Taken,
        Contended,
        NotReady,
        NoneLeft,
    }
}
