using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>A genre and how many items list it, as counted by <see cref="DatasetStatistics.GenreOccurrences"/>.</summary>
/// <param name="Genre">The genre's name as in the release.</param>
/// <param name="Count">The number of items whose genre list contains it.</param>
public readonly record struct GenreCount(string Genre, int Count)
{
    /// <summary>E.g. <c>Drama: 725 items</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Genre}: {Display.Count(Count)} items");
}
