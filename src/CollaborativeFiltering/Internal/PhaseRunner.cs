namespace CollaborativeFiltering.Internal;

/// <summary>
/// The phase machinery the ALS trainers share: a <see cref="WorkerPool"/>, one task counter that the
/// workers draw blocks from, cooperative cancellation checked before each block (once cancelled,
/// every worker stops taking blocks) and a failure flag a block raises when its solve diverged.
/// A trainer keeps its own phase and implements <see cref="IPoolWork"/>; it calls
/// <see cref="Run"/> or <see cref="RunSolve"/> for each phase.
/// </summary>
internal sealed class PhaseRunner : IDisposable
{
    private readonly WorkerPool _pool;
    private CancellationToken _cancellationToken;
    private volatile bool _cancelled;
    private volatile bool _failed;

    /// <summary>Starts <paramref name="workers"/> − 1 worker threads (the caller is the last worker).</summary>
    public PhaseRunner(int workers) => _pool = new WorkerPool(workers);

    /// <summary>The number of workers, the calling thread included.</summary>
    public int WorkerCount => _pool.WorkerCount;

    /// <summary>Test hook: called with the block index before each block of a solve starts (on the worker's thread).</summary>
    public Action<int>? BlockStarting { get; set; }

    /// <summary>Runs one phase of <paramref name="work"/> on every worker, the task counter reset.</summary>
    public void Run(IPoolWork work) => _pool.Run(work);

    /// <summary>Runs a solve phase: returns <see langword="false"/> when a block called <see cref="Fail"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before a block.</exception>
    public bool RunSolve(IPoolWork work, CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _cancelled = false;
        _failed = false;
        Run(work);
        _cancellationToken = default;
        if (_cancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return !_failed;
    }

    /// <summary>The next task (block) index of the current phase; past the end when all are taken.</summary>
    public int NextTask() => _pool.NextTask();

    /// <summary>Checks cancellation before a block; <see langword="true"/> means stop taking blocks.</summary>
    public bool Stop(int block)
    {
        if (_cancelled || _cancellationToken.IsCancellationRequested)
        {
            _cancelled = true;
            return true;
        }

        BlockStarting?.Invoke(block);
        return false;
    }

    /// <summary>Marks the current solve as failed (a system not positive definite, or a non-finite solution).</summary>
    public void Fail() => _failed = true;

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();
}
