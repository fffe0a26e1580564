using System.ComponentModel;
using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Projection;
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

        [CommandOption("--sequential")]
        [Description("Run the trainings and the t-SNE map one after another, each on every processor, rather than two at a time. The output is the same (only the times differ).")]
        public bool Sequential { get; init; }

        [CommandOption("--timings")]
        [Description("At the end, print the wall-clock and CPU time of each step (the CPU time is the figure to compare on a busy machine).")]
        public bool Timings { get; init; }

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
        StepTimings time = settings.Timings ? StepTimings.Start() : StepTimings.Off;
        DataSource.Loaded data = await time.TimeAsync("load the data", () => DataSource.LoadAsync(settings, console, cancellationToken)).ConfigureAwait(false);

        // The options that name movies and users are checked against the data now, before anything is trained.
        ItemQuery query = ItemQuery.Choose(console, settings.Title, null, data.Dataset);
        string user = settings.User ?? data.Dataset.Catalog.Users[0];
        RatingList.CheckUser(user, data.Dataset);
        var newUser = RatingList.Resolve(settings.Rate is null ? RatingList.Default(console, data.Dataset) : RatingList.Parse(settings.Rate), data.Dataset);
        time.Time("exploration (tables, 4 charts)", () => ExploreStep.Show(console, data, settings.Out));

        DatasetSplit split = time.Time("90/10 split", () => DatasetSplitter.RandomHoldout(data.Dataset, ModelSettings.DefaultHoldout, settings.Seed));

        // Every training and the t-SNE map are queued now and run two at a time (see Lanes); their output is printed
        // below in the notebook's order. The regularized model and its map come first: they are the longest chain.
        using var lanes = new Lanes(console, time, settings.Sequential ? 1 : 2, cancellationToken);
        Lanes.Job<TrainedModel> Queue(string name, ModelKind kind, double? initStdDev = null) =>
            lanes.Queue($"train {name} (and its errors)", c => TrainStep.Run(c, name, kind, new ModelSettings { InitStdDev = initStdDev, Threads = lanes.ThreadsPerJob },
                split, settings.Quick, settings.Seed, lanes.Cancellation));
        var regularizedJob = Queue("regularized", ModelKind.Regularized);
        var tsneJob = lanes.Queue("t-SNE map (without its chart)", c =>
        {
            TrainedModel model = regularizedJob.Result!;
            TSneOptions options = MapStep.TSneOptionsFor(settings.Quick, settings.Seed) with { MaxDegreeOfParallelism = lanes.ThreadsPerJob };
            return MapStep.TSneProject(c, (IEmbeddingModel)model.Model, model.Name, split.Train, options, lanes.Cancellation);
        }, after: regularizedJob);
        var plainJob = Queue("plain", ModelKind.Plain);
        var lowInitJob = Queue("plain, init 0.05", ModelKind.Plain, 0.05);
        var others = ComparisonStep.Queue(lanes, split, settings.Quick, settings.Seed);

        Tables.Section(console, $"The plain model (the notebook's CFModel; 90/10 split: {split.Train.Count} training, {split.Test.Count} test ratings)");
        TrainedModel plain = lanes.Take(plainJob);
        time.Time("plain: curve chart, neighbours", () =>
        {
            TrainingReport.Curve(console, plain, settings.Out);
            Tables.Section(console, "Nearest neighbours in the plain model");
            NeighborsStep.Show(console, plain.Model, query, settings.K, SimilarityMeasure.Dot, SimilarityMeasure.Cosine);
        });

        Tables.Section(console, "The plain model, initialised smaller (InitStdDev 0.05)");
        TrainedModel lowInit = lanes.Take(lowInitJob);
        Tables.Section(console, "The regularized model (L2 + gravity: the notebook's Regularized_CFModel)");
        TrainedModel regularized = lanes.Take(regularizedJob);
        time.Time("regularized: loss terms, curve chart, neighbours", () =>
        {
            TrainingReport.Components(console, regularized);
            TrainingReport.Curve(console, regularized, settings.Out);
            TrainingReport.LowestTestError(console, regularized);
            NeighborsStep.Show(console, regularized.Model, query, settings.K, SimilarityMeasure.Dot, SimilarityMeasure.Cosine);
        });

        time.Time("embedding norms (table, chart)", () => NormsStep.Show(console, [plain, lowInit, regularized], split.Train, settings.Out));
        MapStep.TSneMapData map = lanes.Take(tsneJob);
        time.Time("t-SNE chart", () => MapStep.DrawTSne(console, map, settings.Out));

        time.Time("recommendations", () =>
        {
            Tables.Section(console, "Recommendations from the regularized model");
            RecommendStep.ForUser(console, regularized.Model, data.Dataset, user, settings.K);
            RecommendStep.ForNewUser(console, regularized.Model, newUser, settings.K);
        });
        ComparisonStep.Show(console, lanes, split, [plain, lowInit, regularized], others, time, cancellationToken);
        time.Show(console);
        return 0;
    }
}
