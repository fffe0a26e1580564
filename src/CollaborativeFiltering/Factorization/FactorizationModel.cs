using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// A trained matrix-factorization model: user embeddings U (N×d) and item embeddings V (M×d),
/// row-major float, and optionally a global mean μ with user and item biases, so that
/// <c>Predict(u, i) = μ + b_u + b_i + ⟨U_u, V_i⟩</c> (μ and the biases are 0 for the notebook's models),
/// clamped into <see cref="PredictionRange"/> when the model has one. Immutable and safe to share between threads; it carries its catalogue (ids, titles, genres),
/// the options it was trained with and, from a trainer, every user's and item's number of training ratings. An SVD++ model (<see cref="SvdPlusPlusFactorizer"/>) also carries the
/// implicit item factors y_j (<see cref="ImplicitItemFactors"/>), which fold-in of a new user needs; its
/// U holds every user's effective query p_u + |N(u)|^−½·Σ_(j∈N(u)) y_j, so that every prediction and score is
/// the formula above. A Bayesian model (<see cref="BayesianMatrixFactorizer"/>, or the context-free part of a
/// <see cref="FactorizationMachineModel"/>) also keeps Gibbs samples (<see cref="HasPosterior"/>): its
/// embeddings and biases are the posterior means, which scoring, neighbours and export use, while
/// <see cref="Predict(UserIndex, ItemIndex)"/> is the posterior mean of the prediction over the samples and
/// <see cref="PredictDistribution"/> adds its standard deviation.
/// </summary>
/// <remarks>
/// <para><b>Users and items the training set never rated</b> (<see cref="IsColdUser"/>,
/// <see cref="IsColdItem"/>: support 0) learned nothing. The trainers with biases and implicit ALS leave
/// their embeddings all-zero, so their similarities and taste scores are 0; the notebook's full-batch
/// trainers keep the notebook's update, which leaves them at their random start shrunk by the penalties
/// (exclude them from neighbours and recommendations with a minimum support). Their predicted rating is a
/// documented, finite fallback: μ + b_u + b_i with the missing side's bias 0 for models with biases (an
/// unknown item gets the user's baseline, an unknown user the item's), the mean training rating for the
/// notebook's models, which have no biases, and the model's own score for implicit ALS (0: no preference).
/// A model that does not know its support (built with <see cref="FromEmbeddings"/>, or read from a file
/// saved before the counts were stored) has no cold users or items.</para>
/// </remarks>
public sealed partial class FactorizationModel : IEmbeddingModel, ICheckedModel
{
    private readonly float[] _userEmbeddings;
    private readonly float[] _itemEmbeddings;
    private readonly float[]? _userBiases;
    private readonly float[]? _itemBiases;
    private readonly float _globalMean;
    private readonly RatingRange? _trainingScale;
    private readonly float[]? _implicitItemFactors;
    private readonly PosteriorSamples? _posterior;
    private readonly TrainingSupport? _support;

    internal FactorizationModel(Catalog catalog, int dimensions, float[] userEmbeddings, float[] itemEmbeddings, float[]? userBiases, float[]? itemBiases, float globalMean, FactorizationOptions? options, RatingRange? predictionRange = null, RatingRange? trainingScale = null, float[]? implicitItemFactors = null, PosteriorSamples? posterior = null, TrainingSupport? support = null)
    {
        _posterior = posterior;
        _support = support;
        Catalog = catalog;
        Dimensions = dimensions;
        _userEmbeddings = userEmbeddings;
        _itemEmbeddings = itemEmbeddings;
        _userBiases = userBiases;
        _itemBiases = itemBiases;
        _globalMean = globalMean;
        Options = options;
        PredictionRange = predictionRange;
        _trainingScale = trainingScale;
        _implicitItemFactors = implicitItemFactors;
    }

