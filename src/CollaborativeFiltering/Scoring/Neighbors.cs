using System.Buffers;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Nearest neighbours: the items most similar to an item (by index, id or title substring) and the users
/// most similar to a user, for any model that relates them. An embedding model
/// (<see cref="IEmbeddingModel"/>) is compared in embedding space by dot product or cosine; a model with
/// weights of its own between items (<see cref="IItemSimilarityModel"/>: the similarities an item-kNN model
/// kept, EASE's weights) or users (<see cref="IUserSimilarityModel"/>: a user-kNN model's) lists its own
/// neighbours, reported with <see cref="SimilarityMeasure.ModelWeights"/>. Ties are ordered by ascending
/// index, so results are deterministic. Thread-safe.
/// </summary>
public static class Neighbors
{
    /// <summary>The items nearest to an item given by dense index.</summary>
    /// <param name="model">The model: an embedding model, or one with item weights of its own.</param>
    /// <param name="item">The query item's dense index.</param>
    /// <param name="k">
    /// How many rows to return, greater than zero: with <paramref name="includeQuery"/>, the query
    /// followed by its k−1 nearest other items (like the notebook's table); otherwise the k nearest other
    /// items. Fewer when the catalogue is smaller, or when a model with weights of its own holds fewer
    /// neighbours for the item (items it holds no weight for are never listed).
    /// </param>
    /// <param name="measure">
    /// <see cref="SimilarityMeasure.Dot"/> or <see cref="SimilarityMeasure.Cosine"/> for an embedding model
    /// (default dot), <see cref="SimilarityMeasure.ModelWeights"/> for a model with item weights of its own;
    /// <see langword="null"/> for the model's own kind (its weights when it has them, else dot).
    /// </param>
    /// <param name="includeQuery">Whether the query item is listed first (the notebook's behaviour).</param>
    /// <param name="minimumSupport">The fewest training ratings a neighbour needs (≥ 0; 0, the default, filters nothing): items rated by a handful of users have unreliable embeddings and crowd the lists by chance. Above 0 the model must know its <see cref="IRecommenderModel.ItemSupport"/>.</param>
    /// <returns>The neighbours; <see cref="ItemNeighborResult.OtherCandidates"/> is empty.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below M, <paramref name="k"/> is not positive, or <paramref name="measure"/> is undefined or does not apply to the model.</exception>
    /// <exception cref="ArgumentException">The model has neither embeddings nor item weights of its own (it does not relate items).</exception>
    /// <exception cref="ArgumentException"><paramref name="minimumSupport"/> is above 0 and the model does not know its item support.</exception>
    public static ItemNeighborResult NearestItems(IRecommenderModel model, ItemIndex item, int k = 10, SimilarityMeasure? measure = null, bool includeQuery = true, int minimumSupport = 0)
    {
        CheckItemModel(model, measure);
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, model.Catalog.ItemCount, nameof(item));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        ThrowIfInvalidSupport(model, minimumSupport);
        return Nearest(model, item.Value, k, measure, includeQuery, [], minimumSupport);
    }

    /// <summary>The items nearest to an item given by external id.</summary>
    /// <param name="model">The model: an embedding model, or one with item weights of its own.</param>
    /// <param name="itemId">The query item's id as in the files.</param>
    /// <param name="k">How many rows to return (see <see cref="NearestItems"/>).</param>
    /// <param name="measure">Dot or cosine for an embedding model, the model's own weights otherwise (see <see cref="NearestItems"/>); <see langword="null"/> for the model's own kind.</param>
    /// <param name="includeQuery">Whether the query item is listed first.</param>
    /// <param name="minimumSupport">The fewest training ratings a neighbour needs (≥ 0; 0, the default, filters nothing): items rated by a handful of users have unreliable embeddings and crowd the lists by chance. Above 0 the model must know its <see cref="IRecommenderModel.ItemSupport"/>.</param>
    /// <returns>The neighbours.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="itemId"/> is not in the catalogue; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or <paramref name="measure"/> is undefined or does not apply to the model.</exception>
    /// <exception cref="ArgumentException">The model has neither embeddings nor item weights of its own.</exception>
    /// <exception cref="ArgumentException"><paramref name="minimumSupport"/> is above 0 and the model does not know its item support.</exception>
    public static ItemNeighborResult NearestItemsById(IRecommenderModel model, string itemId, int k = 10, SimilarityMeasure? measure = null, bool includeQuery = true, int minimumSupport = 0)
    {
        CheckItemModel(model, measure);
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
    /// <param name="model">The model: an embedding model, or one with item weights of its own.</param>
    /// <param name="titleSubstring">Part of a title, e.g. "Aladdin" (not empty).</param>
    /// <param name="k">How many rows to return (see <see cref="NearestItems"/>).</param>
    /// <param name="measure">Dot or cosine for an embedding model, the model's own weights otherwise (see <see cref="NearestItems"/>); <see langword="null"/> for the model's own kind.</param>
    /// <param name="includeQuery">Whether the query item is listed first.</param>
    /// <param name="minimumSupport">The fewest training ratings a neighbour needs (≥ 0; 0, the default, filters nothing): items rated by a handful of users have unreliable embeddings and crowd the lists by chance. Above 0 the model must know its <see cref="IRecommenderModel.ItemSupport"/>.</param>
    /// <returns>The neighbours and the other candidates.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="titleSubstring"/> is empty or white space, or the model has neither embeddings nor item weights of its own.</exception>
    /// <exception cref="KeyNotFoundException">No title contains the text; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or <paramref name="measure"/> is undefined or does not apply to the model.</exception>
    /// <exception cref="ArgumentException"><paramref name="minimumSupport"/> is above 0 and the model does not know its item support.</exception>
    public static ItemNeighborResult NearestItemsByTitle(IRecommenderModel model, string titleSubstring, int k = 10, SimilarityMeasure? measure = null, bool includeQuery = true, int minimumSupport = 0)
    {
        CheckItemModel(model, measure);
        TitleSearch.ThrowIfInvalid(titleSubstring, nameof(titleSubstring));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
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

        ThrowIfInvalidSupport(model, minimumSupport);
        return Nearest(model, matches[0], k, measure, includeQuery, others, minimumSupport);
    }

    /// <summary>
    /// The users nearest to a user: in an embedding model's user-embedding space (<see cref="IEmbeddingModel.UserEmbeddings"/>:
    /// for matrix factorization, the rows of U) by dot or cosine, or by a user-kNN model's own similarities
    /// (<see cref="IUserSimilarityModel"/>: its kept neighbours, never a user it holds no similarity for).
    /// </summary>
    /// <param name="model">The model: an embedding model, or one with user similarities of its own.</param>
    /// <param name="user">The query user's dense index.</param>
    /// <param name="k">How many rows to return, greater than zero (the query first when <paramref name="includeQuery"/>).</param>
    /// <param name="measure">Dot or cosine for an embedding model (default dot), <see cref="SimilarityMeasure.ModelWeights"/> for a user-kNN model; <see langword="null"/> for the model's own kind.</param>
    /// <param name="includeQuery">Whether the query user is listed first.</param>
    /// <returns>Best first (score descending, then index ascending), the query first when included.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N, <paramref name="k"/> is not positive, or <paramref name="measure"/> is undefined or does not apply to the model.</exception>
    /// <exception cref="ArgumentException">The model has neither embeddings nor user similarities of its own.</exception>
    public static IReadOnlyList<UserNeighbor> NearestUsers(IRecommenderModel model, UserIndex user, int k = 10, SimilarityMeasure? measure = null, bool includeQuery = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool own = UsesOwnWeights(model is IUserSimilarityModel, model is IEmbeddingModel, measure, "user similarities");
        if (!own)
        {
            EmbeddingModelChecks.ThrowIfInvalid((IEmbeddingModel)model, nameof(model));
        }

        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, model.Catalog.UserCount, nameof(user));
        return NearestUsersCore(model, user.Value, k, measure, includeQuery, own);
    }

    private static System.Collections.ObjectModel.ReadOnlyCollection<UserNeighbor> NearestUsersCore(IRecommenderModel model, int user, int k, SimilarityMeasure? measure, bool includeQuery, bool own)
    {
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        int n = model.Catalog.UserCount;
        float[] scores = ArrayPool<float>.Shared.Rent(n);
        try
        {
            Span<float> s = scores.AsSpan(0, n);
            if (own)
            {
                ((IUserSimilarityModel)model).ScoreSimilarUsers(new UserIndex(user), s);
            }
            else
            {
                var embedding = (IEmbeddingModel)model;
                int d = embedding.Dimensions;
                ReadOnlySpan<float> rows = embedding.UserEmbeddings;
                ScoreKernel.DotAll(rows, d, rows.Slice(user * d, d), s);
                if (measure == SimilarityMeasure.Cosine)
                {
                    float[] norms = EmbeddingNorms.CachedUserNorms(embedding);
                    ScoreKernel.DotToCosine(s, norms[user], norms);
                }
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

    /// <summary>Throws unless the model relates items by a measure that applies to it; checks an embedding model's embeddings.</summary>
    private static void CheckItemModel(IRecommenderModel model, SimilarityMeasure? measure)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!UsesOwnWeights(model is IItemSimilarityModel, model is IEmbeddingModel, measure, "item weights"))
        {
            EmbeddingModelChecks.ThrowIfInvalid((IEmbeddingModel)model, nameof(model));
        }
    }

    /// <summary>
    /// Whether a model is asked for its own weights (true) or for an embedding measure (false), from what it
    /// offers and the measure asked for: its own weights unless a dot or cosine is asked of a model with
    /// embeddings. Throws when the measure does not apply or the model offers neither.
    /// </summary>
    private static bool UsesOwnWeights(bool hasWeights, bool hasEmbeddings, SimilarityMeasure? measure, string weightsName)
    {
        if (measure is { } m && m is not (SimilarityMeasure.Dot or SimilarityMeasure.Cosine or SimilarityMeasure.ModelWeights))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(measure), m, "a SimilarityMeasure value");
        }

        if (hasWeights && (measure is null or SimilarityMeasure.ModelWeights || !hasEmbeddings))
        {
            if (measure is SimilarityMeasure.Dot or SimilarityMeasure.Cosine)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(measure), measure, $"SimilarityMeasure.ModelWeights or null: the model has no embeddings, only {weightsName} of its own");
            }

            return true;
        }

        if (!hasEmbeddings)
        {
            ThrowHelper.Argument("model", $"The model relates no neighbours: it has neither embeddings (IEmbeddingModel) nor {weightsName} of its own.");
        }

        if (measure is SimilarityMeasure.ModelWeights)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(measure), measure, $"SimilarityMeasure.Dot or SimilarityMeasure.Cosine: the model is compared by its embeddings and has no {weightsName} of its own");
        }

        return false;
    }

    private static void ThrowIfInvalidSupport(IRecommenderModel model, int minimumSupport)
    {
        ThrowHelper.ThrowIfNegative(minimumSupport, nameof(minimumSupport));
        if (minimumSupport > 0 && model.ItemSupport.Length != model.Catalog.ItemCount)
        {
            ThrowHelper.Argument(nameof(minimumSupport), "A minimum support needs a model that knows its items' training support (a trained model; not one built from embeddings or read from a file saved without it).");
        }
    }

    private static ItemNeighborResult Nearest(IRecommenderModel model, int item, int k, SimilarityMeasure? measure, bool includeQuery, IReadOnlyList<ItemReference> others, int minimumSupport)
    {
        Catalog catalog = model.Catalog;
        int m = catalog.ItemCount;
        bool own = UsesOwnWeights(model is IItemSimilarityModel, model is IEmbeddingModel, measure, "item weights");
        SimilarityMeasure used = own ? SimilarityMeasure.ModelWeights : measure ?? SimilarityMeasure.Dot;
        float[] scores = ArrayPool<float>.Shared.Rent(m);
        try
        {
            Span<float> s = scores.AsSpan(0, m);
            if (own)
            {
                ((IItemSimilarityModel)model).ScoreSimilarItems(new ItemIndex(item), s);
            }
            else
            {
                var embedding = (IEmbeddingModel)model;
                int d = embedding.Dimensions;
                Similarity.ScoreAllUnchecked(embedding, embedding.ItemEmbeddings.Slice(item * d, d), used, s);
            }

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

            return new ItemNeighborResult(ItemReference.Create(catalog, item), used, neighbors.AsReadOnly(), others);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }
}
