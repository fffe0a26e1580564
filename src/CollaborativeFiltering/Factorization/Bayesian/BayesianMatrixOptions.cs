using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="BayesianMatrixFactorizer"/>, Bayesian probabilistic matrix factorization
/// (Salakhutdinov and Mnih, ICML 2008) with user and item biases, trained by Gibbs sampling.
/// <see cref="TrainerOptions.Iterations"/> is the number of Gibbs sweeps; the first
/// <see cref="BurnIn"/> are discarded and the others are the kept samples, over which the model's
/// predictions and embeddings are averaged. The prior is the paper's and has nothing to tune
/// (μ₀ = 0, β₀ = 2, ν₀ = d + 1, W₀ = I). <c>docs/defaults.md</c> in the repository gives the sources
/// and measurements behind the defaults.
/// </summary>
/// <remarks>
/// <para>Determinism: each row's draw comes from a random stream keyed by the seed, the sweep and the
/// row, never by the thread, so a model is bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/>.</para>
/// <para><see cref="TrainerOptions.EarlyStoppingPatience"/> does not apply: the posterior mean is an
/// average over every kept sample, not a point to stop at. The fit logs that it ignores it.</para>
/// </remarks>
public sealed record BayesianMatrixOptions : FactorizationOptions
{
    /// <summary>
    /// Creates options with the defaults: <see cref="TrainerOptions.Dimensions"/> = 10 and
    /// <see cref="TrainerOptions.Iterations"/> = 200 sweeps (libFM's and myFM's MovieLens practice: rank
    /// 10, 200 samples), <see cref="TrainerOptions.InitStdDev"/> = 0.1 (the user and item factors start from
    /// Normal(0, 0.1²), as libFM's do; the biases at 0),
    /// <see cref="TrainerOptions.ReportInterval"/> = 10, <see cref="FactorizationOptions.ClipPredictions"/> on.
    /// </summary>
    public BayesianMatrixOptions()
    {
        Dimensions = 10;
        Iterations = 200;
        InitStdDev = 0.1;
        ReportInterval = 10;
        ClipPredictions = true;
    }

    /// <summary>
    /// The sweeps discarded before samples are kept: zero or more, less than
    /// <see cref="TrainerOptions.Iterations"/>. Default 10: the chain starts near zero and reaches the
    /// posterior's bulk within about ten sweeps (measured on the 1M-rating synthetic set at the default rank:
    /// each sample's train RMSE is within 1 % of its final level from sweep 10 on; a 50-sweep burn-in moves
    /// the posterior-mean test RMSE by less than 0.01 %). libFM averages from the first sweep.
    /// </summary>
    public int BurnIn { get; init; } = 10;

    /// <summary>
    /// How many of the kept samples the model stores to predict with after training, evenly spaced over
    /// the kept ones (thinning): at most this many; zero or more. Default <see cref="int.MaxValue"/>: all of
    /// them, so that <see cref="FactorizationModel.Predict(Data.UserIndex, Data.ItemIndex)"/> is exactly the posterior mean the
    /// training's validation reports measure. They take S·((N + M)·(d + 1) + 2) floats (MovieLens 100k at
    /// the defaults: 190 samples, 22 MB; 1M ratings at d = 32 and 100 samples: 128 MB); fewer samples
    /// save memory at the cost of a noisier average, and 0 keeps none, so that the model predicts with
    /// its posterior-mean embeddings (μ + b̄_u + b̄_i + ⟨ū, v̄⟩, which misses the posterior covariance of
    /// ū and v̄) and has no <see cref="FactorizationModel.PredictDistribution"/>.
    /// </summary>
    public int StoredSamples { get; init; } = int.MaxValue;

    /// <summary>
    /// α, the precision of the rating noise (ratings ~ Normal(prediction, 1/α)), fixed; or
    /// <see langword="null"/> (the default) to sample it in every sweep from its conditional under a
    /// Gamma(1/2, 1/2) prior, as libFM does, so that it fits the data's scale. Salakhutdinov and Mnih
    /// fix α = 2 for Netflix. Positive and finite.
    /// </summary>
    public double? NoisePrecision { get; init; }

    /// <summary>
    /// Whether the ratings are modelled as ordinal star levels instead of Gaussian values. Default
    /// <see langword="false"/>. When <see langword="true"/>, each training rating r on a whole-star or
    /// half-star scale is the rounding of a latent score y ~ Normal(μ + b_u + c_i + ⟨p_u, q_i⟩, 1/α) to the
    /// nearest level, the lowest and highest levels taking everything beyond them (an ordinal probit
    /// likelihood with fixed cut-points midway between the levels); every sweep draws each rating's y from
    /// that normal truncated to [r − step/2, r + step/2] (Albert and Chib 1993's data augmentation) and the
    /// rows from their conditionals given the y. The model predicts the posterior mean of the latent score,
    /// clipped to the scale when <see cref="FactorizationOptions.ClipPredictions"/> is on, and its noise
    /// precision is the latent score's (the rounding's spread comes on top). The training ratings must lie
    /// on one grid (every value a whole number, or every value a multiple of 0.5); the train MSE reported
    /// during the fit is the latent scores'. The fit keeps 12 bytes per rating more (the latent scores in
    /// both orders and the link between them), 28 when it trains on a split (whose rows it then gathers into
    /// arrays of its own). Each sweep adds a pass over the ratings that draws a truncated
    /// normal for each (at rank 10 it costs more than the rows' draws), and the chain mixes more slowly
    /// (the latent scores and the rows move together), so it may need more sweeps on sparse data. Measured on
    /// the generator's star ratings, seed 7, 90/10 split, 200 sweeps: 1.0549× the noise floor against 1.0629×
    /// with the Gaussian likelihood on the 1M-rating shape, 1.1361× against 1.1484× on the 100k shape
    /// (<c>docs/defaults.md</c>). Not measured on the real MovieLens files.
    /// </summary>
    public bool OrdinalRatings { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNegative(BurnIn, nameof(BurnIn));
        if (BurnIn >= Iterations)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(BurnIn), BurnIn, string.Create(CultureInfo.InvariantCulture, $"less than Iterations ({Iterations}), so that at least one sample is kept"));
        }

        ThrowHelper.ThrowIfNegative(StoredSamples, nameof(StoredSamples));
        if (NoisePrecision is { } alpha)
        {
            ThrowHelper.ThrowIfNotPositiveFinite(alpha, nameof(NoisePrecision));
        }
    }

    /// <summary>The number of samples the model stores: min(<see cref="StoredSamples"/>, kept samples).</summary>
    internal int StoredSampleCount => Math.Min(StoredSamples, Iterations - BurnIn);
}
