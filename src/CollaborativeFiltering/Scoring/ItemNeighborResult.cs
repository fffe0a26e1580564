using System.Globalization;

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
public sealed record ItemNeighborResult(ItemReference Query, SimilarityMeasure Measure, IReadOnlyList<ItemNeighbor> Neighbors, IReadOnlyList<ItemReference> OtherCandidates)
{
    /// <summary>
    /// The neighbours one per line, as the notebook prints them: <c>Nearest to 'Aladdin (1992)' (id 588) by cosine:</c>,
    /// then <c>  1. 'Aladdin (1992)' (id 588): 1</c>, …, and for a title search the other candidates.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        string measure = Measure switch
        {
            SimilarityMeasure.Cosine => "cosine",
            SimilarityMeasure.ModelWeights => "the model's own weights",
            _ => "dot product",
        };
        text.Append(CultureInfo.InvariantCulture, $"Nearest to {Query} by {measure}:");
        for (int i = 0; i < Neighbors.Count; i++)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"{i + 1,3}. {Neighbors[i]}");
        }

        if (OtherCandidates.Count > 0)
        {
            text.AppendLine().Append("Other candidates: ").AppendJoin(", ", OtherCandidates);
        }

        return text.ToString();
    }
}
