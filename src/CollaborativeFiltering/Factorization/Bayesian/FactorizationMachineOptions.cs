using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="BayesianFactorizationMachine"/>, a second-order factorization machine
/// (Rendle 2010) trained by Gibbs sampling with a normal–gamma prior per feature group (Freudenthaler,
/// Schmidt-Thieme and Rendle 2011; libFM's MCMC). <see cref="TrainerOptions.Dimensions"/> is the factor
/// rank k, <see cref="TrainerOptions.Iterations"/> the number of Gibbs sweeps, of which the first
/// <see cref="BurnIn"/> are discarded. The priors need no tuning (each group's mean and precision are
/// sampled; their hyper-priors are libFM's: μ₀ = 0, γ₀ = 1, α_λ = β_λ = 1). <c>docs/defaults.md</c>
/// in the repository gives the sources and measurements behind the defaults.
/// </summary>
/// <remarks>
/// <para>Determinism: one random stream per sweep, drawn in a fixed order on the fitting thread (each
/// draw depends on the one before it); the passes around the draws (the residuals, the per-row sums over
/// ratings, the refresh of every row after a sweep) run on up to
/// <see cref="TrainerOptions.MaxDegreeOfParallelism"/> threads when they are large enough to pay for the
/// hand-over (about half a millisecond of work; on 100k ratings most run on the calling thread alone),
/// each value computed by one thread and every
/// sum reduced in a fixed order, so a model depends on the seed alone, bit for bit, at any thread count.
/// Across instruction sets (AVX-512, AVX2, SSE, none) predictions agree within 10⁻⁵ relative (the README
/// has the measurement), unless a rounding difference flips one of the samplers' accept–reject decisions,
/// after which the chains agree only in distribution.</para>
/// <para><see cref="TrainerOptions.EarlyStoppingPatience"/> does not apply (the posterior mean averages
/// every kept sample); the fit logs that it ignores it.</para>
/// </remarks>
public sealed record FactorizationMachineOptions : TrainerOptions
{
    /// <summary>The widest <see cref="ZipPrefixLength"/>, a whole US zip code.</summary>
    public const int MaxZipPrefixLength = 5;

    /// <summary>
    /// Creates options with the defaults: rank k = 10 (<see cref="TrainerOptions.Dimensions"/>), 200
    /// sweeps (<see cref="TrainerOptions.Iterations"/>) and factors initialised from Normal(0, 0.1²)
    /// (<see cref="TrainerOptions.InitStdDev"/>; linear weights start at 0): libFM's MCMC defaults and
    /// myFM's MovieLens examples. Progress every 10 sweeps.
    /// </summary>
    public FactorizationMachineOptions()
    {
        Dimensions = 10;
        Iterations = 200;
        InitStdDev = 0.1;
        ReportInterval = 10;
    }

    /// <summary>The feature groups built from the dataset. Default <see cref="FeatureBlocks.Default"/>: ids, the items each user rated, user and item information.</summary>
    public FeatureBlocks Blocks { get; init; } = FeatureBlocks.Default;

    /// <summary>The sweeps discarded before samples are kept: zero or more, less than <see cref="TrainerOptions.Iterations"/>. Default 10 (libFM keeps every sweep; the first few are far from the posterior: on the 1M-rating synthetic set at the default rank, each sample's train RMSE is within 1 % of its final level from sweep 9 on).</summary>
    public int BurnIn { get; init; } = 10;

    /// <summary>
    /// How many kept samples the model stores to predict with after training, evenly spaced: at most
    /// this many; zero or more. Default <see cref="int.MaxValue"/>: all of them, so that
    /// <see cref="FactorizationMachineModel.Predict(Data.UserIndex, Data.ItemIndex)"/> is exactly the posterior mean the
    /// training's reports measure. Each takes ((N + M)·(k + 1) + 2) floats (MovieLens 100k at
    /// the defaults: 190 samples, 22 MB); 0 keeps none (predictions from the posterior-mean parameters).
    /// </summary>
    public int StoredSamples { get; init; } = int.MaxValue;

