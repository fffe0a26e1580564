namespace CollaborativeFiltering.Scoring;

/// <summary>How a query embedding is compared with an item (or user) embedding.</summary>
public enum SimilarityMeasure
{
    /// <summary>The dot product ⟨u, v⟩: favours long (often popular) embeddings, as the model's predictions do.</summary>
    Dot = 0,

    /// <summary>The cosine ⟨u, v⟩ / (‖u‖·‖v‖), in [−1, 1]; 0 when either vector is all zeros.</summary>
    Cosine = 1,
}
