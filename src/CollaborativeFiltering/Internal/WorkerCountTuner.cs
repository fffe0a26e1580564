using System.Diagnostics;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Chooses, step after step, whether a repeated parallel step runs on all of a <see cref="WorkerPool"/>'s
/// workers (<see cref="AllWorkers"/>) or on the calling thread alone (<see cref="CallerOnly"/>), from the
/// times of the steps it has seen; for work whose result is the same bits either way (the full-batch step),
/// so that the choice changes only the speed. Pure logic over the elapsed times it is given (no clock of
/// its own, so tests drive it with made-up times); allocates nothing after construction.
/// </summary>
/// <remarks>
/// <para>Why: on a virtual machine the hypervisor moves two vCPUs between a close placement (a cache line
/// travels between the cores in ~100 ns) and a far one (~400 ns); a step that exchanges its data between
/// the cores every phase is then faster on two threads in one placement and slower than one thread in the
/// other, and the placement changes within seconds to minutes.</para>
/// <para>The rule: a <em>probe</em> runs each choice for <see cref="WarmupSteps"/> untimed steps (only
/// after a switch: the data has to move to the other core's cache, the parked worker to wake) and then
/// <see cref="ProbeSteps"/> timed ones, and keeps the choice with the smaller minimum (the minimum, not
/// the mean: a step that lost the processor to another process says nothing about the placement). Then
/// it runs the winner and probes again after <see cref="BaseInterval"/> steps, doubling the interval up
/// to <see cref="MaxInterval"/> while probes keep choosing the same, back to the base when they change;
/// and early, when the winner's minimum over a window of <see cref="ProbeSteps"/> steps exceeds
/// <see cref="DriftFactor"/> times its probed minimum (the placement got worse; a better placement of
/// the other choice only a periodic probe can find). A probe costs at most
/// <c>WarmupSteps + ProbeSteps</c> steps of the slower choice, so with the defaults at most about 3% of
/// the steps in the worst case and under 0.5% once the interval has grown.</para>
/// </remarks>
internal sealed class WorkerCountTuner
{
    /// <summary>Run the step on every worker.</summary>
    public const int AllWorkers = 0;

    /// <summary>Run the step on the calling thread alone.</summary>
    public const int CallerOnly = 1;

    private readonly long[] _probeMinimum = new long[2];
    private int _choice = AllWorkers;
    private int _previous = AllWorkers;

    // Probe state: the candidate being probed, how many of its steps were run, and which comes next.
    private bool _probing = true;
    private int _probeIndex;
    private int _probeStep;
    private int _winnerBeforeProbe = AllWorkers;

    // Exploitation state.
    private int _interval;
    private int _sinceProbe;
    private long _reference;
    private long _windowMinimum = long.MaxValue;
    private int _windowSteps;

    /// <summary>Creates a tuner; the first steps probe both choices, starting with <see cref="AllWorkers"/>.</summary>
    public WorkerCountTuner(int warmupSteps = 1, int probeSteps = 3, int baseInterval = 128, int maxInterval = 1024, double driftFactor = 1.3)
    {
        Debug.Assert(warmupSteps >= 0 && probeSteps >= 1 && baseInterval >= 1 && maxInterval >= baseInterval && driftFactor > 1);
        WarmupSteps = warmupSteps;
        ProbeSteps = probeSteps;
        BaseInterval = baseInterval;
        MaxInterval = maxInterval;
        DriftFactor = driftFactor;
        _interval = baseInterval;
        _probeMinimum[AllWorkers] = long.MaxValue;
    }

    /// <summary>Untimed steps after a switch, before a probe times a choice.</summary>
    public int WarmupSteps { get; }

    /// <summary>Timed steps per choice in a probe; also the window of the drift check.</summary>
    public int ProbeSteps { get; }

    /// <summary>Steps between probes after a probe that changed the choice.</summary>
    public int BaseInterval { get; }

    /// <summary>The longest interval between probes.</summary>
    public int MaxInterval { get; }

    /// <summary>How much slower than its probed minimum the winner may get before a probe comes early.</summary>
    public double DriftFactor { get; }

    /// <summary>The choice for the next step: <see cref="AllWorkers"/> or <see cref="CallerOnly"/>.</summary>
    public int Choice => _choice;

    /// <summary>Whether the next step is part of a probe.</summary>
    public bool Probing => _probing;

    /// <summary>Probes started so far (the first included).</summary>
    public int Probes { get; private set; } = 1;

    /// <summary>Records the elapsed time (any unit, the same every time) of the step just run with <see cref="Choice"/>, and chooses the next.</summary>
    public void Record(long elapsed)
    {
        bool switched = _choice != _previous;
        _previous = _choice;
        if (_probing)
        {
            RecordProbe(elapsed, switched);
        }
        else
        {
            RecordExploit(elapsed);
        }
    }

    private void RecordProbe(long elapsed, bool switched)
    {
        // A probe of a choice that the previous step did not use starts with untimed warm-up steps.
        if (_probeStep == 0 && switched && WarmupSteps > 0)
        {
            _probeStep = -WarmupSteps;
        }

        if (_probeStep >= 0)
        {
            _probeMinimum[_choice] = Math.Min(_probeMinimum[_choice], elapsed);
        }

        if (++_probeStep < ProbeSteps)
        {
            return;
        }

        _probeStep = 0;
        if (++_probeIndex < 2)
        {
            _choice = 1 - _choice;
            _probeMinimum[_choice] = long.MaxValue;
            return;
        }

        // Both timed: the faster wins (a tie keeps the previous winner).
        int other = 1 - _winnerBeforeProbe;
        int winner = _probeMinimum[other] < _probeMinimum[_winnerBeforeProbe] ? other : _winnerBeforeProbe;
        _interval = winner == _winnerBeforeProbe && Probes > 1 ? Math.Min(2 * _interval, MaxInterval) : BaseInterval;
        _choice = winner;
        _reference = _probeMinimum[winner];
        _probing = false;
        _sinceProbe = 0;
        _windowMinimum = long.MaxValue;
        _windowSteps = 0;
    }

    private void RecordExploit(long elapsed)
    {
        _sinceProbe++;
        _windowMinimum = Math.Min(_windowMinimum, elapsed);
        bool drifted = false;
        if (++_windowSteps == ProbeSteps)
        {
            drifted = _windowMinimum > DriftFactor * _reference;
            _windowMinimum = long.MaxValue;
            _windowSteps = 0;
        }

        if (drifted)
        {
            _interval = BaseInterval;
            StartProbe();
        }
        else if (_sinceProbe >= _interval)
        {
            StartProbe();
        }
    }

    /// <summary>Probes the current winner first (it is warm), then the other choice.</summary>
    private void StartProbe()
    {
        Probes++;
        _probing = true;
        _probeIndex = 0;
        _probeStep = 0;
        _winnerBeforeProbe = _choice;
        _probeMinimum[_choice] = long.MaxValue;
    }
}
