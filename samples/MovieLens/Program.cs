using MovieLensSample;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("MovieLens");
    config.PropagateExceptions();
    config.UseStrictParsing();
    config.AddCommand<ExploreCommand>("explore")
        .WithDescription("Explore the data: users describe, most rated and best rated movies, genre occurrences.");
});

return await SampleApp.RunAsync(app, args).ConfigureAwait(false);
