using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;

namespace CollaborativeFiltering.Neural;

/// <summary>
/// A trained softmax recommender: a network that maps a bag of rated items (and their genres and
/// release years, when trained with them) to a query embedding q of dimension d, and output item
/// embeddings V (M×d, the <see cref="ItemEmbeddings"/>) with optional biases b, so that
/// <c>p(item j | items) = softmax(V·q + b)_j</c> over the whole catalogue. Implements
/// <see cref="IEmbeddingModel"/>, so neighbours, norms, recommendations, ranking metrics and export
/// work on it as on a <see cref="Factorization.FactorizationModel"/>. A known user's query is
/// computed from the items the user rated in the training set, which the model keeps; a new user's
/// from any list of items with <see cref="ComputeQuery(ReadOnlySpan{int}, Span{float})"/>.
/// Immutable and safe to share between threads.
/// </summary>
public sealed partial class SoftmaxModel : IEmbeddingModel, ICheckedModel
{
    /// <summary>Scratch up to this many floats is taken from the stack.</summary>
    private const int StackScratch = 512;

    private readonly SoftmaxNetwork _network;
    private readonly float[] _itemEmbeddings;
    private readonly float[]? _itemBiases;
    private readonly int[] _userOffsets;
    private readonly int[] _userItems;
    private readonly int[] _itemSupport;
    private readonly RatingRange? _ratingScale;

    /// <summary>Every user's query, computed on first use (the model stays immutable: the value never changes once computed).</summary>
    private float[]? _userQueries;

    internal SoftmaxModel(Catalog catalog, SoftmaxOptions options, SoftmaxNetwork network, float[] itemEmbeddings, float[]? itemBiases, int[] userOffsets, int[] userItems, RatingRange? ratingScale)
    {
        Catalog = catalog;
        Options = options;
        _network = network;
        _itemEmbeddings = itemEmbeddings;
        _itemBiases = itemBiases;
        _userOffsets = userOffsets;
        _userItems = userItems;
        _itemSupport = TrainingSupport.ItemCountsOf(userItems, catalog.ItemCount);
        _ratingScale = ratingScale;
    }

    /// <summary>Each item's number of training ratings: how many users' kept training items (the network's inputs) hold it.</summary>
    public ReadOnlySpan<int> ItemSupport => _itemSupport;

    /// <summary><see cref="RankingScore.Model"/>: the network is trained to predict which items a user rates, so its own scores rank by that.</summary>
    public RankingScore DefaultRanking => RankingScore.Model;

    /// <summary>The users and items; N = <see cref="UserCount"/>, M = <see cref="ItemCount"/>.</summary>
    public Catalog Catalog { get; }

    /// <summary>d, the dimension of the query and of each item's output embedding.</summary>
    public int Dimensions => _network.Dimensions;

    /// <summary>N, the number of users.</summary>
    public int UserCount => Catalog.UserCount;

    /// <summary>M, the number of items.</summary>
    public int ItemCount => Catalog.ItemCount;

    /// <summary>The options the model was trained with (its architecture: layer widths, features).</summary>
    public SoftmaxOptions Options { get; }

    /// <summary>V, the output item embeddings, row-major: item <c>j</c> occupies <c>[j*d, (j+1)*d)</c>.</summary>
    public ReadOnlySpan<float> ItemEmbeddings => _itemEmbeddings;

    /// <summary>Whether the softmax layer has per-item biases (<see cref="SoftmaxOptions.UseItemBiases"/>).</summary>
    public bool HasItemBiases => _itemBiases is not null;

    /// <summary>b, the output biases added to every logit and ranking score; empty when <see cref="HasItemBiases"/> is false.</summary>
    public ReadOnlySpan<float> ItemBiases => _itemBiases;

    internal SoftmaxNetwork Network => _network;

    internal float[] ItemEmbeddingArray => _itemEmbeddings;

    internal float[]? ItemBiasArray => _itemBiases;

    internal int[] UserOffsetArray => _userOffsets;

    internal int[] UserItemArray => _userItems;

