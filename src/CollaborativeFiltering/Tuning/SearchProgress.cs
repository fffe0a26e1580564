using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tuning;

/// <summary>Where a hyper-parameter search stands, reported after every trial.</summary>
/// <param name="CompletedTrials">Trials finished so far (a trial is one options tried at one budget, over every fold).</param>
/// <param name="TotalTrials">Trials the search will run in all.</param>
/// <param name="Rung">The rung of the trial just finished (0 except in successive halving).</param>
/// <param name="Score">The objective of the trial just finished; NaN when it failed.</param>
/// <param name="BestScore">The best objective so far; NaN while no trial has succeeded.</param>
/// <param name="Elapsed">Wall-clock time since the search started.</param>
public readonly record struct SearchProgress(int CompletedTrials, int TotalTrials, int Rung, double Score, double BestScore, TimeSpan Elapsed)
{
    /// <summary>E.g. "trial 5 of 39 (rung 0): 0.9413, best 0.9405, 2.4 s".</summary>
    /// <returns>The progress on one line.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"trial {CompletedTrials} of {TotalTrials} (rung {Rung}): {(double.IsNaN(Score) ? "failed" : Display.Number(Score))}, best {(double.IsNaN(BestScore) ? "none yet" : Display.Number(BestScore))}, {Display.Seconds(Elapsed)}");
}
