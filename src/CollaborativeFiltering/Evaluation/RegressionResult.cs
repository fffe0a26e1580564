using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// Rating-prediction errors over a set of n ratings r_t with predictions p_t, computed by
/// <see cref="RegressionMetrics"/> (accumulated in <see cref="double"/>).
/// </summary>
/// <param name="Mse">Mean squared error, (1/n) Σ_t (r_t − p_t)².</param>
/// <param name="Rmse">Root mean squared error, √<paramref name="Mse"/>.</param>
/// <param name="Mae">Mean absolute error, (1/n) Σ_t |r_t − p_t|.</param>
/// <param name="Count">n, the number of ratings scored.</param>
public readonly record struct RegressionResult(double Mse, double Rmse, double Mae, int Count)
{
    /// <summary>E.g. <c>MSE 0.8123, RMSE 0.9013, MAE 0.7123 over 10000 ratings</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MSE {Display.Number(Mse)}, RMSE {Display.Number(Rmse)}, MAE {Display.Number(Mae)} over {Display.Count(Count)} ratings");
}
