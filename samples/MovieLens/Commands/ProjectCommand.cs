using System.ComponentModel;
using CollaborativeFiltering.Projection;
using MovieLensSample.Inputs;
using MovieLensSample.Steps;
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

        protected override string? EmbeddingsNeeded => "project";

        public override ValidationResult Validate()
        {
            ValidationResult model = base.Validate();
            return !model.Successful ? model
                : Method is not ("tsne" or "pca") ? ValidationResult.Error($"--method: '{Method}' is not tsne or pca.")
                : Distance is not ("cosine" or "euclidean") ? ValidationResult.Error($"--distance: '{Distance}' is not cosine or euclidean.")
                : ValidateTSne() ?? ValidationResult.Success();
        }

        /// <summary>The t-SNE options as <see cref="ExecuteAsync"/> builds them, validated by the library now, before any data is read.</summary>
        public TSneOptions TSneOptions
        {
            get
            {
                var options = MapStep.TSneOptionsFor(Quick, Seed) with
                {
                    Perplexity = Perplexity,
                    Distance = Distance == "cosine" ? TSneDistance.Cosine : TSneDistance.Euclidean,
                };
                return options with { Iterations = TSneIterations ?? options.Iterations };
            }
        }

        private ValidationResult? ValidateTSne()
        {
            try
            {
                TSneOptions.Validate();
                return null;
            }
            catch (ArgumentOutOfRangeException e) when (OptionError.Describe(e, TSneOptionNames) is { } message)
            {
                return ValidationResult.Error(message);
            }
        }

        private static readonly Dictionary<string, string> TSneOptionNames = new(StringComparer.Ordinal)
        {
            ["Perplexity"] = "--perplexity",
            ["Iterations"] = "--tsne-iterations",
        };
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var source = await ModelSource.GetAsync(settings, console, cancellationToken).ConfigureAwait(false);
        string name = source.Trained?.Name ?? $"{ModelKinds.NameOf(source.Model)} (loaded from {Path.GetFileName(settings.Load)})";
        if (settings.Method == "pca")
        {
            MapStep.Pca(console, source.Embeddings("project"), name, source.Split.Train, settings.Out);
        }
        else
        {
            MapStep.TSneMap(console, source.Embeddings("project"), name, source.Split.Train, settings.TSneOptions, settings.Out, cancellationToken);
        }

        return 0;
    }
}
