using System.Globalization;

namespace CollaborativeFiltering.Data;

/// <summary>One file (or stream) a loader read, in a <see cref="LoadReport"/>.</summary>
/// <param name="Source">The file's path, or the name a stream was given.</param>
/// <param name="Encoding">
/// The text encoding the file was decoded with: "UTF-8", "Latin-1", or "ASCII" when, choosing by
/// content, no byte above 0x7F was met (UTF-8 and Latin-1 then read the same); another encoding's
/// web name when a byte-order mark or an option named it.
/// </param>
/// <param name="Lines">The lines read, blank ones and a header included.</param>
/// <param name="Records">The records the file contributed: ratings, items, users or genres.</param>
/// <param name="Contents">What the records are: "ratings", "items", "users" or "genres".</param>
public sealed record LoadedFile(string Source, string Encoding, int Lines, int Records, string Contents)
{
    /// <summary>"u.item: 1682 items from 1682 lines, Latin-1".</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Source}: {Records} {Contents} from {Lines} lines, {Encoding}");
}
