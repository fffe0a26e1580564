namespace CollaborativeFiltering.Tests;

/// <summary>
/// Zero-allocation checks that hold on a busy machine. <see cref="GC.GetAllocatedBytesForCurrentThread"/> is not
/// exact while other threads allocate: a thread that allocates nothing can read a few kilobytes more than before
/// (dotnet/coreclr#10207). A probe on .NET 10 (one thread spinning through 3,000 windows of 1 ms without
/// allocating, another allocating arrays of up to 100 kB) saw 49 windows read 56 B to 6,664 B, most of them with no
/// collection counted; the suite, other tests beside it, read 3,712 B, 3,960 B and 6,824 B for steps that allocate
/// nothing. So the calls run in windows, up to a few, and one window must read nothing: code that allocates does so
/// in every window, the stray count does not.
/// </summary>
/// <param name="WindowBytes">The bytes each window read, up to and including the first that read none.</param>
/// <param name="LastWindowCallBytes">The bytes each call of the last window read.</param>
internal sealed record AllocationWindows(long[] WindowBytes, long[] LastWindowCallBytes)
{
    /// <summary>Whether a window read no bytes.</summary>
    public bool AnyClean => WindowBytes[^1] == 0;

    /// <summary>Runs <paramref name="call"/> (given its index in the window) <paramref name="calls"/> times per window, for up to <paramref name="windows"/> windows, until one allocates nothing on the calling thread.</summary>
    public static AllocationWindows Measure(int calls, Action<int> call, int windows = 5)
    {
        var windowBytes = new List<long>(windows);
        long[] callBytes = new long[calls];
        for (int window = 0; window < windows; window++)
        {
            long sum = 0;
            for (int k = 0; k < calls; k++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                call(k);
                callBytes[k] = GC.GetAllocatedBytesForCurrentThread() - before;
                sum += callBytes[k];
            }

            windowBytes.Add(sum);
            if (sum == 0)
            {
                break;
            }
        }

        return new AllocationWindows([.. windowBytes], callBytes);
    }

    /// <summary>Fails unless a window read no bytes, naming each window's bytes and the last window's calls'.</summary>
    /// <param name="what">What the calls are, for the message.</param>
    public void ShouldHaveACleanWindow(string what) =>
        AnyClean.Should().BeTrue("{0} must allocate nothing in one window of {1} calls; the windows read {2} B, the last one's calls {3} B",
            what, LastWindowCallBytes.Length, string.Join(", ", WindowBytes), string.Join(", ", LastWindowCallBytes));
}
