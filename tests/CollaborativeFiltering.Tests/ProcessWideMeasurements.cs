namespace CollaborativeFiltering.Tests;

/// <summary>
/// Resident-size checks read the process-wide heap size, so they run in a collection of their own that xUnit
/// schedules after, never beside, the parallel tests: another test allocating at the same moment would be
/// counted as the dataset's memory (CI measured 27 B/rating that way for a dataset that holds 20).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurements
{
    /// <summary>The collection name used by tests that read process-wide counters.</summary>
    public const string Name = "Process-wide measurements";
}
