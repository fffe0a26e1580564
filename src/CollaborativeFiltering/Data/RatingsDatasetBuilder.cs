using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Collects ratings and builds an immutable <see cref="RatingsDataset"/>. With a
/// <see cref="Catalog"/> the ids must belong to it; without one, the catalogue grows as ids are
/// first seen (indices in order of first appearance). Not thread-safe; building is O(ratings + N + M).
/// </summary>
public sealed class RatingsDatasetBuilder
{
    private readonly Catalog? _catalog;
    private readonly IdMap.Builder? _users;
    private readonly IdMap.Builder? _items;
    private int[] _u = new int[16];
    private int[] _i = new int[16];
    private float[] _v = new float[16];
    private long[] _t = new long[16];
    private int[]? _tags;
    private bool _allTimestamps = true;
    private int _count;

    /// <summary>Creates a builder.</summary>
    /// <param name="catalog">The catalogue the ids belong to, or <see langword="null"/> to collect ids as they come.</param>
    /// <param name="duplicates">What to do with a (user, item) pair rated more than once.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duplicates"/> is not a defined value.</exception>
    public RatingsDatasetBuilder(Catalog? catalog = null, DuplicatePolicy duplicates = DuplicatePolicy.Reject)
    {
        if (!Enum.IsDefined(duplicates))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(duplicates), duplicates, "Reject, KeepLast or Average");
        }

        _catalog = catalog;
        Duplicates = duplicates;
        if (catalog is null)
        {
            _users = new IdMap.Builder();
            _items = new IdMap.Builder();
        }
    }

    /// <summary>
    /// Creates a builder for a loader that reads several files over one catalogue: ids of an open
    /// side grow <paramref name="users"/>/<paramref name="items"/>, maps shared with the other files'
    /// builders; a side given as <see langword="null"/> is fixed, and the loader resolves its ids
    /// against its own map. Build with <see cref="TryCollapse"/>, not <see cref="Build"/>.
    /// </summary>
    internal RatingsDatasetBuilder(IdMap.Builder? users, IdMap.Builder? items, DuplicatePolicy duplicates)
    {
        Duplicates = duplicates;
        _users = users;
        _items = items;
    }

    /// <summary>The duplicate policy applied by <see cref="Build"/>.</summary>
    public DuplicatePolicy Duplicates { get; }

    /// <summary>The number of ratings added so far (duplicates included).</summary>
    public int Count => _count;

    /// <summary>Adds a rating by external ids.</summary>
    /// <param name="userId">The user's id as in the files.</param>
    /// <param name="itemId">The item's id as in the files.</param>
    /// <param name="value">The rating, a finite number.</param>
    /// <param name="timestamp">Seconds since the Unix epoch, or <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">An id is not in the builder's catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public RatingsDatasetBuilder Add(string userId, string itemId, float value, long? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(itemId);
        CheckValue(value); // before resolving: a rejected rating must not add its ids to an open catalogue
        int user = ResolveUser(userId);
        int item = ResolveItem(itemId);
        if (user < 0)
        {
            ThrowHelper.Argument(nameof(userId), $"The user id '{userId}' is not in the catalogue.");
        }

        if (item < 0)
        {
            ThrowHelper.Argument(nameof(itemId), $"The item id '{itemId}' is not in the catalogue.");
        }

        AddCore(user, item, value, timestamp, 0);
        return this;
    }

    /// <summary>Adds a rating by dense indices of the builder's catalogue.</summary>
    /// <param name="rating">The rating.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">The builder was created without a catalogue.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the catalogue, or the value is NaN or infinite.</exception>
    public RatingsDatasetBuilder Add(Rating rating)
    {
        if (_catalog is null)
        {
            ThrowHelper.InvalidOperation("Dense indices need a catalogue: create the builder with one, or add ratings by id.");
        }

        ThrowHelper.ThrowIfIndexOutOfRange(rating.User.Value, _catalog.UserCount, "rating.User");
        ThrowHelper.ThrowIfIndexOutOfRange(rating.Item.Value, _catalog.ItemCount, "rating.Item");
        CheckValue(rating.Value);
        AddCore(rating.User.Value, rating.Item.Value, rating.Value, rating.Timestamp, 0);
        return this;
    }

    /// <summary>Builds the dataset. The builder can keep being used afterwards.</summary>
    /// <returns>The immutable dataset.</returns>
    /// <exception cref="InvalidOperationException">The policy is <see cref="DuplicatePolicy.Reject"/> and a pair was rated twice; the message names the pair and both positions.</exception>
    public RatingsDataset Build()
    {
        var dataset = TryBuild(out int first, out int second);
        if (dataset is null)
        {
            Catalog c = CurrentCatalog();
            ThrowHelper.InvalidOperation(string.Create(CultureInfo.InvariantCulture,
                $"User '{c.Users[_u[second]]}' rated item '{c.Items[_i[second]]}' twice (ratings #{first + 1} and #{second + 1} in the order added); choose DuplicatePolicy.KeepLast or DuplicatePolicy.Average to accept duplicates."));
        }

        return dataset;
    }

    // ---- internals used by the loaders ----

    /// <summary>Resolves a user id: its index, adding it in an open catalogue, or -1 when a closed catalogue lacks it.</summary>
    internal int ResolveUser(ReadOnlySpan<char> id) =>
        _users is not null ? _users.GetOrAdd(id) : _catalog!.Users.TryGetIndex(id, out int u) ? u : -1;

    /// <summary>Resolves an item id: its index, adding it in an open catalogue, or -1 when a closed catalogue lacks it.</summary>
    internal int ResolveItem(ReadOnlySpan<char> id) =>
        _items is not null ? _items.GetOrAdd(id) : _catalog!.Items.TryGetIndex(id, out int i) ? i : -1;

    /// <summary>Adds a resolved rating with a caller's tag (a loader's line number) reported on duplicates.</summary>
    internal void AddTagged(int user, int item, float value, long? timestamp, int tag)
    {
        if (_tags is null)
        {
            _tags = new int[_u.Length];
            for (int k = 0; k < _count; k++)
            {
                _tags[k] = k + 1;
            }
        }

        AddCore(user, item, value, timestamp, tag);
    }

    /// <summary>The tag of entry <paramref name="entry"/>: the loader's line number, else its 1-based insertion number.</summary>
    internal int TagOf(int entry) => _tags is null ? entry + 1 : _tags[entry];

    internal Catalog CurrentCatalog() => _catalog ?? new Catalog(_users!.Build(), _items!.Build());

    /// <summary>Builds, or returns null with the two insertion positions of the first rejected duplicate.</summary>
    internal RatingsDataset? TryBuild(out int firstDuplicate, out int secondDuplicate)
    {
        Catalog catalog = CurrentCatalog();
        return TryCollapse(catalog.UserCount, catalog.ItemCount, out UserMajorRows rows, out firstDuplicate, out secondDuplicate)
            ? rows.ToDataset(catalog)
            : null;
    }

    /// <summary>
    /// Sorts the ratings by (user, item) and applies the duplicate policy: user-major rows over
    /// <paramref name="users"/> users, or false with the two insertion positions of the first rejected duplicate.
    /// </summary>
    /// <param name="users">The number of users so far (more than every user index added).</param>
    /// <param name="items">The number of items so far (more than every item index added).</param>
    /// <param name="rows">The rows, when there is no rejected duplicate.</param>
    /// <param name="firstDuplicate">The insertion position of the rejected pair's first rating, else -1.</param>
    /// <param name="secondDuplicate">The insertion position of the rejected pair's second rating, else -1.</param>
    internal bool TryCollapse(int users, int items, out UserMajorRows rows, out int firstDuplicate, out int secondDuplicate)
    {
        firstDuplicate = secondDuplicate = -1;
        rows = default;
        int n = _count;

        // Stable counting sort by item, then by user: order by (user, item, insertion).
        int[] byItem = CountingSort(_i, n, items, null);
        int[] order = CountingSort(_u, n, users, byItem);

        var offsets = new int[users + 1];
        var outItems = new int[n];
        var outValues = new float[n];
        long[]? outTs = _allTimestamps ? new long[n] : null;
        int w = 0;
        for (int s = 0; s < n;)
        {
            int k = order[s];
            int u = _u[k], it = _i[k];
            int e = s + 1;
            while (e < n && _u[order[e]] == u && _i[order[e]] == it)
            {
                e++;
            }

            float value;
            long ts = _t[k];
            if (e - s == 1)
            {
                value = _v[k];
            }
            else if (Duplicates == DuplicatePolicy.Reject)
            {
                firstDuplicate = order[s];
                secondDuplicate = order[s + 1];
                return false;
            }
            else if (Duplicates == DuplicatePolicy.KeepLast)
            {
                int last = order[e - 1];
                value = _v[last];
                ts = _t[last];
            }
            else
            {
                double sum = 0;
                for (int q = s; q < e; q++)
                {
                    sum += _v[order[q]];
                    ts = Math.Max(ts, _t[order[q]]);
                }

                value = (float)(sum / (e - s));
            }

            outItems[w] = it;
            outValues[w] = value;
            if (outTs is not null)
            {
                outTs[w] = ts;
            }

            offsets[u + 1]++;
            w++;
            s = e;
        }

        for (int u = 0; u < users; u++)
        {
            offsets[u + 1] += offsets[u];
        }

        if (w < n)
        {
            Array.Resize(ref outItems, w);
            Array.Resize(ref outValues, w);
            if (outTs is not null)
            {
                Array.Resize(ref outTs, w);
            }
        }

        rows = new UserMajorRows(offsets, outItems, outValues, outTs);
        return true;
    }

    private static int[] CountingSort(int[] keys, int n, int keyCount, int[]? input)
    {
        var start = new int[keyCount + 1];
        for (int k = 0; k < n; k++)
        {
            start[keys[k] + 1]++;
        }

        for (int c = 0; c < keyCount; c++)
        {
            start[c + 1] += start[c];
        }

        var result = new int[n];
        for (int s = 0; s < n; s++)
        {
            int k = input is null ? s : input[s];
            result[start[keys[k]]++] = k;
        }

        return result;
    }

    private static void CheckValue(float value)
    {
        if (!float.IsFinite(value))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(value), value, "a finite number");
        }
    }

    private void AddCore(int user, int item, float value, long? timestamp, int tag)
    {
        if (_count == _u.Length)
        {
            int size = _count * 2;
            Array.Resize(ref _u, size);
            Array.Resize(ref _i, size);
            Array.Resize(ref _v, size);
            Array.Resize(ref _t, size);
            if (_tags is not null)
            {
                Array.Resize(ref _tags, size);
            }
        }

        _u[_count] = user;
        _i[_count] = item;
        _v[_count] = value;
        _t[_count] = timestamp ?? 0;
        _allTimestamps &= timestamp.HasValue;
        if (_tags is not null)
        {
            _tags[_count] = tag;
        }

        _count++;
    }

    /// <summary>Ratings sorted by (user, item) without duplicates, over the users known when they were collapsed.</summary>
    /// <param name="Offsets">The row offsets, one per user so far plus one.</param>
    /// <param name="Items">The item of each rating.</param>
    /// <param name="Values">The value of each rating.</param>
    /// <param name="Timestamps">The timestamp of each rating, or <see langword="null"/> when some rating had none.</param>
    internal readonly record struct UserMajorRows(int[] Offsets, int[] Items, float[] Values, long[]? Timestamps)
    {
        /// <summary>The dataset over <paramref name="catalog"/>, whose id maps extend those the rows were collapsed over (users added since have no ratings); takes ownership of the arrays.</summary>
        public RatingsDataset ToDataset(Catalog catalog, LoadReport? loadReport = null)
        {
            int[] offsets = Offsets;
            if (offsets.Length < catalog.UserCount + 1)
            {
                int[] padded = new int[catalog.UserCount + 1];
                offsets.CopyTo(padded, 0);
                padded.AsSpan(offsets.Length).Fill(offsets[^1]);
                offsets = padded;
            }

            return RatingsDataset.FromUserMajor(catalog, offsets, Items, Values, Timestamps, loadReport);
        }
    }
}
