using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Projection;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>2-D maps of the movie embeddings (t-SNE or PCA), coloured by one genre per movie, as PNG.</summary>
internal static class MapStep
{
    /// <summary>The notebook's t-SNE: cosine distance, scikit-learn's defaults; 250 iterations (100 exaggerated) with --quick.</summary>
    public static TSneOptions TSneOptionsFor(bool quick, int seed) => new()
    {
        Distance = TSneDistance.Cosine,
        Seed = seed,
        Iterations = quick ? 250 : 1000,
        EarlyExaggerationIterations = quick ? 100 : 250,
    };

    public static void TSneMap(IAnsiConsole console, IEmbeddingModel model, string modelName, TSneOptions options, string outDir, CancellationToken cancellationToken)
    {
        Tables.Section(console, $"t-SNE map of the movie embeddings ({modelName} model)");
        var tsne = new TSne(options with { EarlyExaggerationIterations = Math.Min(options.EarlyExaggerationIterations, options.Iterations) });
        TSneProjection map = null!;
        console.Progress().AutoClear(false).Start(context =>
        {
            var task = context.AddTask("t-SNE", maxValue: tsne.Options.Iterations);
            map = tsne.ProjectItems(model, new IterationReport(task), cancellationToken);
        });
        console.MarkupLine($"{map.Rows} movies, {map.Method} gradient, effective perplexity {Tables.F(map.EffectivePerplexity)}, KL divergence {Tables.F(map.KullbackLeiblerDivergence)}.");
        Charts.Save(console, outDir, "tsne-movies.png",
            [Charts.Categories(map.Coordinates, ItemGenres.SampleOne(model.Catalog, options.Seed), $"t-SNE of the {modelName} model's movie embeddings ({options.Distance.ToString().ToLowerInvariant()} distance), one genre per movie")],
            1100, 750);
    }

    public static void Pca(IAnsiConsole console, IEmbeddingModel model, string modelName, int seed, string outDir)
    {
        Tables.Section(console, $"PCA of the movie embeddings ({modelName} model)");
        PcaProjection pca = CollaborativeFiltering.Projection.Pca.ProjectItems(model);
        ReadOnlySpan<double> ratio = pca.ExplainedVarianceRatio;
        console.MarkupLine($"The first two components explain {Tables.F(ratio[0])} and {Tables.F(ratio[1])} of the variance.");
        Charts.Save(console, outDir, "pca-movies.png",
            [Charts.Categories(pca.Coordinates, ItemGenres.SampleOne(model.Catalog, seed), $"PCA of the {modelName} model's movie embeddings, one genre per movie")],
            1100, 750);
    }

    /// <summary>Moves the bar after each t-SNE iteration.</summary>
    private sealed class IterationReport(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }
}
