using System.Buffers;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Top-k recommendations: the items with the highest ranking scores of a model
/// (<see cref="IRecommenderModel.TryScoreItems"/>; for an embedding model ⟨q, V_j⟩ + b_j for the user's
/// query q, b_j the item bias, 0 when it has none: a user bias and the global mean shift every item
/// equally and so do not change the ranking), excluding items the user already rated. Exact (every item
/// is scored); ties go to the lower item index. For an embedding model a single user's result equals
/// that user's row of <see cref="RecommendAll"/> bit for bit. Thread-safe.
/// </summary>
public static class Recommender
{
    /// <summary>The top-k items for a known user.</summary>
    /// <param name="model">The model.</param>
    /// <param name="user">The user's dense index (not the id: <see cref="RecommendById"/> takes ids).</param>
    /// <param name="k">How many items, greater than zero (fewer when fewer remain).</param>
    /// <param name="exclude">
    /// Ratings whose items are not recommended to their user: pass the training set so that only unseen
    /// items are recommended. <see langword="null"/> excludes nothing.
    /// </param>
    /// <param name="ranking">The score and the minimum support (see <see cref="RankingOptions"/>); <see langword="null"/> for the model's <see cref="IRecommenderModel.DefaultRanking"/> without a filter.</param>
    /// <returns>Best first; fewer than k when the minimum support leaves fewer items.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below N, <paramref name="k"/> is not positive, or a ranking option is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="exclude"/> belongs to another catalogue, or <paramref name="ranking"/> needs the item support the model does not know.</exception>
    /// <exception cref="KeyNotFoundException">The model has no scores for this user.</exception>
    public static IReadOnlyList<Recommendation> Recommend(IRecommenderModel model, UserIndex user, int k = 10, RatingsDataset? exclude = null, RankingOptions? ranking = null)
    {
        EmbeddingModelChecks.ThrowIfNull(model, nameof(model));
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, model.Catalog.UserCount, nameof(user));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        EmbeddingModelChecks.ThrowIfIncompatible(model, exclude, nameof(exclude));
        RankingTransform? transform = RankingTransform.Create(model, ranking, nameof(ranking));
        ReadOnlySpan<int> excluded = exclude is null ? default : exclude.UserRows.RowColumns(user.Value, new RowBuffer(exclude.UserRows.IsView ? exclude.UserRows.Length(user.Value) : 0));
        float[] buffer = ArrayPool<float>.Shared.Rent(model.Catalog.ItemCount);
        try
        {
            Span<float> scores = buffer.AsSpan(0, model.Catalog.ItemCount);
            if (!TryScore(model, user, scores, transform))
            {
                ThrowHelper.KeyNotFound(string.Create(CultureInfo.InvariantCulture, $"The model has no scores for user {user.Value} (id '{model.Catalog.GetUserId(user)}'): it has no embedding for the user, or the user has no training ratings."));
            }

            return Select(model.Catalog, scores, k, excluded);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>The top-k items for a known user given by external id.</summary>
    /// <param name="model">The model.</param>
    /// <param name="userId">The user's id as in the files.</param>
    /// <param name="k">How many items, greater than zero.</param>
    /// <param name="exclude">Ratings whose items are not recommended (pass the training set); <see langword="null"/> excludes nothing.</param>
    /// <param name="ranking">The score and the minimum support (see <see cref="RankingOptions"/>); <see langword="null"/> for the model's default.</param>
    /// <returns>Best first.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="userId"/> is not in the catalogue (the message names it), or the model has no scores for the user.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or a ranking option is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="exclude"/> belongs to another catalogue, or <paramref name="ranking"/> needs the item support the model does not know.</exception>
    public static IReadOnlyList<Recommendation> RecommendById(IRecommenderModel model, string userId, int k = 10, RatingsDataset? exclude = null, RankingOptions? ranking = null)
    {
        EmbeddingModelChecks.ThrowIfNull(model, nameof(model));
        ArgumentNullException.ThrowIfNull(userId);
        if (!model.Catalog.TryGetUserIndex(userId, out UserIndex user))
        {
            ThrowHelper.KeyNotFound($"The user id '{userId}' is not in the model's catalogue.");
        }

        return Recommend(model, user, k, exclude, ranking);
    }

    /// <summary>The top-k items for an arbitrary query embedding (e.g. one computed by <see cref="FoldIn"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="query">d finite floats.</param>
    /// <param name="k">How many items, greater than zero.</param>
    /// <param name="excludedItems">Dense item indices never to recommend, in any order.</param>
    /// <returns>Best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="query"/> does not have length d or holds a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive or an excluded index is outside <c>[0, M)</c>.</exception>
    public static IReadOnlyList<Recommendation> RecommendForQuery(IEmbeddingModel model, ReadOnlySpan<float> query, int k = 10, ReadOnlySpan<int> excludedItems = default)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        EmbeddingModelChecks.ThrowIfInvalidQuery(query, model.Dimensions, nameof(query));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        bool ascending = true;
        for (int i = 0; i < excludedItems.Length; i++)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(excludedItems[i], model.Catalog.ItemCount, nameof(excludedItems));
            ascending &= i == 0 || excludedItems[i - 1] <= excludedItems[i];
        }

