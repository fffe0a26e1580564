using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace CollaborativeFiltering.Internal;

/// <summary>Work split into independent blocks, run by a <see cref="WorkerPool"/>.</summary>
internal interface IBlockWork
{
    /// <summary>
    /// Computes block <paramref name="block"/> of the current run. <paramref name="worker"/>, in
    /// <c>[0, WorkerCount)</c> with 0 the calling thread, names the thread, so that per-worker scratch
    /// is never shared; which worker gets a block never changes what the block computes.
    /// </summary>
    void Execute(int block, int worker);
}

/// <summary>
/// Block work run in ranges (<see cref="WorkerPool.RunInRanges"/>): each worker owns a contiguous range of
/// the blocks, and learns which before it runs them, so that it can take the cache lines only those blocks
/// write, and read the data they gather, in streams rather than a line at a time.
/// </summary>
internal interface IRangeWork : IBlockWork
{
    /// <summary>
    /// Called by <paramref name="worker"/> before it runs blocks <c>[first, end)</c> of its own range, with
    /// the range reserved: no worker can claim those blocks until this returns (a worker out of other blocks waits
    /// meanwhile, so it should be short next to the range's own work). <paramref name="first"/> is the start of the worker's share; <paramref name="end"/>
    /// is its end less the blocks other workers took from its back before the owner started. The blocks may then still
    /// run on any worker. Not called on a run of one worker nor for an empty range; it must not change what a block computes.
    /// </summary>
    void BeginRange(int first, int end, int worker);
}

