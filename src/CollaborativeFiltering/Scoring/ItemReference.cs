using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>An item of a catalogue, identified for display: dense index, external id, title and genres.</summary>
/// <param name="Item">The item's dense index.</param>
/// <param name="Id">The item's external id, as in the files.</param>
/// <param name="Title">The title, or the id when the catalogue has no metadata.</param>
/// <param name="Genres">The genres; empty when unknown.</param>
public readonly record struct ItemReference(ItemIndex Item, string Id, string Title, IReadOnlyList<string> Genres)
{
    internal static ItemReference Create(Catalog catalog, int item)
    {
        if (catalog.ItemInfos.Count > 0)
        {
            ItemInfo info = catalog.ItemInfos[item];
            return new ItemReference(new ItemIndex(item), info.Id, info.Title, info.Genres);
        }

        string id = catalog.Items.Ids[item];
        return new ItemReference(new ItemIndex(item), id, id, []);
    }

    /// <summary>E.g. <c>'GoldenEye (1995)' (id 2)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Display.Item(Id, Title);
}
