using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>An item close to a query item, with its similarity score.</summary>
/// <param name="Item">The item's dense index.</param>
/// <param name="Id">The item's external id.</param>
/// <param name="Title">The title, or the id when the catalogue has no metadata.</param>
/// <param name="Genres">The genres; empty when unknown.</param>
/// <param name="Score">The similarity to the query item: dot or cosine of the embeddings, or the model's own weight (<see cref="SimilarityMeasure.ModelWeights"/>).</param>
public readonly record struct ItemNeighbor(ItemIndex Item, string Id, string Title, IReadOnlyList<string> Genres, float Score)
{
    internal static ItemNeighbor Create(Catalog catalog, int item, float score)
    {
        ItemReference r = ItemReference.Create(catalog, item);
        return new ItemNeighbor(r.Item, r.Id, r.Title, r.Genres, score);
    }

    /// <summary>E.g. <c>'GoldenEye (1995)' (id 2): 0.8342</c>, the score being the similarity.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Item(Id, Title)}: {Display.Number(Score)}");
}
