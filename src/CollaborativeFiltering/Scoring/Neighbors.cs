using System.Buffers;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Nearest neighbours in embedding space: the items most similar to an item (by index, id or title
/// substring) and the users most similar to a user, by dot product or cosine. Ties are ordered by
/// ascending index, so results are deterministic. Thread-safe.
/// </summary>
public static class Neighbors
{
    /// <summary>The items nearest to an item given by dense index.</summary>
    /// <param name="model">The model.</param>
    /// <param name="item">The query item's dense index.</param>
    /// <param name="k">
    /// How many rows to return, greater than zero: with <paramref name="includeQuery"/>, the query
    /// followed by its k−1 nearest other items (like the notebook's table); otherwise the k nearest other
    /// items. Fewer when the catalogue is smaller.
    /// </param>
    /// <param name="measure">Dot or cosine.</param>
    /// <param name="includeQuery">Whether the query item is listed first (the notebook's behaviour).</param>
    /// <param name="minimumSupport">The fewest training ratings a neighbour needs (≥ 0; 0, the default, filters nothing): items rated by a handful of users have unreliable embeddings and crowd the lists by chance. Above 0 the model must know its <see cref="IRecommenderModel.ItemSupport"/>.</param>
    /// <returns>The neighbours; <see cref="ItemNeighborResult.OtherCandidates"/> is empty.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below M, <paramref name="k"/> is not positive, <paramref name="measure"/> is undefined, or <paramref name="minimumSupport"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="minimumSupport"/> is above 0 and the model does not know its item support.</exception>
    public static ItemNeighborResult NearestItems(IEmbeddingModel model, ItemIndex item, int k = 10, SimilarityMeasure measure = SimilarityMeasure.Dot, bool includeQuery = true, int minimumSupport = 0)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, model.Catalog.ItemCount, nameof(item));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        Similarity.ThrowIfUndefined(measure, nameof(measure));
        ThrowIfInvalidSupport(model, minimumSupport);
        return Nearest(model, item.Value, k, measure, includeQuery, [], minimumSupport);
    }

    /// <summary>The items nearest to an item given by external id.</summary>
    /// <param name="model">The model.</param>
    /// <param name="itemId">The query item's id as in the files.</param>
    /// <param name="k">How many rows to return (see <see cref="NearestItems"/>).</param>
    /// <param name="measure">Dot or cosine.</param>
    /// <param name="includeQuery">Whether the query item is listed first.</param>
    /// <param name="minimumSupport">The fewest training ratings a neighbour needs (≥ 0; 0, the default, filters nothing): items rated by a handful of users have unreliable embeddings and crowd the lists by chance. Above 0 the model must know its <see cref="IRecommenderModel.ItemSupport"/>.</param>
    /// <returns>The neighbours.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="itemId"/> is not in the catalogue; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, <paramref name="measure"/> is undefined, or <paramref name="minimumSupport"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="minimumSupport"/> is above 0 and the model does not know its item support.</exception>
    public static ItemNeighborResult NearestItemsById(IEmbeddingModel model, string itemId, int k = 10, SimilarityMeasure measure = SimilarityMeasure.Dot, bool includeQuery = true, int minimumSupport = 0)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ArgumentNullException.ThrowIfNull(itemId);
        if (!model.Catalog.TryGetItemIndex(itemId, out ItemIndex item))
        {
            ThrowHelper.KeyNotFound($"The item id '{itemId}' is not in the model's catalogue.");
        }

        return NearestItems(model, item, k, measure, includeQuery, minimumSupport);
    }

    /// <summary>
    /// The items nearest to the first item (lowest index) whose title contains
    /// <paramref name="titleSubstring"/>, compared case-insensitively; the other matching items are
    /// returned in <see cref="ItemNeighborResult.OtherCandidates"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="titleSubstring">Part of a title, e.g. "Aladdin" (not empty).</param>
    /// <param name="k">How many rows to return (see <see cref="NearestItems"/>).</param>
    /// <param name="measure">Dot or cosine.</param>
    /// <param name="includeQuery">Whether the query item is listed first.</param>
    /// <param name="minimumSupport">The fewest training ratings a neighbour needs (≥ 0; 0, the default, filters nothing): items rated by a handful of users have unreliable embeddings and crowd the lists by chance. Above 0 the model must know its <see cref="IRecommenderModel.ItemSupport"/>.</param>
    /// <returns>The neighbours and the other candidates.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="titleSubstring"/> is empty or white space.</exception>
    /// <exception cref="KeyNotFoundException">No title contains the text; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, <paramref name="measure"/> is undefined, or <paramref name="minimumSupport"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="minimumSupport"/> is above 0 and the model does not know its item support.</exception>
    public static ItemNeighborResult NearestItemsByTitle(IEmbeddingModel model, string titleSubstring, int k = 10, SimilarityMeasure measure = SimilarityMeasure.Dot, bool includeQuery = true, int minimumSupport = 0)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        TitleSearch.ThrowIfInvalid(titleSubstring, nameof(titleSubstring));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        Similarity.ThrowIfUndefined(measure, nameof(measure));
        ThrowIfInvalidSupport(model, minimumSupport);
        List<int> matches = TitleSearch.FindAll(model.Catalog, titleSubstring);
        if (matches.Count == 0)
        {
            ThrowHelper.KeyNotFound($"No item title contains '{titleSubstring}'.");
        }

        var others = new ItemReference[matches.Count - 1];
        for (int i = 1; i < matches.Count; i++)
        {
            others[i - 1] = ItemReference.Create(model.Catalog, matches[i]);
        }

        return Nearest(model, matches[0], k, measure, includeQuery, others, minimumSupport);
    }

    /// <summary>The users nearest to a user in a model's user-embedding space (<see cref="IEmbeddingModel.UserEmbeddings"/>: for matrix factorization, the rows of U).</summary>
    /// <param name="model">The model.</param>
    /// <param name="user">The query user's dense index.</param>
    /// <param name="k">How many rows to return, greater than zero (the query first when <paramref name="includeQuery"/>).</param>
    /// <param name="measure">Dot or cosine.</param>
    /// <param name="includeQuery">Whether the query user is listed first.</param>
    /// <returns>Best first (score descending, then index ascending), the query first when included.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N, <paramref name="k"/> is not positive, or <paramref name="measure"/> is undefined.</exception>
    public static IReadOnlyList<UserNeighbor> NearestUsers(IEmbeddingModel model, UserIndex user, int k = 10, SimilarityMeasure measure = SimilarityMeasure.Dot, bool includeQuery = true)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, model.Catalog.UserCount, nameof(user));
        return NearestUsersCore(model, user.Value, k, measure, includeQuery);
    }

    private static System.Collections.ObjectModel.ReadOnlyCollection<UserNeighbor> NearestUsersCore(IEmbeddingModel model, int user, int k, SimilarityMeasure measure, bool includeQuery)
    {
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        Similarity.ThrowIfUndefined(measure, nameof(measure));
        int n = model.Catalog.UserCount;
        int d = model.Dimensions;
        float[] scores = ArrayPool<float>.Shared.Rent(n);
        try
        {
            Span<float> s = scores.AsSpan(0, n);
            ReadOnlySpan<float> rows = model.UserEmbeddings;
            ScoreKernel.DotAll(rows, d, rows.Slice(user * d, d), s);
            if (measure == SimilarityMeasure.Cosine)
            {
                float[] norms = EmbeddingNorms.CachedUserNorms(model);
                ScoreKernel.DotToCosine(s, norms[user], norms);
            }

            int want = Math.Min(includeQuery ? k - 1 : k, n - 1);
            var hs = new float[want];
            var hi = new int[want];
            int count = TopK.Select(s, [], user, hs, hi);
            var result = new List<UserNeighbor>(count + 1);
            if (includeQuery)
            {
                result.Add(new UserNeighbor(new UserIndex(user), model.Catalog.Users.Ids[user], s[user]));
            }

            for (int i = 0; i < count; i++)
            {
                result.Add(new UserNeighbor(new UserIndex(hi[i]), model.Catalog.Users.Ids[hi[i]], hs[i]));
            }

            return result.AsReadOnly();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    private static void ThrowIfInvalidSupport(IEmbeddingModel model, int minimumSupport)
    {
        ThrowHelper.ThrowIfNegative(minimumSupport, nameof(minimumSupport));
        if (minimumSupport > 0 && model.ItemSupport.Length != model.Catalog.ItemCount)
        {
            ThrowHelper.Argument(nameof(minimumSupport), "A minimum support needs a model that knows its items' training support (a trained model; not one built from embeddings or read from a file saved without it).");
        }
    }

    private static ItemNeighborResult Nearest(IEmbeddingModel model, int item, int k, SimilarityMeasure measure, bool includeQuery, IReadOnlyList<ItemReference> others, int minimumSupport)
    {
        Catalog catalog = model.Catalog;
        int m = catalog.ItemCount;
        int d = model.Dimensions;
        float[] scores = ArrayPool<float>.Shared.Rent(m);
        try
        {
            Span<float> s = scores.AsSpan(0, m);
            Similarity.ScoreAllUnchecked(model, model.ItemEmbeddings.Slice(item * d, d), measure, s);
            float self = s[item];
            if (minimumSupport > 0)
            {
                ReadOnlySpan<int> support = model.ItemSupport;
                for (int j = 0; j < m; j++)
                {
                    if (support[j] < minimumSupport)
                    {
                        s[j] = float.NegativeInfinity;
                    }
                }
            }

            int want = Math.Min(includeQuery ? k - 1 : k, m - 1);
            var hs = new float[want];
            var hi = new int[want];
            int count = TopK.Select(s, [], item, hs, hi);
            var neighbors = new List<ItemNeighbor>(count + 1);
            if (includeQuery)
            {
                neighbors.Add(ItemNeighbor.Create(catalog, item, self));
            }

            for (int i = 0; i < count; i++)
            {
                neighbors.Add(ItemNeighbor.Create(catalog, hi[i], hs[i]));
            }

            return new ItemNeighborResult(ItemReference.Create(catalog, item), measure, neighbors.AsReadOnly(), others);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }
}
