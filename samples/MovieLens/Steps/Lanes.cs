using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>
/// Runs the walkthrough's long steps (the trainings and the t-SNE map) two at a time without changing what they
/// compute or the order in which their output appears. The walkthrough queues every job up front; a worker thread
/// runs the queue in order, each job writing to its own recording console; the walkthrough's thread prints the
/// notebook in order and, at each job, <see cref="Take"/>s it: a job already done has its recorded output copied
/// to the console, a job not yet started runs there and then on the console itself (its progress bar live), and
/// while a job runs on the worker the walkthrough's thread runs the next queued job instead of waiting.
/// </summary>
/// <remarks>
/// Why the output cannot change: every trainer, and the t-SNE, computes the same result for any thread count
/// (their options promise it), so a job gets <see cref="ThreadsPerJob"/> threads — the processors shared between
/// the two lanes, one each on two cores — and the two lanes never oversubscribe the machine; jobs share no
/// mutable state (each reads the immutable split or a finished job's model). Only the measured times differ.
/// With one lane (or one processor) there is no worker and every job runs when taken, on every processor: the
/// sequential walkthrough, whose output the tests compare with the two lanes'.
/// </remarks>
internal sealed class Lanes : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Job> _queue = [];
    private readonly IAnsiConsole _console;
    private readonly StepTimings _timings;
    private readonly CancellationTokenSource _stop;
    private readonly Thread? _worker;
    private bool _stopping;

    /// <summary>Starts the worker thread, unless <paramref name="lanes"/> is 1 or there is one processor.</summary>
    /// <param name="lanes">2 to run two jobs at a time; 1 to run each when it is taken, on every processor.</param>
    public Lanes(IAnsiConsole console, StepTimings timings, int lanes, CancellationToken cancellationToken)
    {
        _console = console;
        _timings = timings;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int processors = Environment.ProcessorCount;
        bool two = lanes == 2 && processors >= 2;
        ThreadsPerJob = two ? processors / 2 : processors;
        if (two)
        {
            _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "walkthrough lane 2" };
            _worker.Start();
        }
    }

    /// <summary>The threads each job may use: half the processors when two jobs run at once, else all of them.</summary>
    public int ThreadsPerJob { get; }

    /// <summary>Cancelled when the walkthrough's token is, or when the lanes are disposed (an error ended the walkthrough).</summary>
    public CancellationToken Cancellation => _stop.Token;

    /// <summary>
    /// Queues <paramref name="work"/>, which writes what it prints to the console it is given; it runs once
    /// <paramref name="after"/> (when given) has finished, in the order queued.
    /// </summary>
    public Job<T> Queue<T>(string name, Func<IAnsiConsole, T> work, Job? after = null)
    {
        var job = new Job<T>(name, work, after);
        lock (_gate)
        {
            _queue.Add(job);
            Monitor.PulseAll(_gate);
        }

        return job;
    }

    /// <summary>
    /// The job's result, its output printed to the console here, in the walkthrough's order: run now on the
    /// console if no lane has started it, else awaited (running other queued jobs meanwhile) and its recorded
    /// output copied. Rethrows what the job threw.
    /// </summary>
    public T Take<T>(Job<T> job)
    {
        while (true)
        {
            Job? other = null;
            lock (_gate)
            {
                if (job.State == JobState.Queued && job.IsReady)
                {
                    _queue.Remove(job);
                    job.State = JobState.Running;
                }
                else if (job.State != JobState.Done)
                {
                    other = NextReady();
                    if (other is null)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }
                }
            }

            if (other is not null)
            {
                Run(other, "lane 1 (waiting)", Recording(other));
                continue;
            }

            if (job.State == JobState.Running)
            {
                Run(job, "lane 1", _console);
            }
            else
            {
                _console.Profile.Out.Writer.Write(job.Recorded!.ToString());
                _console.Profile.Out.Writer.Flush();
            }

            job.Failure?.Throw();
            return job.Result!;
        }
    }

    /// <summary>Stops the worker after its current job (the jobs see <see cref="Cancellation"/> cancelled) and waits for it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        _stop.Cancel();
        _worker?.Join();
        _stop.Dispose();
    }

    private void WorkerLoop()
    {
        while (true)
        {
            Job job;
            lock (_gate)
            {
                Job? next;
                while ((next = NextReady()) is null && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopping)
                {
                    return;
                }

                job = next!;
            }

            Run(job, "lane 2", Recording(job));
        }
    }

    /// <summary>The first queued job whose predecessor has finished, marked running; null if none. Called under the lock.</summary>
    private Job? NextReady()
    {
        Job? job = _queue.Find(j => j.IsReady);
        if (job is not null)
        {
            _queue.Remove(job);
            job.State = JobState.Running;
        }

        return job;
    }

    private void Run(Job job, string lane, IAnsiConsole console)
    {
        _timings.Time($"{job.Name} ({lane})", () => job.Execute(console));
        lock (_gate)
        {
            job.State = JobState.Done;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>A console that records text as the walkthrough's console would print it: same width, same capabilities, no live display.</summary>
    private IAnsiConsole Recording(Job job)
    {
        job.Recorded = new StringWriter();
        var capabilities = _console.Profile.Capabilities;
        IAnsiConsole recording = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = capabilities.Ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = (ColorSystemSupport)capabilities.ColorSystem,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(job.Recorded),
        });
        recording.Profile.Width = _console.Profile.Width;
        recording.Profile.Capabilities.Unicode = capabilities.Unicode;
        recording.Profile.Capabilities.Links = capabilities.Links;
        return recording;
    }

    internal enum JobState
    {
        Queued,
        Running,
        Done,
    }

    /// <summary>A queued step; its state is read and written under the lanes' lock.</summary>
    internal abstract class Job(string name, Job? after)
    {
        public string Name { get; } = name;

        public JobState State { get; set; }

        public StringWriter? Recorded { get; set; }

        public ExceptionDispatchInfo? Failure { get; protected set; }

        public bool IsReady => after is null || after.State == JobState.Done;

        public abstract void Execute(IAnsiConsole console);
    }

    internal sealed class Job<T>(string name, Func<IAnsiConsole, T> work, Job? after) : Job(name, after)
    {
        public T? Result { get; private set; }

        [DebuggerStepThrough]
        public override void Execute(IAnsiConsole console)
        {
            try
            {
                Result = work(console);
            }
            catch (Exception e)
            {
                Failure = ExceptionDispatchInfo.Capture(e);
            }
        }
    }
}
