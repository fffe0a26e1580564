using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Models;

/// <summary>The one error loop behind <c>FactorizationModel.MeanSquaredError</c> and <c>RegressionMetrics.Compute</c>.</summary>
internal static class RatingErrors
{
    /// <summary>
    /// Σ e² and Σ |e| over <paramref name="ratings"/> (same catalogue, checked by the callers) of
    /// e = r − p, p the model's <see cref="IRecommenderModel.Predict(Data.UserIndex, Data.ItemIndex)"/> (in its float arithmetic, clamped
    /// as the model clamps) clamped again into [<paramref name="min"/>, <paramref name="max"/>], in user-major order.
    /// </summary>
    public static (double Squares, double Absolutes) Sum(IRecommenderModel model, RatingsDataset ratings, float min, float max)
    {
        // Through the row source: a test split is evaluated in place, never materialised.
        RatingRows rows = ratings.UserRows;
        int[] items = rows.Columns;
        float[] values = rows.Values;
        double squares = 0, absolutes = 0;
        foreach ((int u, int p) in rows.MemberEntries())
        {
            float prediction = Math.Clamp(model.Predict(new UserIndex(u), new ItemIndex(items[p])), min, max);
            double e = (double)values[p] - prediction;
            squares += e * e;
            absolutes += Math.Abs(e);
        }

        return (squares, absolutes);
    }
}
