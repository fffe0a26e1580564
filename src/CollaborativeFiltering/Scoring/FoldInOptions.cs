using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>Options of the ridge fold-in (<see cref="FoldIn.ComputeUserEmbedding"/>): how an embedding is computed for a user the model was not trained on from explicit ratings.</summary>
public sealed record FoldInOptions
{
    /// <summary>
    /// λ in <c>(VₛᵀVₛ + λI) x = Vₛᵀ(r − μ − b)</c>, greater than zero and finite. Default 1.0: the MAP
    /// estimate under a Gaussian prior is λ = σ²/τ² (rating noise variance over the prior variance of an
    /// embedding coordinate), and MovieLens-scale models have residual errors and embedding coordinates of
    /// order one. Being fixed, its pull towards 0 fades as the user rates more items, while λ &gt; 0 keeps
    /// the system solvable when the user rated fewer items than there are dimensions. Raise it for noisy
    /// ratings or models with large embeddings.
    /// </summary>
    public double Regularization { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option; the fold-in calls it before any work.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public void Validate() => ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
}
