using System.ComponentModel;
using CollaborativeFiltering;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Inputs;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>The movies nearest to one movie: in the model's embedding space by dot product or cosine, or a kNN or EASE model's own neighbours.</summary>
internal sealed class NeighborsCommand(IAnsiConsole console) : AsyncCommand<NeighborsCommand.Settings>
{
    internal sealed class Settings : ModelSettings
    {
        [CommandOption("--title <TEXT>")]
        [Description("Part of the movie's title, case-insensitive; the first match is used and the others listed. Default: Aladdin (else the most rated movie).")]
        public string? Title { get; init; }

        [CommandOption("--id <ID>")]
        [Description("The movie's id in the data files, instead of --title.")]
        public string? Id { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("How many neighbours (the movie itself first).")]
        [DefaultValue(10)]
        public int K { get; init; } = 10;

        [CommandOption("--measure <MEASURE>")]
        [Description("dot (favours popular movies, whose embeddings are long) or cosine, for an embedding model (default dot); item-knn and ease list their own neighbours (their similarities, EASE's weights) and take no --measure.")]
        public string? Measure { get; init; }

        public override ValidationResult Validate()
        {
            ValidationResult model = base.Validate();
            return !model.Successful ? model
                : Title is not null && Id is not null ? ValidationResult.Error("--title and --id exclude each other.")
                : OptionError.AtLeast("--top", K, 1) is { } top ? ValidationResult.Error(top)
                : Measure is not null && ParseMeasure(Measure) is null ? ValidationResult.Error($"--measure: '{Measure}' is not dot or cosine.")
                : Measure is not null && Load is null && !Kind.HasEmbeddings() ? ValidationResult.Error($"--measure: --model {Kind.Name()} has no embeddings to compare; it lists its own neighbours.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ItemQuery query = default;
        var source = await ModelSource.GetAsync(settings, console, cancellationToken, data => query = ItemQuery.Choose(console, settings.Title, settings.Id, data)).ConfigureAwait(false);
        if (source.Model is not IEmbeddingModel && settings.Measure is not null)
        {
            throw new InvalidOperationException($"--measure: the {source.Trained?.Name ?? "loaded"} model has no embeddings to compare; it lists its own neighbours.");
        }

        NeighborsStep.Show(console, source.Model, query, settings.K, source.Model is IEmbeddingModel ? ParseMeasure(settings.Measure ?? "dot") : null);
        return 0;
    }

    private static SimilarityMeasure? ParseMeasure(string text) =>
        string.Equals(text, "dot", StringComparison.OrdinalIgnoreCase) ? SimilarityMeasure.Dot
        : string.Equals(text, "cosine", StringComparison.OrdinalIgnoreCase) ? SimilarityMeasure.Cosine
        : null;
}
