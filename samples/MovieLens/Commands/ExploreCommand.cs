using MovieLensSample.Inputs;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>The notebook's exploration step: users describe, most rated, best rated, genre occurrences, and the histograms as PNG.</summary>
internal sealed class ExploreCommand(IAnsiConsole console) : AsyncCommand<CommonSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CommonSettings settings, CancellationToken cancellationToken)
    {
        var loaded = await DataSource.LoadAsync(settings, console, cancellationToken).ConfigureAwait(false);
        ExploreStep.Show(console, loaded, settings.Out);
        return 0;
    }
}
