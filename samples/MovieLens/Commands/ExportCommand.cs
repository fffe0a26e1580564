using System.ComponentModel;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
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
        Tables.Section(console, "Exporting the embeddings");
        if (settings.Format == "projector")
        {
            string directory = Path.Combine(settings.Out, "projector");
            EmbeddingExport.WriteProjectorFiles(source.Model, directory, source.Data.Dataset);
            Tables.Wrote(console, Path.Combine(directory, "vectors.tsv"));
            Tables.Wrote(console, Path.Combine(directory, "metadata.tsv"));
        }
        else
        {
            Directory.CreateDirectory(settings.Out);
            string users = Path.Combine(settings.Out, "user_factors.csv"), items = Path.Combine(settings.Out, "item_factors.csv");
            EmbeddingExport.WriteFactorsCsv(source.Model, users, items);
            Tables.Wrote(console, users);
            Tables.Wrote(console, items);
        }

        return 0;
    }
}
