using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Dot and cosine similarities of embeddings, one pair at a time or one query against every item of a
/// model (span in, span out). Cosine scores are never NaN: an all-zero vector scores 0. Item norms for
/// cosine are computed once per model and cached (see <see cref="EmbeddingNorms"/>). Thread-safe.
/// </summary>
public static class Similarity
{
    /// <summary>The dot product ⟨x, y⟩.</summary>
    /// <param name="x">A vector of finite values.</param>
    /// <param name="y">A vector of the same length.</param>
    /// <returns>Σ x_k·y_k (0 for empty spans), never NaN or infinite.</returns>
    /// <exception cref="ArgumentException">The lengths differ, a vector holds a NaN or infinite value, or the product is beyond single precision (its magnitude exceeds <see cref="float.MaxValue"/>).</exception>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ThrowIfLengthsDiffer(x, y);
        float dot = TensorPrimitives.Dot(x, y);
        if (!float.IsFinite(dot))
        {
            // Rare: recompute in double, which cannot overflow for finite floats, to tell the cause.
            ThrowIfNotFinite(x, nameof(x));
            ThrowIfNotFinite(y, nameof(y));
            double exact = DoubleDot(x, y);
            if (!(Math.Abs(exact) <= float.MaxValue))
            {
                ThrowHelper.Argument(nameof(y), string.Create(CultureInfo.InvariantCulture, $"The dot product of these vectors ({exact:G4}) is beyond single precision."));
            }

            dot = (float)exact;
        }

        return dot;
    }

    /// <summary>The cosine similarity ⟨x, y⟩ / (‖x‖·‖y‖), computed in double so that no finite input overflows.</summary>
    /// <param name="x">A vector of finite values.</param>
    /// <param name="y">A vector of the same length.</param>
    /// <returns>
    /// A value in [−1, 1] (clamped against rounding). Returns 0, never NaN, when either vector has
    /// zero norm (all zeros, or empty).
    /// </returns>
    /// <exception cref="ArgumentException">The lengths differ, or a vector holds a NaN or infinite value.</exception>
    public static float Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ThrowIfLengthsDiffer(x, y);
        double normX = EmbeddingLimits.Norm(x), normY = EmbeddingLimits.Norm(y);
        if (!double.IsFinite(normX))
        {
            ThrowIfNotFinite(x, nameof(x));
        }

        if (!double.IsFinite(normY))
        {
            ThrowIfNotFinite(y, nameof(y));
        }

        if (normX == 0 || normY == 0)
        {
            return 0;
        }

        // Dividing each vector by its norm first keeps every product and the sum within [−1, 1].
        double dot = 0;
        for (int k = 0; k < x.Length; k++)
        {
            dot += (x[k] / normX) * (y[k] / normY);
        }

        return (float)Math.Clamp(dot, -1.0, 1.0);
    }

    /// <summary>Scores a query embedding against every item of a model.</summary>
    /// <param name="model">The model whose item embeddings are scored.</param>
    /// <param name="query">d finite floats, e.g. an item's or a user's embedding.</param>
    /// <param name="measure">Dot or cosine. Item biases are not added (see <see cref="Recommender"/> for ranking scores).</param>
    /// <param name="destination">M floats: <c>destination[j]</c> receives the score of item j. For cosine, items with a zero embedding, or all items for a zero query, score 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="query"/> does not have length d or holds a non-finite value, or <paramref name="destination"/> does not have length M.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="measure"/> is not a defined value.</exception>
    public static void ScoreAll(IEmbeddingModel model, ReadOnlySpan<float> query, SimilarityMeasure measure, Span<float> destination)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        EmbeddingModelChecks.ThrowIfInvalidQuery(query, model.Dimensions, nameof(query));
        ThrowIfUndefined(measure, nameof(measure));
        if (destination.Length != model.Catalog.ItemCount)
        {
            ThrowHelper.Argument(nameof(destination), string.Create(CultureInfo.InvariantCulture, $"destination has length {destination.Length}; expected the model's item count {model.Catalog.ItemCount}."));
        }

        ScoreAllUnchecked(model, query, measure, destination);
    }

    /// <summary>Scores a query embedding against every item of a model into a new array.</summary>
    /// <param name="model">The model whose item embeddings are scored.</param>
    /// <param name="query">d finite floats.</param>
    /// <param name="measure">Dot or cosine (item biases are not added).</param>
    /// <returns>M scores, one per item index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="query"/> does not have length d or holds a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="measure"/> is not a defined value.</exception>
    public static float[] ScoreAll(IEmbeddingModel model, ReadOnlySpan<float> query, SimilarityMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(model);
        var scores = new float[model.Catalog.ItemCount];
        ScoreAll(model, query, measure, scores);
        return scores;
    }

    /// <summary>ScoreAll without argument checks: the chain kernel, then cosine normalisation with cached norms.</summary>
    internal static void ScoreAllUnchecked(IEmbeddingModel model, ReadOnlySpan<float> query, SimilarityMeasure measure, Span<float> destination)
    {
        ScoreKernel.DotAll(model.ItemEmbeddings, model.Dimensions, query, destination);
        if (measure == SimilarityMeasure.Cosine)
        {
            ScoreKernel.DotToCosine(destination, ScoreKernel.Norm(query), EmbeddingNorms.CachedItemNorms(model));
        }
    }

    private static double DoubleDot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sum += (double)x[k] * y[k];
        }

        return sum;
    }

    private static void ThrowIfNotFinite(ReadOnlySpan<float> v, string paramName)
    {
        if (!TensorPrimitivesExtensions.AllFinite(v))
        {
            ThrowHelper.Argument(paramName, $"{paramName} holds a NaN or infinite value.");
        }
    }

    private static void ThrowIfLengthsDiffer(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowHelper.Argument(nameof(y), string.Create(CultureInfo.InvariantCulture, $"The vectors have lengths {x.Length} and {y.Length}; they must be equal."));
        }
    }

    /// <summary>Throws unless the measure compares embeddings (dot or cosine).</summary>
    internal static void ThrowIfUndefined(SimilarityMeasure measure, string paramName)
    {
        if (measure is not SimilarityMeasure.Dot and not SimilarityMeasure.Cosine)
        {
            ThrowHelper.ArgumentOutOfRange(paramName, measure, "SimilarityMeasure.Dot or SimilarityMeasure.Cosine, the measures of embeddings (ModelWeights names the own weights of kNN and EASE models)");
        }
    }
}
