using System.ComponentModel;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Inputs;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>The movies nearest to one movie in the model's embedding space, by dot product or cosine.</summary>
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
        [Description("dot (favours popular movies, whose embeddings are long) or cosine.")]
        [DefaultValue("dot")]
        public string Measure { get; init; } = "dot";

        public override ValidationResult Validate()
        {
            ValidationResult model = base.Validate();
            return !model.Successful ? model
                : Title is not null && Id is not null ? ValidationResult.Error("--title and --id exclude each other.")
                : OptionError.AtLeast("--top", K, 1) is { } top ? ValidationResult.Error(top)
                : ParseMeasure(Measure) is null ? ValidationResult.Error($"--measure: '{Measure}' is not dot or cosine.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ItemQuery query = default;
        var source = await ModelSource.GetAsync(settings, console, cancellationToken, data => query = ItemQuery.Choose(console, settings.Title, settings.Id, data)).ConfigureAwait(false);
        NeighborsStep.Show(console, source.Model, query, settings.K, ParseMeasure(settings.Measure) ?? SimilarityMeasure.Dot);
        return 0;
    }

    private static SimilarityMeasure? ParseMeasure(string text) =>
        string.Equals(text, "dot", StringComparison.OrdinalIgnoreCase) ? SimilarityMeasure.Dot
        : string.Equals(text, "cosine", StringComparison.OrdinalIgnoreCase) ? SimilarityMeasure.Cosine
        : null;
}
