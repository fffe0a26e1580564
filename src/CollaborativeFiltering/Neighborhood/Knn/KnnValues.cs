namespace CollaborativeFiltering.Neighborhood.Knn;

/// <summary>
/// The value a rating contributes to a similarity (<see cref="KnnSimilarity"/>): the residual from the
/// baseline for Pearson-baseline, the rating minus the mean of the other side (the user's for item-kNN,
/// the item's for user-kNN) for the adjusted cosine, the raw rating otherwise. One expression per case,
/// evaluated the same way in the fit and for a new user, so both see the same bits.
/// </summary>
internal static class KnnValues
{
    public static float Of(KnnSimilarity similarity, KnnOrientation orientation, KnnStatistics statistics, int user, int item, float rating) => similarity switch
    {
        KnnSimilarity.PearsonBaseline => (float)(rating - statistics.Baseline(user, item)),
        KnnSimilarity.AdjustedCosine => rating - (orientation == KnnOrientation.Items ? statistics.UserMeans[user] : statistics.ItemMeans[item]),
        _ => rating,
    };

    /// <summary>The shrinkage-weighted similarity of a pair with <paramref name="support"/> shared ratings, as kept in the model (0 when not kept).</summary>
    public static float Shrunk(double similarity, int support, int minSupport, double shrinkage)
    {
        if (support < minSupport)
        {
            return 0;
        }

        double shrunk = shrinkage > 0 ? similarity * (support / (support + shrinkage)) : similarity;
        return shrunk > 0 ? (float)Math.Min(shrunk, 1.0) : 0;
    }
}
