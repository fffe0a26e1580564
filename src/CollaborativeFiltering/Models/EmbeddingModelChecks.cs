using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Models;

/// <summary>Argument checks shared by the entry points that take a model (scoring, evaluation, the models themselves).</summary>
internal static class EmbeddingModelChecks
{
    /// <summary>Throws unless the model is non-null.</summary>
    public static void ThrowIfNull(IRecommenderModel model, string paramName) => ArgumentNullException.ThrowIfNull(model, paramName);

    /// <summary>Throws unless the model is non-null and its spans agree with its catalogue.</summary>
    public static void ThrowIfInvalid(IEmbeddingModel model, string paramName)
    {
        ArgumentNullException.ThrowIfNull(model, paramName);
        int d = model.Dimensions;
        int m = model.Catalog.ItemCount;
        if (d <= 0)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"The model's dimension is {d}; expected a positive number."));
        }

        if (model.ItemEmbeddings.Length != (long)m * d)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"The model has {model.ItemEmbeddings.Length} item-embedding values; expected {m}·{d} = {(long)m * d}."));
        }

        int biases = model.ItemBiases.Length;
        if (biases != 0 && biases != m)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"The model has {biases} item biases; expected 0 or {m}."));
        }

        if (d > EmbeddingLimits.MaxDimensions)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"The model's dimension is {d}; at most {EmbeddingLimits.MaxDimensions} is supported."));
        }

        // The library's own models are checked when built; another implementation is checked here
        // (a pass over its embeddings, no more than one scoring pass costs).
        if (model is not ICheckedModel
            && (EmbeddingLimits.RowNormProblem(model.ItemEmbeddings, d, "the embedding of item") ?? EmbeddingLimits.BiasProblem(model.ItemBiases, "the bias of item")) is { } problem)
        {
            ThrowHelper.Argument(paramName, $"The model is invalid: {problem}.");
        }
    }

    /// <summary>Throws unless <paramref name="query"/> has length d and only finite values.</summary>
    public static void ThrowIfInvalidQuery(ReadOnlySpan<float> query, int dimensions, string paramName)
    {
        if (query.Length != dimensions)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} has length {query.Length}; expected the model's dimension {dimensions}."));
        }

        if (!TensorPrimitivesExtensions.AllFinite(query))
        {
            ThrowHelper.Argument(paramName, $"{paramName} holds a NaN or infinite value.");
        }

        double norm = EmbeddingLimits.Norm(query);
        if (norm > EmbeddingLimits.MaxNorm)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture,
                $"{paramName} has norm {norm:G4}; at most {EmbeddingLimits.MaxNorm:G2} is allowed, as for the model's own embeddings, so that scores stay within single precision."));
        }
    }

    /// <summary>Throws unless <paramref name="ratings"/> is null or over a catalogue compatible with the model's.</summary>
    public static void ThrowIfIncompatible(IRecommenderModel model, RatingsDataset? ratings, string paramName)
    {
        if (ratings is not null && !model.Catalog.IsCompatibleWith(ratings.Catalog))
        {
            ThrowHelper.Argument(paramName, $"{paramName} belongs to another catalogue than the model's (different user or item ids).");
        }
    }
}
