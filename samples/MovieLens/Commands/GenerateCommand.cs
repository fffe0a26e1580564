using System.ComponentModel;
using CollaborativeFiltering.Data;
using MovieLensSample.Inputs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>
/// Writes the synthetic set as a MovieLens 100k directory with the official files' irregularities (the files
/// --synthetic writes to a temporary folder and reads back), so that a run can name it with --data: the
/// walkthrough's timing is then the same work on the same files every time.
/// </summary>
internal sealed class GenerateCommand(IAnsiConsole console) : Command<GenerateCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("The directory to write u.data, u.item, u.user, u.genre and u.occupation to (created if missing; existing files are replaced).")]
        public string Directory { get; init; } = "";

        [CommandOption("--seed <N>")]
        [Description("Seed of the synthetic set.")]
        [DefaultValue(42)]
        public int Seed { get; init; } = 42;

        [CommandOption("--quick")]
        [Description("The small set of --quick runs (300 users × 400 movies × 12k ratings) instead of MovieLens 100k's shape.")]
        public bool Quick { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SyntheticOptions options = DataSource.SyntheticOptionsFor(settings.Quick, settings.Seed);
        RatingsDataset generated = SyntheticDataGenerator.Generate(options, cancellationToken).Dataset;
        System.IO.Directory.CreateDirectory(settings.Directory);
        MovieLensWriter.Write100K(generated, settings.Directory, MovieLensWriterOptions.RealShaped, cancellationToken);
        console.MarkupLine(Markup.Escape($"wrote {generated.UserCount} users × {generated.ItemCount} movies × {generated.Count} ratings (seed {options.Seed}) as real-shaped MovieLens 100k files to {settings.Directory}"));
        return 0;
    }
}
