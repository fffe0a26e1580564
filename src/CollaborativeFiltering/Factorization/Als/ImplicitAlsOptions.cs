using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="ImplicitAlsFactorizer"/>: ALS for implicit feedback (clicks, plays, views)
/// after Hu, Koren and Volinsky (2008), with the frequency-scaled regularization of Rendle, Krichene,
/// Zhang and Koren (2022). The rank, sweeps and solver follow the widely used <c>implicit</c> library; α
/// and λ were measured for ratings used as strengths on MovieLens-shaped data, where the classic α = 40
/// collapses the item vectors onto the popularity direction (see <see cref="ImplicitAlsFactorizer"/>);
/// <c>docs/defaults.md</c> in the repository gives the measurements.
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
    /// λ of the penalty λ·(Σ_u w_u·‖x_u‖² + Σ_i w_i·‖y_i‖²), w being each row's penalty weight
    /// (<see cref="RegularizationScaling"/>); positive and finite. Default 0.02, for the default
    /// <see cref="ImplicitRegularizationScaling.TotalConfidence"/>: each row's factors are penalised by 2 %
    /// of its total confidence. Too large a value zeroes every direction but the popularity one (all item
    /// vectors parallel) and then every factor; on MovieLens-shaped data ranking quality peaks at
    /// 0.015–0.03 and that collapse starts near 0.04–0.08, earlier on sparser data. With
    /// <see cref="ImplicitRegularizationScaling.InteractionCount"/> (Spark's weighted-λ) good values are
    /// about 10–50 times larger and grow with α.
    /// </summary>
    public double Regularization { get; init; } = 0.02;

    /// <summary>
    /// How each row's penalty weight w is computed: its total confidence (the default, frequency-scaled
    /// regularization of Rendle et al. 2022) or its interaction count (Spark's weighted-λ).
    /// </summary>
    public ImplicitRegularizationScaling RegularizationScaling { get; init; } = ImplicitRegularizationScaling.TotalConfidence;

    /// <summary>
    /// α in the confidence c = 1 + α·r of an observed interaction of strength r (unobserved pairs
    /// have c = 1 and preference 0); positive and finite. Default 2, for ratings or small counts as
    /// strengths: with 1–5 star ratings confidences run from 3 to 11, and at MovieLens 100k's density
    /// (6.3 %, mean rating 3.5) the observed pairs carry about 35 % of the loss. Hu, Koren and Volinsky's α = 40 suited their TV-watching data
    /// (sparse, strengths mostly below 1); with ratings it makes confidences up to 201, the observed pairs
    /// about 90 % of the loss, and collapses the item vectors onto the popularity direction. Raise α for
    /// sparser data (on synthetic data of 0.5 % density α = 3 measured better than 2); log-scale large counts before passing them.
    /// </summary>
    public double Alpha { get; init; } = 2;

    /// <summary>
    /// Conjugate-gradient steps per row and half-sweep, warm-started from the row's previous value;
    /// in [0, 4,096] (CG solves a d×d system in at most d steps). 0 solves each row exactly by Cholesky instead: O(n_u·d² + d³) per row rather
    /// than O(n_u·d + d²) per step; slower at large d, but exact (useful for tests and for fold-in).
    /// Default 3 (Takács, Pilászy and Tikk 2011; the <c>implicit</c> library).
    /// </summary>
    public int ConjugateGradientSteps { get; init; } = 3;

    /// <inheritdoc/>
    internal override bool PredictsRatings => false;

    /// <inheritdoc/>
    internal override RankingScore DefaultRanking => RankingScore.Model;

    /// <summary>The confidence-weighted fold-in with these options' λ and α: for a training user, that user's next exact ALS update.</summary>
    internal override float[] FoldInNewUser(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values) =>
        Scoring.FoldIn.ComputeImplicitUserEmbedding(model, items, values, new Scoring.ImplicitFoldInOptions { Regularization = Regularization, RegularizationScaling = RegularizationScaling, Alpha = Alpha });

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
        ThrowHelper.ThrowIfNotPositiveFinite(Alpha, nameof(Alpha));
        if (!Enum.IsDefined(RegularizationScaling))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(RegularizationScaling), RegularizationScaling, "TotalConfidence or InteractionCount");
        }
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
