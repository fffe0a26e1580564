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
/// the blocks of a run from a shared counter. <see cref="Run"/> allocates nothing and returns once every
/// block is done, without waiting for workers that have not woken up yet: on a busy machine a
/// descheduled thread costs at most the block it holds, not a scheduler slice per phase (a late worker
/// finds no block left and goes back to sleep, or joins the next run, whose work is published before
/// its blocks can be claimed). Not thread-safe: one caller drives it.
/// </summary>
/// <remarks>
/// A claim takes a ticket from one 64-bit counter holding the run's block count (high half) and the
/// next block index (low half), so a worker always compares its index with the block count of the run
/// it claimed from, even when it is late and the next run has a different number of blocks.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _wake = new(0);
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

    /// <summary>
    /// Runs blocks <c>[0, blocks)</c> of <paramref name="work"/> on every worker and returns when all are
    /// done; rethrows the first failure (the other blocks still run). With a token, every block checks it
    /// before starting: once it is cancelled the remaining blocks are skipped and the run throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public void Run(IBlockWork work, int blocks, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (blocks <= 0)
        {
            return;
        }

        _failure = null;
        _cancelled = false;
        _cancellationToken = cancellationToken;
        if (_threads.Length == 0 || blocks == 1)
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
            _wake.Release(Math.Min(_threads.Length, blocks - 1));
            Drain(0);
            var spin = default(SpinWait);
            while (Volatile.Read(ref _completed) < blocks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

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
            _wake.Release(_threads.Length);
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        _wake.Dispose();
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
        while (true)
        {
            _wake.Wait();
            if (_stopping)
            {
                return;
            }

            Drain(worker);
        }
    }
}
