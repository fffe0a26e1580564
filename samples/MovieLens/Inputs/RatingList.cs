using System.Globalization;
using CollaborativeFiltering.Data;
using Spectre.Console;

namespace MovieLensSample.Inputs;

/// <summary>A new user's ratings as --rate gives them: "Toy Story=5,Star Wars=4", titles matched by substring.</summary>
internal static class RatingList
{
    /// <summary>The walkthrough's new user: likes family animation, dislikes dark crime films.</summary>
    private const string DefaultText = "Toy Story=5,Aladdin=5,Lion King=4,Fargo=1,Pulp Fiction=1";

    /// <summary>Parses the list; returns an error message naming --rate, or null.</summary>
    public static string? TryParse(string text, out List<(string Title, float Rating)> ratings)
    {
        ratings = [];
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.LastIndexOf('=');
            if (equals <= 0 || !float.TryParse(part.AsSpan(equals + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out float rating) || !float.IsFinite(rating))
            {
                return $"--rate: '{part}' is not TITLE=RATING (e.g. \"Toy Story=5\").";
            }

            ratings.Add((part[..equals].Trim(), rating));
        }

        return ratings.Count == 0 ? "--rate: give at least one TITLE=RATING." : null;
    }

    /// <summary>Parses a list that validation has accepted.</summary>
    public static List<(string Title, float Rating)> Parse(string text) =>
        TryParse(text, out var ratings) is { } error ? throw new FormatException(error) : ratings;

    /// <summary>The default list when every title is in the catalogue; else the five most rated movies rated 5, 5, 4, 2, 1, with a notice.</summary>
    public static List<(string Title, float Rating)> Default(IAnsiConsole console, RatingsDataset ratings)
    {
        TryParse(DefaultText, out var list);
        var titles = ratings.Catalog.ItemInfos;
        if (list.TrueForAll(r => titles.Any(i => i.Title.Contains(r.Title, StringComparison.OrdinalIgnoreCase))))
        {
            return list;
        }

        float[] scores = [5, 5, 4, 2, 1];
        var mostRated = DatasetStatistics.MostRated(ratings, scores.Length);
        console.MarkupLine(Markup.Escape($"[The example titles ({DefaultText}) are not all in this catalogue: the new user rates its most rated movies instead. Choose with --rate.]"));
        return [.. mostRated.Select((m, i) => (m.Title, scores[i]))];
    }
}
