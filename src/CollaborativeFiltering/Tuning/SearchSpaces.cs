using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// Default search spaces for the library's trainers, centred on the values that measured best on
/// MovieLens-shaped data (see each trainer's options for the measurements). Each starts from the given
/// base options (the trainer's defaults when <see langword="null"/>) and can be extended or replaced.
/// </summary>
public static class SearchSpaces
{
    /// <summary>
    /// Biased SGD: <see cref="TrainerOptions.Dimensions"/> ∈ {32, 64, 100}, λ
    /// (<see cref="BiasedSgdOptions.Regularization"/>) log-uniform in [0.04, 0.16], the learning rate
    /// log-uniform in [0.005, 0.02] and the initial factors' σ (<see cref="TrainerOptions.InitStdDev"/>)
    /// log-uniform in [0.01, 0.1]: in the grid that issue 12's reporter ran on the real MovieLens 100k the
    /// best λ was 0.08 at learning rate 0.01 (reported test RMSE 0.926 on u1, 0.902 on a 90/10 split), with
    /// d from 50 to 100 equally good; Surprise's own grid
    /// runs λ over 0.02–0.1 and the learning rate over 0.002–0.01, and Rendle et al. ("On the difficulty
    /// of evaluating baselines", 2019) tuned SGD matrix factorization on MovieLens 10M to λ ≈ 0.04 with a
    /// small learning rate, many epochs, large d and the initial σ searched too. Searching σ matters:
    /// with early stopping inside each trial, small initial factors and a few epochs regularise as a larger
    /// λ would. Widening λ down to 0.02, the learning rate down to 0.003 or d up to 200 measured worse or
    /// costlier on MovieLens-100k-shaped synthetic data (<c>docs/defaults.md</c> in the repository).
    /// </summary>
    /// <param name="baseOptions">The options the searched values are applied to; <see langword="null"/> for the defaults.</param>
    /// <returns>The space.</returns>
    public static SearchSpace<BiasedSgdOptions> BiasedSgd(BiasedSgdOptions? baseOptions = null) =>
        new SearchSpace<BiasedSgdOptions>(baseOptions ?? new BiasedSgdOptions())
            .WithInteger(nameof(TrainerOptions.Dimensions), ParameterRange.Choice(32, 64, 100), (o, d) => o with { Dimensions = d })
            .With(nameof(BiasedSgdOptions.Regularization), ParameterRange.LogUniform(0.04, 0.16), (o, x) => o with { Regularization = x })
            .With(nameof(BiasedSgdOptions.LearningRate), ParameterRange.LogUniform(0.005, 0.02), (o, x) => o with { LearningRate = x })
            .With(nameof(TrainerOptions.InitStdDev), ParameterRange.LogUniform(0.01, 0.1), (o, x) => o with { InitStdDev = x });

