using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>Options of <see cref="FoldIn"/>: how an embedding is computed for a user the model was not trained on.</summary>
public sealed record FoldInOptions
{
    private readonly double _regularization = 1.0;

    /// <summary>
    /// λ in <c>(VₛᵀVₛ + λI) x = Vₛᵀ(r − μ − b)</c>, greater than zero and finite; default 1.0.
    /// </summary>
    /// <remarks>
    /// A fixed λ is the MAP estimate under a Gaussian prior: λ = σ²/τ², rating noise variance over the
    /// prior variance of an embedding coordinate. MovieLens-scale models have residual errors and
    /// embedding coordinates of order one, so 1.0 is a neutral default; being fixed, its pull towards 0
    /// fades as the user rates more items (as it should), while λ &gt; 0 keeps the system solvable when
    /// the user rated fewer items than there are dimensions. Raise it for noisy ratings or models
    /// with large embeddings.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public double Regularization
    {
        get => _regularization;
        init
        {
            ThrowHelper.ThrowIfNotPositiveFinite(value, nameof(Regularization));
            _regularization = value;
        }
    }
}
