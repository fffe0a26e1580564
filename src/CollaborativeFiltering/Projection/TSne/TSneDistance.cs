namespace CollaborativeFiltering.Projection;

/// <summary>The input-space distance from which <see cref="TSne"/> computes its affinities.</summary>
public enum TSneDistance
{
    /// <summary>The squared Euclidean distance ‖x − y‖² (as scikit-learn uses for the Gaussian kernel).</summary>
    Euclidean = 0,

    /// <summary>
    /// The cosine distance 1 − ⟨x, y⟩ / (‖x‖·‖y‖), in [0, 2]; a zero vector has cosine similarity 0
    /// with every vector, so its distance to everything is 1 (never NaN). Suits embeddings whose
    /// direction matters more than their norm, such as the notebook's movie embeddings.
    /// </summary>
    Cosine = 1,
}
