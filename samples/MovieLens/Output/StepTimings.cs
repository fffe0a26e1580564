using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace MovieLensSample.Output;

/// <summary>
/// Where the walkthrough's time goes (--timings): for each step, in the order it finished, its wall-clock time and
/// the CPU time of the thread that ran it (Linux only; with one thread per job, as on two cores, that is all of the
/// step's CPU time), then the process's start-up and its total wall-clock and CPU time (every thread: the
/// garbage collector and the JIT included). CPU time is the figure to compare on a busy machine, where wall-clock
/// time depends on what else runs. Safe to call from both lanes. When off, nothing is measured or printed.
/// </summary>
internal sealed class StepTimings
{
    private readonly object _gate = new();
    private readonly List<(string Step, TimeSpan Wall, TimeSpan Cpu)> _steps = [];
    private readonly TimeSpan _startupWall;
    private readonly TimeSpan _startupCpu;
    private readonly long _started;

    private StepTimings(bool enabled)
    {
        Enabled = enabled;
        if (enabled)
        {
            _started = Stopwatch.GetTimestamp();
            using var process = Process.GetCurrentProcess();
            _startupWall = DateTime.Now - process.StartTime;
            _startupCpu = process.TotalProcessorTime;
        }
    }

    /// <summary>A recorder that measures nothing.</summary>
    public static StepTimings Off { get; } = new(false);

    public bool Enabled { get; }

    /// <summary>Starts measuring now; the start-up is the time from the process's start to this call.</summary>
    public static StepTimings Start() => new(true);

    public void Time(string step, Action action) => Time(step, () =>
    {
        action();
        return true;
    });

    public T Time<T>(string step, Func<T> action)
    {
        if (!Enabled)
        {
            return action();
        }

        TimeSpan cpu = ThreadTime();
        long started = Stopwatch.GetTimestamp();
        T result = action();
        Add(step, started, cpu);
        return result;
    }

    public async Task<T> TimeAsync<T>(string step, Func<Task<T>> action)
    {
        if (!Enabled)
        {
            return await action().ConfigureAwait(false);
        }

        // An await may resume on another thread: the process's CPU time is the one to take (nothing else runs yet).
        TimeSpan cpu = ProcessTime();
        long started = Stopwatch.GetTimestamp();
        T result = await action().ConfigureAwait(false);
        lock (_gate)
        {
            _steps.Add((step, Stopwatch.GetElapsedTime(started), ProcessTime() - cpu));
        }

        return result;
    }

    /// <summary>The table of every step, the start-up first and the process's totals last (nothing when off).</summary>
    public void Show(IAnsiConsole console)
    {
        if (!Enabled)
        {
            return;
        }

        var table = Tables.Create("Where the time went (CPU: the thread that ran the step; total: every thread of the process)", "step", "wall", "CPU");
        Tables.AddRow(table, "start-up (runtime, JIT, arguments)", Ms(_startupWall), Ms(_startupCpu));
        lock (_gate)
        {
            foreach (var (step, wall, cpu) in _steps)
            {
                Tables.AddRow(table, step, Ms(wall), ThreadTimes ? Ms(cpu) : "");
            }
        }

        Tables.AddRow(table, "total (process)", Ms(_startupWall + Stopwatch.GetElapsedTime(_started)), Ms(ProcessTime()));
        console.Write(table);
    }

    private void Add(string step, long started, TimeSpan cpuBefore)
    {
        TimeSpan wall = Stopwatch.GetElapsedTime(started);
        TimeSpan cpu = ThreadTime() - cpuBefore;
        lock (_gate)
        {
            _steps.Add((step, wall, cpu));
        }
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Whether the calling thread's CPU time can be read (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)).</summary>
    private static bool ThreadTimes => OperatingSystem.IsLinux();

    /// <summary>The calling thread's CPU time; zero where it cannot be read.</summary>
    private static TimeSpan ThreadTime()
    {
        const int threadCpuTimeClock = 3;
        return ThreadTimes && NativeMethods.clock_gettime(threadCpuTimeClock, out NativeMethods.TimeSpec t) == 0
            ? TimeSpan.FromTicks((t.Seconds * TimeSpan.TicksPerSecond) + (t.Nanoseconds / 100))
            : TimeSpan.Zero;
    }

    private static TimeSpan ProcessTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static class NativeMethods
    {
        [StructLayout(LayoutKind.Sequential)]
        internal struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int clock_gettime(int clock, out TimeSpec time);
    }
}
