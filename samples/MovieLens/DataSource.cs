using CollaborativeFiltering.Data;
using Spectre.Console;

namespace MovieLensSample;

/// <summary>
/// Where the sample's ratings come from: --data DIR, else the download cache, else a download,
/// else the synthetic set. Every path goes through the library's MovieLens loaders, the synthetic
/// set too: it is written as a MovieLens 100k folder with the official files' irregularities and
/// read back, so the offline run exercises the same code as a real directory.
/// </summary>
internal static class DataSource
{
    /// <summary>How long to wait for the download's first answer before falling back to the synthetic set.</summary>
    private static readonly TimeSpan FirstAnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How the sample loads: metadata lenient (the library's default) and ratings of movies missing
    /// from the metadata skipped, as copies of ml-latest-small that circulate need; both say so in
    /// the warnings printed after loading.
    /// </summary>
    public static MovieLensLoadOptions LoadOptions { get; } = new() { UnknownIds = UnknownIdPolicy.Skip };

    public sealed record Loaded(RatingsDataset Dataset, string Description, bool IsSynthetic);

    public static async Task<Loaded> LoadAsync(CommonSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (settings.Data is { } dir)
        {
            // A directory the user names must load: its errors are the user's to see.
            MovieLensFormat format = MovieLens.DetectFormat(dir);
            return Load(console, MovieLens.Load(dir, LoadOptions, cancellationToken), $"{Name(format)} files in {dir}");
        }

        if (!settings.Synthetic)
        {
            if (MovieLens.TryGetCached(MovieLensVariant.Ml100K, settings.Cache, out string? cached))
            {
                return Load(console, MovieLens.Load(cached, LoadOptions, cancellationToken), $"MovieLens 100k (cached in {cached})");
            }

            string? downloaded = await TryDownloadAsync(settings, console, cancellationToken).ConfigureAwait(false);
            if (downloaded is not null)
            {
                return Load(console, MovieLens.Load(downloaded, LoadOptions, cancellationToken), $"MovieLens 100k (downloaded to {downloaded})");
            }
        }

        SyntheticOptions options = SyntheticOptionsFor(settings.Quick, settings.Seed);
        RatingsDataset synthetic = Synthetic(options, cancellationToken);
        return new Loaded(synthetic, $"the synthetic MovieLens-shaped set ({options.Users} users × {options.Items} movies × {options.Ratings} ratings, seed {options.Seed}), as real-shaped MovieLens 100k files", true);
    }

    /// <summary>The name of a release's format as people say it.</summary>
    public static string Name(MovieLensFormat format) => format switch
    {
        MovieLensFormat.Ml100K => "MovieLens 100k",
        MovieLensFormat.Ml1M => "MovieLens 1M/10M",
        _ => "MovieLens latest/20M/25M/32M",
    };

    /// <summary>The offline set: users pick what to rate by taste, as real users do, so that the ranking comparisons mean something.</summary>
    public static SyntheticOptions SyntheticOptionsFor(bool quick, int seed) => quick
        ? new SyntheticOptions { Users = 300, Items = 400, Ratings = 12_000, Seed = seed, TasteExposure = 2 }
        : new SyntheticOptions { Seed = seed, TasteExposure = 2 };

    /// <summary>
    /// Generates the synthetic set, writes it as a MovieLens 100k folder with the official files'
    /// irregularities (one-digit days, the "unknown" item, trailing spaces, Latin-1 titles, …) in a
    /// temporary folder, and loads that folder back with the sample's options.
    /// </summary>
    public static RatingsDataset Synthetic(SyntheticOptions options, CancellationToken cancellationToken)
    {
        RatingsDataset generated = SyntheticDataset.Generate(options, cancellationToken).Dataset;
        string folder = Path.Combine(Path.GetTempPath(), "cf-sample-ml-100k-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            MovieLensWriter.Write100K(generated, folder, MovieLensWriterOptions.RealShaped, cancellationToken);
            return MovieLens.Load100K(folder, LoadOptions, cancellationToken);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The loaded data, after printing what the loader warned about (values recorded as unknown, ratings skipped).</summary>
    public static Loaded Load(IAnsiConsole console, RatingsDataset dataset, string description)
    {
        foreach (LoadWarning warning in dataset.LoadReport?.Warnings ?? [])
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning.ToString())}");
        }

        return new Loaded(dataset, description, false);
    }

    private static async Task<string?> TryDownloadAsync(CommonSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        using var noAnswer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        noAnswer.CancelAfter(FirstAnswerTimeout);
        var progress = new Progress(noAnswer);
        try
        {
            var options = new MovieLensDownloadOptions { CacheDirectory = settings.Cache };
            return await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, progress, noAnswer.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or TimeoutException or IOException or HttpRequestException or UnauthorizedAccessException)
        {
            string why = e is OperationCanceledException ? $"no answer within {FirstAnswerTimeout.TotalSeconds:0} s" : (e.InnerException ?? e).Message;
            console.MarkupLine($"[yellow]MovieLens 100k unavailable ({Markup.Escape(why)}): using the synthetic set.[/]");
            return null;
        }
    }

    /// <summary>Lifts the first-answer deadline as soon as bytes arrive; reports synchronously.</summary>
    private sealed class Progress(CancellationTokenSource deadline) : IProgress<DownloadProgress>
    {
        private bool _answered;

        public void Report(DownloadProgress value)
        {
            if (!_answered)
            {
                _answered = true;
                deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }
}
