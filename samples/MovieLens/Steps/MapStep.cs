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

    /// <summary>The most movies a map draws: beyond this (ml-latest-small has 9,742) the points overlap into a blur, so the most rated are kept.</summary>
    public const int MaxMapItems = 2000;

    public static void TSneMap(IAnsiConsole console, IEmbeddingModel model, string modelName, RatingsDataset ratings, TSneOptions options, string outDir, CancellationToken cancellationToken) =>
        DrawTSne(console, TSneProject(console, model, modelName, ratings, options, cancellationToken), outDir);

    /// <summary>The t-SNE half of <see cref="TSneMap"/>: the section, the progress bar and the map's summary line, without the chart (ScottPlot draws on one thread).</summary>
    public static TSneMapData TSneProject(IAnsiConsole console, IEmbeddingModel model, string modelName, RatingsDataset ratings, TSneOptions options, CancellationToken cancellationToken)
    {
        Tables.Section(console, $"t-SNE map of the movie embeddings ({modelName} model)");
        var (rows, embeddings, subset) = Subsample(model, ratings);
        var tsne = new TSne(options with { EarlyExaggerationIterations = Math.Min(options.EarlyExaggerationIterations, options.Iterations) });
        TSneProjection map = null!;
        console.Progress().AutoClear(false).Start(context =>
        {
            var task = context.AddTask("t-SNE", maxValue: tsne.Options.Iterations);
            map = tsne.Project(embeddings, rows.Length, model.Dimensions, new IterationReport(task), cancellationToken);
        });
        console.MarkupLine($"{map.Rows} movies, {map.Method} gradient, effective perplexity {Tables.F(map.EffectivePerplexity)}, KL divergence {Tables.F(map.KullbackLeiblerDivergence)}.");
        return new TSneMapData(map, Genres(model.Catalog, rows), $"t-SNE of the {modelName} model's movie embeddings ({options.Distance.ToString().ToLowerInvariant()}){subset}");
    }

    /// <summary>The chart half of <see cref="TSneMap"/>.</summary>
    public static void DrawTSne(IAnsiConsole console, TSneMapData data, string outDir) =>
        Charts.Save(console, outDir, "tsne-movies.png", [Charts.Categories(data.Map.Coordinates, data.Genres, data.Title, "t-SNE 1", "t-SNE 2")], 1100, 750);

    /// <summary>A t-SNE map and what its chart needs: each drawn movie's colour category and the title.</summary>
    public sealed record TSneMapData(TSneProjection Map, string[] Genres, string Title);

    public static void Pca(IAnsiConsole console, IEmbeddingModel model, string modelName, RatingsDataset ratings, string outDir)
    {
        Tables.Section(console, $"PCA of the movie embeddings ({modelName} model)");
        var (rows, embeddings, subset) = Subsample(model, ratings);
        PcaProjection pca = CollaborativeFiltering.Projection.Pca.Project(embeddings, rows.Length, model.Dimensions);
        ReadOnlySpan<double> ratio = pca.ExplainedVarianceRatio;
        console.MarkupLine($"The first two components explain {Percent(ratio[0])} and {Percent(ratio[1])} of the variance.");
        Charts.Save(console, outDir, "pca-movies.png",
            [Charts.Categories(pca.Coordinates, Genres(model.Catalog, rows), $"PCA of the {modelName} model's movie embeddings{subset}",
                $"PC1 ({Percent(ratio[0])} of the variance)", $"PC2 ({Percent(ratio[1])} of the variance)")],
            1100, 750);
    }

    private static string Percent(double ratio) => (100 * ratio).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %";

    /// <summary>
    /// The rows a map draws, their embeddings, and the title's note: every movie, or the <see cref="MaxMapItems"/>
    /// most rated in <paramref name="ratings"/> (ties by index) when the catalogue is larger.
    /// </summary>
    internal static (int[] Rows, float[] Embeddings, string Note) Subsample(IEmbeddingModel model, RatingsDataset ratings)
    {
        int m = model.Catalog.ItemCount, d = model.Dimensions;
        int[] rows;
        string note;
        if (m <= MaxMapItems)
        {
            rows = [.. Enumerable.Range(0, m)];
            note = "";
        }
        else
        {
            int[] counts = DatasetStatistics.ItemRatingCounts(ratings);
            rows = [.. Enumerable.Range(0, m).OrderByDescending(i => i < counts.Length ? counts[i] : 0).ThenBy(i => i).Take(MaxMapItems).Order()];
            note = $", {MaxMapItems:N0} most rated of {m:N0}";
        }

        ReadOnlySpan<float> all = model.ItemEmbeddings;
        var embeddings = new float[rows.Length * d];
        for (int r = 0; r < rows.Length; r++)
        {
            all.Slice(rows[r] * d, d).CopyTo(embeddings.AsSpan(r * d, d));
        }

        return (rows, embeddings, note);
    }

    /// <summary>
    /// One colour category per drawn movie: the most frequent genres of the catalogue (<see cref="Charts.ColouredCategories"/>)
    /// are coloured; a movie with several of them takes the least frequent (the most specific: a Drama|War
    /// movie shows as War), a movie with none of them (or no genre) is grey. Deterministic, unlike the
    /// notebook's random pick among a movie's genres.
    /// </summary>
    internal static string[] Genres(Catalog catalog, int[] rows)
    {
        IReadOnlyList<ItemInfo> items = catalog.ItemInfos;
        if (items.Count == 0)
        {
            return [.. rows.Select(_ => Charts.OtherCategory)];
        }

        var frequency = items.SelectMany(i => i.Genres).GroupBy(g => g, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var coloured = frequency.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Take(Charts.ColouredCategories).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        return [.. rows.Select(r => items[r].Genres.Where(coloured.Contains).OrderBy(g => frequency[g]).ThenBy(g => g, StringComparer.Ordinal).FirstOrDefault() ?? Charts.OtherCategory)];
    }

    /// <summary>Moves the bar after each t-SNE iteration.</summary>
    private sealed class IterationReport(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }
}
