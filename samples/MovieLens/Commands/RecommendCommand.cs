using System.ComponentModel;
using MovieLensSample.Inputs;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>Top-k recommendations for a user of the data (what they rated is left out) or for a new user folded in from a few ratings.</summary>
internal sealed class RecommendCommand(IAnsiConsole console) : AsyncCommand<RecommendCommand.Settings>
{
    internal sealed class Settings : ModelSettings
    {
        [CommandOption("--user <ID>")]
        [Description("Recommend for this user (an id of the data files).")]
        public string? User { get; init; }

        [CommandOption("--rate <RATINGS>")]
        [Description("Recommend for a new user who rates these movies, e.g. \"Toy Story=5,Star Wars=4,Fargo=1\" (titles matched by substring, the first match used).")]
        public string? Rate { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("How many recommendations.")]
        [DefaultValue(10)]
        public int K { get; init; } = 10;

        public override ValidationResult Validate()
        {
            ValidationResult model = base.Validate();
            string? rate = Rate is null ? null : RatingList.TryParse(Rate, out _);
            return !model.Successful ? model
                : User is null && Rate is null ? ValidationResult.Error("recommend: give --user ID or --rate \"TITLE=RATING,...\" (or both).")
                : rate is not null ? ValidationResult.Error(rate)
                : OptionError.AtLeast("--top", K, 1) is { } top ? ValidationResult.Error(top)
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<RatingList.Resolved>? newUser = null;
        var source = await ModelSource.GetAsync(settings, console, cancellationToken, data =>
        {
            if (settings.User is { } id)
            {
                RatingList.CheckUser(id, data);
            }

            newUser = settings.Rate is { } text ? RatingList.Resolve(RatingList.Parse(text), data) : null;
        }).ConfigureAwait(false);
        if (settings.User is { } user)
        {
            RecommendStep.ForUser(console, source.Model, source.Data.Dataset, user, settings.K);
        }

        if (newUser is not null)
        {
            RecommendStep.ForNewUser(console, source.Model, newUser, settings.K);
        }

        return 0;
    }
}
