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
}
