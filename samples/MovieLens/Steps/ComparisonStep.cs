using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using MovieLensSample.Commands;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>Trains the library's other models on the same split and compares them all: rating errors, top-10 ranking quality, training time.</summary>
internal static class ComparisonStep
{
    public static IReadOnlyList<TrainedModel> Show(IAnsiConsole console, DatasetSplit split, IReadOnlyList<TrainedModel> trained, bool quick, int seed, CancellationToken cancellationToken)
    {
        Tables.Section(console, "Comparing the models");
        var all = new List<TrainedModel>(trained)
        {
            TrainStep.Run(console, "biased SGD", ModelKind.Biased, new ModelSettings(), split, quick, seed, cancellationToken),
            TrainStep.Run(console, "ALS", ModelKind.Als, new ModelSettings(), split, quick, seed, cancellationToken),
            TrainStep.Run(console, "implicit ALS", ModelKind.ImplicitAls, new ModelSettings(), split, quick, seed, cancellationToken),
            TrainStep.Run(console, "softmax DNN", ModelKind.Softmax, new ModelSettings(), split, quick, seed, cancellationToken),
            TrainStep.Run(console, "BPMF", ModelKind.Bpmf, new ModelSettings(), split, quick, seed, cancellationToken),
            TrainStep.Run(console, "Bayesian FM", ModelKind.BayesianFm, new ModelSettings(), split, quick, seed, cancellationToken),
        };

        var table = Tables.Create($"Every model on the same split ({split.Train.Count} training, {split.Test.Count} test ratings; {Ranking.Description})",
            "model", "d", "iterations", "train RMSE", "test RMSE", "test MAE", $"NDCG@{Ranking.K}", $"precision@{Ranking.K}", $"recall@{Ranking.K}", "training time");
        foreach (TrainedModel m in all)
        {
            RankingResult ranking = Ranking.Evaluate(m.Model, split, cancellationToken);
            bool ratings = m.Model.PredictsRatings;
            Tables.AddRow(table, m.Name, Tables.I(m.Model.Dimensions), Tables.I(m.IterationsRun),
                Tables.Error(m.Train?.Rmse, ratings), Tables.Error(m.Test?.Rmse, ratings), Tables.Error(m.Test?.Mae, ratings),
                Tables.F(ranking.NdcgAtK), Tables.F(ranking.PrecisionAtK), Tables.F(ranking.RecallAtK), Tables.Seconds(m.Elapsed));
        }

        RankingResult popular = Ranking.Popularity(split);
        Tables.AddRow(table, "most popular (baseline)", "", "", "", "", "", Tables.F(popular.NdcgAtK), Tables.F(popular.PrecisionAtK), Tables.F(popular.RecallAtK), "");
        console.Write(table);
        console.MarkupLine("[grey]Implicit ALS and the softmax DNN treat each rating as an interaction and rank movies; their scores are not ratings, so they have no RMSE.[/]");
        return all;
    }
}