    /// <summary>
    /// Explicit ALS: <see cref="TrainerOptions.Dimensions"/> ∈ {16, 32, 48, 64}, the weighted λ
    /// (<see cref="AlsOptions.Regularization"/>) log-uniform in [0.06, 0.25] and the exponent ν of the
    /// rating count in the penalty (<see cref="AlsOptions.RegularizationExponent"/>) uniform in [0.25, 1]:
    /// in issue 12's grid on the real MovieLens 100k λ = 0.12 was best at every rank tried with ν = 1
    /// (reported test RMSE 0.924 on u1 at rank 64); Zhou et al. (2008) found λ ≈ 0.065 best on Netflix.
    /// Rank and λ alone gained at most 0.0015 RMSE
    /// over the defaults on MovieLens-100k-shaped synthetic data; with ν the search gained 0.003–0.006
    /// there (best ν 0.54–0.61, λ 0.16–0.17) at about 6–7 default fits of work when every rung trained from scratch, 4.2–4.3 in CPU time since promoted trials continue their fits. Ranks above the default 64 measured no better on MovieLens-100k-shaped
    /// synthetic data (<see cref="Data.SyntheticOptions.RealisticMovieLens100K"/>) while a sweep's work grows
    /// with d² to d³ (rank 96: about 2.3 to 3.4 times rank 64's), which would take the default search past
    /// 15 default fits of work; add them (<see cref="SearchSpace{TOptions}.WithInteger"/>) for datasets of
    /// millions of ratings. <c>docs/defaults.md</c> in the repository has the measurements.
    /// </summary>
    /// <param name="baseOptions">The options the searched values are applied to; <see langword="null"/> for the defaults.</param>
    /// <returns>The space.</returns>
    public static SearchSpace<AlsOptions> Als(AlsOptions? baseOptions = null) =>
        new SearchSpace<AlsOptions>(baseOptions ?? new AlsOptions())
            .WithInteger(nameof(TrainerOptions.Dimensions), ParameterRange.Choice(16, 32, 48, 64), (o, d) => o with { Dimensions = d })
            .With(nameof(AlsOptions.Regularization), ParameterRange.LogUniform(0.06, 0.25), (o, x) => o with { Regularization = x })
            .With(nameof(AlsOptions.RegularizationExponent), ParameterRange.Uniform(0.25, 1), (o, x) => o with { RegularizationExponent = x });

    /// <summary>
    /// Implicit ALS: <see cref="TrainerOptions.Dimensions"/> ∈ {32, 64, 128}, α
    /// (<see cref="ImplicitAlsOptions.Alpha"/>) log-uniform in [0.5, 8] and λ
    /// (<see cref="ImplicitAlsOptions.Regularization"/>, frequency-scaled) log-uniform in [0.005, 0.05],
    /// scored by recall@10: the ranges where ranking quality peaks on MovieLens-shaped data of 0.5 % to
    /// 6 % density (Rendle et al. 2022 tune the same three).
    /// </summary>
    /// <param name="baseOptions">The options the searched values are applied to; <see langword="null"/> for the defaults.</param>
    /// <returns>The space.</returns>
    public static SearchSpace<ImplicitAlsOptions> ImplicitAls(ImplicitAlsOptions? baseOptions = null) =>
        new SearchSpace<ImplicitAlsOptions>(baseOptions ?? new ImplicitAlsOptions())
            .WithInteger(nameof(TrainerOptions.Dimensions), ParameterRange.Choice(32, 64, 128), (o, d) => o with { Dimensions = d })
            .With(nameof(ImplicitAlsOptions.Alpha), ParameterRange.LogUniform(0.5, 8), (o, x) => o with { Alpha = x })
            .With(nameof(ImplicitAlsOptions.Regularization), ParameterRange.LogUniform(0.005, 0.05), (o, x) => o with { Regularization = x });

    /// <summary>
    /// The softmax network: <see cref="TrainerOptions.Dimensions"/> ∈ {20, 35, 64}, the learning rate
    /// log-uniform in [2, 16] (around Adagrad's course default of 8) and the input dropout uniform in
    /// [0.2, 0.6], scored by recall@10.
    /// </summary>
    /// <param name="baseOptions">The options the searched values are applied to; <see langword="null"/> for the defaults.</param>
    /// <returns>The space.</returns>
    public static SearchSpace<SoftmaxOptions> Softmax(SoftmaxOptions? baseOptions = null) =>
        new SearchSpace<SoftmaxOptions>(baseOptions ?? new SoftmaxOptions())
            .WithInteger(nameof(TrainerOptions.Dimensions), ParameterRange.Choice(20, 35, 64), (o, d) => o with { Dimensions = d })
            .With(nameof(SoftmaxOptions.LearningRate), ParameterRange.LogUniform(2, 16), (o, x) => o with { LearningRate = x })
            .With(nameof(SoftmaxOptions.InputDropout), ParameterRange.Uniform(0.2, 0.6), (o, x) => o with { InputDropout = x });
}
