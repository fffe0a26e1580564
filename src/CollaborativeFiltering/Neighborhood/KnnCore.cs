using System.Buffers;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neighborhood.Knn;

namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// The state and arithmetic of a kNN model, for both orientations (<see cref="ItemKnnModel"/> and
/// <see cref="UserKnnModel"/> wrap it): the training ratings by user, the statistics, and every row's
/// neighbours. In Surprise's terms the rows are x (items for item-kNN, users for user-kNN) and the other
/// side is y; a prediction for (x, y) walks x's neighbours, strongest first, and uses the first k that have
/// a rating for y. Immutable; every method is safe to call from several threads.
/// </summary>
internal sealed class KnnCore
{
    private readonly int[] _userOffsets;
    private readonly int[] _userItems;
    private readonly float[] _userValues;

    // User-kNN only: the ratings by item (users ascending), derived from the ratings by user.
    private readonly int[] _itemOffsets = [];
    private readonly int[] _itemUsers = [];
    private readonly float[] _itemValues = [];

    /// <summary>The binary-cosine lists of item-kNN's top-N scoring (<see cref="KnnTopNSimilarity.BinaryCosine"/>); null when top-N adds up <see cref="Neighbors"/>.</summary>
    private readonly Lazy<NeighborLists>? _topN;

