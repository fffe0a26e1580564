using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Projection;

/// <summary>Argument checks shared by <see cref="Pca"/> and <see cref="TSne"/>.</summary>
internal static class ProjectionChecks
{
    /// <summary>Throws unless <paramref name="data"/> has rows·dimensions finite values.</summary>
    public static void ThrowIfInvalidData(ReadOnlySpan<float> data, int rows, int dimensions, string paramName)
    {
        long expected = (long)rows * dimensions;
        if (data.Length != expected)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} has {data.Length} values; expected rows·dimensions = {rows}·{dimensions} = {expected}."));
        }

        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} holds a NaN or infinite value at row {i / dimensions}, column {i % dimensions}."));
            }
        }
    }

    /// <summary>Throws unless the model is non-null, has items, and its item embeddings have M·d values; returns M.</summary>
    public static int ThrowIfInvalidModel(IEmbeddingModel model, string paramName)
    {
        ArgumentNullException.ThrowIfNull(model, paramName);
        int items = model.Catalog.ItemCount;
        int d = model.Dimensions;
        if (items <= 0)
        {
            ThrowHelper.ArgumentOutOfRange(paramName, items, "a model with at least one item");
        }

        if (d <= 0 || model.ItemEmbeddings.Length != (long)items * d)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"The model has {model.ItemEmbeddings.Length} item-embedding values for {items} items of dimension {d}; expected {(long)items * d}."));
        }

        return items;
    }
}
