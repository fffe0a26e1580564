using CollaborativeFiltering;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neural;
using MovieLensSample.Commands;

namespace MovieLensSample.Steps;

/// <summary>Builds a trainer from the command-line options: the library's defaults (the notebook's settings) unless a flag overrides them.</summary>
internal static class ModelFactory
{
    /// <summary>With --quick, every model runs this fraction of its iterations (at least <see cref="QuickMinimumIterations"/>).</summary>
    private const int QuickDivisor = 20;
    private const int QuickMinimumIterations = 3;

    /// <summary>The trainer of <paramref name="kind"/>: every one, the softmax network's and the neighbourhood models' included, is an <see cref="ITrainer{TModel}"/>.</summary>
    public static ITrainer<IRecommenderModel> Create(ModelKind kind, ModelSettings flags, bool quick, int seed)
    {
        switch (kind)
        {
            case ModelKind.ItemKnn:
                return new ItemKnnRecommender(Knn(flags));
            case ModelKind.UserKnn:
                return new UserKnnRecommender(Knn(flags));
            case ModelKind.Ease:
                var ease = new EaseOptions();
                return new EaseRecommender(ease with
                {
                    Regularization = flags.Regularization ?? ease.Regularization,
                    MaxDegreeOfParallelism = flags.Threads ?? ease.MaxDegreeOfParallelism,
                });
            case ModelKind.Softmax:
                return CreateSoftmax(flags, quick, seed);
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
                    RegularizationExponent = flags.RegularizationExponent ?? als.RegularizationExponent,
                    UseBiases = !flags.NoBiases,
                });
            case ModelKind.ImplicitAls:
                var implicitAls = Common(new ImplicitAlsOptions(), flags, quick, seed);
                return new ImplicitAlsFactorizer(implicitAls with
                {
                    InitStdDev = flags.InitStdDev ?? implicitAls.InitStdDev,
                    Regularization = flags.Regularization ?? implicitAls.Regularization,
                    Alpha = flags.Alpha ?? implicitAls.Alpha,
                    ConjugateGradientSteps = flags.ConjugateGradientSteps ?? implicitAls.ConjugateGradientSteps,
                });
            case ModelKind.Bpmf:
                var bpmf = Common(new BayesianMatrixOptions(), flags, quick, seed);
                return new BayesianMatrixFactorizer(bpmf with
                {
                    InitStdDev = flags.InitStdDev ?? bpmf.InitStdDev,
                    BurnIn = flags.BurnIn ?? Math.Min(bpmf.BurnIn, bpmf.Iterations / 2),
                    OrdinalRatings = flags.Ordinal,
                });
            case ModelKind.BayesianFm:
                return CreateFactorizationMachine(flags, quick, seed);
            case ModelKind.SvdPlusPlus:
                var svdpp = Common(new SvdPlusPlusOptions(), flags, quick, seed);
                return new SvdPlusPlusFactorizer(svdpp with
                {
                    InitStdDev = flags.InitStdDev ?? svdpp.InitStdDev,
                    LearningRate = flags.LearningRate ?? svdpp.LearningRate,
                    BiasLearningRate = flags.BiasLearningRate ?? svdpp.BiasLearningRate,
                    Regularization = flags.Regularization ?? svdpp.Regularization,
                    BiasRegularization = flags.BiasRegularization ?? svdpp.BiasRegularization,
                    LearningRateDecay = flags.LearningRateDecay ?? svdpp.LearningRateDecay,
                });
            case ModelKind.Bpr:
                var bpr = Common(new BprOptions(), flags, quick, seed);
                return new BprFactorizer(bpr with
                {
                    InitStdDev = flags.InitStdDev ?? bpr.InitStdDev,
                    LearningRate = flags.LearningRate ?? bpr.LearningRate,
                    Regularization = flags.Regularization ?? bpr.Regularization,
                    BiasRegularization = flags.BiasRegularization ?? bpr.BiasRegularization,
                    LearningRateDecay = flags.LearningRateDecay ?? bpr.LearningRateDecay,
                });
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a model kind of the sample.");
        }
    }

    /// <summary>The softmax network: the course's architecture (the library's defaults) unless a flag overrides it; with --quick, a twentieth of the steps.</summary>
    private static SoftmaxTrainer CreateSoftmax(ModelSettings flags, bool quick, int seed)
    {
        var defaults = new SoftmaxOptions();
        int iterations = flags.Iterations ?? Iterations(defaults.Iterations, quick);
        return new SoftmaxTrainer(defaults with
        {
            Dimensions = flags.Dimensions ?? defaults.Dimensions,
            HiddenLayerSizes = flags.HiddenLayerSizes ?? defaults.HiddenLayerSizes,
            UseGenres = flags.Genres,
            UseReleaseYears = flags.Years,
            InputDropout = flags.InputDropout ?? defaults.InputDropout,
            BatchSize = flags.BatchSize ?? defaults.BatchSize,
            Iterations = iterations,
            Optimizer = flags.OptimizerKind ?? defaults.Optimizer,
            LearningRate = flags.LearningRate ?? defaults.LearningRate,
            InitStdDev = flags.InitStdDev ?? defaults.InitStdDev,
            Seed = seed,
            MaxDegreeOfParallelism = flags.Threads ?? defaults.MaxDegreeOfParallelism,

            // Ten reports at least, so that the bar moves and the curve has points on a short run.
            ReportInterval = flags.ReportInterval ?? Math.Clamp(iterations / 10, 1, defaults.ReportInterval),
        });
    }

    private static BayesianFactorizationMachine CreateFactorizationMachine(ModelSettings flags, bool quick, int seed)
    {
        var defaults = new FactorizationMachineOptions();
        int iterations = flags.Iterations ?? Iterations(defaults.Iterations, quick);
        return new BayesianFactorizationMachine(defaults with
        {
            Dimensions = flags.Dimensions ?? defaults.Dimensions,
            Iterations = iterations,
            BurnIn = flags.BurnIn ?? Math.Min(defaults.BurnIn, iterations / 2),
            InitStdDev = flags.InitStdDev ?? defaults.InitStdDev,
            Blocks = flags.BlockSet ?? defaults.Blocks,
            Seed = seed,
            ReportInterval = flags.ReportInterval ?? Math.Clamp(iterations / 10, 1, defaults.ReportInterval),
        });
    }

    /// <summary>
    /// The kNN options: the library's defaults (Surprise's KNNBaseline, Pearson-baseline similarity shrunk by
    /// 100, k = 40, min_k = 1) unless --neighbors or --shrinkage say otherwise; --quick does not change them
    /// (a kNN fit is one pass).
    /// </summary>
    private static KnnOptions Knn(ModelSettings flags)
    {
        var defaults = new KnnOptions();
        return defaults with
        {
            Neighbors = flags.Neighbors ?? defaults.Neighbors,
            Shrinkage = flags.Shrinkage ?? defaults.Shrinkage,
            MaxDegreeOfParallelism = flags.Threads ?? defaults.MaxDegreeOfParallelism,
        };
    }

    private static int Iterations(int defaults, bool quick) => quick ? Math.Max(QuickMinimumIterations, defaults / QuickDivisor) : defaults;

    /// <summary>The options every factorizer shares (the tune command starts its search from them).</summary>
    internal static T Common<T>(T defaults, ModelSettings flags, bool quick, int seed)
        where T : FactorizationOptions =>
        (T)((FactorizationOptions)defaults with
        {
            Dimensions = flags.Dimensions ?? defaults.Dimensions,
            Iterations = flags.Iterations ?? Iterations(defaults.Iterations, quick),
            Seed = seed,
            MaxDegreeOfParallelism = flags.Threads ?? defaults.MaxDegreeOfParallelism,
            ReportInterval = flags.ReportInterval ?? defaults.ReportInterval,
            EarlyStoppingPatience = flags.EarlyStopping ?? defaults.EarlyStoppingPatience,
        });
}
