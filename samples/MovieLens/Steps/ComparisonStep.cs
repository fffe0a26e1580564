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
        };

        var table = Tables.Create($"Every model on the same split ({split.Train.Count} training, {split.Test.Count} test ratings; {Ranking.Description})",
            "model", "d", "iterations", "train RMSE", "test RMSE", "test MAE", "vs global mean", $"NDCG@{Ranking.K}", $"precision@{Ranking.K}", $"recall@{Ranking.K}", "training time");
        (RegressionResult meanTrain, RegressionResult meanTest) = GlobalMean(split);
        bool anyWorse = false;
        foreach (TrainedModel m in all)
        {
            RankingResult ranking = Ranking.Evaluate(m.Model, split, cancellationToken);
            bool ratings = m.Model.PredictsRatings;
            bool worse = ratings && m.Test is { } test && test.Rmse > meanTest.Rmse;
            anyWorse |= worse;
            Tables.AddRow(table, m.Name, Tables.I(m.Model.Dimensions), Tables.I(m.IterationsRun),
                Tables.Error(m.Train?.Rmse, ratings), Tables.Error(m.Test?.Rmse, ratings), Tables.Error(m.Test?.Mae, ratings), !ratings || m.Test is null ? "n/a" : worse ? "WORSE" : "better",
                Tables.F(ranking.NdcgAtK), Tables.F(ranking.PrecisionAtK), Tables.F(ranking.RecallAtK), Tables.Seconds(m.Elapsed));
        }

        Tables.AddRow(table, "global mean (baseline)", "", "", Tables.F(meanTrain.Rmse), Tables.F(meanTest.Rmse), Tables.F(meanTest.Mae), "", "", "", "", "");
        RankingResult popular = Ranking.Popularity(split);
        Tables.AddRow(table, "most popular (baseline)", "", "", "", "", "", "", Tables.F(popular.NdcgAtK), Tables.F(popular.PrecisionAtK), Tables.F(popular.RecallAtK), "");
        console.Write(table);
        console.MarkupLine("[grey]Implicit ALS and the softmax DNN treat each rating as an interaction and rank movies; their scores are not ratings, so they have no RMSE.[/]");
        if (anyWorse)
        {
            console.MarkupLine("[yellow]A model marked WORSE predicts the test ratings less well than the training ratings' mean does for every pair.[/]");
        }

        return all;
    }

    /// <summary>The errors of predicting the training ratings' mean for every pair: the floor any rating model must beat.</summary>
    private static (RegressionResult Train, RegressionResult Test) GlobalMean(DatasetSplit split)
    {
        ReadOnlySpan<float> train = split.Train.ByUser.Values;
        double sum = 0;
        foreach (float r in train)
        {
            sum += r;
        }

        float mean = train.IsEmpty ? 0 : (float)(sum / train.Length);
        RegressionResult Of(ReadOnlySpan<float> actual)
        {
            var predicted = new float[actual.Length];
            Array.Fill(predicted, mean);
            return RegressionMetrics.Compute(predicted, actual);
        }

        return (Of(train), Of(split.Test.ByUser.Values));
    }
}
