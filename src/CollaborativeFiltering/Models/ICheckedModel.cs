namespace CollaborativeFiltering.Models;

/// <summary>
/// Marks a model of this library whose embeddings and biases were checked against
/// <see cref="Internal.EmbeddingLimits"/> when it was built (trained, loaded or made from
/// embeddings), so that the entry points taking any <see cref="IEmbeddingModel"/> need not check them
/// again; another implementation of <see cref="IEmbeddingModel"/> is checked on use.
/// </summary>
internal interface ICheckedModel;
