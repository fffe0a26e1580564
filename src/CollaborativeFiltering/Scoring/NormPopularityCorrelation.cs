using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// How strongly item-embedding norms follow item popularity (the number behind the notebook's
/// norm-versus-number-of-ratings chart): plain dot-product models tend to give popular items long
/// embeddings, which is why their dot-product neighbours are dominated by blockbusters.
/// </summary>
/// <param name="Spearman">Spearman's rank correlation between item norm and item rating count, in [−1, 1].</param>
/// <param name="Pearson">Pearson's linear correlation between item norm and item rating count, in [−1, 1].</param>
/// <param name="ItemCount">The number of items correlated (every item of the catalogue, including unrated ones).</param>
public readonly record struct NormPopularityCorrelation(double Spearman, double Pearson, int ItemCount)
{
    /// <summary>E.g. <c>Spearman ρ 0.918, Pearson r 0.8 over 1682 items</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Spearman ρ {Display.Number(Spearman)}, Pearson r {Display.Number(Pearson)} over {Display.Count(ItemCount)} items");
}
