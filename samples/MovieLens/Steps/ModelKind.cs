using CollaborativeFiltering;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using MovieLensSample.Output;

namespace MovieLensSample.Steps;

/// <summary>The factorizers of the library, as the sample names them on the command line.</summary>
internal enum ModelKind
{
    /// <summary>GradientDescentFactorizer: the notebook's CFModel.</summary>
    Plain,

    /// <summary>RegularizedFactorizer: the notebook's Regularized_CFModel (L2 + gravity).</summary>
    Regularized,

    /// <summary>BiasedSgdFactorizer: Funk/Surprise SVD with biases.</summary>
    Biased,

    /// <summary>AlsFactorizer: explicit weighted-λ alternating least squares.</summary>
    Als,

    /// <summary>ImplicitAlsFactorizer: Hu–Koren–Volinsky ALS on the ratings as implicit feedback; it ranks, it does not predict ratings.</summary>
    ImplicitAls,

    /// <summary>SoftmaxTrainer: the course's softmax deep network over the bag of rated movies; it ranks, it does not predict ratings.</summary>
    Softmax,

    Bpmf,

    BayesianFm,
}

/// <summary>Command-line names of <see cref="ModelKind"/>.</summary>
internal static class ModelKinds
{
    private static readonly string[] Names = ["plain", "regularized", "biased", "als", "implicit-als", "softmax", "bpmf", "bayesian-fm"];

    public static IReadOnlyList<ModelKind> All { get; } = Enum.GetValues<ModelKind>();

    public static string NameList => string.Join("|", Names);

    public static string Name(this ModelKind kind) => Names[(int)kind];

    /// <summary>A one-line description of the model's options: the factorizer's options record, or the softmax network's architecture and training.</summary>
    public static string Describe(IEmbeddingModel model) => model switch
    {
        FactorizationModel f => f.Options?.ToString() ?? $"d = {f.Dimensions}",
        SoftmaxModel s => Describe(s.Options),
        FactorizationMachineModel fm => $"{fm.Options} groups: {string.Join(", ", fm.FeatureGroups)}",
        _ => $"d = {model.Dimensions}",
    };

    /// <summary>The softmax options as a record would print them, with the layer list spelled out.</summary>
    public static string Describe(SoftmaxOptions o)
    {
        string hidden = o.HiddenLayerSizes.Count == 0 ? "none" : string.Join(",", o.HiddenLayerSizes);
        string inputs = "items" + (o.UseGenres ? " + genres" : "") + (o.UseReleaseYears ? " + release years" : "");
        string learningRate = o.LearningRate is { } rate ? Tables.G(rate) : $"{Tables.G(o.EffectiveLearningRate)} (the optimizer's default)";
        return $"SoftmaxOptions {{ Dimensions = {o.Dimensions}, HiddenLayerSizes = {hidden}, Inputs = {inputs}, Optimizer = {o.Optimizer}, LearningRate = {learningRate}, "
            + $"BatchSize = {o.BatchSize}, Iterations = {o.Iterations}, InputDropout = {Tables.G(o.InputDropout)}, InitStdDev = {Tables.G(o.InitStdDev)}, Seed = {o.Seed} }}";
    }

    public static bool TryParse(string? text, out ModelKind kind)
    {
        int index = Array.FindIndex(Names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        kind = index < 0 ? default : (ModelKind)index;
        return index >= 0;
    }
}
