namespace CollaborativeFiltering.Data;

/// <summary>
/// A training set and a test set over one <see cref="Catalog"/>: disjoint, and together the
/// ratings they were split from.
/// </summary>
/// <param name="Train">The ratings to learn from.</param>
/// <param name="Test">The held-out ratings to evaluate on.</param>
public sealed record DatasetSplit(RatingsDataset Train, RatingsDataset Test);
