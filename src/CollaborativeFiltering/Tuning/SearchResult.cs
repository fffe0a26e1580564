using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// The outcome of a hyper-parameter search: every trial, the best one and the options to train the
/// final model with. Immutable; <see cref="ToString"/> is the trial table.
/// </summary>
/// <typeparam name="TOptions">The trainer's options record.</typeparam>
public sealed class SearchResult<TOptions>
    where TOptions : TrainerOptions
{
    internal SearchResult(SearchSpace<TOptions> space, SearchStrategy strategy, SearchObjective objective, string validation, Trial<TOptions>[] trials, Trial<TOptions> best, TimeSpan elapsed)
    {
        Parameters = space.Parameters;
        Strategy = strategy;
        Objective = objective;
        Validation = validation;
        Trials = new ReadOnlyCollection<Trial<TOptions>>(trials);
        BestTrial = best;
        Elapsed = elapsed;
        TOptions baseOptions = space.BaseOptions;
        BestOptions = (TOptions)(best.Options with
        {
            Iterations = best.BestIteration ?? best.Budget,
            EarlyStoppingPatience = baseOptions.EarlyStoppingPatience,
            MaxDegreeOfParallelism = baseOptions.MaxDegreeOfParallelism,
        });
    }

    /// <summary>The searched parameters, in the order of every trial's <see cref="Trial{TOptions}.Values"/>.</summary>
    public IReadOnlyList<SearchParameter> Parameters { get; }

    /// <summary>The strategy that chose the trials.</summary>
    public SearchStrategy Strategy { get; }

    /// <summary>The objective the trials were scored by.</summary>
    public SearchObjective Objective { get; }

    /// <summary>How the trials were validated, e.g. "10 % validation carve" or "5 folds".</summary>
    public string Validation { get; }

    /// <summary>Every trial, in the order they were scheduled (rung by rung, then by draw number).</summary>
    public IReadOnlyList<Trial<TOptions>> Trials { get; }

    /// <summary>
    /// The best trial: the best objective among the successful trials of the highest rung reached (for
    /// grid and random searches, among all), ties to the lower draw number.
    /// </summary>
    public Trial<TOptions> BestTrial { get; }

    /// <summary>
    /// The options to train the final model with, on all the training ratings: the best trial's options
    /// with <see cref="TrainerOptions.Iterations"/> set to its best iteration (when early stopping chose
    /// one; else its budget), and the base options' early stopping and parallelism.
    /// </summary>
    public TOptions BestOptions { get; }

    /// <summary>The best trial's objective.</summary>
    public double BestScore => BestTrial.Score;

    /// <summary>Wall-clock time of the whole search.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// The trial table: a heading (strategy, validation, objective), then one line per trial (draw
    /// number, rung, budget, the parameters, the best iteration, the objective, the time, marked <c>+</c>
    /// for a <see cref="Trial{TOptions}.Continued"/> trial and then explained on a line of its own), the best
    /// marked with <c>*</c>, and a closing line naming the best options.
    /// </summary>
    /// <returns>The table, lines separated by <see cref="Environment.NewLine"/>.</returns>
    public override string ToString()
    {
        var headers = new List<string> { "#", "rung", "budget" };
        foreach (SearchParameter p in Parameters)
        {
            headers.Add(p.Name);
        }

        headers.Add("best iter");
        headers.Add(Objective.Name);
        headers.Add("time");
        var rows = new List<string[]>(Trials.Count);
        foreach (Trial<TOptions> t in Trials)
        {
            var row = new List<string>
            {
                (ReferenceEquals(t, BestTrial) ? "*" : string.Empty) + t.Number.ToString(CultureInfo.InvariantCulture),
                t.Rung.ToString(CultureInfo.InvariantCulture),
                t.Budget.ToString(CultureInfo.InvariantCulture),
            };
            for (int k = 0; k < Parameters.Count; k++)
            {
                row.Add(Parameters[k].Format(t.Values[k]));
            }

            row.Add(t.BestIteration?.ToString(CultureInfo.InvariantCulture) ?? "-");
            row.Add(t.Succeeded ? t.Score.ToString("0.0000", CultureInfo.InvariantCulture) : "failed");
            row.Add((t.Continued ? "+" : string.Empty) + t.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s");
            rows.Add([.. row]);
        }

        var widths = new int[headers.Count];
        for (int c = 0; c < widths.Length; c++)
        {
            widths[c] = headers[c].Length;
            foreach (string[] row in rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Hyper-parameter search ({Strategy}; {Validation}; {Objective.Name}, {(Objective.HigherIsBetter ? "higher" : "lower")} is better): {Trials.Count} trials in {Elapsed.TotalSeconds:0.0} s").AppendLine();
        AppendRow(text, headers, widths);
        foreach (string[] row in rows)
        {
            AppendRow(text, row, widths);
        }

        if (Trials.Any(t => t.Continued))
        {
            text.AppendLine("(+ time: a trial continued from its fit of the previous rung; the time of its further iterations)");
        }

        text.Append(CultureInfo.InvariantCulture, $"Best: #{BestTrial.Number}, {Objective.Name} {BestScore:0.0000}; retrain with {BestOptions.Iterations} iterations");
        for (int k = 0; k < Parameters.Count; k++)
        {
            text.Append(", ").Append(Parameters[k].Name).Append(" = ").Append(Parameters[k].Format(BestTrial.Values[k]));
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        for (int c = 0; c < cells.Count; c++)
        {
            text.Append(c == 0 ? string.Empty : "  ").Append(cells[c].PadLeft(widths[c]));
        }

        text.AppendLine();
    }
}
