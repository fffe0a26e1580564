using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Options of the confidence-weighted fold-in (<see cref="FoldIn.ComputeImplicitUserEmbedding"/>) of a
/// user described by implicit feedback. The defaults are those of
/// <see cref="Factorization.ImplicitAlsOptions"/>; an implicit-ALS model folds users in with its own λ and α.
/// </summary>
public sealed record ImplicitFoldInOptions
{
    /// <summary>λ of the penalty λ·w·‖x‖², w being the user's penalty weight (<see cref="RegularizationScaling"/>); positive and finite. Default 0.02.</summary>
    public double Regularization { get; init; } = 0.02;

    /// <summary>How the user's penalty weight w is computed: the user's total confidence M + α·Σ r (the default) or number of interactions n.</summary>
    public ImplicitRegularizationScaling RegularizationScaling { get; init; } = ImplicitRegularizationScaling.TotalConfidence;

    /// <summary>α in the confidence c = 1 + α·r of an interaction of strength r; positive and finite. Default 2.</summary>
    public double Alpha { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option; the fold-in calls it before any work.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public void Validate()
    {
        ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
        ThrowHelper.ThrowIfNotPositiveFinite(Alpha, nameof(Alpha));
        if (!Enum.IsDefined(RegularizationScaling))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(RegularizationScaling), RegularizationScaling, "TotalConfidence or InteractionCount");
        }
    }
}
