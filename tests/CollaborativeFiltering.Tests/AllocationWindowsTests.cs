namespace CollaborativeFiltering.Tests;

/// <summary>The zero-allocation checks' helper still catches code that allocates.</summary>
public sealed class AllocationWindowsTests
{
    [Fact]
    public void Measure_CallsThatAllocate_NoWindowIsClean()
    {
        object? last = null;

        AllocationWindows windows = AllocationWindows.Measure(10, k => last = new int[k + 1], windows: 3);

        windows.AnyClean.Should().BeFalse();
        windows.WindowBytes.Should().HaveCount(3).And.OnlyContain(bytes => bytes >= 10 * 24);
        windows.LastWindowCallBytes.Should().OnlyContain(bytes => bytes >= 24);
        GC.KeepAlive(last);
        FluentActions.Invoking(() => windows.ShouldHaveACleanWindow("an allocation")).Should().Throw<Exception>()
            .WithMessage("*an allocation must allocate nothing in one window of 10 calls*");
    }

    [Fact]
    public void Measure_CallsThatAllocateNothing_StopsAtTheFirstCleanWindow()
    {
        int[] counts = new int[4];

        AllocationWindows windows = AllocationWindows.Measure(4, k => counts[k]++);

        windows.AnyClean.Should().BeTrue();
        windows.WindowBytes[^1].Should().Be(0);
        counts.Should().OnlyContain(c => c == windows.WindowBytes.Length);
        windows.ShouldHaveACleanWindow("a count");
    }
}
