namespace CollaborativeFiltering.Models;

/// <summary>
/// A model with its own way of embedding a user who is not in its training data, which the
/// recommender's new-user path uses instead of the generic ridge fold-in (<c>FoldIn</c>): the softmax
/// network runs the rated items through itself, implicit ALS solves its confidence-weighted objective.
/// </summary>
internal interface INewUserQuery
{
    /// <summary>The new user's query embedding, or <see langword="null"/> when the generic ridge fold-in applies to this model.</summary>
    /// <param name="items">The rated items (dense indices, distinct, in range: already checked).</param>
    /// <param name="values">The ratings, one per item, finite.</param>
    float[]? ComputeNewUserQuery(int[] items, float[] values);
}
