using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;

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
/// The library's one fork-join pool, created once per fit (or per projection, per batch of
/// recommendations): <c>WorkerCount − 1</c> dedicated background threads plus the calling thread pull
/// the blocks of a run from a shared counter. <see cref="Run(IBlockWork, int, bool, CancellationToken)"/> allocates nothing and returns once every
/// block is done, without waiting for workers that have not woken up yet: on a busy machine a
/// descheduled thread costs at most the block it holds, not a scheduler slice per phase (a late worker
/// finds no block left and goes back to waiting, or joins the next run, whose work is published before
/// its blocks can be claimed). Not thread-safe: one caller drives it.
/// </summary>
/// <remarks>
/// <para>A claim takes a ticket from one 64-bit counter holding the run's block count (high half) and the
/// next block index (low half), so a worker always compares its index with the block count of the run
/// it claimed from, even when it is late and the next run has a different number of blocks.</para>
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
    private int _completed;
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
    public void Run(IBlockWork work, int blocks, bool callerOnly, CancellationToken cancellationToken)
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
            Volatile.Write(ref _completed, 0);
            Volatile.Write(ref _ticket, (long)blocks << 32); // publishes the run: its blocks are claimable from here on
            Publish();
            Drain(0);
            AwaitCompletion(blocks);

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
    private void AwaitCompletion(int blocks)
    {
        if (Volatile.Read(ref _completed) >= blocks)
        {
            return;
        }

        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _completed) < blocks)
        {
            Thread.SpinWait(1);
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                var spin = default(SpinWait);
                while (Volatile.Read(ref _completed) < blocks)
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

    private void Drain(int worker)
    {
        while (true)
        {
            long ticket = Interlocked.Increment(ref _ticket) - 1;
            int blocks = (int)(ticket >> 32), block = (int)(uint)ticket;
            if (block >= blocks)
            {
                return;
            }

            RunBlock(_work!, block, worker);
            Interlocked.Increment(ref _completed);
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
