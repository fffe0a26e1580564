using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>An item with the number and mean of its ratings, as listed by <see cref="DatasetStatistics.MostRated"/> and <see cref="DatasetStatistics.BestRated"/>.</summary>
/// <param name="Item">The item's dense index.</param>
/// <param name="Id">The item's id as in the files.</param>
/// <param name="Title">The item's title, or its id when the catalogue has no metadata.</param>
/// <param name="RatingCount">How many ratings the item has in the dataset.</param>
/// <param name="MeanRating">The mean of those ratings.</param>
public readonly record struct ItemRatingSummary(ItemIndex Item, string Id, string Title, int RatingCount, double MeanRating)
{
    /// <summary>The item, its rating count and mean, e.g. <c>'Star Wars (1977)' (id 50): 583 ratings, mean 4.358</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Item(Id, Title)}: {Display.Count(RatingCount)} ratings, mean {Display.Number(MeanRating)}");
}
