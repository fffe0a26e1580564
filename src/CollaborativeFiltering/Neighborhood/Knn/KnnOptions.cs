using System.Globalization;
using System.Text;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// Options of the neighbourhood models <see cref="ItemKnnRecommender"/> and <see cref="UserKnnRecommender"/>:
/// the similarity, the predictor, the neighbourhood size and the baseline estimates. The defaults are
/// Surprise's <c>KNNBaseline</c> with the similarity its documentation recommends for it
/// (<see cref="KnnSimilarity.PearsonBaseline"/> shrunk by 100, k = 40, min_k = 1, baselines by 10 sweeps of ALS
/// with λ_u = 15, λ_i = 10); <c>docs/defaults.md</c> in the repository gives the sources and measurements behind them.
/// </summary>
/// <remarks>
/// <para>Configured alike, these models give Surprise's predictions: on the same files, user-kNN with
/// <see cref="KnnSimilarity.MeanSquaredDifference"/>, <see cref="Shrinkage"/> = 0 and every neighbour kept
/// (<see cref="SavedNeighbors"/> ≥ users − 1) predicts as Surprise's <c>KNNBasic</c>, <c>KNNWithMeans</c> and
/// <c>KNNBaseline</c> at their defaults, to 1e-6 per prediction (<c>benchmarks/peers/surprise-compare.sh</c>).
/// Two differences remain with Pearson-baseline: Surprise shrinks by (n − 1) / (n − 1 + λ) (Koren and Bell,
/// "Advances in collaborative filtering", Recommender Systems Handbook 2011) and needs two shared ratings,
/// where <see cref="Shrinkage"/> follows Koren 2010, eq. 2, n / (n + λ), from <see cref="MinSupport"/>; and
/// when the user or the item has no training rating, Surprise's <c>KNNWithMeans</c> predicts the global mean
/// where <see cref="KnnPredictor.WithMeans"/> predicts the known side's mean.</para>
/// <para>Of the options every trainer shares, a kNN fit uses <see cref="TrainerOptions.Iterations"/> (the sweeps of the
/// baseline estimates) and <see cref="TrainerOptions.MaxDegreeOfParallelism"/>. It learns no embeddings and draws no
/// random numbers, so <see cref="TrainerOptions.Dimensions"/>, <see cref="TrainerOptions.Seed"/> and
/// <see cref="TrainerOptions.InitStdDev"/> do not change the model; it fits in one pass, reported once, so
/// <see cref="TrainerOptions.ReportInterval"/> does not apply and <see cref="TrainerOptions.EarlyStoppingPatience"/>
/// is ignored (with a warning in the log).</para>
/// <para>Determinism: the model is bit-identical for any <see cref="TrainerOptions.MaxDegreeOfParallelism"/>, and the
/// similarities are computed in double precision without SIMD lanes, so also across instruction sets.</para>
/// </remarks>
public sealed record KnnOptions : TrainerOptions
{
    /// <summary>The most neighbours a model may keep per item or user (<see cref="SavedNeighbors"/>): 2²⁰.</summary>
    public const int MaxSavedNeighbors = 1 << 20;

    /// <summary>
    /// Creates options with the defaults: <see cref="TrainerOptions.Iterations"/> = 10 sweeps of the baseline
    /// estimates (Surprise's <c>bsl_options</c> <c>n_epochs</c>), <see cref="TrainerOptions.ReportInterval"/> = 1.
    /// </summary>
    public KnnOptions()
    {
        Iterations = 10;
        ReportInterval = 1;
    }

    /// <summary>How two items (users) are compared. Default <see cref="KnnSimilarity.PearsonBaseline"/> (Koren 2010; Surprise's recommendation for <c>KNNBaseline</c>).</summary>
    public KnnSimilarity Similarity { get; init; } = KnnSimilarity.PearsonBaseline;

    /// <summary>How a rating is predicted from the neighbours. Default <see cref="KnnPredictor.WithBaseline"/> (Surprise's <c>KNNBaseline</c>).</summary>
    public KnnPredictor Predictor { get; init; } = KnnPredictor.WithBaseline;

    /// <summary>
    /// k, the most neighbours a prediction uses (the k most similar items the user rated, or users who
    /// rated the item), and the neighbours of each of the user's items that top-N scoring adds up; at least 1.
    /// Default 40 (Surprise's <c>k</c>).
    /// </summary>
    public int Neighbors { get; init; } = 40;

    /// <summary>
    /// min_k: with fewer neighbours than this a prediction falls back as <see cref="KnnPredictor"/> says;
    /// in [0, <see cref="Neighbors"/>]. Default 1 (Surprise's <c>min_k</c>).
    /// </summary>
    public int MinNeighbors { get; init; } = 1;

    /// <summary>
    /// The fewest shared ratings two items (users) need to have a similarity at all; at least 1.
    /// Default 1 (Surprise's <c>min_support</c>, which Surprise raises to 2 for its <c>pearson_baseline</c>): the
    /// shrinkage already discounts similarities of little support.
    /// </summary>
    public int MinSupport { get; init; } = 1;

    /// <summary>
    /// λ of the shrinkage n / (n + λ) every similarity is multiplied by, n being the number of shared
    /// ratings, so that a similarity resting on few ratings counts little (Koren 2010, eq. 2); 0 turns it
    /// off; finite and not negative. Default 100 (Koren's value; Surprise's <c>shrinkage</c>, which Surprise
    /// applies to <c>pearson_baseline</c> only, as (n − 1) / (n − 1 + λ)).
    /// </summary>
    public double Shrinkage { get; init; } = 100;