    /// <summary>
    /// Creates a model from existing embeddings (copied), e.g. to score with factors trained elsewhere.
    /// It has no <see cref="PredictionRange"/> and so no <see cref="RatingScale"/>; add one with <see cref="WithPredictionRange"/>.
    /// </summary>
    /// <param name="catalog">The users and items; N and M are its sizes.</param>
    /// <param name="dimensions">The embedding dimension d, greater than zero.</param>
    /// <param name="userEmbeddings">N·d floats, row-major.</param>
    /// <param name="itemEmbeddings">M·d floats, row-major.</param>
    /// <param name="userBiases">N floats, or empty for none.</param>
    /// <param name="itemBiases">M floats, or empty for none.</param>
    /// <param name="globalMean">μ, added to every prediction.</param>
    /// <returns>The model.</returns>
    /// <remarks>
    /// So that no prediction or score can overflow single precision, every embedding's Euclidean norm
    /// must be at most 10¹⁹ and μ and every bias at most 10³⁷ in magnitude (dot products are then at
    /// most 10³⁸, predictions below <see cref="float.MaxValue"/>); trained models are far inside these limits.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is not in [1, <see cref="TrainerOptions.MaxDimensions"/>], or <paramref name="globalMean"/> is not finite or exceeds 10³⁷ in magnitude.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, holds a NaN or infinite value, an embedding's norm exceeds 10¹⁹ or a bias 10³⁷ in magnitude, or only one of the bias spans is given.</exception>
    public static FactorizationModel FromEmbeddings(Catalog catalog, int dimensions, ReadOnlySpan<float> userEmbeddings, ReadOnlySpan<float> itemEmbeddings, ReadOnlySpan<float> userBiases = default, ReadOnlySpan<float> itemBiases = default, float globalMean = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ThrowHelper.ThrowIfNotPositive(dimensions, nameof(dimensions));
        if (dimensions > TrainerOptions.MaxDimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(dimensions), dimensions, string.Create(CultureInfo.InvariantCulture, $"at most {TrainerOptions.MaxDimensions} (TrainerOptions.MaxDimensions)"));
        }

        CheckLength(userEmbeddings, (long)catalog.UserCount * dimensions, nameof(userEmbeddings), allowEmpty: false);
        CheckLength(itemEmbeddings, (long)catalog.ItemCount * dimensions, nameof(itemEmbeddings), allowEmpty: false);
        CheckLength(userBiases, catalog.UserCount, nameof(userBiases), allowEmpty: true);
        CheckLength(itemBiases, catalog.ItemCount, nameof(itemBiases), allowEmpty: true);
        if (userBiases.IsEmpty != itemBiases.IsEmpty)
        {
            ThrowHelper.Argument(userBiases.IsEmpty ? nameof(userBiases) : nameof(itemBiases), "Give both user and item biases, or neither.");
        }

