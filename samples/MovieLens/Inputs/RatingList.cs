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

    /// <summary>One asked rating resolved against the data: the first movie whose title contains the text, and the others that do.</summary>
    public sealed record Resolved(string Asked, string Id, string Title, IReadOnlyList<string> Others, float Rating);

    /// <summary>
    /// Resolves each title (the first match) and checks each rating against the data's rating range, right after
    /// loading and before any training.
    /// </summary>
    /// <exception cref="BadOptionException">No title contains a text, or a rating is outside the data's range.</exception>
    public static IReadOnlyList<Resolved> Resolve(IReadOnlyList<(string Title, float Rating)> ratings, RatingsDataset data)
    {
        Catalog catalog = data.Catalog;
        var resolved = new List<Resolved>(ratings.Count);
        foreach (var (text, rating) in ratings)
        {
            var matches = Enumerable.Range(0, catalog.ItemCount).Select(j => new ItemIndex(j))
                .Where(j => catalog.GetItemTitle(j).Contains(text, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                throw new BadOptionException($"--rate: no movie title contains '{text}'.");
            }

            if (data.ValueRange is { } range && !(rating >= range.Min && rating <= range.Max))
            {
                throw new BadOptionException(string.Create(CultureInfo.InvariantCulture,
                    $"--rate: {rating} for '{text}' is outside the data's rating range [{range.Min}, {range.Max}]."));
            }

            resolved.Add(new Resolved(text, catalog.GetItemId(matches[0]), catalog.GetItemTitle(matches[0]), [.. matches.Skip(1).Select(catalog.GetItemTitle)], rating));
        }

        return resolved;
    }

    /// <summary>Checks that the data has the user --user names.</summary>
    /// <exception cref="BadOptionException">It does not.</exception>
    public static void CheckUser(string userId, RatingsDataset data)
    {
        if (!data.Catalog.Users.TryGetIndex(userId, out _))
        {
            throw new BadOptionException($"--user: the user id '{userId}' is not in the data.");
        }
    }
}
