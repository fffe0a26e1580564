using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="ImplicitAlsFactorizer"/>: ALS for implicit feedback (clicks, plays, views)
/// after Hu, Koren and Volinsky (2008). The defaults follow that paper, Spark's implicit ALS and the
/// widely used <c>implicit</c> library: rank 64, α = 40, weighted λ = 2, 15 sweeps of 3
/// conjugate-gradient steps.
/// </summary>
public sealed record ImplicitAlsOptions : FactorizationOptions
{
    /// <summary>Creates options with the defaults: <see cref="FactorizationOptions.Dimensions"/> = 64, <see cref="FactorizationOptions.Iterations"/> = 15, <see cref="FactorizationOptions.ReportInterval"/> = 1.</summary>
    /// <remarks>
    /// Rank 64: implicit models rank items rather than predict values, and ranking quality keeps
    /// improving with the rank well past the ranks that suit rating prediction (Hu et al. went to 200;
    /// the <c>implicit</c> library defaults to 100); 64 is the usual compromise at MovieLens scale. 15
    /// sweeps is the <c>implicit</c> library's default: with warm-started conjugate gradient the
    /// ranking metrics settle after 10–15 sweeps.
    /// </remarks>
    public ImplicitAlsOptions()
    {
        Dimensions = 64;
        Iterations = 15;
        ReportInterval = 1;
    }

    /// <summary>
    /// λ of the weighted-λ penalty λ·(Σ_u n_u·‖x_u‖² + Σ_i n_i·‖y_i‖²), n_u and n_i being the users'
    /// and items' interaction counts; positive and finite. Default 2.
    /// </summary>
    /// <remarks>
    /// Weighted by the counts as in Spark's implicit ALS (and Zhou et al.'s explicit ALS-WR), so that
    /// the penalty grows with the confidence-weighted data term of each row (about α·n_u) and one
    /// value suits light and heavy users and datasets of any size. What matters is then λ/α: Spark's
    /// defaults (regParam 0.1, alpha 1) put it at 0.1. Too large a ratio zeroes every factor at once
    /// (on sparse, MovieLens-shaped data that happens near λ/α ≈ 0.2) while ranking quality is
    /// nearly flat between 0.05 and 0.1, so the default takes the safe end: λ = 2 at α = 40. Scale it
    /// with <see cref="Alpha"/>.
    /// </remarks>
    public double Regularization { get; init; } = 2;

    /// <summary>
    /// α in the confidence c = 1 + α·r of an observed interaction of strength r (unobserved pairs
    /// have c = 1 and preference 0); positive and finite. Default 40.
    /// </summary>
    /// <remarks>
    /// Hu, Koren and Volinsky found α = 40 to work best in their experiments, and it is the value
    /// most implementations start from: it makes one observed interaction weigh as much as about 40
    /// unobserved ones, which for MovieLens-sized catalogues (a user sees 1–5 % of the items) balances
    /// the positive and negative terms of the loss. Scale it down when interaction strengths are
    /// large counts (or pass log-scaled values).
    /// </remarks>
    public double Alpha { get; init; } = 40;

    /// <summary>
    /// Conjugate-gradient steps per row and half-sweep, warm-started from the row's previous value
    /// (Takács, Pilászy and Tikk 2011; the <c>implicit</c> library); in [0, 4,096] (CG solves a d×d system in at most d steps). Default 3. 0
    /// solves each row exactly by Cholesky instead: O(n_u·d² + d³) per row rather than O(n_u·d + d²)
    /// per step; slower at large d, but exact (useful for tests and for fold-in).
    /// </summary>
    /// <remarks>Three steps per sweep reach the same ranking quality as exact solves because the warm start carries the progress of earlier sweeps.</remarks>
    public int ConjugateGradientSteps { get; init; } = 3;

    /// <summary>
    /// The standard deviation of the initial factors, every entry of X and Y from
    /// Normal(0, InitStdDev²); positive and finite. Default 0.01, the <c>implicit</c> library's scale:
    /// small enough that the first sweep is dominated by the data, non-zero to break the symmetry.
    /// </summary>
    public double InitStdDev { get; init; } = 0.01;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
        ThrowHelper.ThrowIfNotPositiveFinite(Alpha, nameof(Alpha));
        if (ConjugateGradientSteps is < 0 or > MaxDimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ConjugateGradientSteps), ConjugateGradientSteps, "in [0, 4096] (conjugate gradient solves a d×d system exactly in at most d steps)");
        }
        ThrowHelper.ThrowIfNotPositiveFinite(InitStdDev, nameof(InitStdDev));
    }
}