        if (!float.IsFinite(globalMean) || Math.Abs(globalMean) > EmbeddingLimits.MaxBias)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(globalMean), globalMean, "a finite number of magnitude at most 1E+37");
        }

        (string? problem, string? paramName) = ScaleProblem(dimensions, userEmbeddings, itemEmbeddings, userBiases, itemBiases);
        if (problem is not null)
        {
            ThrowHelper.Argument(paramName!, $"{char.ToUpperInvariant(problem[0])}{problem[1..]}.");
        }

        return new FactorizationModel(catalog, dimensions, userEmbeddings.ToArray(), itemEmbeddings.ToArray(),
            userBiases.IsEmpty ? null : userBiases.ToArray(), itemBiases.IsEmpty ? null : itemBiases.ToArray(), globalMean, null);
    }

    /// <summary>The users and items; N = <see cref="UserCount"/>, M = <see cref="ItemCount"/>.</summary>
    public Catalog Catalog { get; }

    /// <summary>The embedding dimension d.</summary>
    public int Dimensions { get; }

    /// <summary>N, the number of users (rows of U).</summary>
    public int UserCount => Catalog.UserCount;

    /// <summary>M, the number of items (rows of V).</summary>
    public int ItemCount => Catalog.ItemCount;

    /// <summary>The options the model was trained with, or <see langword="null"/> for a model built with <see cref="FromEmbeddings"/>.</summary>
    public FactorizationOptions? Options { get; }

    /// <summary>
    /// The rating range that <see cref="Predict(UserIndex, ItemIndex)"/>, <see cref="Predict(string, string)"/> and
    /// <see cref="MeanSquaredError"/> clamp predictions into, or <see langword="null"/> for none.
    /// <see cref="BiasedSgdFactorizer"/> and <see cref="AlsFactorizer"/> set it to the training set's
    /// <see cref="RatingsDataset.ValueRange"/> (unless their <c>ClipPredictions</c> option is off): ratings live on
    /// a bounded scale, so a prediction of 5.4 on a 1–5 scale is always further from the truth than 5.
    /// The notebook's models and <see cref="ImplicitAlsFactorizer"/> (whose scores are preferences, not
    /// ratings) never set it. Ranking scores (<c>Recommender</c>, top-k, similarities) are never clamped:
    /// clamping would tie every item predicted above the maximum.
    /// </summary>
    public RatingRange? PredictionRange { get; }

    /// <summary>
    /// The scale of the ratings the model was trained on, e.g. [1, 5]: the training set's
    /// <see cref="RatingsDataset.ValueRange"/> for a model trained on explicit ratings (recorded whether or not
    /// it clamps its predictions), else its <see cref="PredictionRange"/>; <see langword="null"/> for an
    /// implicit-feedback model and for one built with <see cref="FromEmbeddings"/> without a range. A new
    /// user's ratings must lie in it.
    /// </summary>
    public RatingRange? RatingScale => PredictsRatings ? _trainingScale ?? PredictionRange : null;

    /// <summary>The training scale recorded at fit (what <see cref="RatingScale"/> falls back from), for the file format.</summary>
    internal RatingRange? TrainingScale => _trainingScale;

    /// <summary>
    /// Whether <see cref="Predict(UserIndex, ItemIndex)"/> returns ratings: true, unless the model was trained on
    /// implicit feedback (<see cref="ImplicitAlsFactorizer"/>), whose predictions are preferences.
    /// </summary>
    public bool PredictsRatings => Options?.PredictsRatings ?? true;

    /// <summary>U, row-major: user <c>u</c> occupies <c>[u*d, (u+1)*d)</c>.</summary>
    public ReadOnlySpan<float> UserEmbeddings => _userEmbeddings;

    /// <summary>V, row-major: item <c>i</c> occupies <c>[i*d, (i+1)*d)</c>.</summary>
    public ReadOnlySpan<float> ItemEmbeddings => _itemEmbeddings;

    /// <summary>Whether the model has a global mean and user/item biases.</summary>
    public bool HasBiases => _itemBiases is not null;

    /// <summary>μ, the global mean added to every prediction; 0 for models without biases.</summary>
    public float GlobalMean => _itemBiases is null ? 0 : _globalMean;

    /// <summary>b_u for every user; empty when <see cref="HasBiases"/> is false.</summary>
    public ReadOnlySpan<float> UserBiases => _userBiases;

    /// <summary>b_i for every item; empty when <see cref="HasBiases"/> is false.</summary>
    public ReadOnlySpan<float> ItemBiases => _itemBiases;

    /// <summary>Each user's number of training ratings (N counts); empty when the model does not know them (built with <see cref="FromEmbeddings"/>, or read from a file saved before the counts were stored).</summary>
    public ReadOnlySpan<int> UserSupport => _support is null ? default : _support.UserCounts;

    /// <inheritdoc/>
    public ReadOnlySpan<int> ItemSupport => _support is null ? default : _support.ItemCounts;

    /// <inheritdoc/>
    public RankingScore DefaultRanking => _support is null ? RankingScore.Model : Options?.DefaultRanking ?? RankingScore.Model;

    internal TrainingSupport? Support => _support;

    /// <summary>
    /// The implicit item factors y_j of an SVD++ model (<see cref="SvdPlusPlusFactorizer"/>), row-major:
    /// item <c>j</c> occupies <c>[j*d, (j+1)*d)</c>, length M·d; empty for every other model. A user who rated
    /// the items N(u) has the query p_u + |N(u)|^−½·Σ_(j∈N(u)) y_j; the trained users' queries are already in
    /// <see cref="UserEmbeddings"/>, and <see cref="ComputeNewUserQuery"/> builds a new user's from these factors.
    /// </summary>
    public ReadOnlySpan<float> ImplicitItemFactors => _implicitItemFactors;

    internal float[]? ImplicitItemFactorArray => _implicitItemFactors;

    internal float[] UserEmbeddingArray => _userEmbeddings;

    internal float[] ItemEmbeddingArray => _itemEmbeddings;

    internal float[]? UserBiasArray => _userBiases;

    internal float[]? ItemBiasArray => _itemBiases;

    /// <summary>The embedding of one user.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <returns>d floats.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N.</exception>
    public ReadOnlySpan<float> GetUserEmbedding(UserIndex user)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, UserCount, nameof(user));
        return _userEmbeddings.AsSpan(user.Value * Dimensions, Dimensions);
    }

    /// <summary>The embedding of one item.</summary>
    /// <param name="item">The item's dense index.</param>
    /// <returns>d floats.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below M.</exception>
    public ReadOnlySpan<float> GetItemEmbedding(ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, ItemCount, nameof(item));
        return _itemEmbeddings.AsSpan(item.Value * Dimensions, Dimensions);
    }

    /// <summary>Whether the user had no training rating (support 0); <see langword="false"/> when the model does not know the support.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <returns>Whether the user is unknown to the model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is outside <c>[0, N)</c>.</exception>
    public bool IsColdUser(UserIndex user)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, UserCount, nameof(user));
        return _support is not null && _support.UserCounts[user.Value] == 0;
    }

    /// <summary>Whether the item had no training rating (support 0); <see langword="false"/> when the model does not know the support.</summary>
    /// <param name="item">The item's dense index.</param>
    /// <returns>Whether the item is unknown to the model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is outside <c>[0, M)</c>.</exception>
    public bool IsColdItem(ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, ItemCount, nameof(item));
        return _support is not null && _support.ItemCounts[item.Value] == 0;
    }

    /// <summary>
    /// Whether the model keeps posterior samples (a <see cref="BayesianMatrixFactorizer"/> model with
    /// <see cref="BayesianMatrixOptions.StoredSamples"/> &gt; 0): then <see cref="Predict(UserIndex, ItemIndex)"/> is
    /// the posterior mean of the prediction and <see cref="PredictDistribution"/> and <see cref="RankBy"/> work.
    /// </summary>
    public bool HasPosterior => _posterior is not null;

    /// <summary>The number of stored posterior samples; 0 when <see cref="HasPosterior"/> is false.</summary>
    public int PosteriorSampleCount => _posterior?.Count ?? 0;

    internal PosteriorSamples? Posterior => _posterior;

    /// <summary>
    /// The predicted rating. For a model without posterior samples: μ + b_u + b_i + ⟨U_u, V_i⟩ (just the
    /// dot product for models without biases), clamped into <see cref="PredictionRange"/> when the model
    /// has one. For a Bayesian model with samples (<see cref="HasPosterior"/>): the posterior mean
    /// <see cref="PosteriorPrediction.Mean"/> of <see cref="PredictDistribution"/>, the average over the
    /// samples of each sample's prediction (clamped into the range), which is not the prediction of the
    /// posterior-mean embeddings <see cref="UserEmbeddings"/> and <see cref="ItemEmbeddings"/>. For a user or
    /// item without training ratings (<see cref="IsColdUser"/>, <see cref="IsColdItem"/>) a rating model without
    /// biases predicts the mean training rating (see the remarks on <see cref="FactorizationModel"/>).
    /// </summary>
    /// <param name="user">The user's dense index (not the id: <see cref="Predict(string, string)"/> takes ids).</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Predict(UserIndex user, ItemIndex item)
    {
        if (_posterior is not null)
        {
            return PredictDistribution(user, item).Mean;
        }

        float dot = TensorPrimitives.Dot(GetUserEmbedding(user), GetItemEmbedding(item));
        float prediction = _itemBiases is null ? dot : GlobalMean + _userBiases![user.Value] + _itemBiases[item.Value] + dot;
        if (_itemBiases is null && _support is not null && PredictsRatings && (_support.UserCounts[user.Value] == 0 || _support.ItemCounts[item.Value] == 0))
        {
            prediction = _support.Mean;
        }

        return PredictionRange is { } range ? range.Clamp(prediction) : prediction;
    }

    /// <summary>
    /// The posterior mean and standard deviation of the predicted rating over the model's stored Gibbs
    /// samples, and the rating noise it expects (see <see cref="PosteriorPrediction"/>). Costs S·(d + 1)
    /// multiply-adds for S samples.
    /// </summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The prediction's posterior.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="InvalidOperationException">The model has no posterior samples (<see cref="HasPosterior"/> is false).</exception>
    public PosteriorPrediction PredictDistribution(UserIndex user, ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, UserCount, nameof(user));
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, ItemCount, nameof(item));
        PosteriorSamples posterior = _posterior ?? ThrowNoPosterior();
        return posterior.Predict(user.Value, item.Value, PredictionRange);
    }

    /// <summary>
    /// This model as a recommender that ranks a known user's items by the posterior mean of their
    /// predicted ratings or by a credible bound (<see cref="PosteriorRanking"/>), over the stored samples.
    /// </summary>
    /// <param name="ranking">The mean, or a lower or upper bound.</param>
    /// <returns>The ranker, for <c>Recommender.Recommend</c>, ranking metrics and cross-validation.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ranking"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">The model has no posterior samples.</exception>
    public PosteriorRanker RankBy(PosteriorRanking ranking)
    {
        ranking.Validate();
        return new PosteriorRanker(this, _posterior ?? ThrowNoPosterior(), ranking);
    }

    /// <summary>The prediction for a pair given by external ids, as <see cref="Predict(UserIndex, ItemIndex)"/> (clamped into <see cref="PredictionRange"/> when set).</summary>
    /// <param name="userId">A user id as in the files.</param>
    /// <param name="itemId">An item id as in the files.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="KeyNotFoundException">An id is not in the catalogue.</exception>
    public float Predict(string userId, string itemId) => Predict(Catalog.GetUserIndex(userId), Catalog.GetItemIndex(itemId));

    /// <summary>
    /// Mean squared error of the predictions <see cref="Predict(UserIndex, ItemIndex)"/> (clamped into
    /// <see cref="PredictionRange"/> when set) on a dataset over this model's catalogue (accumulated in double).
    /// </summary>
    /// <param name="ratings">The ratings to score.</param>
    /// <returns>The MSE; 0 for an empty dataset.</returns>
    /// <exception cref="ArgumentException"><paramref name="ratings"/> belongs to another catalogue.</exception>
    public double MeanSquaredError(RatingsDataset ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!Catalog.IsCompatibleWith(ratings.Catalog))
        {
            ThrowHelper.Argument(nameof(ratings), "The ratings belong to another catalogue than the model's (different user or item ids). Read a training and a test file together (MovieLens.LoadSplit, DelimitedRatingsReader.ReadSplit) so that both share one catalogue.");
        }

        if (ratings.Count == 0)
        {
            return 0;
        }

        return RatingErrors.Sum(this, ratings, float.NegativeInfinity, float.PositiveInfinity).Squares / ratings.Count;
    }

    /// <summary>
    /// This model with another <see cref="PredictionRange"/>: <paramref name="predictionRange"/> to clamp
    /// predictions into (e.g. the rating scale, for a model built with <see cref="FromEmbeddings"/>), or
    /// <see langword="null"/> for raw predictions. The embeddings, biases, catalogue and options are shared,
    /// not copied (the model is immutable).
    /// </summary>
    /// <param name="predictionRange">The new range, or <see langword="null"/> for none.</param>
    /// <returns>A model that differs from this one only in <see cref="PredictionRange"/>.</returns>
    public FactorizationModel WithPredictionRange(RatingRange? predictionRange) =>
        new(Catalog, Dimensions, _userEmbeddings, _itemEmbeddings, _userBiases, _itemBiases, _globalMean, Options, predictionRange, _trainingScale, _implicitItemFactors, _posterior, _support);

    /// <summary>This model recording the scale of its training ratings (see <see cref="RatingScale"/>); arrays shared.</summary>
    internal FactorizationModel WithTrainingScale(RatingRange? trainingScale) =>
        new(Catalog, Dimensions, _userEmbeddings, _itemEmbeddings, _userBiases, _itemBiases, _globalMean, Options, PredictionRange, trainingScale, _implicitItemFactors, _posterior, _support);

    /// <summary>A copy of U as a MathNet matrix (N×d).</summary>
    /// <returns>A new dense matrix.</returns>
    public Matrix<float> UserEmbeddingMatrix() => ToMatrix(_userEmbeddings, UserCount);

    /// <summary>A copy of V as a MathNet matrix (M×d).</summary>
    /// <returns>A new dense matrix.</returns>
    public Matrix<float> ItemEmbeddingMatrix() => ToMatrix(_itemEmbeddings, ItemCount);

    /// <inheritdoc/>
    public bool TryScoreItems(UserIndex user, Span<float> scores) => EmbeddingScores.TryScoreItems(this, user, scores);

    /// <inheritdoc/>
    public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) =>
        EmbeddingScores.ScoreItemsForNewUser(this, items, values, scores);

    /// <summary>
    /// The query embedding of a new user from the items they rated: the ridge fold-in
    /// (<see cref="Scoring.FoldIn.ComputeUserEmbedding"/>, default λ) for an explicit-rating model; for an
    /// SVD++ model the same ridge solve around the user's implicit term (the query is s + p with
    /// s = |N|^−½·Σ_(j∈N) y_j over the given items N and p the ridge solution for the residuals
    /// r − μ − b_j − ⟨s, V_j⟩); the confidence-weighted fold-in (<see cref="Scoring.FoldIn.ComputeImplicitUserEmbedding"/>)
    /// with the model's own λ and α for an implicit-ALS model; for a BPR model, the maximiser of the BPR
    /// criterion over the user's items against every other item, with the model's λ (<see cref="BprFactorizer"/>).
    /// </summary>
    /// <param name="items">Distinct dense item indices.</param>
    /// <param name="values">The ratings (or interaction strengths, ≥ 0, for an implicit model), one per item, finite.</param>
    /// <returns>d floats.</returns>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c> or a value is not finite (or negative, for an implicit model).</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite.</exception>
    public float[] ComputeNewUserQuery(ReadOnlySpan<int> items, ReadOnlySpan<float> values) =>
        _implicitItemFactors is not null ? Scoring.FoldIn.ComputeUserEmbeddingWithImplicitFactors(this, _implicitItemFactors, items, values)
        : Options is { } options ? options.FoldInNewUser(this, items, values)
        : Scoring.FoldIn.ComputeUserEmbedding(this, items, values);

    /// <inheritdoc/>
    public bool TryGetUserQuery(UserIndex user, Span<float> destination)
    {
        if (user.Value >= UserCount)
        {
            return false;
        }

        if (destination.Length != Dimensions)
        {
            ThrowHelper.Argument(nameof(destination), string.Create(CultureInfo.InvariantCulture, $"destination has length {destination.Length}; expected {Dimensions}."));
        }

        GetUserEmbedding(user).CopyTo(destination);
        return true;
    }

    private static PosteriorSamples ThrowNoPosterior() =>
        throw new InvalidOperationException("The model keeps no posterior samples: only a BayesianMatrixFactorizer or BayesianFactorizationMachine model with StoredSamples > 0 has them.");

    private Matrix<float> ToMatrix(float[] rows, int count)
    {
        int d = Dimensions;
        return Matrix<float>.Build.Dense(count, d, (r, c) => rows[(r * d) + c]);
    }

    /// <summary>
    /// The first value that breaks the limits under which no prediction or score can overflow (see
    /// <see cref="EmbeddingLimits"/>), described, with the name of the argument that holds it; (null, null) when none.
    /// </summary>
    internal static (string? Problem, string? ParamName) ScaleProblem(int d, ReadOnlySpan<float> users, ReadOnlySpan<float> items, ReadOnlySpan<float> userBiases, ReadOnlySpan<float> itemBiases)
    {
        if (EmbeddingLimits.RowNormProblem(users, d, "the embedding of user") is { } u)
        {
            return (u, "userEmbeddings");
        }

        if (EmbeddingLimits.RowNormProblem(items, d, "the embedding of item") is { } i)
        {
            return (i, "itemEmbeddings");
        }

        if (EmbeddingLimits.BiasProblem(userBiases, "the bias of user") is { } bu)
        {
            return (bu, "userBiases");
        }

        return EmbeddingLimits.BiasProblem(itemBiases, "the bias of item") is { } bi ? (bi, "itemBiases") : (null, null);
    }

    private static void CheckLength(ReadOnlySpan<float> values, long expected, string paramName, bool allowEmpty)
    {
        if (values.IsEmpty && allowEmpty)
        {
            return;
        }

        if (values.Length != expected)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} has {values.Length} values; expected {expected}."));
        }

        if (!TensorPrimitivesExtensions.AllFinite(values))
        {
            ThrowHelper.Argument(paramName, $"{paramName} holds a NaN or infinite value.");
        }
    }

    /// <summary>
    /// What the model is, e.g. <c>FactorizationModel: 943 users × 1682 items, d = 30, with biases (μ = 3.529),
    /// trained by BiasedSgdOptions, predictions clamped to [1, 5]</c>; an SVD++ model adds "with implicit item factors".
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"FactorizationModel: {UserCount} users × {ItemCount} items, d = {Dimensions}")
        + (HasBiases ? string.Create(CultureInfo.InvariantCulture, $", with biases (μ = {Display.Number(GlobalMean)})") : ", no biases")
        + (Options is { } options ? ", trained by " + options.GetType().Name : "")
        + (_implicitItemFactors is not null ? ", with implicit item factors" : "")
        + (PredictionRange is { } range ? $", predictions clamped to {range}" : "");
}
