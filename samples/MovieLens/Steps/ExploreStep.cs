using CollaborativeFiltering.Data;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>The notebook's exploration: users describe, most rated, best rated, genre occurrences, and the histograms as PNG.</summary>
internal static class ExploreStep
{
    public static void Show(IAnsiConsole console, DataSource.Loaded loaded, string outDir)
    {
        RatingsDataset ds = loaded.Dataset;
        Tables.Section(console, "Exploring the data");
        console.MarkupLine($"Data: {Markup.Escape(loaded.Description)}");
        console.MarkupLine($"{ds.UserCount} users, {ds.ItemCount} movies, {ds.Count} ratings (density {ds.Count / ((double)ds.UserCount * ds.ItemCount):P2}).");
        console.WriteLine();

        // users.describe(), with the per-user rating count and mean the notebook adds.
        var counts = DatasetStatistics.UserRatingCounts(ds);
        var means = DatasetStatistics.UserMeanRatings(ds);
        var describe = new Table().Title("Users (describe)").AddColumn("");
        var columns = new List<(string Name, Summary Summary)>();
        var ages = ds.Catalog.UserInfos.Where(u => u.Age is not null).Select(u => (double)u.Age!.Value).ToArray();
        if (ages.Length > 0)
        {
            columns.Add(("age", DatasetStatistics.Describe(ages)));
        }

        columns.Add(("rating_count", DatasetStatistics.Describe(counts)));
        columns.Add(("rating_mean", DatasetStatistics.Describe(means)));
        foreach (var (name, _) in columns)
        {
            describe.AddColumn(new TableColumn(name).RightAligned());
        }

        AddRow(describe, "count", columns, s => Tables.I(s.Count));
        AddRow(describe, "mean", columns, s => Tables.F(s.Mean));
        AddRow(describe, "std", columns, s => Tables.F(s.StandardDeviation));
        AddRow(describe, "min", columns, s => Tables.F(s.Min));
        AddRow(describe, "25%", columns, s => Tables.F(s.Percentile25));
        AddRow(describe, "50%", columns, s => Tables.F(s.Median));
        AddRow(describe, "75%", columns, s => Tables.F(s.Percentile75));
        AddRow(describe, "max", columns, s => Tables.F(s.Max));
        console.Write(describe);

        console.Write(ItemTable("Top 10 most rated movies", DatasetStatistics.MostRated(ds, 10)));
        console.Write(ItemTable("Top 10 best rated movies (more than 20 ratings)", DatasetStatistics.BestRated(ds, minimumCount: 21, count: 10)));

        var genres = new Table().Title("Genre occurrences (movies per genre)").AddColumn("genre").AddColumn(new TableColumn("movies").RightAligned());
        foreach (var g in DatasetStatistics.GenreOccurrences(ds.Catalog))
        {
            genres.AddRow(Markup.Escape(g.Genre), Tables.I(g.Count));
        }

        console.Write(genres);
        ExplorationCharts.Write(console, ds, outDir);
    }

    private static Table ItemTable(string title, IReadOnlyList<ItemRatingSummary> items)
    {
        var table = new Table().Title(title).AddColumn("movie_id").AddColumn("title")
            .AddColumn(new TableColumn("rating_count").RightAligned()).AddColumn(new TableColumn("rating_mean").RightAligned());
        foreach (var item in items)
        {
            table.AddRow(Markup.Escape(item.Id), Markup.Escape(item.Title), Tables.I(item.RatingCount), Tables.F(item.MeanRating));
        }

        return table;
    }

    private static void AddRow(Table table, string label, List<(string Name, Summary Summary)> columns, Func<Summary, string> cell) =>
        table.AddRow([label, .. columns.Select(c => cell(c.Summary))]);
}
