namespace CollaborativeFiltering.Data;

/// <summary>
/// Per-item genre labels for plots and summaries (the notebook colours each movie by one genre
/// sampled from its list, or by all its genres joined). Deterministic: the same catalogue and seed
/// always give the same labels.
/// </summary>
public static class ItemGenres
{
    /// <summary>The label of an item with no genre (or of every item when the catalogue has no metadata).</summary>
    public const string NoGenre = "(none)";

    /// <summary>
    /// One genre per item, chosen uniformly among the item's genres with a random generator seeded by
    /// <paramref name="seed"/> (one draw per item that has at least one genre, in item-index order).
    /// Items without genres get <see cref="NoGenre"/>.
    /// </summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>One label per item, in item-index order (length M).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is <see langword="null"/>.</exception>
    public static string[] SampleOne(Catalog catalog, int seed)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var labels = new string[catalog.ItemCount];
        var random = new Random(seed);
        IReadOnlyList<ItemInfo> infos = catalog.ItemInfos;
        for (int i = 0; i < labels.Length; i++)
        {
            IReadOnlyList<string> genres = infos.Count > 0 ? infos[i].Genres : [];
            labels[i] = genres.Count switch
            {
                0 => NoGenre,
                int n => genres[random.Next(n)],
            };
        }

        return labels;
    }

    /// <summary>Every item's genres, in item-index order; empty lists when the catalogue has no metadata.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <returns>One genre list per item (length M).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> All(Catalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var all = new IReadOnlyList<string>[catalog.ItemCount];
        IReadOnlyList<ItemInfo> infos = catalog.ItemInfos;
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = infos.Count > 0 ? infos[i].Genres : [];
        }

        return all;
    }

    /// <summary>Every item's genres joined into one label (the notebook's <c>'-'.join(genres)</c>); <see cref="NoGenre"/> for items without genres.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="separator">Put between genres; default "-".</param>
    /// <returns>One label per item, in item-index order (length M).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="separator"/> is <see langword="null"/>.</exception>
    public static string[] Joined(Catalog catalog, string separator = "-")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(separator);
        var labels = new string[catalog.ItemCount];
        IReadOnlyList<ItemInfo> infos = catalog.ItemInfos;
        for (int i = 0; i < labels.Length; i++)
        {
            IReadOnlyList<string> genres = infos.Count > 0 ? infos[i].Genres : [];
            labels[i] = genres.Count == 0 ? NoGenre : string.Join(separator, genres);
        }

        return labels;
    }
}