    /// <summary>The items a known user rated in the training set: the bag the user's query is computed from.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <returns>Dense item indices, ascending (empty for a user without training ratings).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N.</exception>
    public ReadOnlySpan<int> GetUserItems(UserIndex user)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, UserCount, nameof(user));
        return ItemsOf(user.Value);
    }

    private ReadOnlySpan<int> ItemsOf(int user) => _userItems.AsSpan(_userOffsets[user], _userOffsets[user + 1] - _userOffsets[user]);

    /// <summary>The output embedding of one item.</summary>
    /// <param name="item">The item's dense index.</param>
    /// <returns>d floats.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below M.</exception>
    public ReadOnlySpan<float> GetItemEmbedding(ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, ItemCount, nameof(item));
        return _itemEmbeddings.AsSpan(item.Value * Dimensions, Dimensions);
    }

    /// <summary>
    /// Writes the query embedding of a known user: the network's output for the items the user rated
    /// in the training set (<see cref="GetUserItems"/>), the same as
    /// <see cref="ComputeQuery(ReadOnlySpan{int}, Span{float})"/> of those items. A user without
    /// training ratings gets the query of an empty bag.
    /// </summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="destination">A span of length <see cref="Dimensions"/>.</param>
    /// <returns><see langword="false"/> when <paramref name="user"/> is not below N.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have length d.</exception>
    public bool TryGetUserQuery(UserIndex user, Span<float> destination)
    {
        if (user.Value >= UserCount)
        {
            return false;
        }

        CheckDestination(destination, Dimensions, nameof(destination));
        Forward(ItemsOf(user.Value), destination);
        return true;
    }

    /// <summary>
    /// Embeds a user from the items they rated, e.g. a new user who was never trained on: the
    /// network's query for that bag of items. Items may come in any order; an item listed twice
    /// counts twice in the averages; an empty list gives the query of an empty bag (which ranks items
    /// by what the model learned users like in general). Rank with
    /// <see cref="Scoring.Recommender.RecommendForQuery"/>, passing the same items as excluded. Every item
    /// listed enters the bag, whatever the user thought of it; to embed a new user from ratings, with the
    /// items they disliked left out, use <see cref="ComputeNewUserQuery"/>.
    /// </summary>
    /// <param name="ratedItems">Dense item indices in <c>[0, M)</c>.</param>
    /// <param name="destination">Receives the d-dimensional query.</param>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have length d.</exception>
    public void ComputeQuery(ReadOnlySpan<int> ratedItems, Span<float> destination)
    {
        CheckDestination(destination, Dimensions, nameof(destination));
        foreach (int item in ratedItems)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(item, ItemCount, nameof(ratedItems));
        }

        Forward(ratedItems, destination);
    }

    /// <summary>
    /// A new user's query from their ratings: the network's output (<see cref="ComputeQuery(ReadOnlySpan{int}, Span{float})"/>)
    /// for the bag of the items they liked, those rated at or above <see cref="LikedRatingThreshold"/>, the
    /// midpoint of the training rating scale (3 on a 1–5 scale, 2.75 on 0.5–5). The items rated below it
    /// stay out of the bag; when none is left, the query is the empty bag's, which ranks items by what the
    /// model learned users pick in general. <see cref="Scoring.Recommender.RecommendForNewUser"/> and
    /// <see cref="ScoreItemsForNewUser"/> rank with this query and never recommend a rated item, liked or not.
    /// So all-5-star ratings of some items give the query of those items, and all-1-star ratings the
    /// query of an empty bag: different lists.
    /// </summary>
    /// <remarks>
    /// Why a threshold and not a weight: the network was trained on bags of items, each counted once
    /// (the course's input is the items the user rated), and it has no notion of a negative or fractional
    /// item, so a rating can only decide whether an item is in the bag. The bag a new user gets is the one
    /// that says what they like — the course's reading of the softmax input as the items a user liked, and
    /// the subset <see cref="SoftmaxTrainer"/> suggests training on for the same reason. A known user's
    /// query (<see cref="TryGetUserQuery"/>) keeps all their training items, as the network was trained on
    /// them. A model read from a version-1 file does not know its training scale: there every rated item
    /// enters the bag and the values only have to be finite.
    /// </remarks>
    /// <param name="items">Dense item indices in <c>[0, M)</c>.</param>
    /// <param name="values">One rating per item: finite, and inside <see cref="RatingScale"/> when the model knows it.</param>
    /// <returns>d floats.</returns>
    /// <exception cref="ArgumentException">The spans' lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c>, or a value is not finite or is outside <see cref="RatingScale"/>.</exception>
    public float[] ComputeNewUserQuery(ReadOnlySpan<int> items, ReadOnlySpan<float> values)
    {
        if (items.Length != values.Length)
        {
            ThrowHelper.Argument(nameof(values), string.Create(CultureInfo.InvariantCulture, $"There are {items.Length} items but {values.Length} values; give one value per item."));
        }

        foreach (int item in items)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(item, ItemCount, nameof(items));
        }

        float threshold = LikedRatingThreshold ?? float.NegativeInfinity;
        int liked = 0;
        int[] bag = new int[items.Length];
        for (int t = 0; t < values.Length; t++)
        {
            float value = values[t];
            if (!float.IsFinite(value) || (_ratingScale is { } scale && !scale.Contains(value)))
            {
                throw new ArgumentOutOfRangeException(nameof(values), value, string.Create(CultureInfo.InvariantCulture,
                    $"The rating of item {items[t]} is {value}; expected a finite number{(_ratingScale is { } s ? $" inside the model's rating scale {s}" : "")}."));
            }

            if (value >= threshold)
            {
                bag[liked++] = items[t];
            }
        }

        return ComputeQuery(bag.AsSpan(0, liked));
    }

    /// <summary>
    /// The lowest rating of a new user's that puts the item into the bag their query is computed from
    /// (<see cref="ComputeNewUserQuery"/>): the midpoint of <see cref="RatingScale"/>, (min + max) / 2;
    /// <see langword="null"/> when the model does not know its scale (read from a version-1 file), and then every rated item counts.
    /// </summary>
    public float? LikedRatingThreshold => _ratingScale is { } scale ? (scale.Min + scale.Max) / 2 : null;

    /// <summary>Always <see langword="false"/>: the network ranks items (its scores are logits), it does not predict ratings.</summary>
    public bool PredictsRatings => false;

    /// <summary>
    /// The range of the training ratings (e.g. [1, 5]): the network learns which items a user rated, not
    /// the ratings, and predicts none, but a new user's ratings are read against this scale
    /// (<see cref="ComputeNewUserQuery"/> keeps the items rated at or above its midpoint) and must lie in it.
    /// <see langword="null"/> for a model read from a version-1 file, which did not record it.
    /// </summary>
    public RatingRange? RatingScale => _ratingScale;

    /// <summary>The logit of an item for a known user, ⟨q_u, V_j⟩ + b_j: a ranking score, not a rating.</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public float Predict(UserIndex user, ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, UserCount, nameof(user));
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, ItemCount, nameof(item));
        float[] query = ArrayPool<float>.Shared.Rent(Dimensions);
        try
        {
            Span<float> q = query.AsSpan(0, Dimensions);
            Forward(ItemsOf(user.Value), q);
            float dot = TensorPrimitives.Dot(q, GetItemEmbedding(item));
            return _itemBiases is null ? dot : dot + _itemBiases[item.Value];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(query);
        }
    }

    /// <summary>The logit (a ranking score, not a rating) for a pair named by the ids in the files, as <see cref="Predict(UserIndex, ItemIndex)"/> of their indices.</summary>
    /// <param name="userId">A user id as in the files (compared ordinally).</param>
    /// <param name="itemId">An item id as in the files (compared ordinally).</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentNullException">An id is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">An id is not in the catalogue; the message names it.</exception>
    public float Predict(string userId, string itemId) => Predict(Catalog.GetUserIndex(userId), Catalog.GetItemIndex(itemId));

    /// <inheritdoc/>
    public bool TryScoreItems(UserIndex user, Span<float> scores) => EmbeddingScores.TryScoreItems(this, user, scores);

    /// <inheritdoc/>
    public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) =>
        EmbeddingScores.ScoreItemsForNewUser(this, items, values, scores);

    /// <summary>Every user's query (the network's output for the user's training items), row-major N·d; computed once, on first use.</summary>
    public ReadOnlySpan<float> UserEmbeddings
    {
        get
        {
            float[]? queries = Volatile.Read(ref _userQueries);
            if (queries is null)
            {
                int d = Dimensions;
                queries = new float[UserCount * d];
                for (int u = 0; u < UserCount; u++)
                {
                    Forward(_userItems.AsSpan(_userOffsets[u], _userOffsets[u + 1] - _userOffsets[u]), queries.AsSpan(u * d, d));
                }

                queries = Interlocked.CompareExchange(ref _userQueries, queries, null) ?? queries;
            }

            return queries;
        }
    }

    /// <summary>Empty: the network has no user biases.</summary>
    public ReadOnlySpan<float> UserBiases => default;

    /// <summary>0: the network has no global mean.</summary>
    public float GlobalMean => 0;

    /// <summary>Embeds a user from the items they rated; see <see cref="ComputeQuery(ReadOnlySpan{int}, Span{float})"/>.</summary>
    /// <param name="ratedItems">Dense item indices in <c>[0, M)</c>.</param>
    /// <returns>The d-dimensional query.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c>.</exception>
    public float[] ComputeQuery(ReadOnlySpan<int> ratedItems)
    {
        var query = new float[Dimensions];
        ComputeQuery(ratedItems, query);
        return query;
    }

    /// <summary>Embeds a user from the ids of the items they rated; see <see cref="ComputeQuery(ReadOnlySpan{int}, Span{float})"/>.</summary>
    /// <param name="itemIds">Item ids as in the files.</param>
    /// <returns>The d-dimensional query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="itemIds"/> or an id is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">An id is not in the catalogue; the message names it.</exception>
    public float[] ComputeQueryById(IEnumerable<string> itemIds)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        var items = new List<int>();
        foreach (string id in itemIds)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(itemIds));
            if (!Catalog.Items.TryGetIndex(id, out int item))
            {
                ThrowHelper.KeyNotFound($"The item id '{id}' is not in the model's catalogue.");
            }

            items.Add(item);
        }

        var query = new float[Dimensions];
        Forward(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items), query);
        return query;
    }

    /// <summary>
    /// The model's distribution over the catalogue for a query: softmax(V·q + b), computed stably
    /// (the largest logit is subtracted before exponentiating, so no logit overflows). Any finite
    /// query works: when a logit is beyond single precision the logits are computed in double.
    /// </summary>
    /// <param name="query">d finite floats, e.g. from <see cref="ComputeQuery(ReadOnlySpan{int})"/>.</param>
    /// <param name="destination">Receives M probabilities that sum to 1 (up to rounding), never NaN.</param>
    /// <exception cref="ArgumentException"><paramref name="query"/> does not have length d or holds a non-finite value, or <paramref name="destination"/> does not have length M.</exception>
    public void ComputeProbabilities(ReadOnlySpan<float> query, Span<float> destination)
    {
        if (query.Length != Dimensions || !TensorPrimitivesExtensions.AllFinite(query))
        {
            EmbeddingModelChecks.ThrowIfInvalidQuery(query, Dimensions, nameof(query));
        }

        CheckDestination(destination, ItemCount, nameof(destination));
        if (destination.IsEmpty)
        {
            return;
        }

        ScoreKernel.DotAll(_itemEmbeddings, Dimensions, query, destination);
        if (_itemBiases is not null)
        {
            TensorPrimitives.Add(destination, _itemBiases, destination);
        }

        float max = TensorPrimitives.Max(destination);
        if (!float.IsFinite(max) || !float.IsFinite(TensorPrimitives.Min(destination)))
        {
            ComputeProbabilitiesInDouble(query, destination);
            return;
        }

        TensorPrimitives.Subtract(destination, max, destination);
        TensorPrimitives.Exp(destination, destination);
        TensorPrimitives.Multiply(destination, 1f / TensorPrimitives.Sum(destination), destination);
    }

    /// <summary>The slow twin of <see cref="ComputeProbabilities"/> for queries whose logits overflow single precision.</summary>
    private void ComputeProbabilitiesInDouble(ReadOnlySpan<float> query, Span<float> destination)
    {
        int d = Dimensions, m = ItemCount;
        var logits = new double[m];
        double max = double.NegativeInfinity;
        for (int j = 0; j < m; j++)
        {
            ReadOnlySpan<float> row = _itemEmbeddings.AsSpan(j * d, d);
            double z = _itemBiases is null ? 0 : _itemBiases[j];
            for (int k = 0; k < d; k++)
            {
                z += (double)query[k] * row[k];
            }

            logits[j] = z;
            max = Math.Max(max, z);
        }

        double sum = 0;
        for (int j = 0; j < m; j++)
        {
            logits[j] = Math.Exp(logits[j] - max);
            sum += logits[j];
        }

        for (int j = 0; j < m; j++)
        {
            destination[j] = (float)(logits[j] / sum);
        }
    }

    private void Forward(ReadOnlySpan<int> items, Span<float> destination)
    {
        SoftmaxNetwork net = _network;
        int length = net.ScratchLength;
        float[]? rented = null;
        Span<float> scratch = length <= StackScratch ? stackalloc float[StackScratch] : (rented = ArrayPool<float>.Shared.Rent(length));
        try
        {
            Span<float> x = scratch[..net.InputDimensions];
            Span<float> activations = scratch.Slice(net.InputDimensions, net.ActivationLength);
            Span<float> genres = scratch.Slice(net.InputDimensions + net.ActivationLength, net.GenreCount);
            Span<float> years = scratch.Slice(net.InputDimensions + net.ActivationLength + net.GenreCount, net.YearCount);
            net.Forward(items, x, activations, genres, years, destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private static void CheckDestination(Span<float> destination, int expected, string paramName)
    {
        if (destination.Length != expected)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} has length {destination.Length}; expected {expected}."));
        }
    }

    /// <summary>What the model is, e.g. <c>SoftmaxModel: 943 users × 1682 items, d = 35, hidden layers 35, inputs items + genres</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"SoftmaxModel: {UserCount} users × {ItemCount} items, d = {Dimensions}, hidden layers {(Options.HiddenLayerSizes.Count == 0 ? "none" : string.Join(",", Options.HiddenLayerSizes))}, inputs items{(Options.UseGenres ? " + genres" : "")}{(Options.UseReleaseYears ? " + release years" : "")}");
}
