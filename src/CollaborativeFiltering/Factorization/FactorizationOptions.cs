namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The options every matrix factorizer shares beyond <see cref="TrainerOptions"/>: whether the trained
/// model clamps its rating predictions. Each factorizer has its own sealed options record with its own
/// defaults; options are validated when the factorizer is constructed, before any work, and an invalid
/// value throws <see cref="ArgumentOutOfRangeException"/> naming the option.
/// </summary>
/// <remarks>
/// Determinism: a model is bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/> on
/// one machine. Across instruction sets (AVX-512, AVX2, SSE, none) float sums run in lanes of other
/// widths, so models agree within a tolerance instead: predictions within 10⁻⁵ relative for ALS, biased
/// SGD, the full-batch models and BPMF, within 10⁻² for implicit ALS (the README has the measurements).
/// BPMF's chain draws the same random numbers under every instruction set, so it stays that close unless
/// a rounding difference flips one of its samplers' accept–reject decisions, after which the chains agree
/// only in distribution.
/// </remarks>
public abstract record FactorizationOptions : TrainerOptions
{
    /// <summary>
    /// Whether the trained model clamps its predicted ratings into the training set's range
    /// [min rating, max rating] (<see cref="Data.RatingsDataset.ValueRange"/>, kept as
    /// <see cref="FactorizationModel.PredictionRange"/>). <see cref="BiasedSgdOptions"/> and
    /// <see cref="AlsOptions"/> turn it on by default; the notebook's models leave it off (the notebook
    /// does not clamp); <see cref="ImplicitAlsOptions"/> requires it off, since implicit-feedback scores
    /// are preferences, not ratings.
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
    public bool ClipPredictions { get; init; }

    /// <summary>Whether the models trained with these options predict ratings (false for implicit feedback, whose scores are preferences).</summary>
    internal virtual bool PredictsRatings => true;

    /// <summary>
    /// The ranking a trained model uses by default: <see cref="RankingScore.SupportAware"/> for the
    /// trainers that fit rating values alone (their scores favour rarely rated items), <see cref="RankingScore.Model"/>
    /// for those whose loss also covers the unobserved pairs.
    /// </summary>
    internal virtual RankingScore DefaultRanking => RankingScore.SupportAware;

    /// <summary>
    /// A new user's query for a model trained with these options: the fold-in strategy of the objective
    /// they train (here the ridge fold-in with its default λ, which suits explicit ratings). The strategies
    /// live in <see cref="Scoring.FoldIn"/>; the options only choose.
    /// </summary>
    internal virtual float[] FoldInNewUser(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values) =>
        Scoring.FoldIn.ComputeUserEmbedding(model, items, values);
}
