namespace CollaborativeFiltering.Factorization.FullBatch;

/// <summary>
/// How one full-batch step uses the threads; every schedule computes the same bits (see
/// <see cref="FullBatchTraining"/>'s remarks), so a <see cref="Internal.ScheduleTuner"/> may pick one per step.
/// </summary>
internal enum StepSchedule
{
    /// <summary>Every worker; the item pass recomputes the residuals, the user pass does not store them.</summary>
    AllWorkersRecomputing = 0,

    /// <summary>The calling thread alone; the user pass stores the residuals, the item pass gathers them.</summary>
    CallerAlone = 1,

    /// <summary>Every worker; the user pass stores the residuals, the item pass gathers them (from the other core's cache).</summary>
    AllWorkersGathering = 2,

    /// <summary>
    /// Every worker, each on its own range of rows in every pass (<see cref="Internal.WorkerPool.RunInRanges"/>): before
    /// its range a worker zeroes the next rows it will write and reads the rows it will gather in one stream, so that
    /// the cache lines the other core last held move in bulk instead of one stalled load or store at a time (the vCPUs
    /// far apart). The user pass stores the residuals; the item pass gathers those of the users in the worker's own
    /// range (written on its own core) and recomputes the others', as <see cref="AllWorkersRecomputing"/> does for all
    /// of them. When U or V is sliced it recomputes them all.
    /// </summary>
    AllWorkersOwnRows = 3,
}
