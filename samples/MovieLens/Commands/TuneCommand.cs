using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Tuning;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using MovieLensSample.Steps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>
/// Searches a model's hyper-parameters with the library's default search space
/// (<see cref="SearchSpaces"/>) on a validation carve of the training ratings and prints every trial.
/// When a test set is given (--train-file/--test-file or --holdout), the best options are retrained on the
/// whole training set and their errors printed as <c>train</c> prints them.
/// </summary>
internal sealed class TuneCommand(IAnsiConsole console) : AsyncCommand<ModelSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelSettings settings, CancellationToken cancellationToken)
    {
        bool hasTest = settings.TrainFile is not null || settings.Holdout is not null;
        var (data, split) = await ModelSource.LoadSplitAsync(settings, console, cancellationToken).ConfigureAwait(false);
        RatingsDataset searched = hasTest ? split.Train : data.Dataset;
        console.MarkupLine(hasTest
            ? $"Data: {Markup.Escape(data.Description)}; searching on the {split.Train.Count} training ratings, {split.Test.Count} test ratings held out."
            : $"Data: {Markup.Escape(data.Description)}; searching on all {searched.Count} ratings (give --holdout or --train-file/--test-file for a test set).");
        var search = new SearchOptions { Seed = settings.Seed, Strategy = settings.Quick ? SearchStrategy.SuccessiveHalving(trials: 9) : SearchStrategy.SuccessiveHalving() };
        ModelKind kind = settings.Kind;
        Func<ITrainer<IEmbeddingModel>>? best = kind switch
        {
            ModelKind.Biased => Search(SearchSpaces.BiasedSgd(ModelFactory.Common(new BiasedSgdOptions(), settings, settings.Quick, settings.Seed)), o => new BiasedSgdFactorizer(o), search, searched, cancellationToken),
            ModelKind.Als => Search(SearchSpaces.Als(ModelFactory.Common(new AlsOptions(), settings, settings.Quick, settings.Seed)), o => new AlsFactorizer(o), search, searched, cancellationToken),
            ModelKind.ImplicitAls => Search(SearchSpaces.ImplicitAls(ModelFactory.Common(new ImplicitAlsOptions(), settings, settings.Quick, settings.Seed)), o => new ImplicitAlsFactorizer(o), search, searched, cancellationToken),
            ModelKind.Softmax => Search(SearchSpaces.Softmax(SoftmaxOptionsFor(settings)), o => new SoftmaxTrainer(o), search, searched, cancellationToken),
            _ => throw new InvalidOperationException($"--model {kind.Name()}: tune searches biased, als, implicit-als and softmax; the notebook's plain and regularized models keep the notebook's settings."),
        };

        if (hasTest)
        {
            string name = $"tuned {kind.Name()}";
            Tables.Section(console, $"The best options retrained on the training set ({split.Train.Count} ratings), tested on {split.Test.Count}");
            TrainedModel trained = TrainStep.Fit(console, name, best(), kind == ModelKind.Softmax, split, cancellationToken);
            console.MarkupLine($"[grey]{Markup.Escape(ModelKinds.Describe(trained.Model))}[/]");
            console.Write(Tables.Errors($"Errors of the {name} model", [trained]));
        }

        return 0;
    }

    private Func<ITrainer<IEmbeddingModel>> Search<TOptions, TModel>(SearchSpace<TOptions> space, Func<TOptions, ITrainer<TModel>> create, SearchOptions options, RatingsDataset train, CancellationToken cancellationToken)
        where TOptions : TrainerOptions
        where TModel : class, IEmbeddingModel
    {
        Tables.Section(console, "Hyper-parameter search");
        console.MarkupLine($"[grey]{Markup.Escape(space.ToString())}[/]");
        SearchResult<TOptions> result = null!;
        console.Status().Start("searching…", _ => result = HyperparameterSearch.Create(space, create, options).Run(train, null, cancellationToken));
        console.WriteLine(result.ToString());
        return () => create(result.BestOptions);
    }

    private static SoftmaxOptions SoftmaxOptionsFor(ModelSettings settings) => new()
    {
        Seed = settings.Seed,
        Iterations = settings.Iterations ?? (settings.Quick ? 150 : new SoftmaxOptions().Iterations),
    };
}
