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
/// one another.</para>
/// <para>A schedule that loses clearly (a timed step at least <see cref="ClearLossFactor"/> times the best
/// minimum of the probe so far) costs less: its probe stops after that step, and the next periodic probes
/// pass it over, one after the first clear loss, then two, four, up to <see cref="MaxPassedOver"/> while
/// it keeps losing clearly; a probe brought early by a drift tries every schedule. So on a shape where one
/// thread is twice as slow as two whatever the placement (the 10M-rating step), the slow schedules cost
/// a warm-up and one step at the first probe and almost nothing after, instead of
/// <c>WarmupSteps + ProbeSteps</c> steps each at every probe. Schedules the caller marks
/// as the same as another (<c>sameAs</c>) are never run.</para>
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

    /// <summary>Per schedule: false when the caller said it computes the same way as another (never run).</summary>
    private readonly bool[] _enabled;

    /// <summary>Per schedule: how many periodic probes its last clear loss passes it over (0: it did not lose clearly).</summary>
    private readonly int[] _passOver;

    /// <summary>Per schedule: how many more periodic probes pass it over.</summary>
    private readonly int[] _passOverLeft;

    private int _choice;
    private int _previous;

    // Probe state: how many schedules were probed, how many steps of the current one were run.
    private bool _probing = true;
    private int _probed;
    private int _probeStep;
    private int _winnerBeforeProbe;
    private long _probeBest = long.MaxValue;
    private bool _probeAll = true;

    // Exploitation state.
    private int _interval;
    private int _sinceProbe;
    private long _reference;
    private long _windowMinimum = long.MaxValue;
    private int _windowSteps;

    /// <summary>
    /// Creates a tuner over <paramref name="schedules"/> schedules; the first steps probe each, starting with schedule 0.
    /// <paramref name="sameAs"/>: schedules that compute exactly as another one (say, because the data leaves them
    /// no difference), which are never run; schedule 0 cannot be one.
    /// </summary>
    public ScheduleTuner(int schedules = 2, int warmupSteps = 1, int probeSteps = 3, int baseInterval = 128, int maxInterval = 1024, double driftFactor = 1.3,
        double clearLossFactor = 1.5, int maxPassedOver = 8, ReadOnlySpan<int> sameAs = default)
    {
        Debug.Assert(schedules >= 1 && warmupSteps >= 0 && probeSteps >= 1 && baseInterval >= 1 && maxInterval >= baseInterval && driftFactor > 1);
        Debug.Assert(clearLossFactor > 1 && maxPassedOver >= 0);
        Schedules = schedules;
        ClearLossFactor = clearLossFactor;
        MaxPassedOver = maxPassedOver;
        _enabled = new bool[schedules];
        _enabled.AsSpan().Fill(true);
        foreach (int same in sameAs)
        {
            Debug.Assert(same > 0 && same < schedules);
            _enabled[same] = false;
        }

        _passOver = new int[schedules];
        _passOverLeft = new int[schedules];
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

    /// <summary>How many times the best minimum of a probe so far a schedule's timed step must take for it to lose clearly (its probe stops there).</summary>
    public double ClearLossFactor { get; }

    /// <summary>The most periodic probes in a row that pass over a schedule that keeps losing clearly.</summary>
    public int MaxPassedOver { get; }

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

        bool lostClearly = false;
        if (_probeStep >= 0)
        {
            _probeMinimum[_choice] = Math.Min(_probeMinimum[_choice], elapsed);
            lostClearly = _probed > 0 && _probeMinimum[_choice] >= ClearLossFactor * _probeBest;
        }

        if (++_probeStep < ProbeSteps && !lostClearly)
        {
            return;
        }

        _probeStep = 0;
        _probeBest = Math.Min(_probeBest, _probeMinimum[_choice]);

        // The next schedule in the order winner, winner + 1, … (mod the count), passing over those the caller
        // left out and, in a periodic probe, those whose clear losses say to.
        while (++_probed < Schedules)
        {
            int next = (_winnerBeforeProbe + _probed) % Schedules;
            _probeMinimum[next] = long.MaxValue;
            if (!_enabled[next])
            {
                continue;
            }

            if (!_probeAll && _passOverLeft[next] > 0)
            {
                _passOverLeft[next]--;
                continue;
            }

            _choice = next;
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

        for (int s = 0; s < Schedules; s++)
        {
            if (s == winner || _probeMinimum[s] == long.MaxValue)
            {
                continue; // the winner, or not run in this probe: what is known of it stays
            }

            bool clear = _probeMinimum[s] >= ClearLossFactor * _probeMinimum[winner];
            _passOver[s] = !clear ? 0 : Math.Min(MaxPassedOver, _passOver[s] == 0 ? 1 : 2 * _passOver[s]);
            _passOverLeft[s] = _passOver[s];
        }

        _passOver[winner] = 0;
        _passOverLeft[winner] = 0;
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
            StartProbe(all: true);
        }
        else if (_sinceProbe >= _interval)
        {
            StartProbe(all: false);
        }
    }

    /// <summary>Probes the current winner first (it is warm), then the others (<paramref name="all"/>: even those that clear losses pass over).</summary>
    private void StartProbe(bool all)
    {
        Probes++;
        _probing = true;
        _probeAll = all;
        _probed = 0;
        _probeStep = 0;
        _probeBest = long.MaxValue;
        _winnerBeforeProbe = _choice;
        _probeMinimum[_choice] = long.MaxValue;
    }
}
