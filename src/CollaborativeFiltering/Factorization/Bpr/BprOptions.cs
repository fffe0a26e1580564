using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="BprFactorizer"/>: Bayesian personalized ranking (Rendle et al. 2009) for
/// implicit feedback, trained by stochastic gradient ascent on sampled (user, interacted item, other item)
/// triples. <see cref="FactorizationOptions.ClipPredictions"/> must stay off: the model's scores order
/// items, they are not ratings. <c>docs/defaults.md</c> in the repository gives the measurements behind
/// the defaults.
/// </summary>
public sealed record BprOptions : FactorizationOptions
{
    /// <summary>The largest <see cref="PopularityExponent"/> accepted.</summary>
    public const double MaxPopularityExponent = 2;

    /// <summary>
    /// Creates options with the defaults: <see cref="TrainerOptions.Dimensions"/> = 64,
    /// <see cref="TrainerOptions.Iterations"/> = 60 epochs (each samples one triple per training
    /// interaction), <see cref="TrainerOptions.ReportInterval"/> = 5, <see cref="TrainerOptions.InitStdDev"/> = 0.1
    /// (every entry of p_u and q_i is drawn from Normal(0, 0.1²), item biases start at 0).
    /// </summary>
    public BprOptions()
    {
        Dimensions = 64;
        Iterations = 60;
        ReportInterval = 5;
        InitStdDev = 0.1;
    }

    /// <summary>The step size of every update in the first epoch; positive and finite. Default 0.05.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>
    /// The factor by which the learning rate is multiplied after every epoch: epoch k (1-based) uses
    /// <c>LearningRate·LearningRateDecay^(k−1)</c>. In (0, 1]; 1 turns decay off. Default 0.97.
    /// </summary>
    public double LearningRateDecay { get; init; } = 0.97;

    /// <summary>
    /// λ, the L2 penalty (λ/2)·‖θ‖² on each factor row a triple touches (p_u, q_i and q_j, as Rendle et al.
    /// and the <c>implicit</c> library apply it); finite, zero or greater. Default 0.01 (the <c>implicit</c> library's).
    /// </summary>
    public double Regularization { get; init; } = 0.01;

    /// <summary>λ_b, the L2 penalty (λ_b/2)·b² on the item biases a triple touches; finite, zero or greater. Default 0.01.</summary>
    public double BiasRegularization { get; init; } = 0.01;

    /// <summary>
    /// Whether the model learns an item bias b_i, added to every score of the item (a learned popularity
    /// term, as the <c>implicit</c> library's BPR has). Default <see langword="true"/>.
    /// </summary>
    public bool UseItemBiases { get; init; } = true;

    /// <summary>How the negative item of each triple is drawn. Default <see cref="BprNegativeSampling.Uniform"/>.</summary>
    public BprNegativeSampling NegativeSampling { get; init; }

    /// <summary>
    /// α of <see cref="BprNegativeSampling.Popularity"/>: negatives are drawn in proportion to n_j^α; in
    /// (0, <see cref="MaxPopularityExponent"/>]. Ignored with uniform sampling. Default 0.75 (word2vec's).
    /// </summary>
    public double PopularityExponent { get; init; } = 0.75;

    /// <summary>
    /// The most validation users whose recall@10 is measured after each epoch (for the reports and early
    /// stopping), chosen once per fit from the seed among the users with validation interactions; in
    /// [1, 1,000,000]. Each costs one pass over the item embeddings. Default 2,000 (every user of MovieLens 100k).
    /// </summary>
    public int MaxValidationUsers { get; init; } = 2000;

    /// <inheritdoc/>
    internal override bool PredictsRatings => false;

    /// <summary><see cref="RankingScore.Model"/>: BPR is trained to rank each user's items above the others, so its own scores rank.</summary>
    internal override RankingScore DefaultRanking => RankingScore.Model;

    /// <summary>The BPR fold-in with these options' λ: the query that maximises the BPR criterion of the given items against every other item.</summary>
    internal override float[] FoldInNewUser(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values) =>
        Scoring.FoldIn.ComputePairwiseUserEmbedding(model, items, values, Regularization);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(LearningRate, nameof(LearningRate));
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(LearningRateDecay), LearningRateDecay, "in (0, 1] (1 turns decay off)");
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(Regularization, nameof(Regularization));
        ThrowHelper.ThrowIfNegativeOrNotFinite(BiasRegularization, nameof(BiasRegularization));
        if (!Enum.IsDefined(NegativeSampling))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(NegativeSampling), NegativeSampling, "Uniform or Popularity");
        }

        if (!(PopularityExponent > 0 && PopularityExponent <= MaxPopularityExponent))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(PopularityExponent), PopularityExponent, "in (0, 2]");
        }

        if (MaxValidationUsers is < 1 or > 1_000_000)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(MaxValidationUsers), MaxValidationUsers, "in [1, 1000000]");
        }

        if (ClipPredictions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(ClipPredictions), ClipPredictions, "false: BPR scores order items, they are not ratings, and are never clamped");
        }
    }
}
