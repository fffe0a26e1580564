using System.Globalization;
using System.Runtime.ExceptionServices;

namespace CollaborativeFiltering.Internal;

/// <summary>Work that a <see cref="WorkerPool"/> runs on every worker at once.</summary>
internal interface IPoolWork
{
    /// <summary>Runs this worker's share; <paramref name="worker"/> is in <c>[0, WorkerCount)</c>, 0 being the calling thread.</summary>
    void Execute(int worker);
}

/// <summary>
/// A small fork-join pool created once per fit: <c>WorkerCount − 1</c> dedicated background
/// threads plus the calling thread. <see cref="Run"/> starts one phase on every worker and returns
/// when all have finished; it allocates nothing, unlike <c>Parallel.For</c>. Workers usually pull
/// fixed blocks from the pool's shared counter (<see cref="NextTask"/>), so how blocks are assigned never changes what a block computes.
/// Not thread-safe: one caller drives it.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly SemaphoreSlim _done = new(0);
    private IPoolWork? _work;
    private int _pending;
    private int _nextTask;
    private Exception? _failure;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Starts <c>workerCount − 1</c> threads.</summary>
    /// <param name="workerCount">The number of workers including the caller, at least 1.</param>
    public WorkerPool(int workerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        _threads = new Thread[workerCount - 1];
        _start = new SemaphoreSlim[workerCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _start[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = string.Create(CultureInfo.InvariantCulture, $"CollaborativeFiltering worker {i + 1}"),
            };
        }

        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i].Start(i + 1);
        }
    }

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _threads.Length + 1;

    /// <summary>The next task index of the current run, shared by all workers (0, 1, 2, …); a worker stops when it is past the run's last task.</summary>
    public int NextTask() => Interlocked.Increment(ref _nextTask) - 1;

    /// <summary>
    /// Runs <paramref name="work"/> on every worker and waits for all; rethrows the first failure.
    /// The task counter (<see cref="NextTask"/>) starts again at 0 for each run.
    /// </summary>
    public void Run(IPoolWork work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _nextTask = 0;
        if (_threads.Length == 0)
        {
            work.Execute(0);
            return;
        }

        _work = work;
        _failure = null;
        Volatile.Write(ref _pending, _threads.Length + 1);
        foreach (SemaphoreSlim start in _start)
        {
            start.Release();
        }

        try
        {
            work.Execute(0);
        }
#pragma warning disable CA1031 // Rethrown below, once every worker has finished.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
        }

        if (Interlocked.Decrement(ref _pending) != 0)
        {
            _done.Wait();
        }

        _work = null;
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
        foreach (SemaphoreSlim start in _start)
        {
            start.Release();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        foreach (SemaphoreSlim start in _start)
        {
            start.Dispose();
        }

        _done.Dispose();
    }

    private void WorkerLoop(object? state)
    {
        int index = (int)state!;
        SemaphoreSlim start = _start[index - 1];
        while (true)
        {
            start.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                _work!.Execute(index);
            }
#pragma warning disable CA1031 // The failure is rethrown on the calling thread by Run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Release();
            }
        }
    }
}