    /// <summary>
    /// Takes the arrays over; the caller validated them. <paramref name="topN"/> are the fit's binary-cosine
    /// lists when the options ask for them; a model read from a file passes none, and they are computed from
    /// its stored ratings the first time it ranks (the same lists, bit for bit).
    /// </summary>
    public KnnCore(Catalog catalog, KnnOrientation orientation, KnnOptions options, RatingRange? range,
        int[] userOffsets, int[] userItems, float[] userValues, KnnStatistics statistics, NeighborLists neighbors, NeighborLists? topN = null)
    {
        Catalog = catalog;
        Orientation = orientation;
        Options = options;
        PredictionRange = range;
        _userOffsets = userOffsets;
        _userItems = userItems;
        _userValues = userValues;
        Statistics = statistics;
        Neighbors = neighbors;
        RatingScale = ScaleOf(userValues);
        if (orientation == KnnOrientation.Users)
        {
            (_itemOffsets, _itemUsers, _itemValues) = Transpose(catalog.ItemCount, userOffsets, userItems, userValues);
        }
        else if (options.TopNSimilarity == KnnTopNSimilarity.BinaryCosine)
        {
            _topN = topN is not null ? new Lazy<NeighborLists>(topN) : new Lazy<NeighborLists>(ComputeTopN, LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    /// <summary>The lists item-kNN's top-N scoring adds up: the binary-cosine ones, or the model's own.</summary>
    public NeighborLists TopNNeighbors => _topN?.Value ?? Neighbors;

    /// <summary>The binary-cosine lists of <see cref="KnnTopNSimilarity.BinaryCosine"/> from the ratings: each item's <see cref="KnnOptions.Neighbors"/> nearest.</summary>
    public static NeighborLists ComputeTopN(int itemCount, int[] userOffsets, int[] userItems, int neighbors, WorkerPool pool, CancellationToken cancellationToken)
    {
        var zeros = new float[userItems.Length]; // the pass only counts shared entries; the values are not used
        var byUser = new SparseRows(userOffsets, userItems, zeros);
        (int[] itemOffsets, int[] itemUsers, _) = Transpose(itemCount, userOffsets, userItems, zeros);
        var byItem = new SparseRows(itemOffsets, itemUsers, zeros);
        return SimilarityComputation.ComputeBinaryCosine(byItem, byUser, neighbors, pool, cancellationToken);
    }

    private NeighborLists ComputeTopN()
    {
        using var pool = new WorkerPool(Math.Clamp(Options.ThreadCount, 1, Math.Max(1, (Catalog.ItemCount + SimilarityComputation.RowsPerBlock - 1) / SimilarityComputation.RowsPerBlock)));
        return ComputeTopN(Catalog.ItemCount, _userOffsets, _userItems, Options.Neighbors, pool, CancellationToken.None);
    }

    public Catalog Catalog { get; }

    public KnnOrientation Orientation { get; }

    public KnnOptions Options { get; }

    public RatingRange? PredictionRange { get; }

    /// <summary>The range of the training ratings (what a new user's ratings must lie in); null when there are none.</summary>
    public RatingRange? RatingScale { get; }

    public KnnStatistics Statistics { get; }

    public NeighborLists Neighbors { get; }

    public int[] UserOffsetArray => _userOffsets;

    public int[] UserItemArray => _userItems;

    public float[] UserValueArray => _userValues;

    /// <summary>The models' <c>ToString()</c> after the type name: sizes, predictor, similarity, k, neighbours kept, clamping.</summary>
    public string Describe()
    {
        string predictor = Options.Predictor switch
        {
            KnnPredictor.WithMeans => "KNN with means",
            KnnPredictor.WithBaseline => "KNN with baseline",
            _ => "KNN basic",
        };
        string similarity = Options.Similarity switch
        {
            KnnSimilarity.Pearson => "Pearson",
            KnnSimilarity.PearsonBaseline => "Pearson-baseline",
            KnnSimilarity.AdjustedCosine => "adjusted cosine",
            KnnSimilarity.MeanSquaredDifference => "MSD",
            _ => "cosine",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"{Catalog.UserCount} users × {Catalog.ItemCount} items, {predictor}, {similarity} similarity (shrinkage {Display.Number(Options.Shrinkage)}), k = {Options.Neighbors}, {Neighbors.Count} neighbours kept")
            + (_topN is not null ? ", top-N by binary cosine" : "")
            + (PredictionRange is { } range ? $", predictions clamped to {range}" : "");
    }

    /// <summary>The predicted rating of (user, item), clamped to <see cref="PredictionRange"/> when there is one.</summary>
    public float Predict(int user, int item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user, Catalog.UserCount, nameof(user));
        ThrowHelper.ThrowIfIndexOutOfRange(item, Catalog.ItemCount, nameof(item));
        bool items = Orientation == KnnOrientation.Items;
        int x = items ? item : user;

        // The neighbours of x that rated y (item-kNN: the items similar to i that u rated; user-kNN: the users
        // similar to u who rated i), by a merge walk of two ascending lists, then the k strongest of them.
        ReadOnlySpan<int> sorted = Neighbors.SortedIndices(x);
        ReadOnlySpan<int> ranks = Neighbors.Ranks(x);
        ReadOnlySpan<int> rated = items ? UserItems(user) : ItemUsers(item);
        int capacity = Math.Min(sorted.Length, rated.Length);
        long[]? rented = capacity > 256 ? ArrayPool<long>.Shared.Rent(capacity) : null;
        Span<long> found = rented ?? stackalloc long[256];
        int count = 0;
        for (int a = 0, b = 0; a < sorted.Length && b < rated.Length;)
        {
            int difference = sorted[a] - rated[b];
            if (difference == 0)
            {
                found[count++] = ((long)ranks[a] << 32) | (uint)b;
                a++;
                b++;
            }
            else if (difference < 0)
            {
                a++;
            }
            else
            {
                b++;
            }
        }

        Span<long> used = found[..count];
        used.Sort();
        used = used[..Math.Min(count, Options.Neighbors)];
        // Ratings near the edge of single precision can give a finite double beyond it: saturate, never ±∞.
        float prediction = (float)Math.Clamp(Estimate(user, item, x, items, used), -float.MaxValue, float.MaxValue);
        if (rented is not null)
        {
            ArrayPool<long>.Shared.Return(rented);
        }

        return PredictionRange is { } range ? range.Clamp(prediction) : prediction;
    }

    /// <summary>The estimate from the neighbours used (rank in x's list, position in the rated list), strongest first.</summary>
    private double Estimate(int user, int item, int x, bool items, ReadOnlySpan<long> used)
    {
        ReadOnlySpan<int> neighbors = Neighbors.Indices(x);
        ReadOnlySpan<float> weights = Neighbors.Weights(x);
        ReadOnlySpan<float> ratings = items ? UserValues(user) : ItemValues(item);
        KnnPredictor predictor = Options.Predictor;
        KnnStatistics s = Statistics;
        double weightSum = 0, termSum = 0;
        foreach (long entry in used)
        {
            int rank = (int)(entry >> 32);
            float rating = ratings[(int)(uint)entry];
            int other = neighbors[rank];
            int u = items ? user : other, i = items ? other : item;
            double term = predictor switch
            {
                KnnPredictor.WithMeans => (double)rating - (items ? s.ItemMeans[i] : s.UserMeans[u]),
                KnnPredictor.WithBaseline => rating - s.Baseline(u, i),
                _ => rating,
            };
            weightSum += weights[rank];
            termSum += weights[rank] * term;
        }

        bool enough = used.Length >= Options.MinNeighbors && weightSum > 0;
        return predictor switch
        {
            KnnPredictor.WithMeans => (items ? s.ItemMeans[item] : s.UserMeans[user]) + (enough ? termSum / weightSum : 0),
            KnnPredictor.WithBaseline => s.Baseline(user, item) + (enough ? termSum / weightSum : 0),
            _ => enough ? termSum / weightSum : s.GlobalMean,
        };
    }

    /// <summary>The top-N scores of a known user: the neighbour sums of <see cref="KnnOptions.NormalizeTopN"/>; false for a user without training ratings.</summary>
    public bool TryScoreItems(int user, Span<float> scores)
    {
        ThrowIfWrongLength(scores, Catalog.ItemCount, nameof(scores));
        if (user >= Catalog.UserCount)
        {
            return false;
        }

        ReadOnlySpan<int> rated = UserItems(user);
        if (rated.IsEmpty)
        {
            return false;
        }

        scores.Fill(float.NegativeInfinity);
        if (Orientation == KnnOrientation.Items)
        {
            NeighborLists lists = TopNNeighbors;
            foreach (int item in rated)
            {
                AddNeighbors(lists.Indices(item), lists.Weights(item), scores);
            }
        }
        else
        {
            AddNeighborsItems(Neighbors.Indices(user), Neighbors.Weights(user), scores);
        }

        return true;
    }

    /// <summary>The top-N scores of a new user from their ratings (item-kNN: which items; user-kNN: their similarities to every user).</summary>
    public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores)
    {
        ThrowIfWrongLength(scores, Catalog.ItemCount, nameof(scores));
        (int[] sortedItems, float[] sortedValues) = SortedNewUser(items, values);
        scores.Fill(float.NegativeInfinity);
        if (Orientation == KnnOrientation.Items)
        {
            NeighborLists lists = TopNNeighbors;
            foreach (int item in sortedItems)
            {
                AddNeighbors(lists.Indices(item), lists.Weights(item), scores);
            }

            return;
        }

        int k = Math.Min(Options.Neighbors, Catalog.UserCount);
        var heapWeights = new float[k];
        var heapUsers = new int[k];
        int count = Options.Similarity switch
        {
            KnnSimilarity.Pearson => NewUserNeighbors<PearsonKind, PearsonSums>(sortedItems, sortedValues, heapWeights, heapUsers),
            KnnSimilarity.MeanSquaredDifference => NewUserNeighbors<MeanSquaredDifferenceKind, DifferenceSums>(sortedItems, sortedValues, heapWeights, heapUsers),
            _ => NewUserNeighbors<CosineKind, ProductSums>(sortedItems, sortedValues, heapWeights, heapUsers),
        };
        TopK.SortBestFirst(heapWeights, heapUsers, count);
        AddNeighborsItems(heapUsers.AsSpan(0, count), heapWeights.AsSpan(0, count), scores);
    }

    /// <summary>Writes every row's weight as a neighbour of <paramref name="row"/>: −∞ outside its list, 1 for itself.</summary>
    public void ScoreSimilar(int row, Span<float> weights, string rowName, string spanName)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(row, Neighbors.RowCount, rowName);
        ThrowIfWrongLength(weights, Neighbors.RowCount, spanName);
        weights.Fill(float.NegativeInfinity);
        ReadOnlySpan<int> neighbors = Neighbors.Indices(row);
        ReadOnlySpan<float> similarities = Neighbors.Weights(row);
        for (int t = 0; t < neighbors.Length; t++)
        {
            weights[neighbors[t]] = similarities[t];
        }

        weights[row] = 1;
    }

