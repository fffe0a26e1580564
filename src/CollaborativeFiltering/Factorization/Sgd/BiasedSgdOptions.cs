using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="BiasedSgdFactorizer"/>, the biased matrix factorization of Funk and Koren
/// (Surprise's <c>SVD</c>): prediction μ + b_u + b_i + ⟨p_u, q_i⟩, trained by stochastic gradient
/// descent one rating at a time with L2 penalties on biases and factors.
/// </summary>
/// <remarks>
/// <para>The defaults target MovieLens-scale explicit ratings (100k to 25M ratings on a 1–5 or
/// 0.5–5 star scale), not synthetic data: d = 50, 60 epochs, learning rate 0.01 decaying by 0.97
/// per epoch, λ = 0.045 on the factors, λ_b = 0.02 on the biases, initial factors from
/// Normal(0, 0.1²), predictions clipped to the training rating range. Why:</para>
/// <list type="bullet">
/// <item>Surprise's defaults (d = 100, 20 epochs, lr = 0.005, λ = 0.02) reach RMSE ≈ 0.934 on
/// MovieLens 100k (5-fold) and ≈ 0.873 on MovieLens 1M; published grid searches on MovieLens move
/// to a larger learning rate (0.007–0.01), a stronger factor penalty (0.05–0.1) and more epochs,
/// which brings MovieLens 100k to about 0.91–0.92. On small, noise-dominated data a weak penalty
/// (λ ≤ 0.04) lets a wide model overfit, while a strong one (≥ 0.1) underfits MovieLens 1M and
/// larger, where more structure can be learned. λ = 0.045 with d = 50 was the best compromise over
/// synthetic MovieLens-shaped sets of three kinds (test RMSE over the noise floor, against the
/// earlier default d = 100, λ = 0.05): 1M ratings 1.095× (1.102×), 100k ratings 1.213× (1.223×),
/// 100k ratings with twice the noise 1.133× (1.132×); d = 100 at λ = 0.045 was worse on all three.</item>
/// <item>The decay (0.97 per epoch; Koren's Netflix-prize SGD used 0.9) lets the first epochs move
/// fast and the last ones settle: after 60 epochs the step is 0.17 × the first one, and all steps
/// together equal about 28 epochs at the initial rate. With λ = 0.05 the result changes little
/// with a few epochs more or less; on 1M-rating synthetic data 60 epochs at 0.97 came closer to
/// the noise floor than 40 at 0.95, at the same accuracy on 100k ratings.</item>
/// <item>d = 50: a regularized model leaves unneeded dimensions near zero, but on MovieLens-sized
/// data the extra width of d = 100 (Surprise's) only adds estimation noise; the cost is linear in d.
/// Widen it for datasets of tens of millions of ratings.</item>
/// <item>The biases carry most of the predictable signal on MovieLens (μ + b_u + b_i alone scores
/// ≈ 0.94 on 100k); a lighter penalty on them (0.02, Surprise's) keeps them close to the data,
/// while the small learning rate and the few updates a rarely rated row gets already shrink its
/// bias.</item>
/// <item>InitStdDev = 0.1 (Surprise's) gives initial dot products of standard deviation
/// √d·0.1² ≈ 0.07 at d = 50: small next to the rating scale, large enough to break symmetry.</item>
/// </list>
/// <para>The per-rating penalty shrinks every learned interaction by a fixed share whatever the
/// amount of data, so on data with strong, clean low-rank structure (such as the synthetic
/// generator's) a smaller λ fits better; lower it, or use early stopping, when a validation set
/// says so. For early stopping set <see cref="FactorizationOptions.EarlyStoppingPatience"/>
/// (for example 3) and pass the validation set to
/// <see cref="BiasedSgdFactorizer.Fit(Data.RatingsDataset, Data.RatingsDataset?, IProgress{TrainingProgress}?, CancellationToken)"/>.</para>
/// </remarks>
public sealed record BiasedSgdOptions : FactorizationOptions
{
    /// <summary>Creates options with the MovieLens-tuned defaults: <see cref="FactorizationOptions.Dimensions"/> = 50, <see cref="FactorizationOptions.Iterations"/> = 60 epochs.</summary>
    public BiasedSgdOptions()
    {
        Dimensions = 50;
        Iterations = 60;
    }

    /// <summary>The step size lr of the factor updates p_u += lr·(e·q_i − λ·p_u), q_i += lr·(e·p_u − λ·q_i) in the first epoch; positive and finite. Default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>
    /// The step size of the bias updates b_u += lr_b·(e − λ_b·b_u), b_i += lr_b·(e − λ_b·b_i) in the
    /// first epoch; positive and finite, or <see langword="null"/> (the default) to use
    /// <see cref="LearningRate"/>.
    /// </summary>
    public double? BiasLearningRate { get; init; }

    /// <summary>λ, the L2 penalty on the factors p_u and q_i (applied at every rating of the row, so a row's total penalty grows with its number of ratings); finite, zero or greater. Default 0.045.</summary>
    public double Regularization { get; init; } = 0.045;

    /// <summary>λ_b, the L2 penalty on the biases b_u and b_i (per rating, like <see cref="Regularization"/>); finite, zero or greater. Default 0.02.</summary>
    public double BiasRegularization { get; init; } = 0.02;

    /// <summary>The standard deviation of the initial factors: every entry of p_u and q_i is drawn from Normal(0, <c>InitStdDev²</c>) (biases start at 0); positive and finite. Default 0.1.</summary>
    public double InitStdDev { get; init; } = 0.1;

    /// <summary>
    /// The factor by which both learning rates are multiplied after every epoch: epoch k (1-based)
    /// uses <c>LearningRate·LearningRateDecay^(k−1)</c>. In (0, 1]; 1 turns decay off. Default 0.97.
    /// </summary>
    public double LearningRateDecay { get; init; } = 0.97;

    /// <summary>The bias learning rate in effect: <see cref="BiasLearningRate"/>, or <see cref="LearningRate"/> when it is <see langword="null"/>.</summary>
    internal double EffectiveBiasLearningRate => BiasLearningRate ?? LearningRate;

    /// <summary>
    /// Whether the trained model clamps its predicted ratings into the training set's range
    /// [min rating, max rating] (<see cref="Data.RatingsDataset.ValueRange"/>, kept as
    /// <see cref="FactorizationModel.PredictionRange"/>). Default <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// Explicit ratings live on a bounded scale (1–5 stars on MovieLens), so a prediction of 5.4 is
    /// always further from any rating than 5 is: clamping never increases an error and lowers the RMSE
    /// of every model whose predictions overshoot the scale (Surprise clips every prediction to the
    /// rating scale by default). Only rating predictions (<c>Predict</c>, <c>MeanSquaredError</c>,
    /// <c>RegressionMetrics</c>) are clamped, never ranking scores. During training the validation MSE
    /// (and so early stopping) is that of the clamped predictions, as the model will give them, while
    /// the training loss is the objective's, of the raw model. Turn it off to study the raw predictions.
    /// </remarks>
    public bool ClipPredictions { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(LearningRate, nameof(LearningRate));
        if (BiasLearningRate is { } biasLearningRate)
        {
            ThrowHelper.ThrowIfNotPositiveFinite(biasLearningRate, nameof(BiasLearningRate));
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(Regularization, nameof(Regularization));
        ThrowHelper.ThrowIfNegativeOrNotFinite(BiasRegularization, nameof(BiasRegularization));
        ThrowHelper.ThrowIfNotPositiveFinite(InitStdDev, nameof(InitStdDev));
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(LearningRateDecay), LearningRateDecay, "in (0, 1] (1 turns decay off)");
        }
    }
}
