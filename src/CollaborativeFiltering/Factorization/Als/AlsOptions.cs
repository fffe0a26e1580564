using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of <see cref="AlsFactorizer"/>: alternating least squares on explicit ratings with
/// weighted-λ regularization (its exponent adjustable: <see cref="RegularizationExponent"/>) and, by
/// default, user and item biases. The defaults target
/// MovieLens-scale data (100k to 25M ratings); <c>docs/defaults.md</c> in the repository gives the
/// sources and measurements behind them.
/// </summary>
public sealed record AlsOptions : FactorizationOptions
{
    /// <summary>
    /// Creates options with the defaults: <see cref="TrainerOptions.Dimensions"/> = 64 (with λ = 0.12 the
    /// rank mattered little in issue 12's grid on the real MovieLens 100k, where λ = 0.12 was the best at
    /// every rank tried and 64 is the rank of its reported figure; published MovieLens results for ALS with
    /// biases sit at ranks 10–64),
    /// <see cref="TrainerOptions.Iterations"/> = 15 sweeps (ALS converges in 10–15; Spark's default is
    /// 10), <see cref="TrainerOptions.ReportInterval"/> = 1 (a sweep is expensive),
    /// <see cref="TrainerOptions.InitStdDev"/> = 0.1 (the item factors start from Normal(0, 0.1²); the
    /// first half-sweep solves the user factors exactly from them, so the scale only breaks the
    /// symmetry; user factors and biases start at 0), <see cref="FactorizationOptions.ClipPredictions"/> on.
    /// </summary>
    public AlsOptions()
    {
        Dimensions = 64;
        Iterations = 15;
        ReportInterval = 1;
        InitStdDev = 0.1;
        ClipPredictions = true;
    }

    /// <summary>
    /// λ of the weighted-λ penalty λ·(Σ_u n_u·(‖p_u‖² + b_u²) + Σ_i n_i·(‖q_i‖² + b_i²)), n_u and n_i
    /// being the numbers of training ratings of user u and item i; positive (it keeps every
    /// normal-equation system positive definite) and finite. Default 0.12: the best value, at every rank
    /// tried, of a grid over rank and λ on a 10 % validation carve of MovieLens 100k's u1.base that the
    /// reporter of issue 12 ran on the real files (reported test RMSE 0.924 on u1.test and 0.905 on a random
    /// 90/10 split at rank 64; the former defaults, rank 16 and λ = 0.05, overfit: training MSE 0.35, test
    /// RMSE 0.990 on u1; not re-measured here, as the files cannot be shipped). Zhou et al. (2008), who introduced
    /// weighted-λ ALS, found 0.065 best on the much larger Netflix data.
    /// </summary>
    public double Regularization { get; init; } = 0.12;

    /// <summary>
    /// ν, the exponent of a row's rating count in its penalty: each user's (item's) penalty weight is
    /// λ·n̄^(1−ν)·n^ν instead of λ·n, n̄ being the mean number of training ratings per user (per item), so a
    /// row with the mean count keeps λ·n̄ whatever ν. In [0, 1]: 1 (the default) is the weighted λ of
    /// Zhou et al. (2008) above, 0 a plain ridge penalty λ·n̄ on every row; in between, heavily rated rows
    /// are penalised less than in proportion to their ratings and sparse rows more — the frequency-scaled
    /// regularization that Rendle, Krichene, Zhang and Koren ("Revisiting the performance of iALS on item
    /// recommendation benchmarks", RecSys 2022) tune for implicit ALS. The default stays 1, the setting of
    /// the real-data grid behind <see cref="Regularization"/>; the default search
    /// (<c>Tuning.SearchSpaces.Als</c>) tries ν too. On MovieLens-100k-shaped synthetic data
    /// (<see cref="Data.SyntheticOptions.RealisticMovieLens100K"/>, seeds 42 and 1, random 80/20) the best ν
    /// was 0.5 with λ = 0.18: test RMSE 0.9296 and 0.9174 against 0.9326 and 0.9219 for the best λ at ν = 1.
    /// </summary>
    public double RegularizationExponent { get; init; } = 1;

    /// <summary>
    /// Whether to learn the global mean μ (the training mean, fixed) and a bias per user and item,
    /// solved jointly with the factors: each row solves for [p_u; b_u] against [q_i; 1]. When
    /// <see langword="false"/>, predictions are ⟨p_u, q_i⟩ on the raw ratings. Default
    /// <see langword="true"/> (Koren, Bell and Volinsky 2009: biases carry most of the explainable
    /// variance of ratings).
    /// </summary>
    public bool UseBiases { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositiveFinite(Regularization, nameof(Regularization));
        if (!(RegularizationExponent is >= 0 and <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(RegularizationExponent), RegularizationExponent, "in [0, 1]: 1 for the weighted λ, 0 for the same λ·n̄ on every row");
        }
    }
}
