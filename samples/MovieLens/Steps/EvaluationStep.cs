using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>How good a model is on the split: what its training reported (or, for a loaded model, its rating errors), then its top-10 ranking quality beside the most-popular baseline.</summary>
internal static class EvaluationStep
{
    public static void Show(IAnsiConsole console, ModelSource.Context source, string outDir, CancellationToken cancellationToken)
    {
        if (source.Trained is { } trained)
        {
            TrainingReport.Components(console, trained);
            TrainingReport.Curve(console, trained, outDir);
        }
        else
        {
            LoadedErrors(console, source.Model, source.Split);
        }

        // One row per measure and one column per model, so that six measures fit 80 columns.
        string name = source.Trained?.Name ?? "loaded";
        var ranking = Tables.Create($"Top-{Ranking.K} recommendations on the test set ({Ranking.Description})", "measure", name, "most popular (baseline)");
        string[] model = Tables.RankingCells(Ranking.Evaluate(source.Model, source.Split, cancellationToken));
        string[] popular = Tables.RankingCells(Ranking.Popularity(source.Split));
        for (int i = 0; i < Ranking.Columns.Length; i++)
        {
            Tables.AddRow(ranking, Ranking.Columns[i], model[i], popular[i]);
        }

        console.Write(ranking);
    }

    /// <summary>The rating errors of a loaded model; "n/a" for one that ranks (implicit ALS, softmax, EASE), whose scores are not ratings.</summary>
    private static void LoadedErrors(IAnsiConsole console, IRecommenderModel model, DatasetSplit split)
    {
        bool ratings = model.PredictsRatings;
        var table = Tables.Create("Errors of the loaded model", "ratings", "MSE", "RMSE", "MAE");
        foreach (var (name, part) in new[] { ("train", split.Train), ("test", split.Test) })
        {
            RegressionResult? r = ratings ? RegressionMetrics.Compute(model, part) : null;
            Tables.AddRow(table, $"{name} ({part.Count})", Tables.Error(r?.Mse, ratings), Tables.Error(r?.Rmse, ratings), Tables.Error(r?.Mae, ratings));
        }

        console.Write(table);
    }
}
