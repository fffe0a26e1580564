using System.Diagnostics;
using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using MovieLensSample.Commands;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>
/// Trains a model behind a live progress bar that shows the train and test MSE (softmax: cross-entropy
/// and recall@10; BPR: its loss and recall@10) at every report. Every model goes through the library's one trainer abstraction,
/// <see cref="ITrainer{TModel}"/>.
/// </summary>
internal static class TrainStep
{
    /// <summary>Builds the trainer from the flags, trains behind a progress bar, and prints the model's options and errors.</summary>
    public static TrainedModel Run(IAnsiConsole console, string name, ModelKind kind, ModelSettings flags, DatasetSplit split, bool quick, int seed, CancellationToken cancellationToken)
    {
        TrainedModel trained = Fit(console, name, ModelFactory.Create(kind, flags, quick, seed), kind == ModelKind.Softmax, split, cancellationToken);
        console.MarkupLine($"[grey]Settings: {Markup.Escape(ModelKinds.Describe(trained.Model))}[/]");
        if (trained.Model.PredictsRatings)
        {
            console.Write(Tables.Errors($"Errors of the {name} model", [trained]));
        }
        else
        {
            console.MarkupLine(Markup.Escape($"{name}: {trained.IterationsRun} iterations in {Tables.Seconds(trained.Elapsed)}. It ranks movies and predicts no ratings, so it has no MSE; its ranking quality follows."));
        }
        return trained;
    }

    /// <summary>
    /// Trains on the training ratings with the test ratings as validation. A model whose scores are not
    /// ratings (implicit ALS, EASE, the softmax network, which learns which movies each user rated) has no
    /// rating errors; the network's reports are its cross-entropy and recall@10.
    /// </summary>
    public static TrainedModel Fit(IAnsiConsole console, string name, ITrainer<IRecommenderModel> trainer, bool crossEntropy, DatasetSplit split, CancellationToken cancellationToken)
    {
        var history = new List<TrainingProgress>();
        var (model, elapsed) = WithProgressBar(console, name, task => trainer.Fit(split.Train, split.Test, new LiveReport(task, name, crossEntropy, history), cancellationToken));
        bool ratings = model.PredictsRatings;
        return new TrainedModel(name, model, elapsed, history, ratings ? RegressionMetrics.Compute(model, split.Train) : null, ratings ? RegressionMetrics.Compute(model, split.Test) : null);
    }

    private static (T Model, TimeSpan Elapsed) WithProgressBar<T>(IAnsiConsole console, string name, Func<ProgressTask, T> fit)
        where T : class
    {
        T? model = null;
        long started = Stopwatch.GetTimestamp();
        console.Progress()
            .AutoClear(false)
            // A narrow bar and a short description keep the line within 80 columns (the time is in the table after).
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 12 }, new PercentageColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(name), maxValue: 1);
                model = fit(task);
                task.Value = task.MaxValue;
            });
        return (model!, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Reports synchronously (a <see cref="Progress{T}"/> would post to the thread pool and lag behind).</summary>
    private sealed class LiveReport(ProgressTask task, string name, bool crossEntropy, List<TrainingProgress> history) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            history.Add(value);
            task.MaxValue = value.TotalIterations;
            task.Value = value.Iteration;
            task.Description = Markup.Escape(crossEntropy ? CrossEntropy(value) : Mse(value));
        }

        private string Mse(TrainingProgress value)
        {
            if (value.TrainMse is null && value.ValidationMse is null)
            {
                return Ranking(value);
            }

            string test = value.ValidationMse is { } mse ? $", test {Tables.F(mse)}" : "";
            return $"{name}: MSE train {Tables.F(value.TrainMse ?? double.NaN)}{test}";
        }

        /// <summary>The reports of a ranking model without a rating error (BPR): its training loss and recall@10 of every test rating.</summary>
        private string Ranking(TrainingProgress value)
        {
            string recall = value.ValidationRecallAt10 is { } r ? $", recall@10 {Tables.F(r)}" : "";
            return $"{name}: loss {Tables.F(value.ObservedLoss)}{recall}";
        }

        /// <summary>The softmax network's reports: training and test cross-entropy (recall@10 is in its chart).</summary>
        private string CrossEntropy(TrainingProgress value)
        {
            string test = value.ValidationLoss is { } loss ? $", test {Tables.F(loss)}" : "";
            return $"{name}: cross-entropy train {Tables.F(value.ObservedLoss)}{test}";
        }
    }
}
