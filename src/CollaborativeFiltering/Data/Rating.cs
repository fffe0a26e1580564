using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// One observed entry of the ratings matrix, in dense 0-based indices (not the ids of the files).
/// </summary>
/// <param name="User">The user's dense index (row); <see cref="Catalog.GetUserId"/> translates it to the id in the file.</param>
/// <param name="Item">The item's dense index (column); <see cref="Catalog.GetItemId"/> translates it to the id in the file.</param>
/// <param name="Value">The rating, a finite number (MovieLens: 1 to 5, in steps of 1 or 0.5).</param>
/// <param name="Timestamp">Seconds since the Unix epoch when the rating was made, or <see langword="null"/> when unknown.</param>
public readonly record struct Rating(UserIndex User, ItemIndex Item, float Value, long? Timestamp = null)
{
    /// <summary>E.g. <c>user index 0 rated item index 3: 4 (timestamp 874965758)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{User} rated {Item}: {Display.Number(Value)}") + (Timestamp is { } t ? string.Create(CultureInfo.InvariantCulture, $" (timestamp {Display.Count(t)})") : "");
}
