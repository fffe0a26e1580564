namespace CollaborativeFiltering;

/// <summary>
/// What scoring, neighbours, recommendations and export need from a trained model: item
/// embeddings over a catalogue, optional per-item biases, and a query embedding for a known user.
/// Implemented by <see cref="Factorization.FactorizationModel"/> and by the neural recommender's model.
/// Implementations are immutable and safe to share between threads.
/// </summary>
public interface IEmbeddingModel : IRecommenderModel
{
    /// <summary>The embedding dimension d.</summary>
    int Dimensions { get; }

    /// <summary>Item embeddings, row-major: item <c>j</c> occupies <c>[j*d, (j+1)*d)</c>; length M·d.</summary>
    ReadOnlySpan<float> ItemEmbeddings { get; }

    /// <summary>Per-item biases added to dot-product scores when ranking items for a user; empty when the model has none.</summary>
    ReadOnlySpan<float> ItemBiases { get; }

    /// <summary>Writes the query embedding of a known user (for matrix factorization, the user's row of U).</summary>
    /// <param name="user">A dense user index.</param>
    /// <param name="destination">A span of length <see cref="Dimensions"/>.</param>
    /// <returns><see langword="false"/> when the model has no embedding for this user.</returns>
    bool TryGetUserQuery(int user, Span<float> destination);
}
