using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests;

/// <summary>Short forms of the typed dense indices for tests (imported with <c>using static</c> in every file): <c>U(0)</c> is user index 0, <c>I(3)</c> item index 3.</summary>
internal static class Indices
{
    public static UserIndex U(int value) => new(value);

    public static ItemIndex I(int value) => new(value);
}