    /// <summary>The items <paramref name="user"/> rated in training, ascending.</summary>
    public ReadOnlySpan<int> UserItems(int user) => _userItems.AsSpan(_userOffsets[user], _userOffsets[user + 1] - _userOffsets[user]);

    private ReadOnlySpan<float> UserValues(int user) => _userValues.AsSpan(_userOffsets[user], _userOffsets[user + 1] - _userOffsets[user]);

    private ReadOnlySpan<int> ItemUsers(int item) => _itemUsers.AsSpan(_itemOffsets[item], _itemOffsets[item + 1] - _itemOffsets[item]);

    private ReadOnlySpan<float> ItemValues(int item) => _itemValues.AsSpan(_itemOffsets[item], _itemOffsets[item + 1] - _itemOffsets[item]);

    private static RatingRange? ScaleOf(float[] values)
    {
        if (values.Length == 0)
        {
            return null;
        }

        float min = values[0], max = values[0];
        foreach (float v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return new RatingRange(min, max);
    }

    /// <summary>The ratings by item, users ascending within each item (a counting sort of the ratings by user).</summary>
    private static (int[] Offsets, int[] Users, float[] Values) Transpose(int itemCount, int[] userOffsets, int[] userItems, float[] userValues)
    {
        var offsets = new int[itemCount + 1];
        foreach (int item in userItems)
        {
            offsets[item + 1]++;
        }

        for (int i = 0; i < itemCount; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var next = (int[])offsets.Clone();
        var users = new int[userItems.Length];
        var values = new float[userItems.Length];
        for (int u = 0; u + 1 < userOffsets.Length; u++)
        {
            for (int p = userOffsets[u]; p < userOffsets[u + 1]; p++)
            {
                int slot = next[userItems[p]]++;
                users[slot] = u;
                values[slot] = userValues[p];
            }
        }

        return (offsets, users, values);
    }

    private static void ThrowIfWrongLength(Span<float> span, int length, string paramName)
    {
        if (span.Length != length)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} has length {span.Length}; expected {length}."));
        }
    }

