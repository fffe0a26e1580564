using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A training set and a test set over one <see cref="Catalog"/>: disjoint, and together the
/// ratings they were split from.
/// </summary>
/// <param name="Train">The ratings to learn from.</param>
/// <param name="Test">The held-out ratings to evaluate on.</param>
public sealed record DatasetSplit(RatingsDataset Train, RatingsDataset Test)
{
    /// <summary>E.g. <c>90000 training and 10000 test ratings</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Count(Train.Count)} training and {Display.Count(Test.Count)} test ratings");
}
