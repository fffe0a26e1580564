using CollaborativeFiltering.Factorization;

namespace MovieLensSample;

/// <summary>Builds a factorizer from the command-line options: the library's defaults (the notebook's settings) unless a flag overrides them.</summary>
internal static class ModelFactory
{
    /// <summary>With --quick, every model runs this fraction of its iterations (at least <see cref="QuickMinimumIterations"/>).</summary>
    private const int QuickDivisor = 20;
    private const int QuickMinimumIterations = 3;

    public static IMatrixFactorizer Create(ModelKind kind, ModelSettings flags, bool quick, int seed)
    {
        switch (kind)
        {
            case ModelKind.Plain:
                var plain = Common(new GradientDescentOptions(), flags, quick, seed);
                return new GradientDescentFactorizer(plain with
                {
                    InitStdDev = flags.InitStdDev ?? plain.InitStdDev,
                    LearningRate = flags.LearningRate ?? plain.LearningRate,
                });
            case ModelKind.Regularized:
                var regularized = Common(new RegularizedOptions(), flags, quick, seed);
                return new RegularizedFactorizer(regularized with
                {
                    InitStdDev = flags.InitStdDev ?? regularized.InitStdDev,
                    LearningRate = flags.LearningRate ?? regularized.LearningRate,
                    RegularizationWeight = flags.Regularization ?? regularized.RegularizationWeight,
                    GravityWeight = flags.Gravity ?? regularized.GravityWeight,
                });
            case ModelKind.Biased:
                var biased = Common(new BiasedSgdOptions(), flags, quick, seed);
                return new BiasedSgdFactorizer(biased with
                {
                    InitStdDev = flags.InitStdDev ?? biased.InitStdDev,
                    LearningRate = flags.LearningRate ?? biased.LearningRate,
                    BiasLearningRate = flags.BiasLearningRate ?? biased.BiasLearningRate,
                    Regularization = flags.Regularization ?? biased.Regularization,
                    BiasRegularization = flags.BiasRegularization ?? biased.BiasRegularization,
                    LearningRateDecay = flags.LearningRateDecay ?? biased.LearningRateDecay,
                });
            case ModelKind.Als:
                var als = Common(new AlsOptions(), flags, quick, seed);
                return new AlsFactorizer(als with
                {
                    InitStdDev = flags.InitStdDev ?? als.InitStdDev,
                    Regularization = flags.Regularization ?? als.Regularization,
                    UseBiases = !flags.NoBiases,
                });
            default:
                var implicitAls = Common(new ImplicitAlsOptions(), flags, quick, seed);
                return new ImplicitAlsFactorizer(implicitAls with
                {
                    InitStdDev = flags.InitStdDev ?? implicitAls.InitStdDev,
                    Regularization = flags.Regularization ?? implicitAls.Regularization,
                    Alpha = flags.Alpha ?? implicitAls.Alpha,
                    ConjugateGradientSteps = flags.ConjugateGradientSteps ?? implicitAls.ConjugateGradientSteps,
                });
        }
    }

    /// <summary>The options every factorizer shares.</summary>
    private static T Common<T>(T defaults, ModelSettings flags, bool quick, int seed)
        where T : FactorizationOptions =>
        (T)((FactorizationOptions)defaults with
        {
            Dimensions = flags.Dimensions ?? defaults.Dimensions,
            Iterations = flags.Iterations ?? (quick ? Math.Max(QuickMinimumIterations, defaults.Iterations / QuickDivisor) : defaults.Iterations),
            Seed = seed,
            MaxDegreeOfParallelism = flags.Threads ?? defaults.MaxDegreeOfParallelism,
            ReportInterval = flags.ReportInterval ?? defaults.ReportInterval,
            EarlyStoppingPatience = flags.EarlyStopping ?? defaults.EarlyStoppingPatience,
        });
}
