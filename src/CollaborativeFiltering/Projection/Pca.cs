using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// Principal component analysis of row-major float embeddings, in double precision. When there are at
/// least as many points n as dimensions D (the usual case), the components are the eigenvectors of the
/// D×D scatter matrix XᵀX of the centred data, accumulated one point at a time (O(n·D²), cancellable,
/// no n-sized copy; Math.NET Numerics decomposes the D×D matrix). With fewer points than dimensions the
/// centred n×D matrix X = U·Σ·Vᵀ is decomposed by SVD and the first k rows of Vᵀ are the components.
/// Either way the explained variances are Σ²/(n−1).
/// </summary>
public static class Pca
{
    /// <summary>Projects <paramref name="rows"/> points of <paramref name="dimensions"/> values each onto their first <paramref name="components"/> principal components.</summary>
    /// <param name="data">The points, row-major: point <c>r</c> occupies <c>[r*D, (r+1)*D)</c>; length rows·dimensions, finite values.</param>
    /// <param name="rows">The number of points n, greater than zero.</param>
    /// <param name="dimensions">The dimension D of each point, greater than zero.</param>
    /// <param name="components">The number of components k, in <c>[1, min(n, D)]</c>; default 2 (for a plot).</param>
    /// <param name="cancellationToken">Checked every 1,024 rows of each pass over the data.</param>
    /// <returns>The components, explained variances and coordinates. Signs follow the convention of <see cref="PcaProjection"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="dimensions"/> is not positive, or <paramref name="components"/> is outside <c>[1, min(n, D)]</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has the wrong length or holds a NaN or infinite value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static PcaProjection Project(ReadOnlySpan<float> data, int rows, int dimensions, int components = 2, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ThrowIfNotPositive(rows, nameof(rows));
        ThrowHelper.ThrowIfNotPositive(dimensions, nameof(dimensions));
        ProjectionChecks.ThrowIfInvalidData(data, rows, dimensions, nameof(data));
        int maxComponents = Math.Min(rows, dimensions);
        if (components < 1 || components > maxComponents)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(components), components, $"in [1, min(rows, dimensions)] = [1, {maxComponents}]");
        }

        return PcaSolver.Solve(data, rows, dimensions, components, cancellationToken);
    }

    /// <summary>Projects the item embeddings of a model (one point per item) onto their first principal components.</summary>
    /// <param name="model">A trained model; its <see cref="IEmbeddingModel.ItemEmbeddings"/> are projected, row <c>j</c> being item <c>j</c>.</param>
    /// <param name="components">The number of components k, in <c>[1, min(M, d)]</c>; default 2.</param>
    /// <param name="cancellationToken">Checked every 1,024 items of each pass over the embeddings.</param>
    /// <returns>The projection, one row per item of <see cref="IRecommenderModel.Catalog"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The model's item embeddings do not have M·d values, or hold a NaN or infinite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The model has no items, or <paramref name="components"/> is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static PcaProjection ProjectItems(IEmbeddingModel model, int components = 2, CancellationToken cancellationToken = default)
    {
        int items = ProjectionChecks.ThrowIfInvalidModel(model, nameof(model));
        return Project(model.ItemEmbeddings, items, model.Dimensions, components, cancellationToken);
    }
}
