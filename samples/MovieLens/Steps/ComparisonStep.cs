using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using MovieLensSample.Commands;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>Trains the library's other models on the same split and compares them all: rating errors, top-10 ranking quality, training time.</summary>
internal static class ComparisonStep
{
    /// <summary>The models the comparison trains beside the walkthrough's three, in the order of its tables.</summary>
    private static readonly (string Name, ModelKind Kind)[] Others =
    [
        ("biased SGD", ModelKind.Biased), ("SVD++", ModelKind.SvdPlusPlus), ("ALS", ModelKind.Als), ("implicit ALS", ModelKind.ImplicitAls),
        ("BPR", ModelKind.Bpr), ("softmax DNN", ModelKind.Softmax), ("item-kNN", ModelKind.ItemKnn), ("user-kNN", ModelKind.UserKnn),
        ("EASE", ModelKind.Ease), ("BPMF", ModelKind.Bpmf), ("Bayesian FM", ModelKind.BayesianFm),
    ];

    /// <summary>
    /// The order in which <see cref="Queue"/> hands the models to the lanes: the longest first, so that the two lanes
    /// end together rather than one of them running a long training alone at the end.
    /// </summary>
    private static readonly ModelKind[] LongestFirst =
    [
        ModelKind.Softmax, ModelKind.BayesianFm, ModelKind.Bpmf, ModelKind.ItemKnn, ModelKind.Bpr, ModelKind.UserKnn,
        ModelKind.Als, ModelKind.ImplicitAls, ModelKind.Ease, ModelKind.Biased, ModelKind.SvdPlusPlus,
    ];

    /// <summary>Queues the training of every model of <see cref="Others"/>; returns their jobs in the order of <see cref="Others"/>.</summary>
    public static IReadOnlyList<Lanes.Job<TrainedModel>> Queue(Lanes lanes, DatasetSplit split, bool quick, int seed)
    {
        var jobs = new Dictionary<ModelKind, Lanes.Job<TrainedModel>>();
        foreach (ModelKind kind in LongestFirst)
        {
            string name = Others.First(o => o.Kind == kind).Name;
            jobs[kind] = lanes.Queue($"train {name} (and its errors)",
                console => TrainStep.Run(console, name, kind, new ModelSettings { Threads = lanes.ThreadsPerJob }, split, quick, seed, lanes.Cancellation));
        }

        return [.. Others.Select(o => jobs[o.Kind])];
    }

    /// <summary>Prints the section, each queued model's training in the order of <see cref="Others"/>, then the two comparison tables.</summary>
    public static IReadOnlyList<TrainedModel> Show(IAnsiConsole console, Lanes lanes, DatasetSplit split, IReadOnlyList<TrainedModel> trained, IReadOnlyList<Lanes.Job<TrainedModel>> others, StepTimings time, CancellationToken cancellationToken)
    {
        Tables.Section(console, "Comparing the models");
        var all = new List<TrainedModel>(trained);
        foreach (Lanes.Job<TrainedModel> job in others)
        {
            all.Add(lanes.Take(job));
        }

        // Two tables rather than one of ten columns, so that each fits 80 columns: rating errors for the models
        // that predict ratings beside the global mean's, then top-10 ranking quality and training time for every model and the baseline.
        var errors = Tables.Create($"Rating errors on the same split ({split.Train.Count} training, {split.Test.Count} test ratings)",
            "model", "d", "iterations", "train RMSE", "test RMSE", "test MAE");
        (RegressionResult meanTrain, RegressionResult meanTest) = GlobalMean(split);
        var worse = new List<string>();
        foreach (TrainedModel m in all.Where(m => m.Model.PredictsRatings))
        {
            if (m.Test is { } test && test.Rmse > meanTest.Rmse)
            {
                worse.Add(m.Name);
            }

            Tables.AddRow(errors, m.Name, ModelKinds.Dimensions(m.Model), Tables.I(m.IterationsRun),
                Tables.Error(m.Train?.Rmse, true), Tables.Error(m.Test?.Rmse, true), Tables.Error(m.Test?.Mae, true));
        }

        Tables.AddRow(errors, "global mean", "", "", Tables.F(meanTrain.Rmse), Tables.F(meanTest.Rmse), Tables.F(meanTest.Mae));
        console.Write(errors);
        if (worse.Count > 0)
        {
            console.MarkupLine($"[yellow]Worse than the global mean (predicting the training ratings' mean for every pair): {Markup.Escape(string.Join(", ", worse))}.[/]");
        }

        var ranking = Tables.Create($"Recommendation quality of every model ({Ranking.Description})",
            "model", $"NDCG@{Ranking.K}", $"precision@{Ranking.K}", $"recall@{Ranking.K}", "training time");
        foreach (TrainedModel m in all)
        {
            RankingResult r = time.Time($"ranking quality of {m.Name}", () => Ranking.Evaluate(m.Model, split, cancellationToken));
            Tables.AddRow(ranking, m.Name, Tables.F(r.NdcgAtK), Tables.F(r.PrecisionAtK), Tables.F(r.RecallAtK), Tables.Seconds(m.Elapsed));
        }

        RankingResult popular = Ranking.Popularity(split);
        Tables.AddRow(ranking, "most popular (baseline)", Tables.F(popular.NdcgAtK), Tables.F(popular.PrecisionAtK), Tables.F(popular.RecallAtK), "");
        console.Write(ranking);
        console.MarkupLine("[grey]Implicit ALS, BPR, the softmax DNN and EASE treat each rating as an interaction and rank movies; their scores are not ratings, so they have no rating errors. The kNN models have no embeddings (no d) and fit in one pass.[/]");
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
