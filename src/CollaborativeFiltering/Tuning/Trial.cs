using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// One trial of a hyper-parameter search: one draw of the parameters trained with one budget (on every
/// fold), its objective on the held-out ratings and what the training did. Immutable.
/// </summary>
/// <typeparam name="TOptions">The trainer's options record.</typeparam>
public sealed class Trial<TOptions>
    where TOptions : TrainerOptions
{
    internal Trial(int number, int rung, TOptions options, double[] values, int? bestIteration, double score, string? failure, TimeSpan elapsed, bool continued = false)
    {
        Continued = continued;
        Number = number;
        Rung = rung;
        Options = options;
        Values = new ReadOnlyCollection<double>(values);
        BestIteration = bestIteration;
        Score = score;
        Failure = failure;
        Elapsed = elapsed;
    }

    /// <summary>The number of the parameter draw, from 1 (a draw trained on several rungs keeps its number).</summary>
    public int Number { get; }

    /// <summary>The rung, from 0 (always 0 for grid and random searches).</summary>
    public int Rung { get; }

    /// <summary>The options the trial trained with: the draw applied to the base options, with the rung's budget as <see cref="TrainerOptions.Iterations"/>, the search's early stopping and the trial's share of the processors.</summary>
    public TOptions Options { get; }

    /// <summary>The parameters' values, in the order of <see cref="SearchSpace{TOptions}.Parameters"/> (integer parameters rounded).</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>The budget: the most iterations the trial could train.</summary>
    public int Budget => Options.Iterations;

    /// <summary>
    /// The iteration whose model was kept, when early stopping watched the trial (the mean over the folds,
    /// rounded); <see langword="null"/> when the trainer cannot stop early or the trial failed.
    /// </summary>
    public int? BestIteration { get; }

    /// <summary>The objective on the held-out ratings (the mean over the folds); NaN when the trial failed.</summary>
    public double Score { get; }

    /// <summary>Why the trial failed (its training diverged), or <see langword="null"/>.</summary>
    public string? Failure { get; }

    /// <summary>Whether the trial trained and was scored.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>Wall-clock time of the trial, all folds (for a <see cref="Continued"/> trial, the time of its further iterations).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// Whether the trial trained on from its draw's fits of the previous rung instead of from the start
    /// (successive halving with a trainer whose fits can be continued, see
    /// <see cref="SearchStrategy.SuccessiveHalving"/>): the same result bit for bit, in less time.
    /// </summary>
    public bool Continued { get; }

    /// <summary>E.g. "trial #4, rung 2, budget 3: 0.7335 (0.1 s)", or the failure.</summary>
    /// <returns>The trial on one line.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"trial #{Number}, rung {Rung}, budget {Budget}: {(Succeeded ? Display.Number(Score) : "failed: " + Failure)} ({Display.Seconds(Elapsed)})");
}
