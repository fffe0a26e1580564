using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>Top-k recommendations for a user of the data or for a new user folded in from a few ratings.</summary>
internal static class RecommendStep
{
    /// <summary>The user's favourite movies, then the top k of those they have not rated in <paramref name="known"/>.</summary>
    public static void ForUser(IAnsiConsole console, IEmbeddingModel model, RatingsDataset known, string userId, int k)
    {
        if (!known.Catalog.Users.TryGetIndex(userId, out int user))
        {
            throw new KeyNotFoundException($"--user: the user id '{userId}' is not in the data.");
        }

        int[] items = known.ByUser.GetColumns(user).ToArray();
        float[] values = known.ByUser.GetValues(user).ToArray();
        var favourites = new List<(string, IReadOnlyList<string>, float)>();
        foreach (int i in Enumerable.Range(0, items.Length).OrderByDescending(i => values[i]).ThenBy(i => items[i]).Take(5).ToArray())
        {
            favourites.Add((known.Catalog.GetItemTitle(new ItemIndex(items[i])), known.Catalog.ItemInfos.Count > 0 ? known.Catalog.ItemInfos[items[i]].Genres : [], values[i]));
        }

        console.Write(Tables.Items($"User {userId}'s top rated movies (of {items.Length})", "rating", favourites));
        console.Write(Tables.Recommendations($"Recommended for user {userId}", Recommender.RecommendById(model, userId, k, known)));
    }

    /// <summary>Resolves the titles (the first match of each), folds the new user in and recommends the top k unrated movies.</summary>
    public static void ForNewUser(IAnsiConsole console, IEmbeddingModel model, IReadOnlyList<(string Title, float Rating)> ratings, int k)
    {
        Catalog catalog = model.Catalog;
        var byId = new List<KeyValuePair<string, float>>();
        var rated = new Table().Title("The new user's ratings").AddColumn("asked").AddColumn("movie").AddColumn(new TableColumn("rating").RightAligned());
        foreach (var (text, rating) in ratings)
        {
            var matches = Enumerable.Range(0, catalog.ItemCount).Select(j => new ItemIndex(j)).Where(j => catalog.GetItemTitle(j).Contains(text, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                throw new KeyNotFoundException($"--rate: no movie title contains '{text}'.");
            }

            Tables.OtherCandidates(console, [.. matches.Skip(1).Select(catalog.GetItemTitle)], text);
            byId.Add(new(catalog.GetItemId(matches[0]), rating));
            Tables.AddRow(rated, text, catalog.GetItemTitle(matches[0]), Tables.F(rating));
        }

        console.Write(rated);
        if (model is SoftmaxModel)
        {
            console.MarkupLine("[grey]The softmax network embeds the new user from which movies they rated, not from the ratings.[/]");
        }

        // The library folds the new user in the model's own way (ridge least squares, implicit ALS's solve, or the network).
        console.Write(Tables.Recommendations("Recommended for the new user", Recommender.RecommendForNewUser(model, byId, k)));
    }
}
