using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// Rating-prediction error metrics. For n ratings r_t and predictions p_t:
/// MSE = (1/n) Σ_t (r_t − p_t)², RMSE = √MSE, MAE = (1/n) Σ_t |r_t − p_t|.
/// Errors are formed from <see cref="float"/> values and accumulated in <see cref="double"/>; a NaN
/// prediction makes the result NaN. Thread-safe.
/// </summary>
public static class RegressionMetrics
{
    /// <summary>
    /// MSE, RMSE and MAE of a model's predictions <see cref="IRecommenderModel.Predict(Data.UserIndex, Data.ItemIndex)"/> on every
    /// rating of <paramref name="ratings"/>, as the model gives them (a matrix factorization clamps into
    /// its <see cref="Factorization.FactorizationModel.PredictionRange"/> when it has one), so the MSE
    /// agrees with <see cref="Factorization.FactorizationModel.MeanSquaredError"/> on the same ratings.
    /// Only for models that <see cref="IRecommenderModel.PredictsRatings"/>: the others' predictions are
    /// preference or ranking scores, and asking for their rating errors is an error.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="ratings">The ratings to score, over the model's catalogue; at least one.</param>
    /// <returns>The errors and the number of ratings scored.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ratings"/> is empty or belongs to another catalogue.</exception>
    /// <exception cref="InvalidOperationException">The model ranks items but does not predict ratings (implicit ALS, the softmax network, EASE); the message names its kind.</exception>
    public static RegressionResult Compute(IRecommenderModel model, RatingsDataset ratings) =>
        ComputeCore(model, ratings, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>
    /// MSE, RMSE and MAE of a model's predictions clipped to the rating scale: each prediction p of
    /// <see cref="IRecommenderModel.Predict(Data.UserIndex, Data.ItemIndex)"/> (already clamped by the model when it clamps) is replaced by
    /// <c>min(max(p, minRating), maxRating)</c> before the error is taken (e.g. 1 and 5 for
    /// MovieLens, 0.5 and 5 for half-star data). Clipping never increases an error whose rating lies in
    /// the range.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="ratings">The ratings to score, over the model's catalogue; at least one.</param>
    /// <param name="minRating">The lowest rating of the scale; finite.</param>
    /// <param name="maxRating">The highest rating of the scale; finite and at least <paramref name="minRating"/>.</param>
    /// <returns>The errors and the number of ratings scored.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ratings"/> is empty or belongs to another catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minRating"/> is not finite, or <paramref name="maxRating"/> is not finite or is below <paramref name="minRating"/>.</exception>
    /// <exception cref="InvalidOperationException">The model ranks items but does not predict ratings; the message names its kind.</exception>
    public static RegressionResult Compute(IRecommenderModel model, RatingsDataset ratings, float minRating, float maxRating)
    {
        if (!float.IsFinite(minRating))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(minRating), minRating, "a finite number");
        }

        if (!float.IsFinite(maxRating) || maxRating < minRating)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(maxRating), maxRating, string.Create(CultureInfo.InvariantCulture, $"a finite number at least minRating ({minRating})"));
        }

        return ComputeCore(model, ratings, minRating, maxRating);
    }

    /// <summary>MSE, RMSE and MAE of predictions against actual ratings, pairwise.</summary>
    /// <param name="predicted">The predictions p_t.</param>
    /// <param name="actual">The ratings r_t, as many as <paramref name="predicted"/>; at least one.</param>
    /// <returns>The errors and n = the spans' length.</returns>
    /// <exception cref="ArgumentException">The spans are empty or differ in length.</exception>
    public static RegressionResult Compute(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        CheckSpans(predicted, actual);
        double squares = 0;
        double absolutes = 0;
        for (int t = 0; t < predicted.Length; t++)
        {
            double e = (double)actual[t] - predicted[t];
            squares += e * e;
            absolutes += Math.Abs(e);
        }

        return Result(squares, absolutes, predicted.Length);
    }

    /// <summary>Mean squared error (1/n) Σ_t (r_t − p_t)².</summary>
    /// <param name="predicted">The predictions p_t.</param>
    /// <param name="actual">The ratings r_t, as many as <paramref name="predicted"/>; at least one.</param>
    /// <returns>The MSE.</returns>
    /// <exception cref="ArgumentException">The spans are empty or differ in length.</exception>
    public static double Mse(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual) => Compute(predicted, actual).Mse;

    /// <summary>Root mean squared error √((1/n) Σ_t (r_t − p_t)²).</summary>
    /// <param name="predicted">The predictions p_t.</param>
    /// <param name="actual">The ratings r_t, as many as <paramref name="predicted"/>; at least one.</param>
    /// <returns>The RMSE.</returns>
    /// <exception cref="ArgumentException">The spans are empty or differ in length.</exception>
    public static double Rmse(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual) => Compute(predicted, actual).Rmse;

    /// <summary>Mean absolute error (1/n) Σ_t |r_t − p_t|.</summary>
    /// <param name="predicted">The predictions p_t.</param>
    /// <param name="actual">The ratings r_t, as many as <paramref name="predicted"/>; at least one.</param>
    /// <returns>The MAE.</returns>
    /// <exception cref="ArgumentException">The spans are empty or differ in length.</exception>
    public static double Mae(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual) => Compute(predicted, actual).Mae;

    private static RegressionResult ComputeCore(IRecommenderModel model, RatingsDataset ratings, float min, float max)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ratings);
        if (!model.Catalog.IsCompatibleWith(ratings.Catalog))
        {
            ThrowHelper.Argument(nameof(ratings), "The ratings belong to another catalogue than the model's (different user or item ids). Read a training and a test file together (MovieLens.LoadSplit, DelimitedRatingsReader.ReadSplit) so that both share one catalogue.");
        }

        if (ratings.Count == 0)
        {
            ThrowHelper.Argument(nameof(ratings), "The ratings are empty; at least one rating is needed to compute an error.");
        }

        if (!model.PredictsRatings)
        {
            ThrowHelper.InvalidOperation($"The model {model.GetType().Name} ({model}) ranks items but does not predict ratings (its PredictsRatings is false), so its rating errors would measure nothing; evaluate it with RankingMetrics.Evaluate.");
        }

        (double squares, double absolutes) = RatingErrors.Sum(model, ratings, min, max);
        return Result(squares, absolutes, ratings.Count);
    }

    private static RegressionResult Result(double squares, double absolutes, int count)
    {
        double mse = squares / count;
        return new RegressionResult(mse, Math.Sqrt(mse), absolutes / count, count);
    }

    private static void CheckSpans(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        if (predicted.IsEmpty)
        {
            ThrowHelper.Argument(nameof(predicted), "predicted is empty; at least one prediction is needed to compute an error.");
        }

        if (actual.Length != predicted.Length)
        {
            ThrowHelper.Argument(nameof(actual), string.Create(CultureInfo.InvariantCulture, $"actual has {actual.Length} values but predicted has {predicted.Length}; they must be paired."));
        }
    }
}
