namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// How a kNN model measures the similarity of two items (item-kNN) or two users (user-kNN) from the
/// ratings they share. For item-kNN, let U_ij be the users who rated both items i and j, n = |U_ij| their
/// number (the support), and a_u, b_u the two items' values for user u ∈ U_ij as each similarity defines
/// them; user-kNN swaps the roles of users and items. Every similarity is then multiplied by the
/// shrinkage factor n / (n + λ) (<see cref="KnnOptions.Shrinkage"/>), pairs with fewer than
/// <see cref="KnnOptions.MinSupport"/> shared ratings get none, and only positive similarities are kept.
/// </summary>
public enum KnnSimilarity
{
    /// <summary>
    /// The cosine of the raw ratings over the shared users: Σ a·b / √(Σ a² · Σ b²), sums over U_ij
    /// (Surprise's <c>cosine</c>); 0 when a sum of squares is 0.
    /// </summary>
    Cosine = 0,

    /// <summary>
    /// Pearson's correlation of the raw ratings over the shared users, centred on their means over U_ij:
    /// (n·Σab − Σa·Σb) / √((n·Σa² − (Σa)²)·(n·Σb² − (Σb)²)) (Surprise's <c>pearson</c>); 0 when a variance is 0.
    /// </summary>
    Pearson = 1,

    /// <summary>
    /// Pearson's correlation of the residuals from the baseline estimates, a = r_ui − (μ + b_u + b_i):
    /// Σ a·b / √(Σ a² · Σ b²) over U_ij (Koren 2010, "Factor in the neighbors"; Surprise's
    /// <c>pearson_baseline</c>), with the baselines fitted as <see cref="KnnOptions"/> says. Centring on
    /// the baselines rather than on each pair's means uses every rating of both items, so it is the most
    /// reliable on sparse data; with shrinkage it is Koren's and Surprise's recommended similarity (Surprise
    /// shrinks it by (n − 1) / (n − 1 + λ) where <see cref="KnnOptions.Shrinkage"/> uses Koren 2010's n / (n + λ)).
    /// </summary>
    PearsonBaseline = 2,

    /// <summary>
    /// The adjusted cosine (Sarwar et al. 2001, "Item-based collaborative filtering recommendation
    /// algorithms"): the cosine over U_ij of the ratings centred on the mean rating of the user who gave
    /// them (for user-kNN, on the mean rating of the item), a = r_ui − r̄_u, which removes each user's
    /// own scale.
    /// </summary>
    AdjustedCosine = 3,

    /// <summary>
    /// The mean squared difference similarity 1 / (msd + 1) with msd = Σ (a − b)² / n over U_ij
    /// (Surprise's <c>msd</c>, its default); in (0, 1].
    /// </summary>
    MeanSquaredDifference = 4,
}
