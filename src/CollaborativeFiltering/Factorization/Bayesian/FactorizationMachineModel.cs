using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization.Bayesian;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Persistence;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// A factorization machine trained by <see cref="BayesianFactorizationMachine"/>, seen from its
/// context-free part: every rating's features are its user's row of the user block (id, rated items,
/// demographics, groups of one's own), its item's row of the item block (id, raters, genres, release
/// year) and, with <see cref="FeatureBlocks.Time"/>, its time bucket; the FM's prediction then splits into
/// w₀ + b_u + b_i + ⟨q_u, q_i⟩ (+ time terms), where q_u = Σ_j x_j v_j over the user's row (the user
/// query: the id's factor plus its side and implicit factors), b_u = Σ_j x_j w_j plus the pairwise terms
/// within the row, and likewise for the item. So the model is an <see cref="IEmbeddingModel"/> whose
/// user and item embeddings are q_u and q_i and whose biases are b_u and b_i (each the posterior mean
/// over the kept Gibbs samples): neighbours, recommendation, export, norms and projections work on it.
/// The time block, when present, is folded in as its rating-weighted mean over the training ratings.
/// Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// <para><see cref="Predict(UserIndex, ItemIndex)"/> is the posterior mean of the prediction over the
/// stored samples (each sample's prediction clamped into <see cref="PredictionRange"/>), not the prediction
/// of the posterior-mean embeddings; <see cref="PredictDistribution"/> adds its standard deviation and
/// <see cref="RankBy"/> ranks by it or by a credible bound. Without stored samples
/// (<see cref="FactorizationMachineOptions.StoredSamples"/> = 0) the posterior-mean embeddings predict.</para>
/// <para>A new user is folded in from their ratings and, optionally, their <see cref="UserInfo"/>
/// (<see cref="ComputeNewUserQuery(ReadOnlySpan{int}, ReadOnlySpan{float}, UserInfo?)"/>).</para>
/// <para><c>ModelFile.Save</c> writes the whole model in its own format (magic <c>CFFMACHN</c>): the
/// options, the feature groups with their vocabularies, the user block's parameters and the groups'
/// hyper-parameters (what a new user's demographics and rated items need), then the context-free part;
/// <c>ModelFile.Load</c> returns a <see cref="FactorizationMachineModel"/> with bit-identical predictions and
/// fold-in. <see cref="ContextFree"/> is that context-free part as an ordinary
/// <see cref="FactorizationModel"/> (with the posterior samples), which saves on its own in the factorization
/// model's format for readers that know only that one.</para>
/// </remarks>
public sealed class FactorizationMachineModel : IEmbeddingModel, IStoredModel
{
    private readonly FactorizationModel _core;
    private readonly FmGroupSpec[] _groups;
    private readonly float[] _userParameters;
    private readonly float[] _hyper;

    internal FactorizationMachineModel(Catalog catalog, FactorizationMachineOptions options, FmLayout layout, int dimensions, float[] users, float[] userBiases, float[] items, float[] itemBiases,
        float globalMean, float[] userParameters, float[] hyper, float noisePrecision, RatingRange? predictionRange, RatingRange? trainingScale, PosteriorSamples? samples, TrainingSupport? support)
        : this(new FactorizationModel(catalog, dimensions, users, items, userBiases, itemBiases, globalMean, options: null, predictionRange, trainingScale, implicitItemFactors: null, posterior: samples, support: support),
            options, layout.Groups, userParameters, hyper, noisePrecision)
    {
    }

    /// <summary>A model from its parts (the model file's reader: every part already validated).</summary>
    internal FactorizationMachineModel(FactorizationModel core, FactorizationMachineOptions options, FmGroupSpec[] groups, float[] userParameters, float[] hyper, float noisePrecision)
    {
        _core = core;
        _groups = groups;
        _userParameters = userParameters;
        _hyper = hyper;
        Options = options;
        NoisePrecision = noisePrecision;
        FeatureGroups = new ReadOnlyCollection<string>([.. groups.Select(static g => g.Name)]);
    }

    /// <summary>The options the model was trained with.</summary>
    public FactorizationMachineOptions Options { get; }

    /// <summary>The names of the model's feature groups, each with its own prior: e.g. user id, rated items, age, sex, occupation, zip prefix, item id, genres, release year.</summary>
    public IReadOnlyList<string> FeatureGroups { get; }

    /// <summary>α, the precision of the rating noise: the inverse of its posterior-mean variance over the kept samples.</summary>
    public float NoisePrecision { get; }

