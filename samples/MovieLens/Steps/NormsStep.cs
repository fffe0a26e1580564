using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>The notebook's embedding-norm plots: each movie's embedding norm against its number of training ratings, one panel per model.</summary>
internal static class NormsStep
{
    public static void Show(IAnsiConsole console, IReadOnlyList<TrainedModel> models, RatingsDataset train, string outDir)
    {
        Tables.Section(console, "Embedding norm vs number of ratings");
        double[] counts = [.. DatasetStatistics.ItemRatingCounts(train).Select(c => (double)c)];
        var table = Tables.Create("Movie embedding norm vs rating count", "model", "Spearman ρ", "Pearson r", "mean norm", "max norm");
        var panels = new ScottPlot.Plot[models.Count];
        for (int i = 0; i < models.Count; i++)
        {
            TrainedModel m = models[i];
            var model = (IEmbeddingModel)m.Model;
            float[] norms = EmbeddingNorms.Items(model);
            NormPopularityCorrelation correlation = EmbeddingNorms.PopularityCorrelation(model, train);
            Tables.AddRow(table, m.Name, Tables.F(correlation.Spearman), Tables.F(correlation.Pearson), Tables.F(norms.Average()), Tables.F(norms.Max()));
            panels[i] = Charts.Scatter(counts, [.. norms.Select(n => (double)n)], $"{m.Name}: Spearman ρ = {Tables.F(correlation.Spearman)}", "ratings in the training set", "embedding norm");
        }

        console.Write(table);
        Charts.Save(console, outDir, "norms.png", panels);
    }
}
