namespace CollaborativeFiltering.Scoring;

/// <summary>The nearest items to a query item.</summary>
/// <param name="Query">The query item (for a title search, the first matching item).</param>
/// <param name="Measure">The similarity used.</param>
/// <param name="Neighbors">
/// Best first (score descending, then index ascending). When the query was included it comes first,
/// whatever its score, followed by the nearest other items.
/// </param>
/// <param name="OtherCandidates">
/// For a title search, the other items whose titles also matched, by ascending index (print them as the
/// notebook does: "[Found more than one matching movie. Other candidates: …]"); empty otherwise.
/// </param>
public sealed record ItemNeighborResult(ItemReference Query, SimilarityMeasure Measure, IReadOnlyList<ItemNeighbor> Neighbors, IReadOnlyList<ItemReference> OtherCandidates);
