namespace CollaborativeFiltering;

/// <summary>A snapshot of training, reported through <see cref="IProgress{T}"/> and logged.</summary>
/// <param name="Iteration">The number of completed iterations (epochs for SGD, sweeps for ALS), 1-based.</param>
/// <param name="TotalIterations">The number of iterations the fit will run at most.</param>
/// <param name="TrainMse">Observed mean squared error on the training ratings, at the model after this iteration.</param>
/// <param name="ValidationMse">Mean squared error on the validation ratings, or <see langword="null"/> when no validation set was given.</param>
/// <param name="ObservedLoss">The data term of the loss (for full-batch gradient descent, the observed MSE at the point the step was taken from).</param>
/// <param name="RegularizationLoss">The weighted L2 term (λ_r·r(U,V)); 0 when the model has none.</param>
/// <param name="GravityLoss">The weighted gravity term (λ_g·g(U,V)); 0 when the model has none.</param>
/// <param name="Elapsed">Wall-clock time since the fit started.</param>
public readonly record struct TrainingProgress(
    int Iteration,
    int TotalIterations,
    double TrainMse,
    double? ValidationMse,
    double ObservedLoss,
    double RegularizationLoss,
    double GravityLoss,
    TimeSpan Elapsed)
{
    /// <summary>The total loss: <see cref="ObservedLoss"/> + <see cref="RegularizationLoss"/> + <see cref="GravityLoss"/>.</summary>
    public double TotalLoss => ObservedLoss + RegularizationLoss + GravityLoss;

    /// <summary>√<see cref="TrainMse"/>.</summary>
    public double TrainRmse => Math.Sqrt(TrainMse);

    /// <summary>√<see cref="ValidationMse"/>, or <see langword="null"/>.</summary>
    public double? ValidationRmse => ValidationMse is { } v ? Math.Sqrt(v) : null;
}
