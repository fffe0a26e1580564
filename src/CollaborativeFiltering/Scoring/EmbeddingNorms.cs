using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using MathNet.Numerics.Statistics;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Euclidean norms of a model's embeddings, and their correlation with popularity. Norms are computed
/// once per model (accumulated in double) and cached against the model instance in a thread-safe,
/// weakly keyed table, so cosine scoring does not recompute them; models are immutable, so the cache
/// never goes stale.
/// </summary>
public static class EmbeddingNorms
{
    private static readonly ConditionalWeakTable<IEmbeddingModel, float[]> ItemNormCache = new();
    private static readonly ConditionalWeakTable<IEmbeddingModel, float[]> UserNormCache = new();

    /// <summary>The norm ‖V_j‖ of every item embedding.</summary>
    /// <param name="model">The model.</param>
    /// <returns>A new array of M norms, one per item index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The model's embeddings do not match its catalogue.</exception>
    public static float[] Items(IEmbeddingModel model)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        return (float[])CachedItemNorms(model).Clone();
    }

    /// <summary>The norm ‖q_u‖ of every user's query embedding (<see cref="IEmbeddingModel.UserEmbeddings"/>: for matrix factorization, the rows of U).</summary>
    /// <param name="model">The model.</param>
    /// <returns>A new array of N norms, one per user index (0 for a user the model has no query for).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The model's embeddings do not match its catalogue.</exception>
    public static float[] Users(IEmbeddingModel model)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        return (float[])CachedUserNorms(model).Clone();
    }

    /// <summary>
    /// Correlates each item's embedding norm with its number of ratings in <paramref name="ratings"/>
    /// (usually the training set), over every item of the catalogue, using MathNet's Spearman and Pearson.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="ratings">Ratings over the model's catalogue.</param>
    /// <returns>The correlations.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="ratings"/> belongs to another catalogue; the catalogue has fewer than two items; or
    /// the norms (<paramref name="model"/>) or the counts (<paramref name="ratings"/>) are all equal, so
    /// that a correlation is undefined.
    /// </exception>
    public static NormPopularityCorrelation PopularityCorrelation(IEmbeddingModel model, RatingsDataset ratings)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ArgumentNullException.ThrowIfNull(ratings);
        EmbeddingModelChecks.ThrowIfIncompatible(model, ratings, nameof(ratings));
        int m = model.Catalog.ItemCount;
        if (m < 2)
        {
            ThrowHelper.Argument(nameof(model), "A correlation needs at least two items.");
        }

        float[] norms = CachedItemNorms(model);
        var x = new double[m];
        var y = new double[m];
        ReadOnlySpan<int> offsets = ratings.ItemRows.Offsets;
        for (int j = 0; j < m; j++)
        {
            x[j] = norms[j];
            y[j] = offsets[j + 1] - offsets[j];
        }

        if (IsConstant(x))
        {
            ThrowHelper.Argument(nameof(model), "Every item embedding has the same norm; the correlation is undefined.");
        }

        if (IsConstant(y))
        {
            ThrowHelper.Argument(nameof(ratings), "Every item has the same number of ratings; the correlation is undefined.");
        }

        return new NormPopularityCorrelation(Correlation.Spearman(x, y), Correlation.Pearson(x, y), m);
    }

    /// <summary>The cached item norms (not a copy: never hand it out).</summary>
    internal static float[] CachedItemNorms(IEmbeddingModel model) =>
        ItemNormCache.GetValue(model, static m => ScoreKernel.RowNorms(m.ItemEmbeddings, m.Dimensions, m.Catalog.ItemCount));

    /// <summary>The cached user norms (not a copy: never hand it out).</summary>
    internal static float[] CachedUserNorms(IEmbeddingModel model) =>
        UserNormCache.GetValue(model, static m => ScoreKernel.RowNorms(m.UserEmbeddings, m.Dimensions, m.Catalog.UserCount));

    private static bool IsConstant(double[] values)
    {
        foreach (double v in values)
        {
            if (v != values[0])
            {
                return false;
            }
        }

        return true;
    }
}