/// <summary>
/// The library's one fork-join pool, created once per fit (or per projection, per batch of
/// recommendations): <c>WorkerCount − 1</c> dedicated background threads plus the calling thread pull
/// the blocks of a run from a shared counter, or (<see cref="RunInRanges"/>) each from its own range first.
/// <see cref="Run(IBlockWork, int, bool, CancellationToken)"/> allocates nothing and returns once every
/// block is done, without waiting for workers that have not woken up yet: on a busy machine a
/// descheduled thread costs at most the block it holds, not a scheduler slice per phase (a late worker
/// finds no block left and goes back to waiting, or joins the next run, whose work is published before
/// its blocks can be claimed). Not thread-safe: one caller drives it.
/// </summary>
/// <remarks>
/// <para>A claim takes a ticket from one 64-bit counter holding the run's block count (high half) and the
/// next block index (low half), so a worker always compares its index with the block count of the run
/// it claimed from, even when it is late and the next run has a different number of blocks.</para>
/// <para>In ranges, worker <c>w</c> of <c>W</c> owns blocks <c>[w·B/W, (w+1)·B/W)</c>: it claims them from the
/// front, one at a time, from a 64-bit word (range end in the high half, next block in the low half) on a
/// cache line of its own, so a claim is a local compare-and-swap instead of a line fetched from the other
/// core; a worker out of blocks takes the other ranges' blocks from the back. The same worker then gets the
/// same rows in every run, and a thread that is descheduled still holds at most one block. Completions are
/// counted per worker, on the same lines, in both modes.</para>
/// <para>Hand-off: between runs a worker first spins on the run counter for up to <see cref="SpinTime"/>
/// (pausing between reads), and only then parks on a monitor. Back-to-back runs (the phases of one
/// iteration, one iteration after another) therefore never park: publishing a run is one write that a
/// spinning worker sees within a cache-line transfer, where waking a parked thread costs a futex wake
/// (and, in a VM, an inter-processor interrupt of tens of microseconds or more, which is longer than a
/// whole phase of a small fit). The caller enters the monitor only when a worker has announced that it
/// parks, so a fit's hot path makes no system call. After the last run the workers burn at most
/// <see cref="SpinTime"/> of CPU each before parking; <see cref="Dispose"/> wakes and joins them.</para>
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long an idle worker spins on the run counter before it parks.</summary>
    internal static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(250);

    private static readonly long SpinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);

    private readonly Thread[] _threads;

    /// <summary>The monitor a worker parks on once its spin is over.</summary>
    private readonly object _gate = new();

    /// <summary>Bumped once per published run (and by <see cref="Dispose"/>): what an idle worker waits to change.</summary>
    private long _generation;

    /// <summary>Workers that have announced, inside <see cref="_gate"/>, that they park.</summary>
    private int _parked;
    private IBlockWork? _work;
    private long _ticket;

    /// <summary>Per worker: its range (in ranges) and the blocks it has completed, each on its own cache lines.</summary>
    private readonly Slot[] _slots;

    /// <summary>The completed blocks of every worker before the current run.</summary>
    private long _completedBefore;
    private Exception? _failure;
    private CancellationToken _cancellationToken;
    private volatile bool _cancelled;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Starts <c>workerCount − 1</c> threads.</summary>
    /// <param name="workerCount">The number of workers including the caller, at least 1.</param>
    public WorkerPool(int workerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        _threads = new Thread[workerCount - 1];
        _slots = new Slot[workerCount];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = string.Create(CultureInfo.InvariantCulture, $"CollaborativeFiltering worker {i + 1}"),
            };
            _threads[i].Start(i + 1);
        }
    }

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _threads.Length + 1;

    /// <summary>Workers parked (or about to park) on the monitor, their spin over; for tests.</summary>
    internal int ParkedWorkers => Volatile.Read(ref _parked);

    /// <summary>
    /// Runs blocks <c>[0, blocks)</c> of <paramref name="work"/> on every worker and returns when all are
    /// done; rethrows the first failure (the other blocks still run). With a token, every block checks it
    /// before starting: once it is cancelled the remaining blocks are skipped and the run throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public void Run(IBlockWork work, int blocks, CancellationToken cancellationToken = default) => Run(work, blocks, callerOnly: false, cancellationToken);

    /// <summary>
    /// <see cref="Run(IBlockWork, int, CancellationToken)"/>; with <paramref name="callerOnly"/> the calling
    /// thread runs every block itself (as worker 0) and the other workers are not woken: for work whose
    /// result does not depend on who runs it, when one thread is faster (<see cref="ScheduleTuner"/>).
    /// </summary>
    public void Run(IBlockWork work, int blocks, bool callerOnly, CancellationToken cancellationToken) => Run(work, blocks, callerOnly, inRanges: false, cancellationToken);

    /// <summary>
    /// <see cref="Run(IBlockWork, int, CancellationToken)"/> with each worker running its own contiguous range of
    /// the blocks first (announced through <see cref="IRangeWork.BeginRange"/>), then helping with the others'
    /// (see the remarks): for work whose blocks write data that the other workers read, where keeping each
    /// row on the same core from run to run saves cache-line transfers.
    /// </summary>
    public void RunInRanges(IRangeWork work, int blocks, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blocks, Reserved);
        Run(work, blocks, callerOnly: false, inRanges: true, cancellationToken);
    }

    /// <summary>The blocks <c>[w·B/W, (w+1)·B/W)</c> that <see cref="RunInRanges"/> gives worker <paramref name="worker"/> of <paramref name="workers"/> first, of <paramref name="blocks"/>.</summary>
    internal static (int First, int End) OwnRange(int worker, int workers, int blocks) =>
        ((int)((long)blocks * worker / workers), (int)((long)blocks * (worker + 1) / workers));

    private void Run(IBlockWork work, int blocks, bool callerOnly, bool inRanges, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (blocks <= 0)
        {
            return;
        }

        _failure = null;
        _cancelled = false;
        _cancellationToken = cancellationToken;
        if (_threads.Length == 0 || blocks == 1 || callerOnly)
        {
            for (int block = 0; block < blocks; block++)
            {
                RunBlock(work, block, 0);
            }
        }
        else
        {
            _work = work;
            _completedBefore = CompletedBlocks();
            if (!inRanges)
            {
                Volatile.Write(ref _ticket, (long)blocks << 32); // publishes the run: its blocks are claimable from here on
            }
            else
            {
                int workers = _slots.Length;
                for (int w = 0; w < workers; w++)
                {
                    (long first, long end) = OwnRange(w, workers, blocks);
                    Volatile.Write(ref _slots[w].Range, (end << 32) | first); // publishes the range: claimable from here on
                }
            }

            Publish();
            Drain(0);
            AwaitCompletion(_completedBefore + blocks);

            _work = null;
        }

        _cancellationToken = default;
        if (_failure is { } failure)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }

        if (_cancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Stops and joins the threads.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping = true;
        if (_threads.Length > 0)
        {
            Publish();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    /// <summary>
    /// Tells idle workers that a run (or the stop) is published: spinning ones see the new generation,
    /// parked ones are woken. The increment is a full fence, and a worker announces that it parks with
    /// another one before it reads the generation a last time, so either the worker sees the new
    /// generation or this sees it parked: no wake-up is lost.
    /// </summary>
    private void Publish()
    {
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _parked) > 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Waits, spinning, until every block of the run is done; yields the processor only once <see cref="SpinTime"/> has passed (a descheduled worker holding a block).</summary>
    private void AwaitCompletion(long target)
    {
        if (CompletedBlocks() >= target)
        {
            return;
        }

        long start = Stopwatch.GetTimestamp();
        while (CompletedBlocks() < target)
        {
            Thread.SpinWait(1);
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                var spin = default(SpinWait);
                while (CompletedBlocks() < target)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                return;
            }
        }
    }

    /// <summary>Waits until <see cref="_generation"/> differs from <paramref name="seen"/>: spins for up to <see cref="SpinTime"/>, then parks.</summary>
    private long AwaitRun(long seen)
    {
        long generation;
        long start = Stopwatch.GetTimestamp();
        do
        {
            for (int i = 0; i < 32; i++)
            {
                if ((generation = Volatile.Read(ref _generation)) != seen)
                {
                    return generation;
                }

                Thread.SpinWait(1);
            }
        }
        while (Stopwatch.GetTimestamp() - start <= SpinTicks);

        lock (_gate)
        {
            Interlocked.Increment(ref _parked); // a full fence before the last read of the generation, see Publish
            while ((generation = Volatile.Read(ref _generation)) == seen)
            {
                Monitor.Wait(_gate);
            }

            Interlocked.Decrement(ref _parked);
        }

        return generation;
    }

    /// <summary>Every block the workers have completed, in all runs so far (each counter only grows).</summary>
    private long CompletedBlocks()
    {
        long total = 0;
        foreach (ref Slot slot in _slots.AsSpan())
        {
            total += Volatile.Read(ref slot.Completed);
        }

        return total;
    }

    /// <summary>
    /// Runs blocks until none is left to claim: from the shared counter, then (in ranges) from the
    /// worker's own range, front first, then from the others' ranges, back first. A late worker finds
    /// the counter spent and every range empty, or claims from the next run once it is published.
    /// </summary>
    private void Drain(int worker)
    {
        while (Volatile.Read(ref _ticket) is long seen && (int)(uint)seen < (int)(seen >> 32))
        {
            long ticket = Interlocked.Increment(ref _ticket) - 1;
            int blocks = (int)(ticket >> 32), block = (int)(uint)ticket;
            if (block >= blocks)
            {
                break;
            }

            RunBlock(_work!, block, worker);
            Completed(worker);
        }

        int workers = _slots.Length;
        for (int k = 0; k < workers; k++)
        {
            int owner = (worker + k) % workers;
            ref long range = ref _slots[owner].Range;
            bool own = k == 0, begun = false;
            while (true)
            {
                long seen = Volatile.Read(ref range);
                int first = (int)(uint)seen, end = (int)(seen >> 32);
                if ((first & Reserved) != 0)
                {
                    Thread.SpinWait(1); // the owner is in BeginRange: its blocks are claimable again in a moment
                    continue;
                }

                if (first >= end)
                {
                    break;
                }

                if (own && !begun)
                {
                    if (Interlocked.CompareExchange(ref range, seen | Reserved, seen) != seen)
                    {
                        continue;
                    }

                    begun = true;
                    BeginRange(first, end, worker);
                    Volatile.Write(ref range, seen); // nobody claims a reserved range: it is as it was
                    continue;
                }

                int block = own ? first : end - 1;
                long claimed = own ? seen + 1 : seen - (1L << 32);
                if (Interlocked.CompareExchange(ref range, claimed, seen) != seen)
                {
                    continue;
                }

                RunBlock(_work!, block, worker);
                Completed(worker);
            }
        }
    }

    /// <summary>Counts a completed block of <paramref name="worker"/> (its own line; the caller sums them).</summary>
    private void Completed(int worker)
    {
        ref long completed = ref _slots[worker].Completed;
        Volatile.Write(ref completed, completed + 1);
    }

    /// <summary><see cref="IRangeWork.BeginRange"/>, unless the run is cancelled; a failure is rethrown by the run, as a block's.</summary>
    private void BeginRange(int first, int end, int worker)
    {
        // Blocks are claimable from ranges only in a run in ranges, whose work is an IRangeWork.
        if (_cancelled || _cancellationToken.IsCancellationRequested || _work is not IRangeWork work)
        {
            return;
        }

        try
        {
            work.BeginRange(first, end, worker);
        }
#pragma warning disable CA1031 // Rethrown by Run on the calling thread, once every block has finished.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
        }
    }

    /// <summary>Runs one block unless the run was cancelled; records the first failure instead of throwing.</summary>
    private void RunBlock(IBlockWork work, int block, int worker)
    {
        if (_cancelled || _cancellationToken.IsCancellationRequested)
        {
            _cancelled = true;
            return;
        }

        try
        {
            work.Execute(block, worker);
        }
#pragma warning disable CA1031 // Rethrown by Run on the calling thread, once every block has finished.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
        }
    }

    /// <summary>The low half's flag on a range word while its owner is in <see cref="IRangeWork.BeginRange"/>.</summary>
    private const int Reserved = 1 << 30;

    /// <summary>A worker's range and completion count, alone on their cache lines (a line of padding before, and the rest of theirs after).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Slot
    {
        /// <summary>In ranges: the end of the worker's range (high half) and its next block (low half).</summary>
        [FieldOffset(64)]
        public long Range;

        /// <summary>The blocks this worker has completed, in all runs.</summary>
        [FieldOffset(72)]
        public long Completed;
    }

    private void WorkerLoop(object? state)
    {
        int worker = (int)state!;
        long seen = 0;
        while (true)
        {
            seen = AwaitRun(seen);
            if (_stopping)
            {
                return;
            }

            Drain(worker);
        }
    }
}
