using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="SvdPlusPlusFactorizer"/>, Koren's SVD++ (2008): prediction
/// μ + b_u + b_i + ⟨q_i, p_u + |N(u)|^−½·Σ_(j∈N(u)) y_j⟩, trained by stochastic gradient descent one
/// rating at a time with L2 penalties. The defaults are those of <see cref="BiasedSgdOptions"/>, whose
/// factor model SVD++ extends and whose penalties were the best of a grid run on the real MovieLens 100k
/// for biased SGD (reported in the project's issue 12; SVD++ itself was not measured on the real files) (50
/// factors, 60 epochs, learning rate 0.01 decaying by 0.97 per epoch, λ = 0.08 on every factor, λ_b = 0.02
/// on the biases, factors from Normal(0, 0.1²)), with predictions clipped to the training rating range.
/// Surprise's <c>SVDpp</c> settings (20 factors, 20 epochs, learning rate 0.007, every penalty 0.02, no
/// decay) give Surprise's predictions up to the order of the updates; on MovieLens-100k-shaped synthetic
/// data the defaults beat them by 0.014–0.016 test RMSE. <c>docs/defaults.md</c> in the repository gives
/// the measurements.
/// </summary>
public sealed record SvdPlusPlusOptions : FactorizationOptions
{
    /// <summary>
    /// Creates options with the defaults: <see cref="TrainerOptions.Dimensions"/> = 50,
    /// <see cref="TrainerOptions.Iterations"/> = 60 epochs (biased SGD's), <see cref="TrainerOptions.InitStdDev"/> = 0.1
    /// (every entry of p_u, q_i and y_j is drawn from Normal(0, 0.1²), biases start at 0; Surprise's),
    /// <see cref="FactorizationOptions.ClipPredictions"/> on.
    /// </summary>
    public SvdPlusPlusOptions()
    {
        Dimensions = 50;
        Iterations = 60;
        InitStdDev = 0.1;
        ClipPredictions = true;
    }

    /// <summary>
    /// The step size lr of the factor updates (p_u, q_i and every y_j of N(u)) in the first epoch;
    /// positive and finite. Default 0.01 (biased SGD's; Surprise's <c>SVDpp</c> and Koren's paper use 0.007 without decay).
    /// </summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>
    /// The step size of the bias updates b_u += lr_b·(e − λ_b·b_u), b_i += lr_b·(e − λ_b·b_i) in the first
    /// epoch; positive and finite, or <see langword="null"/> (the default) to use <see cref="LearningRate"/>.
    /// </summary>
    public double? BiasLearningRate { get; init; }

    /// <summary>
    /// λ, the L2 penalty on the factors p_u and q_i (applied at every rating, as Surprise does); finite, zero
    /// or greater. Default 0.08, biased SGD's (the best of issue 12's grid on the real MovieLens 100k for that
    /// factor model, where smaller penalties overfit); Surprise uses 0.02.
    /// </summary>
    public double Regularization { get; init; } = 0.08;

    /// <summary>
    /// λ_y, the L2 penalty on the implicit item factors y_j (applied to every y_j of N(u) at each of u's
    /// ratings); finite, zero or greater, or <see langword="null"/> (the default) to use <see cref="Regularization"/>.
    /// </summary>
    public double? ImplicitRegularization { get; init; }

    /// <summary>λ_b, the L2 penalty on the biases b_u and b_i (per rating); finite, zero or greater. Default 0.02 (Surprise's).</summary>
    public double BiasRegularization { get; init; } = 0.02;

    /// <summary>
    /// The factor by which both learning rates are multiplied after every epoch: epoch k (1-based) uses
    /// <c>LearningRate·LearningRateDecay^(k−1)</c>. In (0, 1]; 1 turns decay off (as Surprise). Default 0.97 (biased SGD's).
    /// </summary>
    public double LearningRateDecay { get; init; } = 0.97;

    /// <summary>The bias learning rate in effect.</summary>
    internal double EffectiveBiasLearningRate => BiasLearningRate ?? LearningRate;

    /// <summary>The implicit-factor penalty in effect.</summary>
    internal double EffectiveImplicitRegularization => ImplicitRegularization ?? Regularization;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(LearningRate, nameof(LearningRate));
        if (BiasLearningRate is { } biasLearningRate)
        {
            ThrowHelper.ThrowIfNotPositiveFinite(biasLearningRate, nameof(BiasLearningRate));
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(Regularization, nameof(Regularization));
        if (ImplicitRegularization is { } implicitRegularization)
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(implicitRegularization, nameof(ImplicitRegularization));
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(BiasRegularization, nameof(BiasRegularization));
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(LearningRateDecay), LearningRateDecay, "in (0, 1] (1 turns decay off)");
        }
    }
}
