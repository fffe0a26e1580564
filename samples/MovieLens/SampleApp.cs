using CollaborativeFiltering;
using MovieLensSample.Commands;
using MovieLensSample.Inputs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample;

/// <summary>Builds and runs the command app: bad arguments and bad data exit non-zero with one line and no stack trace.</summary>
internal static class SampleApp
{
    private const int RedirectedWidth = 140;

    /// <summary>The process entry: the real console, Ctrl+C cancels.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        IAnsiConsole console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when the output is a file or pipe: too narrow for the comparison table.
            console.Profile.Width = Math.Max(console.Profile.Width, RedirectedWidth);
        }

        return await RunAsync(args, console, cancel.Token).ConfigureAwait(false);
    }

    /// <summary>Runs the app writing to <paramref name="console"/> (tests pass one that records).</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken)
    {
        try
        {
            return await Create(console).RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CommandAppException or CommandParseException or CommandRuntimeException)
        {
            return OptionError.Conversion(e.Message, args) is { } message ? Error(console, message, 2) : Error(console, e, 2);
        }
        catch (BadOptionException e)
        {
            return Error(console, e, 2);
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]cancelled[/]");
            return 130;
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or KeyNotFoundException or InvalidOperationException
                                      or UnauthorizedAccessException or TrainingDivergedException)
        {
            return Error(console, e, 1);
        }
    }

    public static CommandApp<WalkthroughCommand> Create(IAnsiConsole console)
    {
        var app = new CommandApp<WalkthroughCommand>();
        app.WithDescription("Walks the MovieLens notebook end to end (no command), or runs one step (a command). Charts go to --out as PNG.");
        app.Configure(config =>
        {
            config.SetApplicationName("MovieLens");
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.SetHelpProvider(new SampleHelp(config.Settings));
            config.AddCommand<ExploreCommand>("explore")
                .WithDescription("Explore the data: users describe, most rated and best rated movies, genre occurrences, histograms (PNG).");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train one model (--model) on a holdout split or --train-file/--test-file; print train and test MSE and RMSE (n/a for the ranking models implicit-als and softmax) and top-10 ranking quality; --save it.")
                .WithExample("train", "--model", "regularized", "--dimensions", "50", "--iterations", "3000", "--save", "model.cfm")
                .WithExample("train", "--model", "softmax", "--hidden", "35,35", "--genres", "--save", "softmax.cfm");
            config.AddCommand<TuneCommand>("tune")
                .WithDescription("Search a model's hyper-parameters (--model biased, als, implicit-als or softmax) on a 10 % validation carve and print every trial; with --holdout or --train-file/--test-file, retrain the best options and print their test errors as train does.")
                .WithExample("tune", "--model", "als", "--train-file", "u1.base", "--test-file", "u1.test");
            config.AddCommand<NeighborsCommand>("neighbors")
                .WithDescription("The movies nearest to one movie (--title or --id) by dot product or cosine.")
                .WithExample("neighbors", "--title", "Aladdin", "--measure", "cosine");
            config.AddCommand<RecommendCommand>("recommend")
                .WithDescription("Recommendations for a user of the data (--user) or a new user who rates a few movies (--rate).")
                .WithExample("recommend", "--rate", "Toy Story=5,Star Wars=4,Fargo=1");
            config.AddCommand<ProjectCommand>("project")
                .WithDescription("A 2-D map of the movie embeddings (--method tsne or pca) coloured by genre, as PNG.");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write the embeddings for the TensorBoard Embedding Projector (TSV) or as CSV.");
            config.AddCommand<GenerateCommand>("generate")
                .WithDescription("Write the synthetic set as real-shaped MovieLens 100k files to a directory, for --data (e.g. to time the walkthrough on the same files every run).")
                .WithExample("generate", "ml-100k-synthetic");
        });
        return app;
    }

    /// <summary>One line: the message with its line breaks folded (an ArgumentOutOfRangeException puts the actual value on a second line).</summary>
    private static int Error(IAnsiConsole console, Exception e, int exitCode) => Error(console, e.Message, exitCode);

    private static int Error(IAnsiConsole console, string text, int exitCode)
    {
        string message = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return exitCode;
    }
}