        if (!ascending)
        {
            int[] sorted = excludedItems.ToArray();
            Array.Sort(sorted);
            return Rank(model, query, k, sorted);
        }

        return Rank(model, query, k, excludedItems);
    }

    /// <summary>
    /// Folds a new user in from ratings of items given by id and recommends the top-k items they have
    /// not rated, scored the model's own way (<see cref="IRecommenderModel.ScoreItemsForNewUser"/>): for an
    /// embedding model, the query of <see cref="IEmbeddingModel.ComputeNewUserQuery"/> (the ridge fold-in of
    /// <see cref="FoldIn"/> for an explicit factorization, the confidence-weighted one for implicit ALS,
    /// the network's query from the items rated at or above the midpoint of the scale for the softmax model). To fold in with other options, compute
    /// the query with <see cref="FoldIn"/> and rank with <see cref="RecommendForQuery"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="ratingsByItemId">(item id, rating) pairs, each id once.</param>
    /// <param name="k">How many items, greater than zero.</param>
    /// <returns>Best first, never one of the rated items.</returns>
    /// <exception cref="ArgumentNullException">An argument or an id is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, or an id appears twice.</exception>
    /// <exception cref="KeyNotFoundException">An item id is not in the catalogue; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or a rating is not finite or is outside the model's <see cref="IRecommenderModel.RatingScale"/> (the message names the item, the rating and the scale).</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static IReadOnlyList<Recommendation> RecommendForNewUser(IRecommenderModel model, IEnumerable<KeyValuePair<string, float>> ratingsByItemId, int k = 10)
    {
        EmbeddingModelChecks.ThrowIfNull(model, nameof(model));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        var (items, ratings) = FoldIn.ResolveById(model, ratingsByItemId, nameof(ratingsByItemId));
        return RankNewUser(model, items, ratings, k);
    }

    /// <summary>
    /// Folds a new user in from ratings of items given by title substrings (each selects the first
    /// item, lowest index, whose title contains it, case-insensitively) and recommends the top-k items
    /// they have not rated, scored as in
    /// <see cref="RecommendForNewUser(IRecommenderModel, IEnumerable{KeyValuePair{string, float}}, int)"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="ratingsByTitle">(title substring, rating) pairs.</param>
    /// <param name="k">How many items, greater than zero.</param>
    /// <returns>Best first, never one of the rated items.</returns>
    /// <exception cref="ArgumentNullException">An argument or a title is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, a title is empty, or two titles select the same item.</exception>
    /// <exception cref="KeyNotFoundException">No title contains a text; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive, or a rating is not finite or is outside the model's <see cref="IRecommenderModel.RatingScale"/> (the message names the item, the rating and the scale).</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite.</exception>
    public static IReadOnlyList<Recommendation> RecommendForNewUserByTitle(IRecommenderModel model, IEnumerable<KeyValuePair<string, float>> ratingsByTitle, int k = 10)
    {
        EmbeddingModelChecks.ThrowIfNull(model, nameof(model));
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        var (items, ratings) = FoldIn.ResolveByTitle(model, ratingsByTitle, nameof(ratingsByTitle));
        return RankNewUser(model, items, ratings, k);
    }

    /// <summary>
    /// The exact top-k items of every user, computed in parallel. An embedding model (<see cref="IEmbeddingModel"/>)
    /// is scored over tiles of users with a cache-blocked SIMD matrix product and a bounded heap per user; any
    /// other model scores each user itself (<see cref="IRecommenderModel.TryScoreItems"/>: a kNN model's
    /// neighbour sums, EASE's x_u·B). Either way row u equals <c>Recommend(model, u, k, exclude)</c> bit for
    /// bit, whatever the degree of parallelism.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="k">How many items per user, greater than zero (capped at M).</param>
    /// <param name="exclude">Ratings whose items are not recommended to their user (pass the training set); <see langword="null"/> excludes nothing.</param>
    /// <param name="maxDegreeOfParallelism">Worker threads: −1 for all cores, or in [1, 1024].</param>
    /// <param name="ranking">The score and the minimum support (see <see cref="RankingOptions"/>); <see langword="null"/> for the model's <see cref="IRecommenderModel.DefaultRanking"/> without a filter.</param>
    /// <param name="cancellationToken">Checked once per tile (or block) of users.</param>
    /// <returns>N rows of K items and scores; a user the model has no scores for (or fewer than K scored items, e.g. under a minimum support) gets a padded row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive or N·min(k, M) results do not fit in an array or in memory, or <paramref name="maxDegreeOfParallelism"/> is not −1 or in [1, 1024].</exception>
    /// <exception cref="ArgumentException"><paramref name="exclude"/> belongs to another catalogue, an embedding model's embeddings are inconsistent, or <paramref name="ranking"/> needs the item support (or the embeddings) the model does not have.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TopKRecommendations RecommendAll(IRecommenderModel model, int k = 10, RatingsDataset? exclude = null, int maxDegreeOfParallelism = -1, RankingOptions? ranking = null, CancellationToken cancellationToken = default)
    {
        EmbeddingModelChecks.ThrowIfNull(model, nameof(model));
        var embedding = model as IEmbeddingModel; // embeddings allow a blocked matrix product over many users at once
        if (embedding is not null)
        {
            EmbeddingModelChecks.ThrowIfInvalid(embedding, nameof(model));
        }

        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        ThrowHelper.ThrowIfNotThreadCount(maxDegreeOfParallelism, nameof(maxDegreeOfParallelism));
        EmbeddingModelChecks.ThrowIfIncompatible(model, exclude, nameof(exclude));
        RankingTransform? transform = RankingTransform.Create(model, ranking, nameof(ranking));
        cancellationToken.ThrowIfCancellationRequested();
        int n = model.Catalog.UserCount;
        int kk = Math.Min(k, model.Catalog.ItemCount);
        long threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        long scratch = embedding is null ? 4L * model.Catalog.ItemCount : 8L * BatchTopK.TileUsers * kk;
        MemoryBudget.ThrowIfArrayTooLong(Math.Max((long)n * kk, (long)BatchTopK.TileUsers * kk), nameof(k), k, "N·k results and per-thread heaps of 64·k");
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Sum(8L * n * kk, MemoryBudget.Product(threads, scratch)), nameof(k), k, "N·k results and per-thread scratch");
        var items = new int[(long)n * kk];
        var scores = new float[items.Length];
        if (kk > 0 && n > 0)
        {
            if (embedding is not null)
            {
                BatchTopK.Run(embedding, kk, exclude?.UserRows, maxDegreeOfParallelism, items, scores, cancellationToken, transform);
            }
            else if (transform is null)
            {
                ModelTopK.Run(model, kk, exclude?.UserRows, maxDegreeOfParallelism, items, scores, cancellationToken);
            }
            else
            {
                ThrowHelper.Argument(nameof(ranking), "A ranking other than the model's own needs a model with embeddings.");
            }
        }

        return new TopKRecommendations(model.Catalog, kk, items, scores);
    }

    /// <summary>A known user's scores under a ranking transform (the model's own when there is none).</summary>
    private static bool TryScore(IRecommenderModel model, UserIndex user, Span<float> scores, RankingTransform? transform)
    {
        if (transform is null)
        {
            return model.TryScoreItems(user, scores);
        }

        if (model is not IEmbeddingModel embeddings)
        {
            if (!model.TryScoreItems(user, scores))
            {
                return false;
            }

            transform.Filter(scores);
            return true;
        }

        float[] query = ArrayPool<float>.Shared.Rent(embeddings.Dimensions);
        try
        {
            Span<float> q = query.AsSpan(0, embeddings.Dimensions);
            if (!embeddings.TryGetUserQuery(user, q))
            {
                return false;
            }

            transform.Score(embeddings, q, scores);
            return true;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(query);
        }
    }

    private static System.Collections.ObjectModel.ReadOnlyCollection<Recommendation> RankNewUser(IRecommenderModel model, int[] items, float[] ratings, int k)
    {
        int m = model.Catalog.ItemCount;
        float[] buffer = ArrayPool<float>.Shared.Rent(m);
        try
        {
            Span<float> scores = buffer.AsSpan(0, m);
            model.ScoreItemsForNewUser(items, ratings, scores);
            int[] sorted = (int[])items.Clone();
            Array.Sort(sorted);
            return Select(model.Catalog, scores, k, sorted);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Scores every item for a query with the chain kernel, adds biases, and selects the top k skipping <paramref name="excludedAscending"/>.</summary>
    private static System.Collections.ObjectModel.ReadOnlyCollection<Recommendation> Rank(IEmbeddingModel model, ReadOnlySpan<float> query, int k, ReadOnlySpan<int> excludedAscending)
    {
        int m = model.Catalog.ItemCount;
        float[] buffer = ArrayPool<float>.Shared.Rent(m);
        try
        {
            Span<float> scores = buffer.AsSpan(0, m);
            EmbeddingScores.ScoreItems(model, query, scores);
            return Select(model.Catalog, scores, k, excludedAscending);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>The top k of <paramref name="scores"/> (one per item), skipping <paramref name="excludedAscending"/>, best first.</summary>
    private static System.Collections.ObjectModel.ReadOnlyCollection<Recommendation> Select(Catalog catalog, ReadOnlySpan<float> scores, int k, ReadOnlySpan<int> excludedAscending)
    {
        int kk = Math.Min(k, catalog.ItemCount);
        var hs = new float[kk];
        var hi = new int[kk];
        int count = TopK.Select(scores, excludedAscending, -1, hs, hi);
        var result = new Recommendation[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = Recommendation.Create(catalog, hi[i], hs[i]);
        }

        return Array.AsReadOnly(result);
    }
}
