using CollaborativeFiltering.Factorization;

namespace MovieLensSample;

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
}

/// <summary>Command-line names of <see cref="ModelKind"/>.</summary>
internal static class ModelKinds
{
    private static readonly string[] Names = ["plain", "regularized", "biased", "als", "implicit-als"];

    public static IReadOnlyList<ModelKind> All { get; } = Enum.GetValues<ModelKind>();

    public static string NameList => string.Join("|", Names);

    public static string Name(this ModelKind kind) => Names[(int)kind];

    /// <summary>Whether the model's scores estimate ratings (so that MSE and RMSE mean something); implicit ALS's estimate preferences.</summary>
    public static bool PredictsRatings(FactorizationModel model) => model.Options is not ImplicitAlsOptions;

    public static bool TryParse(string? text, out ModelKind kind)
    {
        int index = Array.FindIndex(Names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        kind = index < 0 ? default : (ModelKind)index;
        return index >= 0;
    }
}
