using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="RegularizedFactorizer"/>, the notebook's <c>Regularized_CFModel</c>:
/// loss = observed MSE + λ_r·r(U,V) + λ_g·g(U,V), full-batch gradient descent. The defaults are the
/// notebook's: d = 50, <see cref="TrainerOptions.InitStdDev"/> = 0.05, λ_r = 0.1, λ_g = 1, <see cref="LearningRate"/> = 20,
/// 3000 iterations.
/// </summary>
public sealed record RegularizedOptions : FactorizationOptions
{
    /// <summary>
    /// Creates options with the notebook's settings: <see cref="TrainerOptions.Dimensions"/> = 50,
    /// <see cref="TrainerOptions.Iterations"/> = 3000, <see cref="TrainerOptions.InitStdDev"/> = 0.05
    /// (every entry of U and V is drawn from Normal(0, 0.05²)).
    /// </summary>
    public RegularizedOptions()
    {
        Dimensions = 50;
        Iterations = 3000;
        InitStdDev = 0.05;
    }

    /// <summary>The step size η of U ← U − η·∂L/∂U, V ← V − η·∂L/∂V; positive and finite. Default 20.</summary>
    public double LearningRate { get; init; } = 20;

    /// <summary>λ_r, the weight of r(U,V) = (1/N) Σ_i ‖U_i‖² + (1/M) Σ_j ‖V_j‖²; finite, zero or greater. Default 0.1.</summary>
    public double RegularizationWeight { get; init; } = 0.1;

    /// <summary>
    /// λ_g, the weight of the gravity term g(U,V) = (1/(N·M)) Σ_i Σ_j ⟨U_i, V_j⟩², which pulls the
    /// predictions of unobserved pairs towards 0; finite, zero or greater. Default 1.
    /// </summary>
    public double GravityWeight { get; init; } = 1;

    /// <summary>The gravity term pulls every unobserved prediction towards 0, so the model's own scores already rank by how likely an item is rated: <see cref="RankingScore.Model"/>.</summary>
    internal override RankingScore DefaultRanking => RankingScore.Model;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(LearningRate, nameof(LearningRate));
        ThrowHelper.ThrowIfNegativeOrNotFinite(RegularizationWeight, nameof(RegularizationWeight));
        ThrowHelper.ThrowIfNegativeOrNotFinite(GravityWeight, nameof(GravityWeight));
    }
}
