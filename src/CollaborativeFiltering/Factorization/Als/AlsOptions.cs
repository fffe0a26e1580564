using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="AlsFactorizer"/>: alternating least squares on explicit ratings with
/// weighted-λ regularization and, by default, user and item biases. The defaults target
/// MovieLens-scale data (100k to 25M ratings): rank 16, λ = 0.05 weighted by each row's rating
/// count, 15 sweeps, predictions clipped to the training rating range. ALS with biases at such settings is reported at an RMSE of about 0.90–0.92 on
/// MovieLens 100k (Surprise's SVD: 0.934).
/// </summary>
public sealed record AlsOptions : FactorizationOptions
{
    /// <summary>Creates options with the defaults: <see cref="FactorizationOptions.Dimensions"/> = 16, <see cref="FactorizationOptions.Iterations"/> = 15, <see cref="FactorizationOptions.ReportInterval"/> = 1.</summary>
    /// <remarks>
    /// Rank 16: ranks 10–64 are where published MovieLens results for ALS with biases sit (Spark's
    /// default rank is 10), and at MovieLens scale they differ in the third decimal of the RMSE,
    /// while the cost grows as d² (the Gram work) to d³ (the solves). With λ = 0.05 the extra
    /// dimensions of a wider model do not overfit, but they do not help either unless the data has
    /// that much structure: measured on synthetic MovieLens-shaped sets, rank 16 beat rank 32 at
    /// every size and noise level we tried (1M ratings: 1.099× against 1.103× the noise floor;
    /// 100k: 1.211× against 1.225×; 100k with twice the noise: 1.157× against 1.181×), at a quarter
    /// of the time. Raise it for datasets of tens of millions of ratings. 15 sweeps: ALS converges in
    /// about 10–15 sweeps (Spark's default is 10; Zhou et al. 2008 saw little gain after 10–20), each
    /// sweep being an exact minimisation. Progress every sweep because a sweep is expensive.
    /// </remarks>
    public AlsOptions()
    {
        Dimensions = 16;
        Iterations = 15;
        ReportInterval = 1;
    }

    /// <summary>
    /// λ of the weighted-λ penalty λ·(Σ_u n_u·(‖p_u‖² + b_u²) + Σ_i n_i·(‖q_i‖² + b_i²)), n_u and n_i
    /// being the numbers of training ratings of user u and item i; positive and finite. Default 0.05.
    /// </summary>
    /// <remarks>
    /// Weighting by the rating count (Zhou et al. 2008, "Large-scale parallel collaborative filtering
    /// for the Netflix Prize"; Spark ALS's <c>regParam</c>) makes the penalty per rating constant, so
    /// one λ suits light and heavy users, and the same value transfers across dataset sizes. Zhou et
    /// al. found λ ≈ 0.065 best on Netflix; on MovieLens published ALS runs use 0.05–0.1. It must be
    /// positive: it keeps every normal-equation system positive definite, also for rows with fewer
    /// ratings than dimensions.
    /// </remarks>
    public double Regularization { get; init; } = 0.05;

    /// <summary>
    /// Whether to learn the global mean μ (the training mean, fixed) and a bias per user and item,
    /// solved jointly with the factors: each row solves for [p_u; b_u] against [q_i; 1]. Default
    /// <see langword="true"/>: biases carry most of the explainable variance of ratings (Koren, Bell
    /// and Volinsky 2009), so models with them are markedly more accurate. When
    /// <see langword="false"/>, predictions are ⟨p_u, q_i⟩ on the raw ratings.
    /// </summary>
    public bool UseBiases { get; init; } = true;

    /// <summary>
    /// The standard deviation of the initial item factors, drawn from Normal(0, InitStdDev²); positive
    /// and finite. Default 0.1. The first half-sweep solves the user factors exactly from these, so
    /// the scale only breaks the symmetry; the user factors and all biases start at 0.
    /// </summary>
    public double InitStdDev { get; init; } = 0.1;

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
        ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
        ThrowHelper.ThrowIfNotPositiveFinite(InitStdDev, nameof(InitStdDev));
    }
}
