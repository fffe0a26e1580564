using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// The observed entries of an N×M ratings matrix over a <see cref="Data.Catalog"/>. Immutable once
/// built: a user-major view (<see cref="ByUser"/>) and an item-major view (<see cref="ByItem"/>).
/// Ratings are enumerated and indexed in user-major order (by user, then by item). Build one with
/// <see cref="RatingsDatasetBuilder"/> or a loader such as <c>MovieLens</c>; safe to share between threads.
/// </summary>
/// <remarks>
/// Memory: 8 bytes per rating per view (an <see cref="int"/> index and a <see cref="float"/> value),
/// 16 bytes per rating in all, plus 4 bytes per user and per item for the row offsets, and 8 bytes
/// per rating when timestamps are kept. A dataset from <see cref="Where"/> or
/// <see cref="DatasetSplitter"/> is a view: it holds one bit per rating of the dataset it was cut
/// from (one bitmap shared by the two sides of a split; k-fold splits share one 4-byte fold label
/// per rating, for all folds together) and reads that dataset's storage. Explicit and implicit ALS,
/// the ALS update, biased SGD, Bayesian MF, the evaluators (<c>RegressionMetrics</c>, <c>RankingMetrics</c>,
/// <c>CrossValidation</c>, <c>PopularityBaseline</c>), <c>Recommender</c>'s exclusions and
/// <c>DatasetStatistics</c>' counts and means read a view in place, through the parent's rows and the
/// bits, so a split costs no copy of the ratings (SVD++, BPR and the softmax model gather the members
/// into their own user-major CSR for the length of a fit); once its item-major side has been read the
/// view keeps a second bitmap (one bit per parent rating, in item-major order) and its row offsets
/// (4 bytes per user and per item). A view builds its own CSR the first time you read
/// <see cref="ByUser"/> or <see cref="ByItem"/> (or enumerate or index it), since <see cref="CsrView"/>
/// promises contiguous rows: 8 bytes per member rating per side; once it has built everything it can be
/// asked for, it lets go of the dataset it was cut from.
/// Full-batch GD, kNN, EASE and the factorization machine still read the public views (with the
/// item-to-user link), so a view they train on builds its CSR.
/// </remarks>
public sealed class RatingsDataset : IReadOnlyList<Rating>
{
    private readonly Lock _gate = new();
    private CsrView? _byUser;
    private CsrView? _byItem;
    private long[]? _timestamps;
    private RatingRows? _userRows;
    private RatingRows? _itemRows;

    // A view: the members are the positions of _root (a dataset with storage of its own) that
    // _membership selects. Both are cleared once the view has built everything.
    private RatingsDataset? _root;
    private Membership? _membership;
    private readonly bool _hasTimestamps;

    private RatingsDataset(Catalog catalog, CsrView byUser, CsrView byItem, long[]? timestamps, LoadReport? loadReport)
    {
        Catalog = catalog;
        LoadReport = loadReport;
        _byUser = byUser;
        _byItem = byItem;
        _timestamps = timestamps;
        _hasTimestamps = timestamps is not null;
        Count = byUser.NonZeroCount;
        ReadOnlySpan<float> values = byUser.Values;
        ValueRange = values.IsEmpty ? null : new RatingRange(TensorPrimitives.Min(values), TensorPrimitives.Max(values));
    }

    private RatingsDataset(RatingsDataset root, Membership membership, int count)
    {
        Debug.Assert(root._root is null, "A view's root has storage of its own.");
        Catalog = root.Catalog;
        _root = root;
        _membership = membership;
        _hasTimestamps = root._hasTimestamps;
        Count = count;
        ValueRange = MemberRange(root.ByUser.ValueArray, membership);
    }

    /// <summary>The users and items this dataset's indices refer to.</summary>
    public Catalog Catalog { get; }

    /// <summary>N: the number of users in the catalogue, whether or not they have ratings here.</summary>
    public int UserCount => Catalog.UserCount;

    /// <summary>M: the number of items in the catalogue, whether or not they have ratings here.</summary>
    public int ItemCount => Catalog.ItemCount;

