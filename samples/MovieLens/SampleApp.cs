using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample;

/// <summary>Runs the command app: bad arguments and bad data exit non-zero with one line and no stack trace.</summary>
internal static class SampleApp
{
    public static async Task<int> RunAsync(CommandApp app, string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await app.RunAsync(args, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CommandAppException or CommandParseException or CommandRuntimeException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return 130;
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
    }
}
