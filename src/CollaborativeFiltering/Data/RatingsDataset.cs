using System.Collections;
using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// The observed entries of an N×M ratings matrix over a <see cref="Data.Catalog"/>. Immutable once
/// built: a user-major view (<see cref="ByUser"/>) and an item-major view (<see cref="ByItem"/>) are
/// built once at construction. Ratings are enumerated and indexed in user-major order (by user,
/// then by item). Build one with <see cref="RatingsDatasetBuilder"/> or a loader such as
/// <c>MovieLens</c>; safe to share between threads.
/// </summary>
/// <remarks>
/// Memory: 8 bytes per rating per view (an <see cref="int"/> index and a <see cref="float"/> value)
/// plus a 4-byte link from the item view to the user view: 20 bytes per rating, plus 8 when
/// timestamps are kept.
/// </remarks>
public sealed class RatingsDataset : IReadOnlyList<Rating>
{
    private readonly long[]? _timestamps;

    private RatingsDataset(Catalog catalog, CsrView byUser, CsrView byItem, int[] itemToUserPosition, long[]? timestamps, LoadReport? loadReport)
    {
        Catalog = catalog;
        LoadReport = loadReport;
        ByUser = byUser;
        ByItem = byItem;
        ItemToUserPosition = itemToUserPosition;
        _timestamps = timestamps;
        ReadOnlySpan<float> values = byUser.Values;
        ValueRange = values.IsEmpty ? null : new RatingRange(TensorPrimitives.Min(values), TensorPrimitives.Max(values));
    }

    /// <summary>The users and items this dataset's indices refer to.</summary>
    public Catalog Catalog { get; }

    /// <summary>N: the number of users in the catalogue, whether or not they have ratings here.</summary>
    public int UserCount => ByUser.RowCount;

    /// <summary>M: the number of items in the catalogue, whether or not they have ratings here.</summary>
    public int ItemCount => ByItem.RowCount;

    /// <summary>The number of ratings.</summary>
    public int Count => ByUser.NonZeroCount;

    /// <summary>User-major view: row <c>u</c> lists the items user <c>u</c> rated, ascending, with the ratings.</summary>
    public CsrView ByUser { get; }

    /// <summary>Item-major view: row <c>i</c> lists the users who rated item <c>i</c>, ascending, with the ratings.</summary>
    public CsrView ByItem { get; }

    /// <summary>
    /// The lowest and highest rating value present, computed once at construction (one vectorised
    /// pass); <see langword="null"/> when the dataset is empty. The explicit-rating factorizers clamp
    /// their predictions to the training set's range (see <see cref="Factorization.FactorizationModel.PredictionRange"/>).
    /// </summary>
    public RatingRange? ValueRange { get; }

    /// <summary>
    /// What the loader read to build this dataset (files, encodings, counts, warnings), when it came
    /// from <see cref="MovieLens"/> or <see cref="DelimitedRatingsReader"/>; <see langword="null"/> for
    /// a dataset built otherwise, including the splits and subsets of a loaded one.
    /// </summary>
    public LoadReport? LoadReport { get; }

    /// <summary>Whether every rating has a timestamp.</summary>
    public bool HasTimestamps => _timestamps is not null;

    /// <summary>Timestamps (seconds since the Unix epoch) in user-major order, aligned with <see cref="CsrView.Values"/> of <see cref="ByUser"/>; empty when <see cref="HasTimestamps"/> is false.</summary>
    public ReadOnlySpan<long> Timestamps => _timestamps;

    /// <summary>For each entry of <see cref="ByItem"/>, the position of the same rating in <see cref="ByUser"/>.</summary>
    internal int[] ItemToUserPosition { get; }

    internal long[]? TimestampArray => _timestamps;

    /// <summary>The <paramref name="index"/>-th rating in user-major order (a binary search over users).</summary>
    /// <param name="index">A position in <c>[0, Count)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    public Rating this[int index]
    {
        get
        {
            ThrowHelper.ThrowIfIndexOutOfRange(index, Count, nameof(index));
            int user = UserOfPosition(index);
            return new Rating(new UserIndex(user), new ItemIndex(ByUser.ColumnArray[index]), ByUser.ValueArray[index], _timestamps?[index]);
        }
    }

    /// <summary>Enumerates the ratings in user-major order without allocating.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Rating> IEnumerable<Rating>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>An empty dataset over a catalogue, e.g. a split with nothing held out.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <returns>A dataset with no ratings.</returns>
    public static RatingsDataset Empty(Catalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return FromUserMajor(catalog, new int[catalog.UserCount + 1], [], [], null);
    }

