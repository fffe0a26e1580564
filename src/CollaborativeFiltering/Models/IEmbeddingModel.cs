using CollaborativeFiltering.Data;

namespace CollaborativeFiltering;

/// <summary>
/// A recommender made of embeddings: item embeddings V (M×d) with optional item biases, a query
/// embedding q for every known user, and, for the rating models, a global mean and user biases, so
/// that an item's ranking score for a user is ⟨q, V_j⟩ + b_j and a predicted rating
/// μ + b_u + b_j + ⟨q, V_j⟩. Everything scoring, neighbours, norms, projections and export need comes
/// through this interface, so they serve every model without type tests: the matrix factorizations
/// (<see cref="Factorization.FactorizationModel"/>, whose query is the user's row of U) and the softmax
/// network (<see cref="Neural.SoftmaxModel"/>, whose query is the network's output for the user's items).
/// Implementations are immutable and safe to share between threads.
/// </summary>
public interface IEmbeddingModel : IRecommenderModel
{
    /// <summary>The embedding dimension d.</summary>
    int Dimensions { get; }

    /// <summary>Item embeddings, row-major: item <c>j</c> occupies <c>[j*d, (j+1)*d)</c>; length M·d.</summary>
    ReadOnlySpan<float> ItemEmbeddings { get; }

    /// <summary>Per-item biases b_j, added to the ranking scores; empty when the model has none.</summary>
    ReadOnlySpan<float> ItemBiases { get; }

    /// <summary>
    /// The query embedding of every known user, row-major: user <c>u</c> occupies <c>[u*d, (u+1)*d)</c>;
    /// length N·d. A user the model has no query for (<see cref="TryGetUserQuery"/> returns
    /// <see langword="false"/>) has a row of zeros.
    /// </summary>
    ReadOnlySpan<float> UserEmbeddings { get; }

    /// <summary>Per-user biases b_u of a rating model (they do not change a user's ranking); empty when the model has none.</summary>
    ReadOnlySpan<float> UserBiases { get; }

    /// <summary>μ, the global mean of a rating model's predictions; 0 when the model has no biases.</summary>
    float GlobalMean { get; }

    /// <summary>Writes the query embedding of a known user (for matrix factorization, the user's row of U).</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="destination">A span of length <see cref="Dimensions"/>.</param>
    /// <returns><see langword="false"/> when the model has no embedding for this user.</returns>
    bool TryGetUserQuery(UserIndex user, Span<float> destination);

    /// <summary>
    /// The query embedding of a user the model was not trained on, from the items the user rated and
    /// the ratings, the model's own way: the ridge fold-in of <see cref="Scoring.FoldIn"/> for an explicit
    /// factorization, the confidence-weighted solve of implicit ALS, the network's forward pass for the
    /// softmax model (which only looks at which items were rated).
    /// </summary>
    /// <param name="items">Distinct dense item indices.</param>
    /// <param name="values">The ratings (or interaction strengths), one per item, finite.</param>
    /// <returns>d floats, for <see cref="Scoring.Recommender.RecommendForQuery"/> (exclude <paramref name="items"/>).</returns>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c> or a value is not valid for the model.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    float[] ComputeNewUserQuery(ReadOnlySpan<int> items, ReadOnlySpan<float> values);
}
