using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="GradientDescentFactorizer"/>, the notebook's plain <c>CFModel</c>: loss =
/// observed MSE, full-batch gradient descent. The defaults are the notebook's: d = 30,
/// <see cref="TrainerOptions.InitStdDev"/> = 0.5, <see cref="LearningRate"/> = 10, 1000 iterations.
/// </summary>
public sealed record GradientDescentOptions : FactorizationOptions
{
    /// <summary>
    /// Creates options with the notebook's settings: <see cref="TrainerOptions.Dimensions"/> = 30,
    /// <see cref="TrainerOptions.Iterations"/> = 1000, <see cref="TrainerOptions.InitStdDev"/> = 0.5
    /// (every entry of U and V is drawn from Normal(0, 0.5²)).
    /// </summary>
    public GradientDescentOptions()
    {
        Dimensions = 30;
        Iterations = 1000;
        InitStdDev = 0.5;
    }

    /// <summary>The step size η of U ← U − η·∂L/∂U, V ← V − η·∂L/∂V; positive and finite. Default 10 (the loss is a mean, so its gradients are small).</summary>
    public double LearningRate { get; init; } = 10;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(LearningRate, nameof(LearningRate));
    }
}