    /// <summary>The number of ratings.</summary>
    public int Count { get; }

    /// <summary>User-major view: row <c>u</c> lists the items user <c>u</c> rated, ascending, with the ratings. A view (a split or subset) builds it on first read (8 bytes per rating); the library's ALS, SGD, evaluators and recommenders never ask for it.</summary>
    public CsrView ByUser => _byUser ?? BuildByUser();

    /// <summary>Item-major view: row <c>i</c> lists the users who rated item <c>i</c>, ascending, with the ratings. A view (a split or subset) builds it on first read (8 bytes per rating, and its user-major view first); the library's ALS, SGD, evaluators and recommenders never ask for it.</summary>
    public CsrView ByItem => _byItem ?? BuildByItem();

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
    public bool HasTimestamps => _hasTimestamps;

    /// <summary>Timestamps (seconds since the Unix epoch) in user-major order, aligned with <see cref="CsrView.Values"/> of <see cref="ByUser"/>; empty when <see cref="HasTimestamps"/> is false.</summary>
    public ReadOnlySpan<long> Timestamps => TimestampArray;

    internal long[]? TimestampArray => _hasTimestamps ? _timestamps ?? BuildTimestamps() : null;

    /// <summary>Whether this dataset is a view that has not yet built all its storage (it still holds the dataset it was cut from).</summary>
    internal bool IsPendingView => Volatile.Read(ref _root) is not null;

    /// <summary>Whether this dataset holds a user-major CSR of its own (always, unless it is a view that nothing has read <see cref="ByUser"/> of).</summary>
    internal bool HasOwnUserMajor => Volatile.Read(ref _byUser) is not null;

    /// <summary>Whether this dataset holds an item-major CSR of its own (always, unless it is a view that nothing has read <see cref="ByItem"/> of).</summary>
    internal bool HasOwnItemMajor => Volatile.Read(ref _byItem) is not null;

    /// <summary>
    /// The user-major rows as the library's trainers and evaluators read them: this dataset's own
    /// <see cref="ByUser"/> when it has one, else the root's user-major CSR restricted to the view's
    /// members (4 bytes per user for the row offsets; a k-fold's two sides add one bitmap of the fold's labels, one bit per root rating).
    /// Reading them never makes a view build a CSR of its own.
    /// </summary>
    internal RatingRows UserRows => Volatile.Read(ref _userRows) ?? BuildUserRows();

    /// <summary>
    /// The item-major rows, like <see cref="UserRows"/>: for a view, the root's item-major CSR with an
    /// item-major membership bitmap built on first use (one bit per root rating, 4 bytes per item).
    /// </summary>
    internal RatingRows ItemRows => Volatile.Read(ref _itemRows) ?? BuildItemRows();

    /// <summary>
    /// For each entry of <see cref="ByItem"/>, the position of the same rating in <see cref="ByUser"/>:
    /// built on each call (O(ratings), 4 bytes per rating) and not kept, so a dataset costs nothing
    /// for it unless a trainer that needs it is running.
    /// </summary>
    internal int[] ItemToUserPositions()
    {
        CsrView byUser = ByUser, byItem = ByItem;
        int[] userOffsets = byUser.RowOffsetArray, items = byUser.ColumnArray;
        int[] cursor = byItem.RowOffsetArray.AsSpan(0, ItemCount).ToArray();
        var link = new int[Count];
        for (int u = 0; u < UserCount; u++)
        {
            for (int p = userOffsets[u]; p < userOffsets[u + 1]; p++)
            {
                link[cursor[items[p]]++] = p;
            }
        }

        return link;
    }