    /// <summary>
    /// The context-free part as an ordinary <see cref="FactorizationModel"/>: the same embeddings, biases,
    /// global mean, prediction range and posterior samples, so the same predictions; saved on its own, it
    /// loads as a <see cref="FactorizationModel"/> (without the feature parameters a new user's demographics need).
    /// </summary>
    public FactorizationModel ContextFree => _core;

    /// <inheritdoc/>
    public Catalog Catalog => _core.Catalog;

    /// <summary>True: predictions are ratings.</summary>
    public bool PredictsRatings => true;

    /// <inheritdoc/>
    public RatingRange? RatingScale => _core.RatingScale;

    /// <summary>The range each sample's prediction is clamped into (the training set's, unless <see cref="FactorizationMachineOptions.ClipPredictions"/> is off), or <see langword="null"/>.</summary>
    public RatingRange? PredictionRange => _core.PredictionRange;

    /// <summary>The rank k.</summary>
    public int Dimensions => _core.Dimensions;

    /// <summary>The number of users.</summary>
    public int UserCount => _core.UserCount;

    /// <summary>The number of items.</summary>
    public int ItemCount => _core.ItemCount;

    /// <summary>The posterior-mean item rows' factor sums q_i (M·k floats, row-major).</summary>
    public ReadOnlySpan<float> ItemEmbeddings => _core.ItemEmbeddings;

    /// <summary>The posterior-mean item biases b_i: the item row's linear terms and within-row pairwise terms (plus the time block's mean interaction).</summary>
    public ReadOnlySpan<float> ItemBiases => _core.ItemBiases;

    /// <summary>The posterior-mean user queries q_u (N·k floats, row-major).</summary>
    public ReadOnlySpan<float> UserEmbeddings => _core.UserEmbeddings;

    /// <summary>The posterior-mean user biases b_u.</summary>
    public ReadOnlySpan<float> UserBiases => _core.UserBiases;

    /// <summary>The posterior mean of w₀ (plus the time block's mean bias).</summary>
    public float GlobalMean => _core.GlobalMean;

    /// <summary>Each item's number of training ratings; empty for a model read from a file saved before the counts were stored.</summary>
    public ReadOnlySpan<int> ItemSupport => _core.ItemSupport;

    /// <summary>
    /// <see cref="RankingScore.SupportAware"/> when the model knows its items' training support (else
    /// <see cref="RankingScore.Model"/>): the FM is fitted to rating values alone, so its posterior-mean
    /// scores, like every rating model's, favour rarely rated items with a few high ratings.
    /// </summary>
    public RankingScore DefaultRanking => _core.ItemSupport.IsEmpty ? RankingScore.Model : RankingScore.SupportAware;

    /// <summary>Whether the model stores posterior samples (<see cref="FactorizationMachineOptions.StoredSamples"/> &gt; 0).</summary>
    public bool HasPosterior => _core.HasPosterior;

    /// <summary>The number of stored posterior samples.</summary>
    public int PosteriorSampleCount => _core.PosteriorSampleCount;

    /// <summary>The predicted rating: the posterior mean over the stored samples (see the remarks of the type).</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Predict(UserIndex user, ItemIndex item) => _core.Predict(user, item);

    /// <summary>The predicted rating for a pair named by the ids in the files, as <see cref="Predict(UserIndex, ItemIndex)"/> of their indices.</summary>
    /// <param name="userId">A user id as in the files (compared ordinally).</param>
    /// <param name="itemId">An item id as in the files (compared ordinally).</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentNullException">An id is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">An id is not in the catalogue; the message names it.</exception>
    public float Predict(string userId, string itemId) => Predict(Catalog.GetUserIndex(userId), Catalog.GetItemIndex(itemId));

    /// <summary>The posterior mean and standard deviation of the predicted rating over the stored samples.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The prediction's posterior.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="InvalidOperationException">The model has no stored samples.</exception>
    public PosteriorPrediction PredictDistribution(UserIndex user, ItemIndex item) => _core.PredictDistribution(user, item);

    /// <summary>This model as a recommender ranking by the posterior mean or a credible bound over the stored samples (see <see cref="PosteriorRanker"/>).</summary>
    /// <param name="ranking">The mean, or a lower or upper bound.</param>
    /// <returns>The ranker.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ranking"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">The model has no stored samples.</exception>
    public PosteriorRanker RankBy(PosteriorRanking ranking)
    {
        ranking.Validate();
        PosteriorSamples samples = _core.Posterior ?? throw new InvalidOperationException("The model has no posterior samples to rank by (FactorizationMachineOptions.StoredSamples was 0).");
        return new PosteriorRanker(this, samples, ranking);
    }