    /// <summary>Adds the first k of one neighbour list (item-kNN: an item's similar items) to the scores, divided by their sum when normalising.</summary>
    private void AddNeighbors(ReadOnlySpan<int> neighbors, ReadOnlySpan<float> weights, Span<float> scores)
    {
        int count = Math.Min(Options.Neighbors, neighbors.Length);
        float scale = Scale(weights[..count]);
        for (int t = 0; t < count; t++)
        {
            Add(scores, neighbors[t], weights[t] * scale);
        }
    }

    /// <summary>User-kNN top-N: adds each neighbour's similarity (first k, normalised when asked) to every item that neighbour rated.</summary>
    private void AddNeighborsItems(ReadOnlySpan<int> users, ReadOnlySpan<float> weights, Span<float> scores)
    {
        int count = Math.Min(Options.Neighbors, users.Length);
        float scale = Scale(weights[..count]);
        for (int t = 0; t < count; t++)
        {
            float weight = weights[t] * scale;
            foreach (int item in UserItems(users[t]))
            {
                Add(scores, item, weight);
            }
        }
    }

    private float Scale(ReadOnlySpan<float> weights)
    {
        if (!Options.NormalizeTopN || weights.IsEmpty)
        {
            return 1;
        }

        float sum = 0;
        foreach (float w in weights)
        {
            sum += w;
        }

        return 1 / sum;
    }