    /// <summary>The <paramref name="index"/>-th rating in user-major order (a binary search over users).</summary>
    /// <param name="index">A position in <c>[0, Count)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    public Rating this[int index]
    {
        get
        {
            ThrowHelper.ThrowIfIndexOutOfRange(index, Count, nameof(index));
            int user = UserOfPosition(index);
            CsrView byUser = ByUser;
            return new Rating(new UserIndex(user), new ItemIndex(byUser.ColumnArray[index]), byUser.ValueArray[index], TimestampArray?[index]);
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
    /// same catalogue. The result keeps the catalogue's N and M. It is a view: it holds one bit per
    /// rating of the dataset it was cut from and builds its own CSR views when they are first asked for.
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

        var bits = new ulong[BitWords(keep.Length)];
        for (int p = 0; p < keep.Length; p++)
        {
            if (keep[p])
            {
                bits[p >> 6] |= 1UL << p;
            }
        }

        return Split(bits).Test;
    }

    /// <summary>
    /// The two complementary views of this dataset's ratings: <c>Test</c> holds the positions (user-major
    /// order) whose bit is set in <paramref name="selected"/>, <c>Train</c> the others. When this dataset
    /// has storage of its own both views share <paramref name="selected"/> (one bit per rating in all);
    /// when it is itself a view, the selection is translated into one bitmap over its root.
    /// </summary>
    /// <param name="selected">One bit per rating, <c>(Count + 63) / 64</c> words; the caller gives up ownership.</param>
    internal DatasetSplit Split(ulong[] selected)
    {
        Debug.Assert(selected.Length == BitWords(Count));
        int chosen = PopCount(selected, Count);
        RatingsDataset? root = Volatile.Read(ref _root);
        Membership? membership = Volatile.Read(ref _membership);
        if (root is null || membership is null)
        {
            // Storage of its own: from the start, or a view that has built everything.
            return new DatasetSplit(
                new RatingsDataset(this, new Membership(selected, null, 0, Complement: true), Count - chosen),
                new RatingsDataset(this, new Membership(selected, null, 0, Complement: false), chosen));
        }

        // Position k of this view is the k-th member of the root: mark the root positions of the
        // selected members in one bitmap (test), and of this view's other members in a second (train).
        int rootCount = root.Count, k = 0;
        var test = new ulong[BitWords(rootCount)];
        var train = new ulong[BitWords(rootCount)];
        for (int p = 0; p < rootCount; p++)
        {
            if (membership.Contains(p))
            {
                if (((selected[k >> 6] >> k) & 1) != 0)
                {
                    test[p >> 6] |= 1UL << p;
                }
                else
                {
                    train[p >> 6] |= 1UL << p;
                }

                k++;
            }
        }

        return new DatasetSplit(
            new RatingsDataset(root, new Membership(train, null, 0, Complement: false), Count - chosen),
            new RatingsDataset(root, new Membership(test, null, 0, Complement: false), chosen));
    }

    /// <summary>
    /// The <paramref name="folds"/> splits of k-fold cross-validation over a dataset with storage of its
    /// own: split <c>f</c> tests on the positions labelled <c>f</c> and trains on the others. All the
    /// views share <paramref name="labels"/>, 4 bytes per rating for every fold together.
    /// </summary>
    /// <param name="labels">The fold of each position, in <c>[0, folds)</c>; the caller gives up ownership.</param>
    /// <param name="folds">The number of folds.</param>
    /// <param name="cancellationToken">Checked before each fold's split.</param>
    internal DatasetSplit[] FoldSplits(int[] labels, int folds, CancellationToken cancellationToken)
    {
        Debug.Assert(labels.Length == Count);
        if (Volatile.Read(ref _root) is not null)
        {
            // A view builds its storage, lets go of its root, and becomes the folds' root.
            _ = ByItem;
            _ = TimestampArray;
        }

        RatingsDataset root = this;

        var sizes = new int[folds];
        foreach (int label in labels)
        {
            sizes[label]++;
        }

        var splits = new DatasetSplit[folds];
        for (int f = 0; f < folds; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The two sides of a fold share one bitmap of its labels, built when a trainer first reads them.
            int fold = f;
            var foldBits = new Lazy<ulong[]>(() => LabelBits(labels, fold), LazyThreadSafetyMode.ExecutionAndPublication);
            splits[f] = new DatasetSplit(
                new RatingsDataset(root, new Membership(null, labels, f, Complement: true, foldBits), Count - sizes[f]),
                new RatingsDataset(root, new Membership(null, labels, f, Complement: false, foldBits), sizes[f]));
        }

        return splits;
    }

    /// <summary>A bitmap of the positions of <paramref name="labels"/> equal to <paramref name="label"/>.</summary>
    private static ulong[] LabelBits(int[] labels, int label)
    {
        var bits = new ulong[BitWords(labels.Length)];
        for (int p = 0; p < labels.Length; p++)
        {
            if (labels[p] == label)
            {
                bits[p >> 6] |= 1UL << p;
            }
        }

        return bits;
    }

    /// <summary>The number of 64-bit words of a bitmap over <paramref name="count"/> positions.</summary>
    internal static int BitWords(int count) => (int)(((long)count + 63) >> 6);

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
        var byUser = new CsrView(catalog.ItemCount, userOffsets, items, values);
        return new RatingsDataset(catalog, byUser, Transpose(byUser, catalog.UserCount), timestamps, loadReport);
    }

