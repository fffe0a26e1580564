using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neural;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Neural;

/// <summary>Datasets, options and helpers shared by the softmax tests.</summary>
internal static class SoftmaxTestData
{
    /// <summary>Release years of the seven tiny items; item 6 has none.</summary>
    public static readonly int?[] Years = [1990, 1993, 1995, 1997, 2001, 1994, null];

    /// <summary>Genres of the seven tiny items; "Noir" is not in the vocabulary list.</summary>
    public static readonly string[][] Genres = [["Comedy"], ["Action", "Thriller"], ["Comedy", "Drama"], ["Drama"], ["Action"], [], ["Noir", "Drama"]];

    /// <summary>Each tiny user's items (dense indices).</summary>
    public static readonly int[][] UserItems = [[0, 1, 2, 3], [1, 4, 6], [0, 2, 5, 6, 3], [2, 3], [0, 4, 5], [1, 2, 3, 4, 6]];

    /// <summary>Six users and seven items with genres (vocabulary Action, Comedy, Drama, Thriller) and years.</summary>
    public static Catalog TinyCatalog()
    {
        var items = IdMap.Sequential(7);
        var infos = new ItemInfo[7];
        for (int i = 0; i < infos.Length; i++)
        {
            infos[i] = new ItemInfo(items[i], "Movie " + i, null, Years[i], Genres[i]);
        }

        return new Catalog(IdMap.Sequential(UserItems.Length), items, itemInfos: infos, genres: ["Action", "Comedy", "Drama", "Thriller"]);
    }

    /// <summary>The tiny users' ratings (value 4 each).</summary>
    public static RatingsDataset TinyRatings()
    {
        Catalog catalog = TinyCatalog();
        var builder = new RatingsDatasetBuilder(catalog);
        for (int u = 0; u < UserItems.Length; u++)
        {
            foreach (int i in UserItems[u])
            {
                builder.Add(catalog.Users[u], catalog.Items[i], 4f);
            }
        }

        return builder.Build();
    }

    /// <summary>A small MovieLens-shaped synthetic dataset (300 users, 400 items, 12,000 ratings) with genres and years.</summary>
    public static RatingsDataset Small() => SmallData.Value;

    /// <summary>A per-user 80/20 split of <see cref="Small"/>.</summary>
    public static DatasetSplit SmallSplit() => SmallSplitData.Value;

    /// <summary>Fast options for functional tests.</summary>
    public static SoftmaxOptions FastOptions() => new()
    {
        Dimensions = 8,
        HiddenLayerSizes = [12],
        ItemEmbeddingDimensions = 8,
        BatchSize = 32,
        Iterations = 40,
        Optimizer = SoftmaxOptimizer.Adam,
        LearningRate = 0.01,
        ReportInterval = 10,
        MaxDegreeOfParallelism = 2,
    };

    /// <summary>Trains on the small split with <see cref="FastOptions"/> (cached).</summary>
    public static SoftmaxModel SmallModel() => SmallModelData.Value;

    private static readonly Lazy<RatingsDataset> SmallData = new(() =>
        SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 300, Items = 400, Ratings = 12_000, Seed = 7 }).Dataset);

    private static readonly Lazy<DatasetSplit> SmallSplitData = new(() => DatasetSplitter.PerUserHoldout(Small(), 0.2, seed: 3));

    private static readonly Lazy<SoftmaxModel> SmallModelData = new(() =>
        new SoftmaxTrainer(FastOptions() with { UseGenres = true, UseReleaseYears = true, UseItemBiases = true }).Fit(SmallSplit().Train));

    /// <summary>Records every log entry with its event id.</summary>
    internal sealed class ListLogger : ILogger
    {
        public List<(int Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
    }

    /// <summary>Collects progress reports synchronously.</summary>
    internal sealed class ListProgress(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
