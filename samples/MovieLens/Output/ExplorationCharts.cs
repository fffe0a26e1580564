using CollaborativeFiltering.Data;
using Spectre.Console;

namespace MovieLensSample.Output;

/// <summary>The notebook's exploration charts: rating counts and means per user and per movie, by occupation and by genre.</summary>
internal static class ExplorationCharts
{
    public static void Write(IAnsiConsole console, RatingsDataset ds, string outDir)
    {
        int[] userCounts = DatasetStatistics.UserRatingCounts(ds);
        double[] userMeans = DatasetStatistics.UserMeanRatings(ds);
        int[] itemCounts = DatasetStatistics.ItemRatingCounts(ds);
        double[] itemMeans = DatasetStatistics.ItemMeanRatings(ds);
        Charts.Save(console, outDir, "users.png",
            [Charts.Histogram(userCounts.Select(c => (double)c), "Ratings per user", "ratings"), Charts.Histogram(userMeans, "Mean rating per user", "mean rating")]);
        Charts.Save(console, outDir, "movies.png",
            [Charts.Histogram(itemCounts.Select(c => (double)c), "Ratings per movie", "ratings"), Charts.Histogram(itemMeans, "Mean rating per movie", "mean rating")]);

        IReadOnlyList<UserInfo> users = ds.Catalog.UserInfos;
        var occupations = Group(users.Count, u => users[u].Occupation is { } o ? [o] : [], userCounts, userMeans);
        WriteGroups(console, outDir, "occupations.png", occupations, "users", "occupation");

        IReadOnlyList<ItemInfo> items = ds.Catalog.ItemInfos;
        var genres = Group(items.Count, i => items[i].Genres, itemCounts, itemMeans);
        WriteGroups(console, outDir, "genres.png", genres, "movies", "genre");
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

    private static void WriteGroups(IAnsiConsole console, string outDir, string fileName, List<(string Label, int Members, double Mean)> groups, string members, string by)
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
            Charts.HorizontalBars([.. rated.Select(g => g.Label)], [.. rated.Select(g => g.Mean)], $"Mean rating by {by}", "mean rating", zoom: true),
        ]);
    }
}
