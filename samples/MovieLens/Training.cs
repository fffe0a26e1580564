using System.Diagnostics;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using Spectre.Console;

namespace MovieLensSample;

/// <summary>Trains a model behind a live progress bar that shows the train and test MSE at every report.</summary>
internal static class Training
{
    /// <summary>Builds the model from the flags, trains it behind a progress bar, and prints its options and errors.</summary>
    public static TrainedModel Run(IAnsiConsole console, string name, ModelKind kind, ModelSettings flags, DatasetSplit split, bool quick, int seed, CancellationToken cancellationToken)
    {
        TrainedModel trained = Fit(console, name, ModelFactory.Create(kind, flags, quick, seed), split, cancellationToken);
        console.MarkupLine($"[grey]{Markup.Escape(trained.Model.Options?.ToString() ?? "")}[/]");
        console.Write(Tables.Errors($"Errors of the {name} model", [trained]));
        return trained;
    }

    public static TrainedModel Fit(IAnsiConsole console, string name, IMatrixFactorizer factorizer, DatasetSplit split, CancellationToken cancellationToken)
    {
        var history = new List<TrainingProgress>();
        FactorizationModel? model = null;
        long started = Stopwatch.GetTimestamp();
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(name), maxValue: 1);
                model = factorizer.Fit(split.Train, split.Test, new LiveReport(task, name, history), cancellationToken);
                task.Value = task.MaxValue;
            });
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        return new TrainedModel(name, model!, elapsed, history, RegressionMetrics.Compute(model!, split.Train), RegressionMetrics.Compute(model!, split.Test));
    }

    /// <summary>Reports synchronously (a <see cref="Progress{T}"/> would post to the thread pool and lag behind).</summary>
    private sealed class LiveReport(ProgressTask task, string name, List<TrainingProgress> history) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            history.Add(value);
            task.MaxValue = value.TotalIterations;
            task.Value = value.Iteration;
            string test = value.ValidationMse is { } mse ? $", test MSE {Tables.F(mse)}" : "";
            task.Description = Markup.Escape($"{name}: iteration {value.Iteration}, train MSE {Tables.F(value.TrainMse)}{test}");
        }
    }
}
