namespace CollaborativeFiltering.Data;

/// <summary>A genre and how many items list it, as counted by <see cref="DatasetStatistics.GenreOccurrences"/>.</summary>
/// <param name="Genre">The genre's name as in the release.</param>
/// <param name="Count">The number of items whose genre list contains it.</param>
public readonly record struct GenreCount(string Genre, int Count);
