using System.Globalization;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Fold-in: an embedding for a user the model was not trained on, from a few of their ratings, with
/// the item embeddings held fixed. It is the regularized least-squares solution of
/// <c>min_x Σ_j (r_j − μ − b_j − ⟨x, V_j⟩)² + λ‖x‖²</c>, i.e. <c>(VₛᵀVₛ + λI) x = Vₛᵀ(r − μ − b)</c>,
/// solved by a d×d Cholesky factorisation in double. μ is <see cref="FactorizationModel.GlobalMean"/>
/// for a <see cref="FactorizationModel"/> (0 for other models) and b_j the model's item biases (0 when it
/// has none). The result is a query embedding for <see cref="Recommender.RecommendForQuery"/> or
/// <see cref="Similarity.ScoreAll(IEmbeddingModel, ReadOnlySpan{float}, SimilarityMeasure)"/>. Thread-safe.
/// </summary>
public static class FoldIn
{
    /// <summary>Computes a new user's embedding from ratings of items given by dense index.</summary>
    /// <param name="model">The model whose item embeddings are held fixed.</param>
    /// <param name="items">Distinct dense item indices.</param>
    /// <param name="ratings">The user's ratings, aligned with <paramref name="items"/>.</param>
    /// <param name="options">λ; <see langword="null"/> for the defaults.</param>
    /// <returns>d floats: the user's query embedding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c> or a rating is not finite.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static float[] ComputeUserEmbedding(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> ratings, FoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        if (items.Length != ratings.Length)
        {
            ThrowHelper.Argument(nameof(ratings), string.Create(CultureInfo.InvariantCulture, $"There are {items.Length} items but {ratings.Length} ratings; give one rating per item."));
        }

