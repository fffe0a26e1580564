using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Internal;

/// <summary>The tuner's rule, driven by made-up step times (no clock, no timing).</summary>
public sealed class ScheduleTunerTests
{
    private const int All = 0;
    private const int Alone = 1;
    private const int Gather = 2;

    [Fact]
    public void Record_FirstProbe_TimesEverySchedulesAfterAWarmupAndKeepsTheFastest()
    {
        var tuner = new ScheduleTuner(schedules: 2, warmupSteps: 1, probeSteps: 3, baseInterval: 100);
        int[] choices = Run(tuner, 8, choice => choice == All ? 300 : 440);

        // Schedule 0 timed 3 times (no switch before it), then schedule 1: 1 warm-up + 3 timed.
        choices.Should().Equal(All, All, All, Alone, Alone, Alone, Alone, All);
        tuner.Probing.Should().BeFalse();
    }

    [Fact]
    public void Record_ThreeSchedules_ProbesEachInTurnAndKeepsTheFastest()
    {
        var tuner = new ScheduleTuner(schedules: 3, warmupSteps: 1, probeSteps: 2, baseInterval: 100);
        int[] choices = Run(tuner, 9, choice => choice switch { All => 300, Alone => 440, _ => 250 });

        choices.Should().Equal(All, All, Alone, Alone, Alone, Gather, Gather, Gather, Gather);
        tuner.Choice.Should().Be(Gather);
        Run(tuner, 50, choice => choice switch { All => 300, Alone => 440, _ => 250 }).Should().OnlyContain(c => c == Gather);
    }

    [Fact]
    public void Record_OneThreadFaster_RunsOnTheCallerAlone()
    {
        var tuner = new ScheduleTuner(schedules: 2, warmupSteps: 1, probeSteps: 3, baseInterval: 100);
        Run(tuner, 7, choice => choice == All ? 620 : 440);

        tuner.Choice.Should().Be(Alone);
        Run(tuner, 50, choice => choice == All ? 620 : 440).Should().OnlyContain(c => c == Alone);
    }

    [Fact]
    public void Record_WarmupStepAfterASwitch_IsNotTimed()
    {
        var tuner = new ScheduleTuner(schedules: 2, warmupSteps: 1, probeSteps: 3, baseInterval: 100);
        int step = 0;

        // The first step on the caller alone is very slow (the data is in the other core's cache), the next ones fast.
        Run(tuner, 7, choice => choice == All ? 300 : (++step == 1 ? 5000 : 200));

        tuner.Choice.Should().Be(Alone);
    }

    [Fact]
    public void Record_MinimumNotMean_OneDescheduledStepDoesNotDecide()
    {
        var tuner = new ScheduleTuner(schedules: 2, warmupSteps: 0, probeSteps: 3, baseInterval: 100);
        long[] allTimes = [250, 9000, 250];
        int k = 0;
        Run(tuner, 6, choice => choice == All ? allTimes[k++] : 360); // within ClearLossFactor of 250: probed in full

        tuner.Choice.Should().Be(All);
    }

    [Fact]
    public void Record_PlacementGetsWorse_ProbesEarlyAndSwitches()
    {
        var tuner = new ScheduleTuner(schedules: 2, warmupSteps: 1, probeSteps: 3, baseInterval: 1000, maxInterval: 1000);
        Run(tuner, 7, choice => choice == All ? 250 : 440);
        tuner.Choice.Should().Be(All);

        // The two cores move apart: two threads now take 620 per step. Within a window of 3 steps
        // the drift is seen and a probe (3 + 4 steps) picks the caller alone, long before the interval,
        // although it had lost clearly (440 ≥ 1.5 × 250): a probe a drift brings tries every schedule.
        Run(tuner, tuner.DriftGap, choice => choice == All ? 250 : 440);
        int[] after = Run(tuner, 12, choice => choice == All ? 620 : 440);

        tuner.Choice.Should().Be(Alone);
        after[^1].Should().Be(Alone);
        tuner.Probes.Should().Be(2);
    }

    [Fact]
    public void Record_BusyMachineSlowStepsAtRandom_ProbesAtMostOnceADriftGap()
    {
        var tuner = new ScheduleTuner(schedules: 3);
        var random = new Random(5);

        // Another process takes the core most of the time: 60% of the steps are 2-3× slower, at random,
        // so that a window of three steps is often slow enough for a drift (without the gap: ~400 probes).
        Run(tuner, 10_000, choice => (choice == All ? 250 : 400) * (random.NextDouble() < 0.6 ? 2 + random.Next(2) : 1));

        int probeLength = (tuner.Schedules * (tuner.WarmupSteps + tuner.ProbeSteps)) - tuner.WarmupSteps;
        tuner.Probes.Should().BeGreaterThan(20).And.BeLessThanOrEqualTo((10_000 / (tuner.DriftGap + probeLength)) + 1);
    }

