using System.Buffers;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Models;

/// <summary>
/// The ranking scores of an embedding model, ⟨q, V_j⟩ + b_j for every item j, with the chain kernel
/// (<see cref="ScoreKernel.DotAll"/>), so that a user's scores here equal that user's row of
/// <c>Recommender.RecommendAll</c> bit for bit. The embedding models implement
/// <see cref="IRecommenderModel.TryScoreItems"/> and <see cref="IRecommenderModel.ScoreItemsForNewUser"/> with it.
/// </summary>
internal static class EmbeddingScores
{
    /// <summary>Scores every item for a query (d finite floats).</summary>
    public static void ScoreItems(IEmbeddingModel model, ReadOnlySpan<float> query, Span<float> scores)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ThrowIfWrongLength(scores, model.Catalog.ItemCount);
        ScoreKernel.DotAll(model.ItemEmbeddings, model.Dimensions, query, scores);
        ReadOnlySpan<float> biases = model.ItemBiases;
        for (int j = 0; j < scores.Length; j++)
        {
            scores[j] += biases.IsEmpty ? 0f : biases[j];
        }
    }

    /// <summary>Scores every item for a known user's query; <see langword="false"/> when the model has none.</summary>
    public static bool TryScoreItems(IEmbeddingModel model, UserIndex user, Span<float> scores)
    {
        ThrowIfWrongLength(scores, model.Catalog.ItemCount);
        int d = model.Dimensions;
        float[] query = ArrayPool<float>.Shared.Rent(d);
        try
        {
            if (!model.TryGetUserQuery(user, query.AsSpan(0, d)))
            {
                return false;
            }

            ScoreItems(model, query.AsSpan(0, d), scores);
            return true;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(query);
        }
    }

    /// <summary>Scores every item for a new user folded in the model's own way.</summary>
    public static void ScoreItemsForNewUser(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores)
    {
        ThrowIfWrongLength(scores, model.Catalog.ItemCount);
        ScoreItems(model, model.ComputeNewUserQuery(items, values), scores);
    }

    private static void ThrowIfWrongLength(Span<float> scores, int itemCount)
    {
        if (scores.Length != itemCount)
        {
            ThrowHelper.Argument(nameof(scores), string.Create(CultureInfo.InvariantCulture, $"scores has length {scores.Length}; expected one score per item ({itemCount})."));
        }
    }
}
