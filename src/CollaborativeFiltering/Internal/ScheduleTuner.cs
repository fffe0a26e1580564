using System.Diagnostics;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Chooses, step after step, among a few schedules of a repeated parallel step (numbered 0 to
/// <see cref="Schedules"/> − 1: all workers, the calling thread alone, …) that compute the same bits, so
/// that the choice changes only the speed; from the times of the steps it has seen. Pure logic over the
/// elapsed times it is given (no clock of its own, so tests drive it with made-up times); allocates
/// nothing after construction.
/// </summary>
/// <remarks>
/// <para>Why: on a virtual machine the hypervisor moves two vCPUs between a close placement (a cache line
/// travels between the cores in ~100 ns) and a far one (~400 ns); a step that exchanges data between
/// the cores every phase is then faster on two threads in one placement and slower than one thread in the
/// other, and the placement changes within seconds to minutes.</para>
/// <para>The rule: a <em>probe</em> runs each schedule, the current one first, for
/// <see cref="WarmupSteps"/> untimed steps (only after a switch: the data has to move to the other
/// core's cache, a parked worker to wake) and then <see cref="ProbeSteps"/> timed ones, and keeps the
/// schedule with the smallest minimum (the minimum, not the mean: a step that lost the processor to
/// another process says nothing about the placement; a tie keeps the current one). Then it runs the
/// winner and probes again after <see cref="BaseInterval"/> steps, doubling the interval up to
/// <see cref="MaxInterval"/> while probes keep the same winner, back to the base when it changes; and
/// early, when the winner's minimum over a window of <see cref="ProbeSteps"/> steps exceeds
/// <see cref="DriftFactor"/> times its probed minimum (the placement got worse; that another schedule got
/// better only a periodic probe can find), but not before <see cref="DriftGap"/> steps after the last
/// probe, so that on a machine busy with other work, whose steps are slow at random, probes do not follow
/// one another. A probe costs at most <c>WarmupSteps + ProbeSteps</c> steps of
/// each slower schedule: with the defaults and the full-batch step's four schedules, 12 steps per probe, 9% of
/// the steps while the interval is short and about 1% once it has grown.</para>
/// <para>Only the full-batch step uses it. Every trainer of the library is bit-identical for any thread
/// count, so any could (<see cref="WorkerPool.Run(IBlockWork, int, bool, CancellationToken)"/> runs a phase on
/// the caller alone); but their phases do far more arithmetic per byte crossing between the cores (ALS:
/// d² per rating and a d³ solve per row; SGD: each block's rows stay on one core for a sub-epoch), so the far
/// placement should cost them little, and on them a probe would spend steps on one thread for nothing. That
/// is to be measured (placement-classified rounds, as benchmarks/placement-fullbatch.sh does) before they
/// adopt it.</para>
/// </remarks>
internal sealed class ScheduleTuner
{
    private readonly long[] _probeMinimum;
    private int _choice;
    private int _previous;

    // Probe state: how many schedules were probed, how many steps of the current one were run.
    private bool _probing = true;
    private int _probed;
    private int _probeStep;
    private int _winnerBeforeProbe;

    // Exploitation state.
    private int _interval;
    private int _sinceProbe;
    private long _reference;
    private long _windowMinimum = long.MaxValue;
    private int _windowSteps;

    /// <summary>Creates a tuner over <paramref name="schedules"/> schedules; the first steps probe each, starting with schedule 0.</summary>
    public ScheduleTuner(int schedules = 2, int warmupSteps = 1, int probeSteps = 3, int baseInterval = 128, int maxInterval = 1024, double driftFactor = 1.3)
    {
        Debug.Assert(schedules >= 1 && warmupSteps >= 0 && probeSteps >= 1 && baseInterval >= 1 && maxInterval >= baseInterval && driftFactor > 1);
        Schedules = schedules;
        WarmupSteps = warmupSteps;
        ProbeSteps = probeSteps;
        BaseInterval = baseInterval;
        MaxInterval = maxInterval;
        DriftFactor = driftFactor;
        _interval = baseInterval;
        DriftGap = Math.Min(baseInterval, 4 * schedules * (warmupSteps + probeSteps));
        _probeMinimum = new long[schedules];
        _probeMinimum.AsSpan().Fill(long.MaxValue);
    }

    /// <summary>The number of schedules.</summary>
    public int Schedules { get; }

    /// <summary>Untimed steps after a switch, before a probe times a schedule.</summary>
    public int WarmupSteps { get; }

    /// <summary>Timed steps per schedule in a probe; also the window of the drift check.</summary>
    public int ProbeSteps { get; }

    /// <summary>Steps between probes after a probe that changed the schedule.</summary>
    public int BaseInterval { get; }

    /// <summary>The longest interval between probes.</summary>
    public int MaxInterval { get; }

    /// <summary>How much slower than its probed minimum the winner may get before a probe comes early.</summary>
    public double DriftFactor { get; }

    /// <summary>The steps after a probe before a slowdown may bring the next one early: four probes' worth (at most the base interval).</summary>
    public int DriftGap { get; }

    /// <summary>The schedule for the next step.</summary>
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
        // A schedule that the previous step did not use starts with untimed warm-up steps.
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
        if (++_probed < Schedules)
        {
            // The next schedule in the order winner, winner + 1, … (mod the count).
            _choice = (_winnerBeforeProbe + _probed) % Schedules;
            _probeMinimum[_choice] = long.MaxValue;
            return;
        }

        int winner = _winnerBeforeProbe;
        for (int s = 0; s < Schedules; s++)
        {
            if (_probeMinimum[s] < _probeMinimum[winner])
            {
                winner = s;
            }
        }

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
            drifted = _windowMinimum > DriftFactor * _reference && _sinceProbe >= DriftGap;
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

    /// <summary>Probes the current winner first (it is warm), then the others.</summary>
    private void StartProbe()
    {
        Probes++;
        _probing = true;
        _probed = 0;
        _probeStep = 0;
        _winnerBeforeProbe = _choice;
        _probeMinimum[_choice] = long.MaxValue;
    }
}