    /// <summary>
    /// How many neighbours the model keeps per item (per user for user-kNN): the most similar ones, which
    /// a prediction searches for the k the user rated, so the list must be long enough to hold k of the
    /// items a typical user rated. Only positive similarities are kept, so a list never holds more than the
    /// row's positive similarities; the model holds at most M × this many entries. At least
    /// <see cref="Neighbors"/>, at most <see cref="MaxSavedNeighbors"/>. Default 1,000: on the
    /// <see cref="Data.SyntheticOptions.RealisticMovieLens100K"/> preset (1,682 items) that is every positive
    /// similarity, so predictions are those of Surprise's full similarity matrix, where 400 lost 0.0008–0.0010 RMSE
    /// (see <c>docs/defaults.md</c>).
    /// </summary>
    public int SavedNeighbors { get; init; } = 1000;

    /// <summary>
    /// λ_u of the baseline estimates' user biases, b_u = Σ (r_ui − μ − b_i) / (λ_u + n_u); finite and not
    /// negative. Default 15 (Surprise's <c>reg_u</c>).
    /// </summary>
    public double BaselineUserRegularization { get; init; } = 15;

    /// <summary>
    /// λ_i of the baseline estimates' item biases, b_i = Σ (r_ui − μ − b_u) / (λ_i + n_i); finite and not
    /// negative. Default 10 (Surprise's <c>reg_i</c>).
    /// </summary>
    public double BaselineItemRegularization { get; init; } = 10;

    /// <summary>
    /// Top-N scoring (<see cref="IRecommenderModel.TryScoreItems"/>) adds up, for each item the user rated, the
    /// similarities of its <see cref="Neighbors"/> nearest items (Deshpande and Karypis 2004, "Item-based
    /// top-N recommendation algorithms"); when this is <see langword="true"/> each such list is first divided by
    /// its sum, so that every rated item has the same say (their normalised variant). Default <see langword="true"/>
    /// (see <c>docs/defaults.md</c>).
    /// </summary>
    public bool NormalizeTopN { get; init; } = true;

    /// <summary>
    /// Which neighbour lists item-kNN's top-N scoring adds up. Default <see cref="KnnTopNSimilarity.BinaryCosine"/>
    /// (Deshpande and Karypis 2004): on MovieLens-100k-shaped synthetic data
    /// (<see cref="Data.SyntheticOptions.RealisticMovieLens100K"/>, random 80/20, data seeds 42 and 1) its
    /// recall@10 was 1.45× and 1.33× the most-popular list's, against 1.14× and 1.11× from the default
    /// Pearson-baseline lists (<see cref="KnnTopNSimilarity.RatingSimilarity"/>), whose best similarity there
    /// (Pearson, k = 40) reached 1.27× and 1.30×. User-kNN ignores it: its top-N adds up the items its
    /// neighbours rated. Predictions and the neighbours of an item always use <see cref="Similarity"/>.
    /// </summary>
    public KnnTopNSimilarity TopNSimilarity { get; init; }

    /// <summary>
    /// Whether the model clamps its predicted ratings into the training set's range (as Surprise does by
    /// default); never the ranking scores. Default <see langword="true"/>.
    /// </summary>
    public bool ClipPredictions { get; init; } = true;

    /// <summary>Whether the fit needs the baseline estimates (for the similarity or the predictor).</summary>
    internal bool NeedsBaselines => Similarity == KnnSimilarity.PearsonBaseline || Predictor == KnnPredictor.WithBaseline;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public override void Validate()
    {
        base.Validate();
        if (!Enum.IsDefined(Similarity))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Similarity), Similarity, "a KnnSimilarity value");
        }

        if (!Enum.IsDefined(TopNSimilarity))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(TopNSimilarity), TopNSimilarity, "a KnnTopNSimilarity value");
        }

        if (!Enum.IsDefined(Predictor))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Predictor), Predictor, "a KnnPredictor value");
        }

        ThrowHelper.ThrowIfNotPositive(Neighbors, nameof(Neighbors));
        if (MinNeighbors < 0 || MinNeighbors > Neighbors)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(MinNeighbors), MinNeighbors, string.Create(CultureInfo.InvariantCulture, $"in [0, Neighbors = {Neighbors}]"));
        }

        ThrowHelper.ThrowIfNotPositive(MinSupport, nameof(MinSupport));
        ThrowHelper.ThrowIfNegativeOrNotFinite(Shrinkage, nameof(Shrinkage));
        if (SavedNeighbors < Neighbors || SavedNeighbors > MaxSavedNeighbors)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SavedNeighbors), SavedNeighbors, string.Create(CultureInfo.InvariantCulture, $"in [Neighbors = {Neighbors}, {MaxSavedNeighbors}]"));
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(BaselineUserRegularization, nameof(BaselineUserRegularization));
        ThrowHelper.ThrowIfNegativeOrNotFinite(BaselineItemRegularization, nameof(BaselineItemRegularization));
    }

    /// <summary>Prints the options a kNN fit uses (not the embedding options it ignores).</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"Similarity = {Similarity}, Predictor = {Predictor}, Neighbors = {Neighbors}, MinNeighbors = {MinNeighbors}, MinSupport = {MinSupport}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"Shrinkage = {Shrinkage}, SavedNeighbors = {SavedNeighbors}, Iterations = {Iterations}, BaselineUserRegularization = {BaselineUserRegularization}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"BaselineItemRegularization = {BaselineItemRegularization}, NormalizeTopN = {NormalizeTopN}, TopNSimilarity = {TopNSimilarity}, ClipPredictions = {ClipPredictions}, MaxDegreeOfParallelism = {MaxDegreeOfParallelism}");
        return true;
    }
}