    /// <summary>The feature groups, in the layout's order.</summary>
    internal FmGroupSpec[] Groups => _groups;

    /// <summary>The user block's posterior-mean parameters, per feature [w; v].</summary>
    internal float[] UserParameterArray => _userParameters;

    /// <summary>The groups' posterior-mean hyper-parameters, per group [μ_w, λ_w, μ_v, λ_v].</summary>
    internal float[] HyperArray => _hyper;

    /// <summary>Writes the model in its own format (<c>CFFMACHN</c>): the feature parameters, then the context-free part.</summary>
    void IStoredModel.Write(Stream stream) => FmModelFormat.Write(stream, this);

    /// <inheritdoc/>
    public bool TryScoreItems(UserIndex user, Span<float> scores) => EmbeddingScores.TryScoreItems(this, user, scores);

    /// <inheritdoc/>
    public bool TryGetUserQuery(UserIndex user, Span<float> destination) => _core.TryGetUserQuery(user, destination);

    /// <summary>Scores every item for a new user folded in from their ratings (<see cref="ComputeNewUserQuery(ReadOnlySpan{int}, ReadOnlySpan{float})"/>): b_i + ⟨q, q_i⟩.</summary>
    /// <param name="items">Distinct dense item indices the user rated.</param>
    /// <param name="values">The ratings, on the model's <see cref="RatingScale"/>.</param>
    /// <param name="scores">A span of length M.</param>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, an item appears twice, or <paramref name="scores"/> does not have length M.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is out of range or a rating is not finite or off the scale.</exception>
    public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) =>
        EmbeddingScores.ScoreItemsForNewUser(this, items, values, scores);

    /// <summary>A new user's query from their ratings alone: <see cref="ComputeNewUserQuery(ReadOnlySpan{int}, ReadOnlySpan{float}, UserInfo?)"/> without demographics.</summary>
    /// <param name="items">Distinct dense item indices the user rated.</param>
    /// <param name="values">The ratings, on the model's <see cref="RatingScale"/>.</param>
    /// <returns>k floats.</returns>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is out of range or a rating is not finite or off the scale.</exception>
    public float[] ComputeNewUserQuery(ReadOnlySpan<int> items, ReadOnlySpan<float> values) => ComputeNewUserQuery(items, values, null);

    /// <summary>
    /// A new user's query q = q₀ + v: q₀ = Σ_j x_j v̄_j over the features the new user's row has without an
    /// id (the rated items, 1/√n each, and what <paramref name="info"/> says: age bracket, sex, occupation,
    /// zip prefix, for the groups the model has), v̄ the posterior-mean factors; and, when the model has a
    /// user-id group, (w, v) of the new id by the ridge solve of the ratings against the posterior-mean item
    /// rows, with the id group's posterior-mean prior (μ, λ) and the noise precision α as the weights:
    /// minimise α Σ_i (r_i − w₀ − b₀ − b_i − ⟨q₀, q_i⟩ − w − ⟨v, q₀ + q_i⟩)² + Σ λ(θ − μ)². Groups of one's own
    /// contribute nothing.
    /// </summary>
    /// <param name="items">Distinct dense item indices the user rated.</param>
    /// <param name="values">The ratings, on the model's <see cref="RatingScale"/>.</param>
    /// <param name="info">The user's demographics, or <see langword="null"/>; unknown values give no feature.</param>
    /// <returns>k floats.</returns>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is out of range or a rating is not finite or off the scale.</exception>
    public float[] ComputeNewUserQuery(ReadOnlySpan<int> items, ReadOnlySpan<float> values, UserInfo? info)
    {
        Scoring.FoldIn.ThrowIfInvalidRatings(this, items, values);
        (double[] q0, double b0) = NewUserRow(items, info);
        int k = Dimensions;
        var query = new float[k];
        int idGroup = Array.FindIndex(_groups, static g => g.Kind == FmGroupKind.UserId);
        if (idGroup < 0)
        {
            for (int f = 0; f < k; f++)
            {
                query[f] = (float)q0[f];
            }

            return query;
        }

        // The ridge system of (w, v) in the basis h = [1; q₀ + q_i].
        int p = k + 1, at = idGroup * 2 * p;
        double alpha = NoisePrecision;
        var a = new double[p * p];
        var rhs = new double[p];
        var h = new double[p];
        ReadOnlySpan<float> itemRows = ItemEmbeddings, itemBiases = ItemBiases;
        for (int n = 0; n < items.Length; n++)
        {
            int i = items[n];
            double target = values[n] - GlobalMean - b0 - itemBiases[i];
            h[0] = 1;
            for (int f = 0; f < k; f++)
            {
                double qi = itemRows[(i * k) + f];
                target -= q0[f] * qi;
                h[f + 1] = q0[f] + qi;
            }

            for (int r = 0; r < p; r++)
            {
                rhs[r] += alpha * h[r] * target;
                for (int c = 0; c < p; c++)
                {
                    a[(c * p) + r] += alpha * h[r] * h[c];
                }
            }
        }

        // Prior: w ~ N(μ_w, 1/λ_w), v_f ~ N(μ_f, 1/λ_f), the id group's posterior means.
        for (int r = 0; r < p; r++)
        {
            double mu = r == 0 ? _hyper[at] : _hyper[at + 2 + r - 1];
            double lambda = r == 0 ? _hyper[at + 1] : _hyper[at + 2 + k + r - 1];
            a[(r * p) + r] += lambda;
            rhs[r] += lambda * mu;
        }

        Vector<double> x = Matrix<double>.Build.Dense(p, p, a).Cholesky().Solve(Vector<double>.Build.Dense(rhs));
        for (int f = 0; f < k; f++)
        {
            query[f] = (float)(q0[f] + x[f + 1]);
        }

        if (!TensorPrimitivesExtensions.AllFinite(query) || !(EmbeddingLimits.Norm(query) <= EmbeddingLimits.MaxNorm))
        {
            ThrowHelper.InvalidOperation("Fold-in produced a query that is not finite or whose norm exceeds 1E+19.");
        }

        return query;
    }

    /// <summary>
    /// What the model is, e.g. <c>FactorizationMachineModel: 943 users × 1682 items, k = 10, groups user id, rated items, item id, 190 posterior samples</c>.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"FactorizationMachineModel: {UserCount} users × {ItemCount} items, k = {Dimensions}, groups {string.Join(", ", FeatureGroups)}, {PosteriorSampleCount} posterior samples")
        + (PredictionRange is { } range ? $", predictions clamped to {range}" : "");

    /// <summary>The new user's row without an id: its factor sum q₀ and its bias b₀ (linear terms plus pairwise terms within the row), from the posterior-mean user-block parameters.</summary>
    private (double[] Q0, double B0) NewUserRow(ReadOnlySpan<int> items, UserInfo? info)
    {
        var features = new List<(int Feature, double Value)>();
        foreach (FmGroupSpec g in _groups)
        {
            if (g.Block != FmBlockKind.User)
            {
                continue;
            }

            switch (g.Kind)
            {
                case FmGroupKind.RatedItems:
                    double value = 1 / Math.Sqrt(items.Length);
                    foreach (int i in items)
                    {
                        features.Add((g.Offset + i, value));
                    }

                    break;
                case FmGroupKind.Age when info is not null && FmLayout.AgeBracket(info.Age) is >= 0 and var bracket:
                    features.Add((g.Offset + bracket, 1));
                    break;
                case FmGroupKind.Sex when info is not null:
                    AddCategory(features, g, info.Sex?.Trim());
                    break;
                case FmGroupKind.Occupation when info is not null:
                    AddCategory(features, g, info.Occupation?.Trim());
                    break;
                case FmGroupKind.ZipPrefix when info is not null:
                    AddCategory(features, g, FmLayout.ZipPrefix(info.ZipCode, Options.ZipPrefixLength));
                    break;
                default:
                    break;
            }
        }

        int k = Dimensions, w = k + 1;
        var q0 = new double[k];
        double linear = 0, squares = 0;
        foreach ((int j, double x) in features)
        {
            linear += x * _userParameters[j * w];
            for (int f = 0; f < k; f++)
            {
                double xv = x * _userParameters[(j * w) + 1 + f];
                q0[f] += xv;
                squares += xv * xv;
            }
        }

        double pairs = 0;
        foreach (double q in q0)
        {
            pairs += q * q;
        }

        return (q0, linear + (0.5 * (pairs - squares)));

        static void AddCategory(List<(int, double)> features, FmGroupSpec g, string? category)
        {
            int index = category is null ? -1 : Array.IndexOf(g.Vocabulary, category);
            if (index >= 0)
            {
                features.Add((g.Offset + index, 1));
            }
        }
    }
}
