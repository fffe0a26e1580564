using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>Top-k recommendations for a user of the data or for a new user folded in from a few ratings.</summary>
internal static class RecommendStep
{
    /// <summary>The user's favourite movies, then the top k of those they have not rated in <paramref name="known"/>.</summary>
    public static void ForUser(IAnsiConsole console, IRecommenderModel model, RatingsDataset known, string userId, int k)
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
        console.Write(Tables.Recommendations($"Recommended for user {userId}", Recommender.RecommendById(model, userId, k, known), model));
        console.MarkupLine($"[grey]{Markup.Escape(Tables.ScoreKind(model).Note)}[/]");
    }

    /// <summary>Folds the new user in from the ratings <see cref="RatingList.Resolve"/> resolved and recommends the top k unrated movies.</summary>
    public static void ForNewUser(IAnsiConsole console, IRecommenderModel model, IReadOnlyList<RatingList.Resolved> ratings, int k)
    {
        var byId = new List<KeyValuePair<string, float>>();
        var rated = new Table().Title("The new user's ratings").AddColumn("asked").AddColumn("movie").AddColumn(new TableColumn("rating").RightAligned());
        foreach (RatingList.Resolved r in ratings)
        {
            Tables.OtherCandidates(console, r.Others, r.Asked);
            byId.Add(new(r.Id, r.Rating));
            Tables.AddRow(rated, r.Asked, r.Title, Tables.F(r.Rating));
        }

        console.Write(rated);
        if (model is SoftmaxModel { LikedRatingThreshold: { } liked })
        {
            console.MarkupLine($"[grey]The softmax network embeds the new user from the movies they liked (rated {liked.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} or more, the middle of the training scale); the others only stay out of the list.[/]");
        }

        // The library folds the new user in the model's own way (ridge least squares, implicit ALS's solve, the network, or a kNN or EASE model's neighbours of the rated movies).
        console.Write(Tables.Recommendations("Recommended for the new user", Recommender.RecommendForNewUser(model, byId, k), model));
        console.MarkupLine($"[grey]{Markup.Escape(Tables.ScoreKind(model).Note)}[/]");
    }
}