    [Fact]
    public void Record_SomeSlowStepsAtRandom_MostStepsOnTheFastest()
    {
        var tuner = new ScheduleTuner(schedules: 3);
        var random = new Random(6);

        // 20% of the steps 2-3× slower: the minimum of three sees through most of it.
        int[] choices = Run(tuner, 10_000, choice => (choice == All ? 250 : 400) * (random.NextDouble() < 0.2 ? 2 + random.Next(2) : 1));

        choices.Count(c => c == All).Should().BeGreaterThan(9_000);
    }

    [Fact]
    public void Record_PlacementGetsBetter_PeriodicProbeSwitchesBack()
    {
        var tuner = new ScheduleTuner(schedules: 2, warmupSteps: 1, probeSteps: 3, baseInterval: 64, maxInterval: 1024);
        Run(tuner, 7, choice => choice == All ? 620 : 440);
        tuner.Choice.Should().Be(Alone);

        // The caller alone never gets slower, so no drift: the periodic probe finds two threads fast again.
        Run(tuner, 64 + 7 + 1, choice => choice == All ? 250 : 440);

        tuner.Choice.Should().Be(All);
    }

    [Fact]
    public void Record_StablePlacement_ProbesEverLessOftenAndCostsLittle()
    {
        var tuner = new ScheduleTuner(schedules: 3);
        int[] choices = Run(tuner, 20_000, choice => choice switch { All => 250, Alone => 440, _ => 300 });

        double slowerSteps = choices.Count(c => c != All) / (double)choices.Length;
        slowerSteps.Should().BeLessThan(0.01);
        tuner.Probes.Should().BeInRange(20, 30); // after 128, 256, 512, then every 1024 steps
        choices[^1].Should().Be(All);
    }

    [Fact]
    public void Record_SameTimes_SameChoices()
    {
        long Time(int choice, int step) => choice == All ? 200 + ((step * 7919) % 300) : 400;
        int[] first = Run(new ScheduleTuner(schedules: 3), 3000, Time);
        int[] second = Run(new ScheduleTuner(schedules: 3), 3000, Time);

        second.Should().Equal(first);
        first.Should().Contain(Alone).And.Contain(All).And.Contain(Gather);
    }

    [Fact]
    public void Record_ClearLoser_ItsProbeStopsAfterOneTimedStep()
    {
        var tuner = new ScheduleTuner(schedules: 2, warmupSteps: 1, probeSteps: 3, baseInterval: 100);

        // 500 ≥ 1.5 × 250: after its warm-up and one timed step the caller alone has lost, whatever its next two steps.
        int[] choices = Run(tuner, 6, choice => choice == All ? 250 : 500);

        choices.Should().Equal(All, All, All, Alone, Alone, All);
        tuner.Probing.Should().BeFalse();
    }

    [Fact]
    public void Record_ClearLoser_PeriodicProbesPassItOverOneTwoFourThenUpToTheMost()
    {
        var tuner = new ScheduleTuner(schedules: 3, warmupSteps: 1, probeSteps: 3, baseInterval: 10, maxInterval: 10, maxPassedOver: 8);
        var aloneIn = new SortedSet<int>();
        var gatherIn = new SortedSet<int>();
        while (tuner.Probes <= 40)
        {
            int probe = tuner.Probes;
            if (tuner.Choice == Alone)
            {
                aloneIn.Add(probe);
            }
            else if (tuner.Choice == Gather)
            {
                gatherIn.Add(probe);
            }

            // The caller alone loses clearly (2×), gathering only just (1.32×): gathering is probed every time.
            tuner.Record(tuner.Choice switch { All => 250, Alone => 500, _ => 330 });
        }

        // Probed in probe 1, passed over once, probed in 3, passed over twice, in 6, four times, in 11, then every ninth.
        aloneIn.Should().Equal(1, 3, 6, 11, 20, 29, 38);
        gatherIn.Should().Equal(Enumerable.Range(1, 40));
        tuner.Choice.Should().Be(All);
    }

    [Fact]
    public void Record_ScheduleSameAsAnother_IsNeverRun()
    {
        // Schedule 2 would be the fastest, but the caller said it is the same step as another one (the data leaves no difference).
        var tuner = new ScheduleTuner(schedules: 4, baseInterval: 16, maxInterval: 64, sameAs: [Gather]);
        int[] choices = Run(tuner, 2_000, choice => choice switch { All => 300, Alone => 440, Gather => 100, _ => 250 });

        choices.Should().NotContain(Gather);
        choices.Count(c => c == 3).Should().BeGreaterThan(1_800);
    }

    /// <summary>Runs <paramref name="steps"/> steps, each taking the time the function gives for the tuner's choice; returns the choices.</summary>
    private static int[] Run(ScheduleTuner tuner, int steps, Func<int, long> time) => Run(tuner, steps, (choice, _) => time(choice));

    private static int[] Run(ScheduleTuner tuner, int steps, Func<int, int, long> time)
    {
        int[] choices = new int[steps];
        for (int step = 0; step < steps; step++)
        {
            choices[step] = tuner.Choice;
            tuner.Record(time(tuner.Choice, step));
        }

        return choices;
    }
}