    private static void Add(Span<float> scores, int item, float weight) =>
        scores[item] = float.IsNegativeInfinity(scores[item]) ? weight : scores[item] + weight;

    /// <summary>Validates a new user's ratings and returns them sorted by item.</summary>
    private (int[] Items, float[] Values) SortedNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values)
    {
        if (items.Length != values.Length)
        {
            ThrowHelper.Argument(nameof(values), string.Create(CultureInfo.InvariantCulture, $"There are {items.Length} items but {values.Length} values; give one value per item."));
        }

        if (items.IsEmpty)
        {
            ThrowHelper.Argument(nameof(items), "items is empty; a new user needs at least one rating.");
        }

        int[] sortedItems = items.ToArray();
        float[] sortedValues = values.ToArray();
        for (int t = 0; t < sortedItems.Length; t++)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(sortedItems[t], Catalog.ItemCount, nameof(items));
            if (!float.IsFinite(sortedValues[t]))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(values), sortedValues[t], string.Create(CultureInfo.InvariantCulture, $"a finite rating (item {sortedItems[t]})"));
            }

            if (RatingScale is { } scale && !scale.Contains(sortedValues[t]))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(values), sortedValues[t], string.Create(CultureInfo.InvariantCulture,
                    $"a rating inside the model's rating scale {scale} (the range of its training ratings) for item '{Catalog.Items.Ids[sortedItems[t]]}'"));
            }
        }

        Array.Sort(sortedItems, sortedValues);
        for (int t = 1; t < sortedItems.Length; t++)
        {
            if (sortedItems[t] == sortedItems[t - 1])
            {
                ThrowHelper.Argument(nameof(items), string.Create(CultureInfo.InvariantCulture, $"The item index {sortedItems[t]} appears twice; give each item once."));
            }
        }

        return (sortedItems, sortedValues);
    }

    /// <summary>
    /// User-kNN for a new user: the similarity to every known user over their shared items, as the fit
    /// computes it (the new user's baseline bias from one update against the fixed item biases, as the fit's
    /// last half-sweep sets every user's), and the k strongest into the heap.
    /// </summary>
    private int NewUserNeighbors<TKind, TSums>(int[] items, float[] values, Span<float> heapWeights, Span<int> heapUsers)
        where TKind : ISimilarityKind<TSums>
        where TSums : unmanaged
    {
        KnnStatistics s = Statistics;
        KnnSimilarity similarity = Options.Similarity;
        double deviation = 0;
        for (int t = 0; t < items.Length; t++)
        {
            deviation += values[t] - (double)s.GlobalMean - s.ItemBiases[items[t]];
        }

        float bias = Options.NeedsBaselines ? (float)(deviation / (Options.BaselineUserRegularization + items.Length)) : 0;
        var own = new float[items.Length];
        for (int t = 0; t < items.Length; t++)
        {
            own[t] = similarity switch
            {
                KnnSimilarity.PearsonBaseline => (float)(values[t] - ((double)s.GlobalMean + bias + s.ItemBiases[items[t]])),
                KnnSimilarity.AdjustedCosine => values[t] - s.ItemMeans[items[t]],
                _ => values[t],
            };
        }

        int count = 0;
        for (int v = 0; v < Catalog.UserCount; v++)
        {
            TSums sums = default;
            int start = _userOffsets[v], end = _userOffsets[v + 1];
            int p = start, t = 0;
            while (p < end && t < items.Length)
            {
                int item = _userItems[p];
                if (item < items[t])
                {
                    p++;
                }
                else if (item > items[t])
                {
                    t++;
                }
                else
                {
                    TKind.Add(ref sums, own[t], KnnValues.Of(similarity, KnnOrientation.Users, s, v, item, _userValues[p]));
                    p++;
                    t++;
                }
            }

            float weight = KnnValues.Shrunk(TKind.Similarity(sums), TKind.Count(sums), Options.MinSupport, Options.Shrinkage);
            if (weight > 0)
            {
                TopK.Offer(heapWeights, heapUsers, ref count, weight, v);
            }
        }

        return count;
    }
}
