using System.Globalization;
using System.Runtime.ExceptionServices;

namespace CollaborativeFiltering.Projection;

/// <summary>Work split into a fixed number of independent blocks, run by a <see cref="TsnePool"/>.</summary>
internal interface ITsneBlocks
{
    /// <summary>Computes block <paramref name="block"/>; <paramref name="worker"/> in <c>[0, WorkerCount)</c> identifies per-worker scratch (0 is the calling thread).</summary>
    void ExecuteBlock(int block, int worker);
}

/// <summary>
/// The fork-join pool of a t-SNE run: <c>WorkerCount − 1</c> background threads plus the calling thread pull
/// blocks from a shared counter. <see cref="Run"/> returns once every block is done, without waiting for workers
/// that have not woken up yet: on a busy machine a descheduled thread costs at most the block it holds, not a
/// scheduler slice per iteration (a late worker finds no block left and goes back to sleep, or joins the next run,
/// whose state is published before its blocks are). Which thread computes a block never changes what it computes.
/// Not thread-safe: one caller drives it.
/// </summary>
internal sealed class TsnePool : IDisposable
{
    private readonly ITsneBlocks _work;
    private readonly int _blocks;
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _wake = new(0);
    private int _next;
    private int _completed;
    private Exception? _failure;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Starts the threads.</summary>
    /// <param name="work">What every run computes.</param>
    /// <param name="blocks">The number of blocks of every run.</param>
    /// <param name="workerCount">The number of workers including the caller, at least 1.</param>
    public TsnePool(ITsneBlocks work, int blocks, int workerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        _work = work;
        _blocks = blocks;
        _next = blocks;
        _threads = new Thread[workerCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = string.Create(CultureInfo.InvariantCulture, $"CollaborativeFiltering t-SNE worker {i + 1}"),
            };
            _threads[i].Start(i + 1);
        }
    }

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _threads.Length + 1;

    /// <summary>Runs every block once and returns when all are done; rethrows the first failure.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _failure = null;
        Volatile.Write(ref _completed, 0);
        Volatile.Write(ref _next, 0); // publishes the work's state: blocks are claimable from here on
        if (_threads.Length > 0)
        {
            _wake.Release(_threads.Length);
        }

        Drain(0);
        var spin = default(SpinWait);
        while (Volatile.Read(ref _completed) < _blocks)
        {
            spin.SpinOnce();
        }

        if (_failure is { } failure)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
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
            int block = Interlocked.Increment(ref _next) - 1;
            if (block >= _blocks)
            {
                return;
            }

            try
            {
                _work.ExecuteBlock(block, worker);
            }
#pragma warning disable CA1031 // Rethrown by Run on the calling thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }
            finally
            {
                Interlocked.Increment(ref _completed);
            }
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
