namespace CollaborativeFiltering.Scoring;

/// <summary>How a query embedding is compared with an item (or user) embedding, or that a model's own item-to-item weights were used.</summary>
public enum SimilarityMeasure
{
    /// <summary>The dot product ⟨u, v⟩: favours long (often popular) embeddings, as the model's predictions do.</summary>
    Dot = 0,

    /// <summary>The cosine ⟨u, v⟩ / (‖u‖·‖v‖), in [−1, 1]; 0 when either vector is all zeros.</summary>
    Cosine = 1,

    /// <summary>
    /// The model's own weights between items (or users): the similarities an item-kNN or user-kNN model kept,
    /// EASE's item-to-item weights (<see cref="IItemSimilarityModel"/>, <see cref="IUserSimilarityModel"/>).
    /// The neighbours of such models are reported with it; it does not apply to embeddings.
    /// </summary>
    ModelWeights = 2,
}
