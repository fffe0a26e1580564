using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Scoring;
using Spectre.Console;

namespace MovieLensSample.Inputs;

/// <summary>The movie whose neighbours are shown: by title substring, by id, or (by default) "Aladdin", else the most rated movie.</summary>
internal readonly record struct ItemQuery(string? Title, string? Id)
{
    /// <summary>The notebook's example.</summary>
    public const string DefaultTitle = "Aladdin";

    /// <summary>--title or --id when given (checked against the data, before any training); else "Aladdin" when a title contains it; else the most rated movie, with a notice.</summary>
    /// <exception cref="BadOptionException">No title contains --title, or --id is not a movie of the data.</exception>
    public static ItemQuery Choose(IAnsiConsole console, string? title, string? id, RatingsDataset ratings)
    {
        if (id is not null && !ratings.Catalog.Items.TryGetIndex(id, out _))
        {
            throw new BadOptionException($"--id: the movie id '{id}' is not in the data.");
        }

        if (title is not null && !ratings.Catalog.ItemInfos.Any(i => i.Title.Contains(title, StringComparison.OrdinalIgnoreCase)))
        {
            throw new BadOptionException($"--title: no movie title contains '{title}'.");
        }

        if (title is not null || id is not null)
        {
            return new ItemQuery(title, id);
        }

        if (ratings.Catalog.ItemInfos.Any(i => i.Title.Contains(DefaultTitle, StringComparison.OrdinalIgnoreCase)))
        {
            return new ItemQuery(DefaultTitle, null);
        }

        var mostRated = DatasetStatistics.MostRated(ratings, 1)[0];
        console.MarkupLine(Markup.Escape($"[No title contains '{DefaultTitle}' in this catalogue: showing the neighbours of the most rated movie, '{mostRated.Title}', instead. Choose another with --title or --id.]"));
        return new ItemQuery(null, mostRated.Id);
    }

    public ItemNeighborResult Find(IRecommenderModel model, int k, SimilarityMeasure? measure) =>
        Id is { } id ? Neighbors.NearestItemsById(model, id, k, measure)
        : Neighbors.NearestItemsByTitle(model, Title ?? throw new InvalidOperationException("An item query has a title or an id."), k, measure);
}
