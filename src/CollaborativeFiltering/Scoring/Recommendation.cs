using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>A recommended item with its ranking score.</summary>
/// <param name="Item">The item's dense index.</param>
/// <param name="Id">The item's external id.</param>
/// <param name="Title">The title, or the id when the catalogue has no metadata.</param>
/// <param name="Genres">The genres; empty when unknown.</param>
/// <param name="Score">
/// The ranking score ⟨q, V_j⟩ + b_j (b_j = 0 for models without item biases). For a
/// <see cref="Factorization.FactorizationModel"/> with biases the predicted rating is
/// <c>GlobalMean + b_u + Score</c>; without biases the score is the prediction itself. The score is
/// never clamped to the model's <see cref="Factorization.FactorizationModel.PredictionRange"/> (that
/// would tie the items predicted above the top of the scale), while <c>Predict</c> is.
/// </param>
public readonly record struct Recommendation(ItemIndex Item, string Id, string Title, IReadOnlyList<string> Genres, float Score)
{
    internal static Recommendation Create(Catalog catalog, int item, float score)
    {
        ItemReference r = ItemReference.Create(catalog, item);
        return new Recommendation(r.Item, r.Id, r.Title, r.Genres, score);
    }

    /// <summary>E.g. <c>'Star Wars (1977)' (id 50): 4.123</c>, the score being the ranking score.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Item(Id, Title)}: {Display.Number(Score)}");
}
