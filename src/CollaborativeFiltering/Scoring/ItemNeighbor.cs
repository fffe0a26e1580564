namespace CollaborativeFiltering.Scoring;

/// <summary>An item close to a query item, with its similarity score.</summary>
/// <param name="Index">The dense item index.</param>
/// <param name="Id">The item's external id.</param>
/// <param name="Title">The title, or the id when the catalogue has no metadata.</param>
/// <param name="Genres">The genres; empty when unknown.</param>
/// <param name="Score">The similarity to the query item: dot or cosine of the embeddings, or the model's own weight (<see cref="SimilarityMeasure.ModelWeights"/>).</param>
public readonly record struct ItemNeighbor(int Index, string Id, string Title, IReadOnlyList<string> Genres, float Score)
{
    internal static ItemNeighbor Create(Data.Catalog catalog, int item, float score)
    {
        ItemReference r = ItemReference.Create(catalog, item);
        return new ItemNeighbor(item, r.Id, r.Title, r.Genres, score);
    }
}
