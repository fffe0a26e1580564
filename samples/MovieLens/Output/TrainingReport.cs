using System.Globalization;
using System.Text.RegularExpressions;
using CollaborativeFiltering;
using CollaborativeFiltering.Factorization;
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

        if (trained.History is [{ TotalIterations: 1 }])
        {
            console.MarkupLine($"[grey]The {Markup.Escape(trained.Name)} model fits in one pass: there is no training curve.[/]");
            return;
        }

        if (IsBpr(trained))
        {
            BprCurve(console, trained, outDir);
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
            // Only the terms the model has: a regularized model with λ_g = 0 gets no flat gravity line.
            if (history.Any(p => p.RegularizationLoss != 0))
            {
                series.Add(("regularization", x, [.. history.Select(p => p.RegularizationLoss)]));
            }

            if (history.Any(p => p.GravityLoss != 0))
            {
                series.Add(("gravity", x, [.. history.Select(p => p.GravityLoss)]));
            }

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

    /// <summary>BPR's curves: its loss −ln σ(x_ui − x_uj) per sampled triple and L2 term, and beside them the test recall@10.</summary>
    private static void BprCurve(IAnsiConsole console, TrainedModel trained, string outDir)
    {
        IReadOnlyList<TrainingProgress> history = trained.History;
        double[] x = [.. history.Select(p => (double)p.Iteration)];
        var panels = new List<ScottPlot.Plot>
        {
            Charts.Lines($"Training the {trained.Name} model", "epoch", "loss per triple",
                ("BPR loss", x, [.. history.Select(p => p.ObservedLoss)]), ("regularization", x, [.. history.Select(p => p.RegularizationLoss)])),
        };
        if (history.All(p => p.ValidationRecallAt10 is not null))
        {
            panels.Add(Charts.Lines($"Test recall@10 of the {trained.Name} model", "epoch", "recall@10", ("test recall@10", x, [.. history.Select(p => p.ValidationRecallAt10!.Value)])));
        }

        Charts.Save(console, outDir, FileName(trained), [.. panels]);
    }

    private static bool IsBpr(TrainedModel trained) => trained.Model is FactorizationModel { Options: BprOptions };

    private static string FileName(TrainedModel trained) => $"training-{NonAlphanumeric().Replace(trained.Name.ToLowerInvariant(), "-").Trim('-')}.png";

    /// <summary>
    /// The notebook's printout of the regularized loss, for the final model: its train MSE (the errors table's),
    /// the weighted regularization and gravity terms it has, and their total. The terms are computed here from the
    /// final embeddings with the notebook's formulas (the training reports give them at the point each step was
    /// taken from, one step earlier): r = (1/N)·Σ‖U_i‖² + (1/M)·Σ‖V_j‖², g = (1/(N·M))·Σ (UᵀU ⊙ VᵀV).
    /// </summary>
    public static void Components(IAnsiConsole console, TrainedModel trained)
    {
        if (trained.Model is not FactorizationModel { Options: RegularizedOptions options } model || trained.Train is not { } train)
        {
            return;
        }

        (double r, double g) = Penalties(model.UserEmbeddings, model.ItemEmbeddings, model.Dimensions);
        double regularization = options.RegularizationWeight * r;
        double gravity = options.GravityWeight * g;
        var table = Tables.Create($"Loss of the {trained.Name} model after {trained.IterationsRun} iterations", "term", "value");
        Tables.AddRow(table, "train MSE", Tables.F(train.Mse));
        if (options.RegularizationWeight != 0)
        {
            Tables.AddRow(table, $"regularization (λ_r = {Tables.G(options.RegularizationWeight)})", Tables.F(regularization));
        }

        if (options.GravityWeight != 0)
        {
            Tables.AddRow(table, $"gravity (λ_g = {Tables.G(options.GravityWeight)})", Tables.F(gravity));
        }

        Tables.AddRow(table, "total loss", Tables.F(train.Mse + regularization + gravity));
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

    /// <summary>The unweighted penalties r(U, V) and g(U, V) of row-major N×d and M×d embeddings.</summary>
    internal static (double Regularization, double Gravity) Penalties(ReadOnlySpan<float> users, ReadOnlySpan<float> items, int d)
    {
        int n = users.Length / d;
        int m = items.Length / d;
        double[] gu = Gram(users, d);
        double[] gv = Gram(items, d);
        double gravity = 0;
        for (int k = 0; k < d * d; k++)
        {
            gravity += gu[k] * gv[k];
        }

        double traceU = 0;
        double traceV = 0;
        for (int a = 0; a < d; a++)
        {
            traceU += gu[(a * d) + a];
            traceV += gv[(a * d) + a];
        }

        return ((traceU / n) + (traceV / m), gravity / ((double)n * m));
    }

    private static double[] Gram(ReadOnlySpan<float> rows, int d)
    {
        var gram = new double[d * d];
        for (int start = 0; start < rows.Length; start += d)
        {
            ReadOnlySpan<float> row = rows.Slice(start, d);
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b < d; b++)
                {
                    gram[(a * d) + b] += (double)row[a] * row[b];
                }
            }
        }

        return gram;
    }

    private static bool HasPenalties(TrainedModel trained) =>
        trained.History.Count > 0 && trained.History.Any(p => p.RegularizationLoss != 0 || p.GravityLoss != 0);

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
