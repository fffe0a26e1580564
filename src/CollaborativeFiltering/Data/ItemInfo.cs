using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>What a MovieLens release says about an item (<c>u.item</c>, <c>movies.dat</c>, <c>movies.csv</c>).</summary>
/// <param name="Id">The item's id as it appears in the files.</param>
/// <param name="Title">The title as written in the file, including the "(1995)" year suffix when the file has it and any trailing space; two items may share a title.</param>
/// <param name="ReleaseDate">The release date (MovieLens 100k only), or <see langword="null"/> when empty or unreadable.</param>
/// <param name="Year">The release year: from <paramref name="ReleaseDate"/> when known, else from a "(yyyy)" suffix of the title; <see langword="null"/> when neither gives one.</param>
/// <param name="Genres">The item's genres, in the release's genre order; empty when none is listed.</param>
public sealed record ItemInfo(string Id, string Title, DateOnly? ReleaseDate, int? Year, IReadOnlyList<string> Genres)
{
    /// <summary>E.g. <c>'Toy Story (1995)' (id 1), 1995, Animation|Children's|Comedy</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Item(Id, Title)}") + (Year is { } year ? string.Create(CultureInfo.InvariantCulture, $", {year}") : "") + (Genres.Count > 0 ? ", " + string.Join("|", Genres) : "");
}
