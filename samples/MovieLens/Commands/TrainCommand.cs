using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>Trains one model (or evaluates a --load-ed one) and prints its train and test MSE and RMSE ("n/a" for a model that only ranks), and its top-10 ranking quality.</summary>
internal sealed class TrainCommand(IAnsiConsole console) : AsyncCommand<ModelSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelSettings settings, CancellationToken cancellationToken)
    {
        var source = await ModelSource.GetAsync(settings, console, cancellationToken).ConfigureAwait(false);
        if (source.Trained is { } trained)
        {
            TrainingReport.Components(console, trained);
            TrainingReport.Curve(console, trained, settings.Out);
        }
        else
        {
            LoadedErrors(console, source.Model, source.Split);
        }

        var ranking = Tables.Create($"Top-{Ranking.K} recommendations on the test set ({Ranking.Description})", "model", Ranking.Columns);
        Tables.AddRow(table: ranking, [source.Trained?.Name ?? "loaded", .. Tables.RankingCells(Ranking.Evaluate(source.Model, source.Split, cancellationToken))]);
        Tables.AddRow(table: ranking, ["most popular (baseline)", .. Tables.RankingCells(Ranking.Popularity(source.Split))]);
        console.Write(ranking);
        return 0;
    }

    /// <summary>The rating errors of a loaded model; "n/a" for one that ranks (implicit ALS, softmax), whose scores are not ratings.</summary>
    private static void LoadedErrors(IAnsiConsole console, IEmbeddingModel model, DatasetSplit split)
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
