namespace CollaborativeFiltering.Data;

/// <summary>
/// One observed entry of the ratings matrix, in dense 0-based indices.
/// </summary>
/// <param name="User">The dense index of the user (row), 0-based; <see cref="Catalog.Users"/> translates it to the id in the file.</param>
/// <param name="Item">The dense index of the item (column), 0-based; <see cref="Catalog.Items"/> translates it to the id in the file.</param>
/// <param name="Value">The rating, a finite number (MovieLens: 1 to 5, in steps of 1 or 0.5).</param>
/// <param name="Timestamp">Seconds since the Unix epoch when the rating was made, or <see langword="null"/> when unknown.</param>
public readonly record struct Rating(int User, int Item, float Value, long? Timestamp = null);
