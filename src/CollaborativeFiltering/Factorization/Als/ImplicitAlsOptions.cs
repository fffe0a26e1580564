using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="ImplicitAlsFactorizer"/>: ALS for implicit feedback (clicks, plays, views)
/// after Hu, Koren and Volinsky (2008). The defaults follow that paper, Spark's implicit ALS and the
/// widely used <c>implicit</c> library; <c>docs/defaults.md</c> in the repository gives the reasoning.
/// <see cref="FactorizationOptions.ClipPredictions"/> must stay off: the model's scores are preferences,
/// not ratings.
/// </summary>
public sealed record ImplicitAlsOptions : FactorizationOptions
{
    /// <summary>
    /// Creates options with the defaults: <see cref="TrainerOptions.Dimensions"/> = 64 (ranking quality
    /// keeps improving with the rank; the <c>implicit</c> library defaults to 100),
    /// <see cref="TrainerOptions.Iterations"/> = 15 sweeps (the <c>implicit</c> library's),
    /// <see cref="TrainerOptions.ReportInterval"/> = 1, <see cref="TrainerOptions.InitStdDev"/> = 0.01
    /// (the <c>implicit</c> library's scale; every entry of X and Y starts from Normal(0, 0.01²)).
    /// </summary>
    public ImplicitAlsOptions()
    {
        Dimensions = 64;
        Iterations = 15;
        ReportInterval = 1;
        InitStdDev = 0.01;
    }

    /// <summary>
    /// λ of the weighted-λ penalty λ·(Σ_u n_u·‖x_u‖² + Σ_i n_i·‖y_i‖²), n_u and n_i being the users'
    /// and items' interaction counts (as in Spark's implicit ALS); positive and finite. What matters is
    /// λ/<see cref="Alpha"/>; scale it with <see cref="Alpha"/>. Default 2 (λ/α = 0.05, the safe end of
    /// the range where ranking quality is flat).
    /// </summary>
    public double Regularization { get; init; } = 2;

    /// <summary>
    /// α in the confidence c = 1 + α·r of an observed interaction of strength r (unobserved pairs
    /// have c = 1 and preference 0); positive and finite. Scale it down when interaction strengths are
    /// large counts (or pass log-scaled values). Default 40 (Hu, Koren and Volinsky's best).
    /// </summary>
    public double Alpha { get; init; } = 40;

    /// <summary>
    /// Conjugate-gradient steps per row and half-sweep, warm-started from the row's previous value;
    /// in [0, 4,096] (CG solves a d×d system in at most d steps). 0 solves each row exactly by Cholesky instead: O(n_u·d² + d³) per row rather
    /// than O(n_u·d + d²) per step; slower at large d, but exact (useful for tests and for fold-in).
    /// Default 3 (Takács, Pilászy and Tikk 2011; the <c>implicit</c> library).
    /// </summary>
    public int ConjugateGradientSteps { get; init; } = 3;

    /// <inheritdoc/>
    internal override bool PredictsRatings => false;

    /// <summary>The confidence-weighted fold-in with these options' λ and α: for a training user, that user's next exact ALS update.</summary>
    internal override float[] FoldInNewUser(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values) =>
        Scoring.FoldIn.ComputeImplicitUserEmbedding(model, items, values, new Scoring.ImplicitFoldInOptions { Regularization = Regularization, Alpha = Alpha });

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
        ThrowHelper.ThrowIfNotPositiveFinite(Alpha, nameof(Alpha));
        if (ConjugateGradientSteps is < 0 or > MaxDimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ConjugateGradientSteps), ConjugateGradientSteps, "in [0, 4096] (conjugate gradient solves a d×d system exactly in at most d steps)");
        }

        if (ClipPredictions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ClipPredictions), ClipPredictions, "false: implicit-feedback scores are preferences, not ratings, and are never clamped");
        }
    }
}
