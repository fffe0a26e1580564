namespace CollaborativeFiltering.Factorization.Bayesian;

/// <summary>
/// The per-group hyper-parameters of the Bayesian factorization machine (Freudenthaler, Schmidt-Thieme
/// and Rendle 2011; libFM): the parameters θ_j of one group (its linear weights, or its factors of one
/// rank f) are Normal(μ, 1/λ), with λ ~ Gamma(α_λ/2, β_λ/2) and μ | λ ~ Normal(μ₀, 1/(γ₀λ)), libFM's
/// α_λ = β_λ = γ₀ = 1 and μ₀ = 0. Their conditionals, sampled in turn (λ, then μ), given the n values
/// of the group: λ | μ, θ ~ Gamma((α_λ + n + 1)/2, (β_λ + γ₀(μ − μ₀)² + Σ(θ_j − μ)²)/2) and
/// μ | λ, θ ~ Normal((Σθ_j + γ₀μ₀)/(n + γ₀), 1/((n + γ₀)λ)).
/// </summary>
internal static class NormalGamma
{
    public const double AlphaLambda = 1, BetaLambda = 1, Gamma0 = 1, Mu0 = 0;

    /// <summary>The shape and rate of λ's conditional given μ, the count and Σ(θ − μ)².</summary>
    public static (double Shape, double Rate) Precision(int count, double squaredDeviations, double mu) =>
        ((AlphaLambda + count + 1) / 2, (BetaLambda + (Gamma0 * (mu - Mu0) * (mu - Mu0)) + squaredDeviations) / 2);

    /// <summary>The mean and precision of μ's conditional given λ, the count and Σθ.</summary>
    public static (double Mean, double Precision) Mean(int count, double sum, double lambda) =>
        ((sum + (Gamma0 * Mu0)) / (count + Gamma0), (count + Gamma0) * lambda);
}