    /// <summary>α, the precision of the rating noise, fixed; or <see langword="null"/> (the default) to sample it every sweep under a Gamma(1/2, 1/2) prior, as libFM does. Positive and finite.</summary>
    public double? NoisePrecision { get; init; }

    /// <summary>
    /// Whether the ratings are modelled as ordinal star levels instead of Gaussian values, as
    /// <see cref="BayesianMatrixOptions.OrdinalRatings"/> does for BPMF. Default <see langword="false"/>.
    /// When <see langword="true"/>, each training rating r on a whole-star or half-star scale is the rounding of
    /// a latent score y ~ Normal(ŷ(x), 1/α) to the nearest level, the lowest and highest levels taking
    /// everything beyond them (an ordinal probit likelihood with fixed cut-points midway between the levels);
    /// every sweep first draws each rating's y from that normal truncated to [r − step/2, r + step/2] (Albert
    /// and Chib 1993's data augmentation), then α and the parameters from their conditionals given the y. The
    /// model predicts the posterior mean of the latent score, clipped to the scale when
    /// <see cref="ClipPredictions"/> is on, and its noise precision is the latent score's (the rounding's
    /// spread comes on top). The training ratings must lie on one grid (every value a whole number, or every
    /// value a multiple of 0.5); the train MSE reported during the fit is the latent scores'. The fit keeps
    /// 4 bytes per rating more (the ratings beside the latent scores) and adds a pass over the ratings per
    /// sweep that draws a truncated normal for each; its chain, like BPMF's, mixes more slowly. Measured on the
    /// generator's star ratings, seed 7, 90/10 split, 200 sweeps, user and item ids: 1.0548× the noise floor
    /// against 1.0638× with the Gaussian likelihood on the 1M-rating shape, 1.1356× against 1.1509× on the
    /// 100k shape (<c>docs/defaults.md</c>). Not measured on the real MovieLens files.
    /// </summary>
    public bool OrdinalRatings { get; init; }

    /// <summary>Whether the model clamps predicted ratings into the training set's rating range (each sample's prediction, as libFM does); ranking scores are never clamped. Default <see langword="true"/>.</summary>
    public bool ClipPredictions { get; init; } = true;

    /// <summary>How many leading characters of the zip code form the zip-prefix feature (<see cref="FeatureBlocks.UserInfo"/>); in [1, 5]. Default 1 (the US region: ten features, each shared by many users).</summary>
    public int ZipPrefixLength { get; init; } = 1;

    /// <summary>The width, in years, of the release-year buckets (<see cref="FeatureBlocks.ItemInfo"/>); positive. Default 5.</summary>
    public int YearBucketWidth { get; init; } = 5;

    /// <summary>The width, in days, of the rating-time buckets (<see cref="FeatureBlocks.Time"/>), counted from the first training rating; positive. Default 30.</summary>
    public int TimeBucketDays { get; init; } = 30;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        if ((Blocks & ~(FeatureBlocks.Default | FeatureBlocks.Raters | FeatureBlocks.Time)) != 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Blocks), Blocks, "a combination of the FeatureBlocks flags");
        }

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

        if (ZipPrefixLength is < 1 or > MaxZipPrefixLength)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ZipPrefixLength), ZipPrefixLength, "in [1, 5]");
        }

        ThrowHelper.ThrowIfNotPositive(YearBucketWidth, nameof(YearBucketWidth));
        ThrowHelper.ThrowIfNotPositive(TimeBucketDays, nameof(TimeBucketDays));
    }

    /// <summary>The number of samples the model stores: min(<see cref="StoredSamples"/>, kept samples).</summary>
    internal int StoredSampleCount => Math.Min(StoredSamples, Iterations - BurnIn);
}
