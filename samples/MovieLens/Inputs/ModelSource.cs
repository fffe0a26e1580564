using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using MovieLensSample.Commands;
using MovieLensSample.Output;
using MovieLensSample.Steps;
using Spectre.Console;

namespace MovieLensSample.Inputs;

/// <summary>The data, its split and a model (loaded with --load, else trained with the --model options), for the commands that need one.</summary>
internal static class ModelSource
{
    /// <summary>What a model command works with. <paramref name="Trained"/> is null for a loaded model.</summary>
    public sealed record Context(DataSource.Loaded Data, DatasetSplit Split, IRecommenderModel Model, TrainedModel? Trained)
    {
        /// <summary>The model as an embedding model, for the commands that work on embeddings (project, export); a clear error for kNN and EASE, which have none.</summary>
        public IEmbeddingModel Embeddings(string command) => Model as IEmbeddingModel
            ?? throw new InvalidOperationException($"{command} works on embeddings, and the {Trained?.Name ?? "loaded"} model ({Model.GetType().Name}) has none; use one of plain, regularized, biased, als, implicit-als, softmax.");
    }

    /// <summary>Loads the data, lets <paramref name="resolve"/> check the command's data-dependent options (titles, ids, ratings) at once, then loads or trains the model.</summary>
    public static async Task<Context> GetAsync(ModelSettings settings, IAnsiConsole console, CancellationToken cancellationToken, Action<RatingsDataset>? resolve = null)
    {
        var (data, split) = await LoadSplitAsync(settings, console, cancellationToken).ConfigureAwait(false);
        resolve?.Invoke(data.Dataset);
        console.MarkupLine($"Data: {Markup.Escape(data.Description)}; {split.Train.Count} training and {split.Test.Count} test ratings.");
        if (settings.Load is { } path)
        {
            IRecommenderModel model = ModelFile.Load(path);
            if (!model.Catalog.IsCompatibleWith(split.Train.Catalog))
            {
                throw new InvalidOperationException(
                    $"--load: the model in '{path}' has another catalogue ({model.Catalog.UserCount} users × {model.Catalog.ItemCount} movies) than the data ({split.Train.UserCount} × {split.Train.ItemCount}); give the --data (or --seed and --quick) it was trained with.");
            }

            console.MarkupLine($"Model: loaded from {Markup.Escape(path)} ({Markup.Escape(ModelKinds.Describe(model))}).");
            return new Context(data, split, model, null);
        }

        Tables.Section(console, $"Training the {settings.Kind.Name()} model");
        TrainedModel trained = TrainStep.Run(console, settings.Kind.Name(), settings.Kind, settings, split, settings.Quick, settings.Seed, cancellationToken);
        if (settings.Save is { } file)
        {
            ModelFile.Save(trained.Model, file);
            Tables.Wrote(console, file);
        }

        return new Context(data, split, trained.Model, trained);
    }

    /// <summary>The ratings and their split: --train-file/--test-file, else a random holdout of --holdout (0.1) with --seed.</summary>
    public static async Task<(DataSource.Loaded Data, DatasetSplit Split)> LoadSplitAsync(ModelSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (settings.TrainFile is { } trainFile && settings.TestFile is { } testFile)
        {
            string directory = SplitDirectory(settings, trainFile);
            DatasetSplit files = MovieLens.LoadSplit(directory, Path.GetFileName(trainFile), Path.GetFileName(testFile), DataSource.LoadOptions, cancellationToken);
            DataSource.Loaded loaded = DataSource.Load(console, files.Train, $"{Path.GetFileName(trainFile)} and {Path.GetFileName(testFile)} in {directory}");
            return (loaded, files);
        }

        DataSource.Loaded data = await DataSource.LoadAsync(settings, console, cancellationToken).ConfigureAwait(false);
        return (data, DatasetSplitter.RandomHoldout(data.Dataset, settings.Holdout ?? ModelSettings.DefaultHoldout, settings.Seed));
    }

    private static string SplitDirectory(ModelSettings settings, string trainFile)
    {
        if (Path.GetDirectoryName(trainFile) is { Length: > 0 } directory)
        {
            return directory;
        }

        if (settings.Data is { } data)
        {
            return data;
        }

        return MovieLens.TryGetCached(MovieLensVariant.Ml100K, settings.Cache, out string? cached)
            ? cached
            : throw new ArgumentException($"--train-file: '{trainFile}' is a bare name and MovieLens 100k is not in the cache; give its path or the --data directory that holds it.", nameof(settings));
    }
}