    /// <summary>
    /// The ratings whose positions (user-major order) are flagged in <paramref name="keep"/>, over the
    /// same catalogue. The result keeps the catalogue's N and M.
    /// </summary>
    /// <param name="keep">One flag per rating, length <see cref="Count"/>.</param>
    /// <returns>The subset.</returns>
    /// <exception cref="ArgumentException"><paramref name="keep"/> has the wrong length.</exception>
    public RatingsDataset Where(ReadOnlySpan<bool> keep)
    {
        if (keep.Length != Count)
        {
            ThrowHelper.Argument(nameof(keep), string.Create(CultureInfo.InvariantCulture, $"keep has {keep.Length} flags but the dataset has {Count} ratings."));
        }

        int n = 0;
        foreach (bool k in keep)
        {
            n += k ? 1 : 0;
        }

        var offsets = new int[UserCount + 1];
        var items = new int[n];
        var values = new float[n];
        long[]? ts = _timestamps is null ? null : new long[n];
        int[] srcOffsets = ByUser.RowOffsetArray;
        int w = 0;
        for (int u = 0; u < UserCount; u++)
        {
            for (int p = srcOffsets[u]; p < srcOffsets[u + 1]; p++)
            {
                if (keep[p])
                {
                    items[w] = ByUser.ColumnArray[p];
                    values[w] = ByUser.ValueArray[p];
                    if (ts is not null)
                    {
                        ts[w] = _timestamps![p];
                    }

                    w++;
                }
            }

            offsets[u + 1] = w;
        }

        return FromUserMajor(Catalog, offsets, items, values, ts);
    }

    /// <summary>The dense user index owning position <paramref name="position"/> of <see cref="ByUser"/>.</summary>
    internal int UserOfPosition(int position)
    {
        // Last u with offsets[u] <= position, skipping empty rows.
        ReadOnlySpan<int> offsets = ByUser.RowOffsetArray;
        int lo = 0, hi = offsets.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= position)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>Builds both views from a user-major CSR whose rows are sorted by item without duplicates; takes ownership of the arrays.</summary>
    internal static RatingsDataset FromUserMajor(Catalog catalog, int[] userOffsets, int[] items, float[] values, long[]? timestamps, LoadReport? loadReport = null)
    {
        int n = items.Length;
        int itemCount = catalog.ItemCount;
        var itemOffsets = new int[itemCount + 1];
        foreach (int i in items)
        {
            itemOffsets[i + 1]++;
        }

        for (int i = 0; i < itemCount; i++)
        {
            itemOffsets[i + 1] += itemOffsets[i];
        }

        var cursor = itemOffsets.AsSpan(0, itemCount).ToArray();
        var users = new int[n];
        var itemValues = new float[n];
        var link = new int[n];
        for (int u = 0; u < catalog.UserCount; u++)
        {
            for (int p = userOffsets[u]; p < userOffsets[u + 1]; p++)
            {
                int dst = cursor[items[p]]++;
                users[dst] = u;
                itemValues[dst] = values[p];
                link[dst] = p;
            }
        }

        var byUser = new CsrView(itemCount, userOffsets, items, values);
        var byItem = new CsrView(catalog.UserCount, itemOffsets, users, itemValues);
        return new RatingsDataset(catalog, byUser, byItem, link, timestamps, loadReport);
    }

    /// <summary>Enumerates ratings in user-major order.</summary>
    public struct Enumerator : IEnumerator<Rating>
    {
        private readonly RatingsDataset _dataset;
        private int _position;
        private int _user;

        internal Enumerator(RatingsDataset dataset)
        {
            _dataset = dataset;
            _position = -1;
            _user = 0;
        }

        /// <summary>The current rating.</summary>
        public readonly Rating Current
        {
            get
            {
                var d = _dataset;
                return new Rating(new UserIndex(_user), new ItemIndex(d.ByUser.ColumnArray[_position]), d.ByUser.ValueArray[_position], d._timestamps?[_position]);
            }
        }

        readonly object IEnumerator.Current => Current;

        /// <summary>Advances to the next rating.</summary>
        /// <returns><see langword="false"/> after the last rating.</returns>
        public bool MoveNext()
        {
            if (++_position >= _dataset.Count)
            {
                _position = _dataset.Count;
                return false;
            }

            int[] offsets = _dataset.ByUser.RowOffsetArray;
            while (offsets[_user + 1] <= _position)
            {
                _user++;
            }

            return true;
        }

        /// <summary>Restarts the enumeration.</summary>
        public void Reset()
        {
            _position = -1;
            _user = 0;
        }

        /// <summary>Does nothing.</summary>
        public readonly void Dispose()
        {
        }
    }

    /// <summary>E.g. <c>943 users × 1682 items, 100000 ratings from 1 to 5</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Count(UserCount)} users × {Display.Count(ItemCount)} items, {Display.Count(Count)} ratings") + (ValueRange is { } range ? string.Create(CultureInfo.InvariantCulture, $" from {Display.Number(range.Min)} to {Display.Number(range.Max)}") : "");
}