    /// <summary>The item-major view of a user-major one: rows sorted by user, since users are visited in order.</summary>
    private static CsrView Transpose(CsrView byUser, int userCount)
    {
        int[] userOffsets = byUser.RowOffsetArray, items = byUser.ColumnArray;
        float[] values = byUser.ValueArray;
        int n = items.Length;
        int itemCount = byUser.ColumnCount;
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
        for (int u = 0; u < userCount; u++)
        {
            for (int p = userOffsets[u]; p < userOffsets[u + 1]; p++)
            {
                int dst = cursor[items[p]]++;
                users[dst] = u;
                itemValues[dst] = values[p];
            }
        }

        return new CsrView(userCount, itemOffsets, users, itemValues);
    }


    private static int PopCount(ulong[] bits, int count)
    {
        int total = 0;
        for (int w = 0; w < bits.Length; w++)
        {
            ulong word = bits[w];
            int valid = count - (w << 6);
            if (valid < 64)
            {
                word &= (1UL << valid) - 1;
            }

            total += BitOperations.PopCount(word);
        }

        return total;
    }

    private static RatingRange? MemberRange(float[] values, Membership membership)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int p = 0; p < values.Length; p++)
        {
            if (membership.Contains(p))
            {
                min = Math.Min(min, values[p]);
                max = Math.Max(max, values[p]);
            }
        }

        return min <= max ? new RatingRange(min, max) : null;
    }

    private CsrView BuildByUser()
    {
        lock (_gate)
        {
            if (_byUser is { } built)
            {
                return built;
            }

            RatingsDataset root = _root!;
            Membership membership = _membership!;
            CsrView source = root.ByUser;
            int[] sourceOffsets = source.RowOffsetArray, sourceItems = source.ColumnArray;
            float[] sourceValues = source.ValueArray;
            var offsets = new int[UserCount + 1];
            var items = new int[Count];
            var values = new float[Count];
            int w = 0;
            for (int u = 0; u < UserCount; u++)
            {
                for (int p = sourceOffsets[u]; p < sourceOffsets[u + 1]; p++)
                {
                    if (membership.Contains(p))
                    {
                        items[w] = sourceItems[p];
                        values[w] = sourceValues[p];
                        w++;
                    }
                }

                offsets[u + 1] = w;
            }

            Debug.Assert(w == Count);
            var view = new CsrView(ItemCount, offsets, items, values);
            Volatile.Write(ref _byUser, view);
            ReleaseRootIfComplete();
            return view;
        }
    }

    private CsrView BuildByItem()
    {
        CsrView byUser = ByUser;
        lock (_gate)
        {
            if (_byItem is { } built)
            {
                return built;
            }

            var view = Transpose(byUser, UserCount);
            Volatile.Write(ref _byItem, view);
            ReleaseRootIfComplete();
            return view;
        }
    }

    private RatingRows BuildUserRows()
    {
        lock (_gate)
        {
            if (_userRows is { } built)
            {
                return built;
            }

            RatingRows rows;
            if (_byUser is { } own)
            {
                rows = RatingRows.Of(own);
            }
            else
            {
                RatingsDataset root = _root!;
                Membership membership = _membership!;
                rows = RatingRows.Members(root.ByUser, membership.Bits ?? membership.LabelBits(), membership.Complement);
            }

            Volatile.Write(ref _userRows, rows);
            return rows;
        }
    }

    private RatingRows BuildItemRows()
    {
        RatingRows userRows = UserRows;

        // A view that built its user-major CSR builds its item-major one from it (a transpose).
        CsrView? ownByItem = userRows.IsView ? null : ByItem;
        lock (_gate)
        {
            if (_itemRows is { } built)
            {
                return built;
            }

            RatingRows rows;
            if ((ownByItem ?? _byItem) is { } own)
            {
                rows = RatingRows.Of(own);
            }
            else
            {
                // Walk the root user-major, following each rating to its item-major position, and
                // mark the members' item-major positions.
                CsrView rootByItem = _root!.ByItem;
                int[] userOffsets = userRows.SourceOffsets, items = userRows.Columns;
                int[] cursor = rootByItem.RowOffsetArray.AsSpan(0, ItemCount).ToArray();
                var bits = new ulong[BitWords(rootByItem.NonZeroCount)];
                for (int u = 0; u < UserCount; u++)
                {
                    for (int p = userOffsets[u]; p < userOffsets[u + 1]; p++)
                    {
                        int q = cursor[items[p]]++;
                        if (userRows.IsMember(p))
                        {
                            bits[q >> 6] |= 1UL << q;
                        }
                    }
                }

                rows = RatingRows.Members(rootByItem, bits, complement: false);
            }

            Volatile.Write(ref _itemRows, rows);
            return rows;
        }
    }

    private long[] BuildTimestamps()
    {
        lock (_gate)
        {
            if (_timestamps is { } built)
            {
                return built;
            }

            long[] source = _root!.TimestampArray!;
            Membership membership = _membership!;
            var timestamps = new long[Count];
            int w = 0;
            for (int p = 0; p < source.Length; p++)
            {
                if (membership.Contains(p))
                {
                    timestamps[w++] = source[p];
                }
            }

            Volatile.Write(ref _timestamps, timestamps);
            ReleaseRootIfComplete();
            return timestamps;
        }
    }

    /// <summary>Under the lock: once both views (and the timestamps, if any) are built, the root and the bitmap are no longer needed.</summary>
    private void ReleaseRootIfComplete()
    {
        if (_byUser is not null && _byItem is not null && (!_hasTimestamps || _timestamps is not null))
        {
            Volatile.Write(ref _root, null);
            Volatile.Write(ref _membership, null);

            // Rows read through the root would keep it alive: read the own storage from now on.
            Volatile.Write(ref _userRows, null);
            Volatile.Write(ref _itemRows, null);
        }
    }

    /// <summary>
    /// Which positions of a root a view holds: those whose bit in <paramref name="Bits"/> is set, or
    /// (with <paramref name="Labels"/>) those labelled <paramref name="Label"/>; the opposite with
    /// <paramref name="Complement"/>, so the two sides of a split share one array.
    /// </summary>
    private sealed record Membership(ulong[]? Bits, int[]? Labels, int Label, bool Complement, Lazy<ulong[]>? LabelBitmap = null)
    {
        public bool Contains(int position) => Bits is not null
            ? (((Bits[position >> 6] >> position) & 1) != 0) != Complement
            : (Labels![position] == Label) != Complement;

        /// <summary>A bitmap of the positions labelled <see cref="Label"/> (before <see cref="Complement"/>), for a k-fold view's rows: one per fold, shared by its two sides.</summary>
        public ulong[] LabelBits() => LabelBitmap?.Value ?? RatingsDataset.LabelBits(Labels!, Label);
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
                CsrView byUser = d.ByUser;
                return new Rating(new UserIndex(_user), new ItemIndex(byUser.ColumnArray[_position]), byUser.ValueArray[_position], d.TimestampArray?[_position]);
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
