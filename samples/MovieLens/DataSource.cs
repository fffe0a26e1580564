using CollaborativeFiltering.Data;
using Spectre.Console;

namespace MovieLensSample;

/// <summary>Where the sample's ratings come from: --data DIR, else the download cache, else a download, else the synthetic set.</summary>
internal static class DataSource
{
    /// <summary>How long to wait for the download's first answer before falling back to the synthetic set.</summary>
    private static readonly TimeSpan FirstAnswerTimeout = TimeSpan.FromSeconds(10);

    public sealed record Loaded(RatingsDataset Dataset, string Description, bool IsSynthetic);

    public static async Task<Loaded> LoadAsync(CommonSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (settings.Data is { } dir)
        {
            // A directory the user names must load: its errors are the user's to see.
            MovieLensFormat format = MovieLens.DetectFormat(dir);
            var dataset = MovieLens.Load(dir, cancellationToken: cancellationToken);
            return new Loaded(dataset, $"{format} files in {dir}", false);
        }

        if (!settings.Synthetic)
        {
            if (MovieLens.TryGetCached(MovieLensVariant.Ml100K, settings.Cache, out string? cached))
            {
                return new Loaded(MovieLens.Load(cached, cancellationToken: cancellationToken), $"MovieLens 100k (cached in {cached})", false);
            }

            string? downloaded = await TryDownloadAsync(settings, console, cancellationToken).ConfigureAwait(false);
            if (downloaded is not null)
            {
                return new Loaded(MovieLens.Load(downloaded, cancellationToken: cancellationToken), $"MovieLens 100k (downloaded to {downloaded})", false);
            }
        }

        // Users pick what to rate by taste, as real users do, so that the ranking comparisons mean something.
        SyntheticOptions options = settings.Quick
            ? new SyntheticOptions { Users = 300, Items = 400, Ratings = 12_000, Seed = settings.Seed, TasteExposure = 2 }
            : new SyntheticOptions { Seed = settings.Seed, TasteExposure = 2 };
        var synthetic = SyntheticDataset.Generate(options, cancellationToken);
        return new Loaded(synthetic.Dataset, $"the synthetic MovieLens-shaped set ({options.Users} users × {options.Items} movies × {options.Ratings} ratings, seed {options.Seed})", true);
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
