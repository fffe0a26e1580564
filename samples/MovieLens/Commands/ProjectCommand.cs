using System.ComponentModel;
using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Projection;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>A 2-D map of the movie embeddings (t-SNE or PCA), coloured by one genre per movie, as PNG.</summary>
internal sealed class ProjectCommand(IAnsiConsole console) : AsyncCommand<ProjectCommand.Settings>
{
    internal sealed class Settings : ModelSettings
    {
        [CommandOption("--method <METHOD>")]
        [Description("tsne or pca.")]
        [DefaultValue("tsne")]
        public string Method { get; init; } = "tsne";

        [CommandOption("--perplexity <P>")]
        [Description("t-SNE perplexity (effective number of neighbours).")]
        [DefaultValue(30.0)]
        public double Perplexity { get; init; } = 30;

        [CommandOption("--tsne-iterations <N>")]
        [Description("t-SNE gradient steps. Default: 1000 (250 with --quick)")]
        public int? TSneIterations { get; init; }

        [CommandOption("--distance <DISTANCE>")]
        [Description("t-SNE input distance: cosine (as the notebook) or euclidean.")]
        [DefaultValue("cosine")]
        public string Distance { get; init; } = "cosine";

        public override ValidationResult Validate()
        {
            ValidationResult model = base.Validate();
            return !model.Successful ? model
                : Method is not ("tsne" or "pca") ? ValidationResult.Error($"--method: '{Method}' is not tsne or pca.")
                : Distance is not ("cosine" or "euclidean") ? ValidationResult.Error($"--distance: '{Distance}' is not cosine or euclidean.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var source = await ModelSource.GetAsync(settings, console, cancellationToken).ConfigureAwait(false);
        string name = source.Trained?.Name ?? "loaded";
        if (settings.Method == "pca")
        {
            Pca(console, source.Model, name, settings.Seed, settings.Out);
        }
        else
        {
            var options = TSneOptionsFor(settings.Quick, settings.Seed) with
            {
                Perplexity = settings.Perplexity,
                Distance = settings.Distance == "cosine" ? TSneDistance.Cosine : TSneDistance.Euclidean,
            };
            TSneMap(console, source.Model, name, options with { Iterations = settings.TSneIterations ?? options.Iterations }, settings.Out, cancellationToken);
        }

        return 0;
    }

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
