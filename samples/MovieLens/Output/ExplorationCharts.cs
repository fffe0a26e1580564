using CollaborativeFiltering.Data;
using Spectre.Console;

namespace MovieLensSample.Output;

/// <summary>The notebook's exploration charts: rating counts and means per user and per movie, by occupation and by genre.</summary>
internal static class ExplorationCharts
{
    /// <summary>The fewest ratings a movie needs for its mean rating to be charted.</summary>
    public const int MinRatingsForMean = 10;

    public static void Write(IAnsiConsole console, RatingsDataset ds, string outDir)
    {
        int[] userCounts = DatasetStatistics.UserRatingCounts(ds);
        double[] userMeans = DatasetStatistics.UserMeanRatings(ds);
        int[] itemCounts = DatasetStatistics.ItemRatingCounts(ds);
        double[] itemMeans = DatasetStatistics.ItemMeanRatings(ds);
        // Counts are skewed (a few users and movies have hundreds of ratings): log-scale bars. A mean over one or
        // two ratings is noise, and on ml-latest-small most movies have that few: the per-movie means keep the
        // movies with at least MinRatingsForMean ratings, and the title says so.
        Charts.Save(console, outDir, "users.png",
            [Charts.Histogram(userCounts.Select(c => (double)c), "Ratings per user", "ratings", logCounts: true), Charts.Histogram(userMeans, "Mean rating per user", "mean rating")]);
        double[] meansOfRated = [.. itemMeans.Where((_, i) => itemCounts[i] >= MinRatingsForMean)];
        Charts.Save(console, outDir, "movies.png",
        [
            Charts.Histogram(itemCounts.Select(c => (double)c), "Ratings per movie", "ratings", logCounts: true),
            Charts.Histogram(meansOfRated, $"Mean rating per movie, ≥ {MinRatingsForMean} ratings ({meansOfRated.Length:N0} of {itemCounts.Length:N0})", "mean rating"),
        ]);

        IReadOnlyList<UserInfo> users = ds.Catalog.UserInfos;
        var occupations = Group(users.Count, u => users[u].Occupation is { } o ? [o] : [], userCounts, userMeans);
        WriteGroups(console, outDir, "occupations.png", occupations, "users", "occupation", ds.ValueRange?.Max ?? 0);

        IReadOnlyList<ItemInfo> items = ds.Catalog.ItemInfos;
        var genres = Group(items.Count, i => items[i].Genres, itemCounts, itemMeans);
        WriteGroups(console, outDir, "genres.png", genres, "movies", "genre", ds.ValueRange?.Max ?? 0);
    }

    /// <summary>Members, ratings and mean rating per label, most members first (a member with several labels counts in each).</summary>
    private static List<(string Label, int Members, double Mean)> Group(int count, Func<int, IReadOnlyList<string>> labelsOf, int[] ratingCounts, double[] ratingMeans)
    {
        var totals = new Dictionary<string, (int Members, long Ratings, double Sum)>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            foreach (string label in labelsOf(i))
            {
                var (members, ratings, sum) = totals.GetValueOrDefault(label);
                totals[label] = (members + 1, ratings + ratingCounts[i], sum + (ratingCounts[i] > 0 ? ratingMeans[i] * ratingCounts[i] : 0));
            }
        }

        return [.. totals.Select(t => (t.Key, t.Value.Members, t.Value.Ratings > 0 ? t.Value.Sum / t.Value.Ratings : double.NaN))
            .OrderByDescending(t => t.Members).ThenBy(t => t.Key, StringComparer.Ordinal)];
    }

    private static void WriteGroups(IAnsiConsole console, string outDir, string fileName, List<(string Label, int Members, double Mean)> groups, string members, string by, double maxRating)
    {
        if (groups.Count == 0)
        {
            console.MarkupLine($"[grey]No {by} in this catalogue: no {Markup.Escape(fileName)}.[/]");
            return;
        }

        string[] labels = [.. groups.Select(g => g.Label)];
        var rated = groups.Where(g => double.IsFinite(g.Mean)).ToList();
        Charts.Save(console, outDir, fileName,
        [
            Charts.HorizontalBars(labels, [.. groups.Select(g => (double)g.Members)], $"{char.ToUpperInvariant(members[0])}{members[1..]} per {by}", members),
            Charts.HorizontalBars([.. rated.Select(g => g.Label)], [.. rated.Select(g => g.Mean)], $"Mean rating by {by} (axis from 0)", "mean rating", axisMax: maxRating),
        ]);
    }
}
