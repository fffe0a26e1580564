using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// The universe a dataset lives in: every user and item of the release (not only those present in
/// one split), their ids and, when known, their metadata. N = <see cref="UserCount"/> and
/// M = <see cref="ItemCount"/> are the notebook's matrix sizes. Splits of one dataset share one
/// catalogue; immutable and safe to share between threads.
/// </summary>
public sealed class Catalog
{
    private static readonly ReadOnlyCollection<UserInfo> NoUsers = new([]);
    private static readonly ReadOnlyCollection<ItemInfo> NoItems = new([]);
    private static readonly ReadOnlyCollection<string> NoGenres = new([]);

    /// <summary>Creates a catalogue.</summary>
    /// <param name="users">The user ids.</param>
    /// <param name="items">The item ids.</param>
    /// <param name="userInfos">Per-user metadata in user-index order, or <see langword="null"/>/empty when unknown.</param>
    /// <param name="itemInfos">Per-item metadata in item-index order, or <see langword="null"/>/empty when unknown.</param>
    /// <param name="genres">The release's genre vocabulary in its own order, or <see langword="null"/>: then it is collected from <paramref name="itemInfos"/> in order of first appearance.</param>
    /// <exception cref="ArgumentNullException"><paramref name="users"/> or <paramref name="items"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A metadata list is not empty and its length differs from the id map's, or an entry's id differs from the map's id at that index.</exception>
    public Catalog(IdMap users, IdMap items, IReadOnlyList<UserInfo>? userInfos = null, IReadOnlyList<ItemInfo>? itemInfos = null, IReadOnlyList<string>? genres = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        Users = users;
        Items = items;
        UserInfos = Freeze(userInfos, users, static u => u.Id, nameof(userInfos)) ?? NoUsers;
        ItemInfos = Freeze(itemInfos, items, static i => i.Id, nameof(itemInfos)) ?? NoItems;
        if (genres is not null)
        {
            Genres = new ReadOnlyCollection<string>([.. genres]);
        }
        else if (ItemInfos.Count > 0)
        {
            var seen = new List<string>();
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var info in ItemInfos)
            {
                foreach (var g in info.Genres)
                {
                    if (set.Add(g))
                    {
                        seen.Add(g);
                    }
                }
            }

            Genres = seen.AsReadOnly();
        }
        else
        {
            Genres = NoGenres;
        }
    }

    /// <summary>A catalogue of <paramref name="userCount"/> users and <paramref name="itemCount"/> items with ids "1", "2", … and no metadata.</summary>
    /// <param name="userCount">Number of users, zero or more.</param>
    /// <param name="itemCount">Number of items, zero or more.</param>
    /// <returns>The catalogue.</returns>
    public static Catalog Sequential(int userCount, int itemCount) => new(IdMap.Sequential(userCount), IdMap.Sequential(itemCount));

    /// <summary>The user ids; <see cref="IdMap.Count"/> is N.</summary>
    public IdMap Users { get; }

    /// <summary>The item ids; <see cref="IdMap.Count"/> is M.</summary>
    public IdMap Items { get; }

    /// <summary>N, the number of users in the catalogue.</summary>
    public int UserCount => Users.Count;

    /// <summary>M, the number of items in the catalogue.</summary>
    public int ItemCount => Items.Count;

    /// <summary>Per-user metadata in user-index order; empty when the source had none.</summary>
    public IReadOnlyList<UserInfo> UserInfos { get; }

    /// <summary>Per-item metadata in item-index order; empty when the source had none.</summary>
    public IReadOnlyList<ItemInfo> ItemInfos { get; }

    /// <summary>The genre vocabulary, in the release's order (MovieLens 100k: the 19 flag columns).</summary>
    public IReadOnlyList<string> Genres { get; }

    /// <summary>Whether <paramref name="other"/> describes the same users and items in the same order, so that dense indices mean the same thing in both.</summary>
    /// <param name="other">The catalogue to compare with.</param>
    /// <returns><see langword="true"/> when both id maps are equal.</returns>
    public bool IsCompatibleWith(Catalog other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other) || (Users.SequenceEquals(other.Users) && Items.SequenceEquals(other.Items));
    }

    /// <summary>The dense index of a user id.</summary>
    /// <param name="userId">The user's id as it appears in the files (compared ordinally).</param>
    /// <returns>The user's index.</returns>
    /// <exception cref="KeyNotFoundException">No user has this id; the message names it.</exception>
    public UserIndex GetUserIndex(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Users.TryGetIndex(userId, out int index)
            ? new UserIndex(index)
            : ThrowHelper.KeyNotFound<UserIndex>(string.Create(CultureInfo.InvariantCulture, $"No user has the id '{userId}' (the catalogue has {UserCount} users)."));
    }

    /// <summary>Looks up the dense index of a user id.</summary>
    /// <param name="userId">The user's id as it appears in the files (compared ordinally).</param>
    /// <param name="user">The user's index when found.</param>
    /// <returns><see langword="true"/> when a user has this id.</returns>
    public bool TryGetUserIndex(string userId, out UserIndex user)
    {
        bool found = Users.TryGetIndex(userId, out int index);
        user = found ? new UserIndex(index) : default;
        return found;
    }

    /// <summary>The dense index of an item id.</summary>
    /// <param name="itemId">The item's id as it appears in the files (compared ordinally).</param>
    /// <returns>The item's index.</returns>
    /// <exception cref="KeyNotFoundException">No item has this id; the message names it.</exception>
    public ItemIndex GetItemIndex(string itemId)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        return Items.TryGetIndex(itemId, out int index)
            ? new ItemIndex(index)
            : ThrowHelper.KeyNotFound<ItemIndex>(string.Create(CultureInfo.InvariantCulture, $"No item has the id '{itemId}' (the catalogue has {ItemCount} items)."));
    }

    /// <summary>Looks up the dense index of an item id.</summary>
    /// <param name="itemId">The item's id as it appears in the files (compared ordinally).</param>
    /// <param name="item">The item's index when found.</param>
    /// <returns><see langword="true"/> when an item has this id.</returns>
    public bool TryGetItemIndex(string itemId, out ItemIndex item)
    {
        bool found = Items.TryGetIndex(itemId, out int index);
        item = found ? new ItemIndex(index) : default;
        return found;
    }

    /// <summary>The id in the files of a user.</summary>
    /// <param name="user">A user's dense index.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> is not below <see cref="UserCount"/>.</exception>
    public string GetUserId(UserIndex user)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, UserCount, nameof(user));
        return Users[user.Value];
    }

    /// <summary>The id in the files of an item.</summary>
    /// <param name="item">An item's dense index.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below <see cref="ItemCount"/>.</exception>
    public string GetItemId(ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, ItemCount, nameof(item));
        return Items[item.Value];
    }

    /// <summary>The title of an item, or its id when the catalogue has no metadata.</summary>
    /// <param name="item">An item's dense index.</param>
    /// <returns>The title or the id.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is not below <see cref="ItemCount"/>.</exception>
    public string GetItemTitle(ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, ItemCount, nameof(item));
        return TitleOf(item.Value);
    }

    /// <summary>The title or id of an item whose index the caller has checked.</summary>
    internal string TitleOf(int item) => ItemInfos.Count > 0 ? ItemInfos[item].Title : Items[item];

    private static ReadOnlyCollection<T>? Freeze<T>(IReadOnlyList<T>? infos, IdMap map, Func<T, string> id, string paramName)
    {
        if (infos is null || infos.Count == 0)
        {
            return null;
        }

        if (infos.Count != map.Count)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} has {infos.Count} entries but the id map has {map.Count}; give one entry per id, in index order."));
        }

        var copy = new T[infos.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = infos[i] ?? throw new ArgumentNullException(paramName, string.Create(CultureInfo.InvariantCulture, $"Entry {i} of {paramName} is null."));
            if (!string.Equals(id(copy[i]), map[i], StringComparison.Ordinal))
            {
                ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture, $"Entry {i} of {paramName} has id '{id(copy[i])}' but the id map has '{map[i]}' at that index."));
            }
        }

        return new ReadOnlyCollection<T>(copy);
    }

    /// <summary>E.g. <c>943 users, 1682 items, 19 genres</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Count(UserCount)} users, {Display.Count(ItemCount)} items") + (Genres.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Genres.Count} genres") : "");
}