        ThrowIfEmpty(items.Length, nameof(ratings));
        var seen = new HashSet<int>();
        for (int i = 0; i < items.Length; i++)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(items[i], model.Catalog.ItemCount, nameof(items));
            ThrowIfNotFinite(ratings[i], model.Catalog.Items.Ids[items[i]], nameof(ratings));
            if (!seen.Add(items[i]))
            {
                ThrowHelper.Argument(nameof(items), string.Create(CultureInfo.InvariantCulture, $"The item index {items[i]} appears twice; give each item once."));
            }
        }

        return Solve(model, items, ratings, (options ?? Defaults).Regularization);
    }

    /// <summary>Computes a new user's embedding from ratings of items given by external id.</summary>
    /// <param name="model">The model whose item embeddings are held fixed.</param>
    /// <param name="ratingsByItemId">(item id, rating) pairs, e.g. a dictionary; each id once.</param>
    /// <param name="options">λ; <see langword="null"/> for the defaults.</param>
    /// <returns>d floats: the user's query embedding.</returns>
    /// <exception cref="ArgumentNullException">An argument or an id is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, or an id appears twice.</exception>
    /// <exception cref="KeyNotFoundException">An item id is not in the catalogue; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rating is not finite; the message names the item.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static float[] ComputeUserEmbeddingById(IEmbeddingModel model, IEnumerable<KeyValuePair<string, float>> ratingsByItemId, FoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        var (items, ratings) = ResolveById(model, ratingsByItemId, nameof(ratingsByItemId));
        return Solve(model, items, ratings, (options ?? Defaults).Regularization);
    }

    /// <summary>
    /// Computes a new user's embedding from ratings of items given by title: each text selects the
    /// first item (lowest index) whose title contains it, compared case-insensitively, as
    /// <see cref="Neighbors.NearestItemsByTitle"/> does.
    /// </summary>
    /// <param name="model">The model whose item embeddings are held fixed.</param>
    /// <param name="ratingsByTitle">(title substring, rating) pairs.</param>
    /// <param name="options">λ; <see langword="null"/> for the defaults.</param>
    /// <returns>d floats: the user's query embedding.</returns>
    /// <exception cref="ArgumentNullException">An argument or a title is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, a title is empty, or two titles select the same item.</exception>
    /// <exception cref="KeyNotFoundException">No title contains a text; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rating is not finite; the message names the item.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static float[] ComputeUserEmbeddingByTitle(IEmbeddingModel model, IEnumerable<KeyValuePair<string, float>> ratingsByTitle, FoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        var (items, ratings) = ResolveByTitle(model, ratingsByTitle, nameof(ratingsByTitle));
        return Solve(model, items, ratings, (options ?? Defaults).Regularization);
    }

    private static FoldInOptions Defaults { get; } = new();

    /// <summary>Resolves (id, rating) pairs to dense indices, validating ids, ratings and duplicates.</summary>
    internal static (int[] Items, float[] Ratings) ResolveById(IEmbeddingModel model, IEnumerable<KeyValuePair<string, float>> ratingsByItemId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(ratingsByItemId, paramName);
        var items = new List<int>();
        var ratings = new List<float>();
        var seen = new HashSet<int>();
        foreach (var (id, rating) in ratingsByItemId)
        {
            if (id is null)
            {
                throw new ArgumentNullException(paramName, "An item id is null.");
            }

            if (!model.Catalog.Items.TryGetIndex(id, out int item))
            {
                ThrowHelper.KeyNotFound($"The item id '{id}' is not in the model's catalogue.");
            }

            ThrowIfNotFinite(rating, id, paramName);
            if (!seen.Add(item))
            {
                ThrowHelper.Argument(paramName, $"The item id '{id}' appears twice; give each item once.");
            }

            items.Add(item);
            ratings.Add(rating);
        }

        ThrowIfEmpty(items.Count, paramName);
        return ([.. items], [.. ratings]);
    }

    /// <summary>Resolves (title substring, rating) pairs to the first matching items.</summary>
    internal static (int[] Items, float[] Ratings) ResolveByTitle(IEmbeddingModel model, IEnumerable<KeyValuePair<string, float>> ratingsByTitle, string paramName)
    {
        ArgumentNullException.ThrowIfNull(ratingsByTitle, paramName);
        var items = new List<int>();
        var ratings = new List<float>();
        var texts = new Dictionary<int, string>();
        foreach (var (title, rating) in ratingsByTitle)
        {
            TitleSearch.ThrowIfInvalid(title, paramName);
            int item = TitleSearch.FindFirst(model.Catalog, title);
            if (item < 0)
            {
                ThrowHelper.KeyNotFound($"No item title contains '{title}'.");
            }

            ThrowIfNotFinite(rating, title, paramName);
            if (!texts.TryAdd(item, title))
            {
                ThrowHelper.Argument(paramName, $"'{texts[item]}' and '{title}' both select the item '{model.Catalog.GetItemTitle(item)}'; rate each item once.");
            }

            items.Add(item);
            ratings.Add(rating);
        }

        ThrowIfEmpty(items.Count, paramName);
        return ([.. items], [.. ratings]);
    }

    /// <summary>Builds and solves the normal equations; the inputs are validated.</summary>
    internal static float[] Solve(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> ratings, double lambda)
    {
        int d = model.Dimensions;
        ReadOnlySpan<float> v = model.ItemEmbeddings;
        ReadOnlySpan<float> biases = model.ItemBiases;
        double mu = model is FactorizationModel { HasBiases: true } fm ? fm.GlobalMean : 0;
        var a = new double[d * d]; // column-major for MathNet; symmetric anyway
        var b = new double[d];
        for (int i = 0; i < items.Length; i++)
        {
            int j = items[i];
            ReadOnlySpan<float> row = v.Slice(j * d, d);
            double target = ratings[i] - mu - (biases.IsEmpty ? 0 : biases[j]);
            for (int p = 0; p < d; p++)
            {
                double vp = row[p];
                b[p] += vp * target;
                for (int q = 0; q <= p; q++)
                {
                    a[(q * d) + p] += vp * row[q];
                }
            }
        }

        for (int p = 0; p < d; p++)
        {
            a[(p * d) + p] += lambda;
            for (int q = 0; q < p; q++)
            {
                a[(p * d) + q] = a[(q * d) + p];
            }
        }

        Vector<double> x = Matrix<double>.Build.Dense(d, d, a).Cholesky().Solve(Vector<double>.Build.Dense(b));
        var result = new float[d];
        for (int p = 0; p < d; p++)
        {
            result[p] = (float)x[p];
        }

        if (!TensorPrimitivesExtensions.AllFinite(result) || !(EmbeddingLimits.Norm(result) <= EmbeddingLimits.MaxNorm))
        {
            ThrowHelper.InvalidOperation("Fold-in produced an embedding that is not finite or whose norm exceeds 1E+19 (the ratings are too large for the item embeddings in single precision).");
        }

        return result;
    }

    private static void ThrowIfEmpty(int count, string paramName)
    {
        if (count == 0)
        {
            ThrowHelper.Argument(paramName, $"{paramName} is empty; fold-in needs at least one rating.");
        }
    }

    private static void ThrowIfNotFinite(float rating, string item, string paramName)
    {
        if (!float.IsFinite(rating))
        {
            throw new ArgumentOutOfRangeException(paramName, rating, string.Create(CultureInfo.InvariantCulture, $"The rating of '{item}' is {rating}; a rating must be a finite number."));
        }
    }
}
