using System.Diagnostics;
using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using MovieLensSample.Commands;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>Trains a model behind a live progress bar that shows the train and test MSE (softmax: cross-entropy and recall@10) at every report.</summary>
internal static class Training
{
    /// <summary>Builds the model from the flags, trains it behind a progress bar, and prints its options and errors.</summary>
    public static TrainedModel Run(IAnsiConsole console, string name, ModelKind kind, ModelSettings flags, DatasetSplit split, bool quick, int seed, CancellationToken cancellationToken)
    {
        TrainedModel trained = kind == ModelKind.Softmax
            ? FitSoftmax(console, name, ModelFactory.CreateSoftmax(flags, quick, seed), split, cancellationToken)
            : Fit(console, name, ModelFactory.Create(kind, flags, quick, seed), split, cancellationToken);
        console.MarkupLine($"[grey]{Markup.Escape(ModelKinds.Describe(trained.Model))}[/]");
        console.Write(Tables.Errors($"Errors of the {name} model", [trained]));
        return trained;
    }

    public static TrainedModel Fit(IAnsiConsole console, string name, IMatrixFactorizer factorizer, DatasetSplit split, CancellationToken cancellationToken)
    {
        var history = new List<TrainingProgress>();
        var (model, elapsed) = WithProgressBar(console, name, task => factorizer.Fit(split.Train, split.Test, new LiveReport(task, name, history), cancellationToken));
        return new TrainedModel(name, model, elapsed, history, RegressionMetrics.Compute(model, split.Train), RegressionMetrics.Compute(model, split.Test));
    }

    /// <summary>
    /// Trains the softmax network on which movies each user rated (not the values), reporting its cross-entropy and recall@10 on the test ratings.
    /// Its scores are logits, not ratings, so it has no rating errors.
    /// </summary>
    public static TrainedModel FitSoftmax(IAnsiConsole console, string name, SoftmaxTrainer recommender, DatasetSplit split, CancellationToken cancellationToken)
    {
        var history = new List<TrainingProgress>();
        var (model, elapsed) = WithProgressBar(console, name, task => recommender.Fit(split.Train, split.Test, new SoftmaxReport(task, name, history), cancellationToken));
        return new TrainedModel(name, model, elapsed, [], null, null) { SoftmaxHistory = history };
    }

    private static (T Model, TimeSpan Elapsed) WithProgressBar<T>(IAnsiConsole console, string name, Func<ProgressTask, T> fit)
        where T : class
    {
        T? model = null;
        long started = Stopwatch.GetTimestamp();
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(name), maxValue: 1);
                model = fit(task);
                task.Value = task.MaxValue;
            });
        return (model!, Stopwatch.GetElapsedTime(started));
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
            task.Description = Markup.Escape($"{name}: iteration {value.Iteration}, train MSE {Tables.F(value.TrainMse ?? double.NaN)}{test}");
        }
    }

    /// <summary>The softmax network's reports: training and test cross-entropy, and recall@10 of every test rating.</summary>
    private sealed class SoftmaxReport(ProgressTask task, string name, List<TrainingProgress> history) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            history.Add(value);
            task.MaxValue = value.TotalIterations;
            task.Value = value.Iteration;
            string test = value.ValidationLoss is { } loss ? $", test cross-entropy {Tables.F(loss)}" : "";
            string recall = value.ValidationRecallAt10 is { } r ? $", test recall@10 {Tables.F(r)}" : "";
            task.Description = Markup.Escape($"{name}: iteration {value.Iteration}, train cross-entropy {Tables.F(value.ObservedLoss)}{test}{recall}");
        }
    }
}
