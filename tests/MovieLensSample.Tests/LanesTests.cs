using MovieLensSample.Output;
using MovieLensSample.Steps;
using Spectre.Console;

namespace MovieLensSample.Tests;

/// <summary>The walkthrough's two lanes: jobs run two at a time, their output comes out in the order taken, failures surface where taken.</summary>
public sealed class LanesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Take_JobsQueuedInAnotherOrder_PrintsEachJobsOutputInTheOrderTaken(int laneCount)
    {
        var (console, writer) = Recording();
        using var lanes = new Lanes(console, StepTimings.Off, laneCount, CancellationToken.None);
        var jobs = new Lanes.Job<int>[6];
        foreach (int i in new[] { 5, 3, 1, 0, 2, 4 })
        {
            int n = i;
            jobs[i] = lanes.Queue($"job {n}", c =>
            {
                c.WriteLine($"job {n} starts");
                c.WriteLine($"job {n} ends");
                return n * n;
            });
        }

        int[] results = [.. jobs.Select(lanes.Take)];

        results.Should().Equal(0, 1, 4, 9, 16, 25);
        string[] expected = [.. Enumerable.Range(0, 6).SelectMany(i => new[] { $"job {i} starts", $"job {i} ends" })];
        SampleRunner.Lines(writer.ToString()).Should().Equal(expected);
    }

    [Fact]
    public void Take_JobAfterAnother_RunsOnlyOnceThePredecessorHasFinished()
    {
        var (console, _) = Recording();
        using var lanes = new Lanes(console, StepTimings.Off, 2, CancellationToken.None);
        using var release = new ManualResetEventSlim();
        var first = lanes.Queue("first", _ =>
        {
            release.Wait(TimeSpan.FromSeconds(30));
            return "first";
        });
        bool firstDoneWhenSecondRan = false;
        var second = lanes.Queue("second", _ => firstDoneWhenSecondRan = first.State == Lanes.JobState.Done, after: first);

        release.Set();

        lanes.Take(second).Should().BeTrue();
        firstDoneWhenSecondRan.Should().BeTrue();
        lanes.Take(first).Should().Be("first");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Take_JobThrew_RethrowsTheJobsExceptionWhereTaken(int laneCount)
    {
        var (console, _) = Recording();
        using var lanes = new Lanes(console, StepTimings.Off, laneCount, CancellationToken.None);
        var failing = lanes.Queue<int>("failing", _ => throw new FormatException("bad line 3"));
        var fine = lanes.Queue("fine", _ => 1);

        lanes.Take(fine).Should().Be(1);
        FluentActions.Invoking(() => lanes.Take(failing)).Should().Throw<FormatException>().WithMessage("bad line 3");
    }

    [Fact]
    public void Dispose_JobStillQueued_CancelsTheLanesToken()
    {
        var (console, _) = Recording();
        var lanes = new Lanes(console, StepTimings.Off, 2, CancellationToken.None);
        CancellationToken token = lanes.Cancellation;

        lanes.Dispose();

        token.IsCancellationRequested.Should().BeTrue("the jobs still running stop at their next check");
    }

    private static (IAnsiConsole Console, StringWriter Writer) Recording()
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        return (console, writer);
    }
}
