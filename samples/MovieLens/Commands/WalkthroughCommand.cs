using System.ComponentModel;
using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>
/// The default command: the whole notebook, section by section — data, exploration, the plain model, neighbours,
/// the low-init and regularized models, embedding norms, the t-SNE map, recommendations, and every model compared.
/// </summary>
internal sealed class WalkthroughCommand(IAnsiConsole console) : AsyncCommand<WalkthroughCommand.Settings>
{
    internal sealed class Settings : CommonSettings
    {
        [CommandOption("--title <TEXT>")]
        [Description("The movie whose neighbours are shown (part of its title). Default: Aladdin (else the most rated movie).")]
        public string? Title { get; init; }

        [CommandOption("--user <ID>")]
        [Description("The user to recommend for. Default: the first user of the data.")]
        public string? User { get; init; }

        [CommandOption("--rate <RATINGS>")]
        [Description("A new user's ratings, e.g. \"Toy Story=5,Star Wars=4,Fargo=1\" (titles matched by substring). Default: a fan of family animation.")]
        public string? Rate { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("Rows in the neighbour and recommendation tables.")]
        [DefaultValue(10)]
        public int K { get; init; } = 10;

        public override ValidationResult Validate()
        {
            ValidationResult common = base.Validate();
            string? rate = Rate is null ? null : RatingList.TryParse(Rate, out _);
            return !common.Successful ? common
                : rate is not null ? ValidationResult.Error(rate)
                : OptionError.AtLeast("--top", K, 1) is { } top ? ValidationResult.Error(top)
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DataSource.Loaded data = await DataSource.LoadAsync(settings, console, cancellationToken).ConfigureAwait(false);

        // The options that name movies and users are checked against the data now, before anything is trained.
        ItemQuery query = ItemQuery.Choose(console, settings.Title, null, data.Dataset);
        string user = settings.User ?? data.Dataset.Catalog.Users[0];
        RatingList.CheckUser(user, data.Dataset);
        var newUser = RatingList.Resolve(settings.Rate is null ? RatingList.Default(console, data.Dataset) : RatingList.Parse(settings.Rate), data.Dataset);
        ExploreStep.Show(console, data, settings.Out);

        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, ModelSettings.DefaultHoldout, settings.Seed);
        TrainedModel Train(string title, string name, ModelKind kind, ModelSettings flags)
        {
            Tables.Section(console, title);
            return TrainStep.Run(console, name, kind, flags, split, settings.Quick, settings.Seed, cancellationToken);
        }

        TrainedModel plain = Train($"The plain model (the notebook's CFModel; 90/10 split: {split.Train.Count} training, {split.Test.Count} test ratings)", "plain", ModelKind.Plain, new ModelSettings());
        TrainingReport.Curve(console, plain, settings.Out);
        Tables.Section(console, "Nearest neighbours in the plain model");
        NeighborsStep.Show(console, plain.Model, query, settings.K, SimilarityMeasure.Dot, SimilarityMeasure.Cosine);

        TrainedModel lowInit = Train("The plain model, initialised smaller (InitStdDev 0.05)", "plain, init 0.05", ModelKind.Plain, new ModelSettings { InitStdDev = 0.05 });
        TrainedModel regularized = Train("The regularized model (L2 + gravity: the notebook's Regularized_CFModel)", "regularized", ModelKind.Regularized, new ModelSettings());
        TrainingReport.Components(console, regularized);
        TrainingReport.Curve(console, regularized, settings.Out);
        TrainingReport.LowestTestError(console, regularized);
        NeighborsStep.Show(console, regularized.Model, query, settings.K, SimilarityMeasure.Dot, SimilarityMeasure.Cosine);

        NormsStep.Show(console, [plain, lowInit, regularized], split.Train, settings.Out);
        MapStep.TSneMap(console, (IEmbeddingModel)regularized.Model, regularized.Name, split.Train, MapStep.TSneOptionsFor(settings.Quick, settings.Seed), settings.Out, cancellationToken);

        Tables.Section(console, "Recommendations from the regularized model");
        RecommendStep.ForUser(console, regularized.Model, data.Dataset, user, settings.K);
        RecommendStep.ForNewUser(console, regularized.Model, newUser, settings.K);
        ComparisonStep.Show(console, split, [plain, lowInit, regularized], settings.Quick, settings.Seed, cancellationToken);
        return 0;
    }
}
