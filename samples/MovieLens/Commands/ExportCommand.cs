using System.ComponentModel;
using MovieLensSample.Inputs;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>Writes the embeddings for other tools: the TensorBoard Embedding Projector's TSV files, or CSV factors.</summary>
internal sealed class ExportCommand(IAnsiConsole console) : AsyncCommand<ExportCommand.Settings>
{
    internal sealed class Settings : ModelSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("projector (OUT/projector/vectors.tsv and metadata.tsv, for projector.tensorflow.org) or csv (OUT/user_factors.csv and item_factors.csv; for the softmax model the user factors are its query embeddings).")]
        [DefaultValue("projector")]
        public string Format { get; init; } = "projector";

        protected override string? EmbeddingsNeeded => "export";

        public override ValidationResult Validate()
        {
            ValidationResult model = base.Validate();
            return !model.Successful ? model
                : Format is not ("projector" or "csv") ? ValidationResult.Error($"--format: '{Format}' is not projector or csv.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var source = await ModelSource.GetAsync(settings, console, cancellationToken).ConfigureAwait(false);
        ExportStep.Write(console, source.Embeddings("export"), source.Data.Dataset, settings.Format, settings.Out);
        return 0;
    }
}
