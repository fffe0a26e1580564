using System.Globalization;
using System.Text.RegularExpressions;
using CollaborativeFiltering;
using CollaborativeFiltering.Neural;
using MovieLensSample.Steps;
using Spectre.Console;

namespace MovieLensSample.Output;

/// <summary>What a training reported: the loss curve as PNG (softmax: cross-entropy and recall@10) and, for a regularized model, the loss components.</summary>
internal static partial class TrainingReport
{
    /// <summary>Train and test MSE (and the penalties, when the model has any) at every report: the notebook's loss plot.</summary>
    public static void Curve(IAnsiConsole console, TrainedModel trained, string outDir)
    {
        if (trained.Model is SoftmaxModel)
        {
            SoftmaxCurve(console, trained, outDir);
            return;
        }

        IReadOnlyList<TrainingProgress> history = trained.History;
        double[] x = [.. history.Select(p => (double)p.Iteration)];
        var series = new List<(string, double[], double[])> { ("train MSE", x, [.. history.Select(p => p.TrainMse ?? double.NaN)]) };
        if (history.All(p => p.ValidationMse is not null))
        {
            series.Add(("test MSE", x, [.. history.Select(p => p.ValidationMse!.Value)]));
        }

        if (HasPenalties(trained))
        {
            series.Add(("regularization", x, [.. history.Select(p => p.RegularizationLoss)]));
            series.Add(("gravity", x, [.. history.Select(p => p.GravityLoss)]));
            series.Add(("total loss", x, [.. history.Select(p => p.TotalLoss)]));
        }

        Charts.Save(console, outDir, FileName(trained), [Charts.Lines($"Training the {trained.Name} model", "iteration", "loss", [.. series])]);
    }

    /// <summary>The softmax network's curves: train and test cross-entropy, and beside them the test recall@10.</summary>
    private static void SoftmaxCurve(IAnsiConsole console, TrainedModel trained, string outDir)
    {
        IReadOnlyList<TrainingProgress> history = trained.History;
        double[] x = [.. history.Select(p => (double)p.Iteration)];
        var losses = new List<(string, double[], double[])> { ("train cross-entropy", x, [.. history.Select(p => p.ObservedLoss)]) };
        var panels = new List<ScottPlot.Plot>();
        if (history.All(p => p.ValidationLoss is not null && p.ValidationRecallAt10 is not null))
        {
            losses.Add(("test cross-entropy", x, [.. history.Select(p => p.ValidationLoss!.Value)]));
            panels.Add(Charts.Lines($"Test recall@10 of the {trained.Name} model", "iteration", "recall@10", ("test recall@10", x, [.. history.Select(p => p.ValidationRecallAt10!.Value)])));
        }

        panels.Insert(0, Charts.Lines($"Training the {trained.Name} model", "iteration", "cross-entropy", [.. losses]));
        Charts.Save(console, outDir, FileName(trained), [.. panels]);
    }

    private static string FileName(TrainedModel trained) => $"training-{NonAlphanumeric().Replace(trained.Name.ToLowerInvariant(), "-").Trim('-')}.png";

    /// <summary>The notebook's printout of the regularized loss: observed MSE, regularization and gravity terms, total, test MSE.</summary>
    public static void Components(IAnsiConsole console, TrainedModel trained)
    {
        if (!HasPenalties(trained))
        {
            return;
        }

        TrainingProgress last = trained.History[^1];
        var table = Tables.Create($"Loss components of the {trained.Name} model (iteration {last.Iteration})", "component", "value");
        Tables.AddRow(table, "train MSE (observed)", Tables.F(last.ObservedLoss));
        Tables.AddRow(table, "regularization (weighted)", Tables.F(last.RegularizationLoss));
        Tables.AddRow(table, "gravity (weighted)", Tables.F(last.GravityLoss));
        Tables.AddRow(table, "total loss", Tables.F(last.TotalLoss));
        Tables.AddRow(table, "test MSE", Tables.F(last.ValidationMse ?? double.NaN));
        console.Write(table);
    }

    /// <summary>At which iteration the test error was lowest, and which iteration's model the training returned (the last, unless early stopping kept an earlier one).</summary>
    public static void LowestTestError(IAnsiConsole console, TrainedModel trained)
    {
        if (!trained.History.Any(p => p.ValidationMse is not null))
        {
            return;
        }

        TrainingProgress best = trained.History.Where(p => p.ValidationMse is not null).MinBy(p => p.ValidationMse!.Value);

        TrainingProgress last = trained.History[^1];
        int returned = last.BestIteration ?? last.Iteration;
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"The {trained.Name} model's test MSE was lowest at iteration {best.Iteration} ({best.ValidationMse:0.000}); at iteration {last.Iteration} it is {last.ValidationMse:0.000}. The model shown is iteration {returned}'s")
            + (returned == last.Iteration ? " (with EarlyStoppingPatience the training would return the best iteration's)." : ", kept by early stopping.")));
    }

    private static bool HasPenalties(TrainedModel trained) =>
        trained.History.Count > 0 && trained.History.Any(p => p.RegularizationLoss != 0 || p.GravityLoss != 0);

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
