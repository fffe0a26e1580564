namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// Rating-prediction errors over a set of n ratings r_t with predictions p_t, computed by
/// <see cref="RegressionMetrics"/> (accumulated in <see cref="double"/>).
/// </summary>
/// <param name="Mse">Mean squared error, (1/n) Σ_t (r_t − p_t)².</param>
/// <param name="Rmse">Root mean squared error, √<paramref name="Mse"/>.</param>
/// <param name="Mae">Mean absolute error, (1/n) Σ_t |r_t − p_t|.</param>
/// <param name="Count">n, the number of ratings scored.</param>
public readonly record struct RegressionResult(double Mse, double Rmse, double Mae, int Count);
