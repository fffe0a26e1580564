using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="BiasedSgdFactorizer"/>, the biased matrix factorization of Funk and Koren
/// (Surprise's <c>SVD</c>): prediction μ + b_u + b_i + ⟨p_u, q_i⟩, trained by stochastic gradient
/// descent one rating at a time with L2 penalties on biases and factors. The defaults target
/// MovieLens-scale explicit ratings; d, λ and the learning rate are the best of a grid that the reporter
/// of the project's issue 12 ran on the real MovieLens 100k (the files cannot be shipped, so the project
/// has not re-measured it; <c>benchmarks/CollaborativeFiltering.Accuracy</c> does, given the files), and
/// <c>docs/defaults.md</c> in the repository gives the figures behind them. On data with strong, clean low-rank structure a
/// smaller <see cref="Regularization"/> fits better; lower it, or use early stopping
/// (<see cref="TrainerOptions.EarlyStoppingPatience"/> with a validation set), when a validation set says
/// so, or search it (<c>Tuning.SearchSpaces.BiasedSgd</c>).
/// </summary>
public sealed record BiasedSgdOptions : FactorizationOptions
{
    /// <summary>
    /// Creates options with the defaults: <see cref="TrainerOptions.Dimensions"/> = 50 (in issue 12's grid
    /// on the real MovieLens 100k, Surprise's 100 scored the same at twice the cost), <see cref="TrainerOptions.Iterations"/> = 60
    /// epochs, <see cref="TrainerOptions.InitStdDev"/> = 0.1 (Surprise's; every entry of p_u and q_i is
    /// drawn from Normal(0, 0.1²), biases start at 0), <see cref="FactorizationOptions.ClipPredictions"/> on.
    /// </summary>
    public BiasedSgdOptions()
    {
        Dimensions = 50;
        Iterations = 60;
        InitStdDev = 0.1;
        ClipPredictions = true;
    }

    /// <summary>The step size lr of the factor updates p_u += lr·(e·q_i − λ·p_u), q_i += lr·(e·p_u − λ·q_i) in the first epoch; positive and finite. Default 0.01 (published MovieLens grid searches: 0.007–0.01).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>
    /// The step size of the bias updates b_u += lr_b·(e − λ_b·b_u), b_i += lr_b·(e − λ_b·b_i) in the
    /// first epoch; positive and finite, or <see langword="null"/> (the default) to use
    /// <see cref="LearningRate"/>.
    /// </summary>
    public double? BiasLearningRate { get; init; }

    /// <summary>
    /// λ, the L2 penalty on the factors p_u and q_i (applied at every rating of the row, so a row's total
    /// penalty grows with its number of ratings); finite, zero or greater. Default 0.08: the best value of
    /// a grid over d ∈ {50, 100}, λ and the learning rate on a 10 % validation carve of MovieLens 100k's
    /// u1.base, run by the reporter of issue 12 on the real files (reported test RMSE 0.926 on u1.test, 0.902
    /// on a random 90/10 split; at the former default 0.045 the model overfit: training MSE 0.32, test RMSE
    /// 0.943 on u1). Published MovieLens grids land in the same range (tuned Surprise <c>SVD</c> runs pick 0.05–0.1).
    /// </summary>
    public double Regularization { get; init; } = 0.08;

    /// <summary>λ_b, the L2 penalty on the biases b_u and b_i (per rating, like <see cref="Regularization"/>); finite, zero or greater. Default 0.02 (Surprise's).</summary>
    public double BiasRegularization { get; init; } = 0.02;

    /// <summary>
    /// The factor by which both learning rates are multiplied after every epoch: epoch k (1-based)
    /// uses <c>LearningRate·LearningRateDecay^(k−1)</c>. In (0, 1]; 1 turns decay off. Default 0.97
    /// (chosen on synthetic data under the former λ = 0.05: on 1M ratings 60 epochs at 0.97 came closer to
    /// the noise floor than 40 at 0.95; Koren's Netflix-prize SGD used 0.9).
    /// </summary>
    public double LearningRateDecay { get; init; } = 0.97;

    /// <summary>The bias learning rate in effect: <see cref="BiasLearningRate"/>, or <see cref="LearningRate"/> when it is <see langword="null"/>.</summary>
    internal double EffectiveBiasLearningRate => BiasLearningRate ?? LearningRate;

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
        ThrowHelper.ThrowIfNegativeOrNotFinite(BiasRegularization, nameof(BiasRegularization));
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(LearningRateDecay), LearningRateDecay, "in (0, 1] (1 turns decay off)");
        }
    }
}
