using System.Globalization;
using System.Reflection;
using CollaborativeFiltering;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neural;
using MovieLensSample.Output;

namespace MovieLensSample.Steps;

/// <summary>The library's models, as the sample names them on the command line.</summary>
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

    /// <summary>SvdPlusPlusFactorizer: Koren's SVD++, biased SGD plus each user's implicit term from the set of movies they rated.</summary>
    SvdPlusPlus,

    /// <summary>BprFactorizer: Bayesian personalized ranking on the ratings as implicit feedback; it ranks, it does not predict ratings.</summary>
    Bpr,

    /// <summary>ItemKnnRecommender: item-based kNN (Surprise's KNNBaseline with Pearson-baseline similarity, shrinkage 100, k = 40).</summary>
    ItemKnn,

    /// <summary>UserKnnRecommender: user-based kNN, the same defaults.</summary>
    UserKnn,

    /// <summary>EaseRecommender: Steck's EASE, a closed-form item-to-item model; it ranks, it does not predict ratings.</summary>
    Ease,
}

/// <summary>Command-line names of <see cref="ModelKind"/>.</summary>
internal static class ModelKinds
{
    private static readonly string[] Names = ["plain", "regularized", "biased", "als", "implicit-als", "softmax", "svdpp", "bpr", "item-knn", "user-knn", "ease"];

    public static IReadOnlyList<ModelKind> All { get; } = Enum.GetValues<ModelKind>();

    public static string NameList => string.Join("|", Names);

    public static string Name(this ModelKind kind) => Names[(int)kind];

    /// <summary>The sample's name of a model's kind, from its options (a loaded model keeps them): plain, regularized, ...; "factorization" when unknown.</summary>
    public static string NameOf(IRecommenderModel model) => model switch
    {
        SoftmaxModel => ModelKind.Softmax.Name(),
        ItemKnnModel => ModelKind.ItemKnn.Name(),
        UserKnnModel => ModelKind.UserKnn.Name(),
        EaseModel => ModelKind.Ease.Name(),
        FactorizationModel { Options: RegularizedOptions } => ModelKind.Regularized.Name(),
        FactorizationModel { Options: GradientDescentOptions } => ModelKind.Plain.Name(),
        FactorizationModel { Options: BiasedSgdOptions } => ModelKind.Biased.Name(),
        FactorizationModel { Options: ImplicitAlsOptions } => ModelKind.ImplicitAls.Name(),
        FactorizationModel { Options: AlsOptions } => ModelKind.Als.Name(),
        _ => "factorization",
    };

    /// <summary>Whether the model learns embeddings (everything but the neighbourhood models), which projection, export and dot/cosine neighbours need.</summary>
    public static bool HasEmbeddings(this ModelKind kind) => kind is not (ModelKind.ItemKnn or ModelKind.UserKnn or ModelKind.Ease);

    /// <summary>A one-line description of the model's settings: the factorizer's options in words, the softmax network's architecture and training, or a neighbourhood model's.</summary>
    public static string Describe(IRecommenderModel model) => model switch
    {
        FactorizationModel { Options: { } options } => Describe(options),
        SoftmaxModel s => Describe(s.Options),
        ItemKnnModel i => Describe(i.Options, i.NeighborCount),
        UserKnnModel u => Describe(u.Options, u.NeighborCount),
        EaseModel e => $"λ {Tables.G4(e.Options.Regularization)}",
        IEmbeddingModel e => $"d {e.Dimensions}",
        _ => model.GetType().Name,
    };

    /// <summary>A kNN model's settings in the same style: predictor, similarity, shrinkage, k, min k, min support, neighbours kept, baseline sweeps.</summary>
    public static string Describe(KnnOptions o, int neighborsKept)
    {
        string predictor = o.Predictor switch { KnnPredictor.WithMeans => "KNN with means", KnnPredictor.WithBaseline => "KNN with baseline", _ => "KNN basic" };
        string similarity = o.Similarity switch
        {
            KnnSimilarity.Pearson => "Pearson",
            KnnSimilarity.PearsonBaseline => "Pearson-baseline",
            KnnSimilarity.AdjustedCosine => "adjusted cosine",
            KnnSimilarity.MeanSquaredDifference => "MSD",
            _ => "cosine",
        };
        return $"{predictor}, {similarity} similarity, shrinkage {Tables.G4(o.Shrinkage)}, k {o.Neighbors}, min k {o.MinNeighbors}, min support {o.MinSupport}, "
            + $"{neighborsKept} neighbours kept, baselines by {o.Iterations} ALS sweeps";
    }

    /// <summary>The dimension column of the tables: d for an embedding model, a dash for one without embeddings.</summary>
    public static string Dimensions(IRecommenderModel model) => model is IEmbeddingModel e ? Tables.I(e.Dimensions) : "–";

    /// <summary>
    /// A factorizer's settings in one line, "d 50, 3000 iterations, learning rate 20, ...": each option the model's
    /// options record has, by its name in words, numbers to four significant digits; unset (null) options and the
    /// plumbing (threads, report interval, seed, no early stopping) left out.
    /// </summary>
    public static string Describe(FactorizationOptions options)
    {
        var parts = new List<string> { $"d {options.Dimensions}", $"{options.Iterations} iterations" };
        foreach (PropertyInfo property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (Plumbing.Contains(property.Name) || property.GetIndexParameters().Length > 0 || property.PropertyType == typeof(Type))
            {
                continue;
            }

            string? value = property.GetValue(options) switch
            {
                null => null,
                bool b => b ? "yes" : "no",
                double d => Tables.G4(d),
                float f => Tables.G4(f),
                int i when property.Name == nameof(FactorizationOptions.EarlyStoppingPatience) && i == 0 => null,
                System.Collections.IEnumerable e and not string => string.Join(",", e.Cast<object>()),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture),
            };
            if (value is not null)
            {
                parts.Add($"{Words(property.Name)} {value}");
            }
        }

        return string.Join(", ", parts);
    }

    /// <summary>Options left out of <see cref="Describe(FactorizationOptions)"/>: shown elsewhere, or plumbing.</summary>
    private static readonly HashSet<string> Plumbing = ["Dimensions", "Iterations", "Seed", "MaxDegreeOfParallelism", "ReportInterval", "PredictsRatings", "EqualityContract"];

    /// <summary>"InitStdDev" → "init std dev", "LearningRate" → "learning rate".</summary>
    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1]) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>The softmax options in the same style, with the layer list and the inputs spelled out.</summary>
    public static string Describe(SoftmaxOptions o)
    {
        string hidden = o.HiddenLayerSizes.Count == 0 ? "none" : string.Join(",", o.HiddenLayerSizes);
        string inputs = "items" + (o.UseGenres ? " + genres" : "") + (o.UseReleaseYears ? " + release years" : "");
        string learningRate = o.LearningRate is { } rate ? Tables.G4(rate) : $"{Tables.G4(o.EffectiveLearningRate)} (the optimizer's default)";
        return $"d {o.Dimensions}, {o.Iterations} iterations, hidden layers {hidden}, inputs {inputs}, optimizer {o.Optimizer.ToString().ToLowerInvariant()}, "
            + $"learning rate {learningRate}, batch size {o.BatchSize}, input dropout {Tables.G4(o.InputDropout)}, init std dev {Tables.G4(o.InitStdDev)}";
    }

    public static bool TryParse(string? text, out ModelKind kind)
    {
        int index = Array.FindIndex(Names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        kind = index < 0 ? default : (ModelKind)index;
        return index >= 0;
    }
}
