using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;

namespace CollaborativeFiltering.Factorization.Als;

/// <summary>
/// The incremental ALS update: the old model's rows are kept, the new users and items appended, and
/// only the affected rows are re-solved — each by the same weighted-λ ridge regression as a full ALS
/// half-sweep (<see cref="AlsTraining"/>), over the row's old and new ratings, against the other
/// side's current factors, which stay fixed while the row is solved. μ stays the old model's.
/// A row's ratings are its training row merged with its new ratings (a new rating of a pair already
/// rated replaces the old value). Rows are solved in parallel, each by one thread from fixed data, so
/// the result is the same for any thread count.
/// </summary>
internal sealed class AlsIncremental
{
    private readonly int _d;
    private readonly int _order;
    private readonly int _stride;
    private readonly bool _biases;
    private readonly AlsPenalty _userPenalty;
    private readonly AlsPenalty _itemPenalty;
    private readonly float _mu;
    private readonly int _threads;

    private readonly float[] _u;
    private readonly float[] _v;
    private readonly float[] _bu;
    private readonly float[] _bv;

    // Merged ratings of the affected rows (CSR over the affected rows only, in merged indices).
    private readonly Rows _userRows;
    private readonly Rows _itemRows;

    private long _visits;

    private AlsIncremental(int d, bool biases, AlsPenalty userPenalty, AlsPenalty itemPenalty, float mu, int threads, float[] u, float[] v, float[] bu, float[] bv, Rows userRows, Rows itemRows)
    {
        _d = d;
        _order = d + (biases ? 1 : 0);
        _stride = CholeskySolver.PaddedOrder(_order);
        _biases = biases;
        _userPenalty = userPenalty;
        _itemPenalty = itemPenalty;
        _mu = mu;
        _threads = threads;
        _u = u;
        _v = v;
        _bu = bu;
        _bv = bv;
        _userRows = userRows;
        _itemRows = itemRows;
    }

    public static AlsUpdate Run(FactorizationModel model, RatingsDataset train, RatingsDataset newRatings, double lambda, double exponent, int threads, AlsUpdateOptions options, CancellationToken cancellationToken)
    {
        Catalog old = model.Catalog;
        (Catalog merged, int[] userMap, int[] itemMap) = MergeCatalog(old, newRatings);
        int n = merged.UserCount, m = merged.ItemCount, d = model.Dimensions;
        bool biases = model.HasBiases;

        // The new ratings in merged indices, by user and by item.
        var newByUser = Group(newRatings, userMap, itemMap, n, byUser: true);
        var newByItem = Group(newRatings, userMap, itemMap, m, byUser: false);

        // Both sets are read through their row sources, so a split passed in is never materialised.
        Rows userRows = Affected(train.UserRows, old.UserCount, newByUser, n, options.MinNewShare);
        Rows itemRows = Affected(train.ItemRows, old.ItemCount, newByItem, m, options.MinNewShare);

        var u = new float[n * d];
        var v = new float[m * d];
        model.UserEmbeddings.CopyTo(u);
        model.ItemEmbeddings.CopyTo(v);
        var bu = new float[biases ? n : 0];
        var bv = new float[biases ? m : 0];
        model.UserBiases.CopyTo(bu);
        model.ItemBiases.CopyTo(bv);

        // A row's penalty weight uses the mean count of its side over the old and the new ratings, as a full fit on both would.
        long ratings = (long)train.Count + newRatings.Count;
        var update = new AlsIncremental(d, biases, new AlsPenalty(lambda, exponent, ratings, n), new AlsPenalty(lambda, exponent, ratings, m), model.GlobalMean, threads, u, v, bu, bv, userRows, itemRows);
        int usersSolved = 0, itemsSolved = 0;

        // New items first: they have no factors yet, and the users' solves read them.
        int newItems = m - old.ItemCount;
        if (newItems > 0)
        {
            itemsSolved += update.Solve(itemRows, user: false, onlyFrom: old.ItemCount, cancellationToken);
        }

        for (int sweep = 0; sweep < options.Sweeps; sweep++)
        {
            usersSolved += update.Solve(userRows, user: true, onlyFrom: 0, cancellationToken);
            itemsSolved += update.Solve(itemRows, user: false, onlyFrom: 0, cancellationToken);
        }

        var result = new FactorizationModel(merged, d, u, v, biases ? bu : null, biases ? bv : null, model.GlobalMean, model.Options, model.PredictionRange, model.TrainingScale,
            support: model.Support is { } before ? ExtendSupport(before, newByUser, newByItem) : null);
        return new AlsUpdate(result, n - old.UserCount, newItems, usersSolved, itemsSolved, update._visits);
    }

    /// <summary>Solves the listed rows whose index is at least <paramref name="onlyFrom"/>; returns how many.</summary>
    private int Solve(Rows rows, bool user, int onlyFrom, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int first = Array.BinarySearch(rows.Index, onlyFrom);
        first = first < 0 ? ~first : first;
        int count = rows.Index.Length - first;
        if (count == 0)
        {
            return 0;
        }

        float[] other = user ? _v : _u, otherBias = user ? _bv : _bu, target = user ? _u : _v, targetBias = user ? _bu : _bv;
        AlsPenalty penalty = user ? _userPenalty : _itemPenalty;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancellationToken };
        bool failed = false;
        Parallel.For(first, rows.Index.Length, options,
            () => (System: new double[_order * _stride], Rhs: new double[_stride], Packed: new double[_stride]),
            (k, _, scratch) =>
            {
                if (!SolveRow(rows, penalty, k, other, otherBias, target, targetBias, scratch.System, scratch.Rhs, scratch.Packed))
                {
                    failed = true;
                }

                return scratch;
            },
            static _ => { });
        if (failed)
        {
            ThrowHelper.InvalidOperation("A row's normal equations were not positive definite: the model's factors or the new ratings hold values too large for single precision.");
        }

        long visits = rows.Offsets[rows.Index.Length] - rows.Offsets[first];
        _visits += visits;
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SolveRow(Rows rows, in AlsPenalty penalty, int k, float[] other, float[] otherBias, float[] target, float[] targetBias, double[] system, double[] rhs, double[] packed)
    {
        int d = _d, order = _order, stride = _stride, r = rows.Index[k];
        int start = rows.Offsets[k], end = rows.Offsets[k + 1], count = end - start;
        Span<float> row = target.AsSpan(r * d, d);
        if (count == 0)
        {
            row.Clear();
            if (_biases)
            {
                targetBias[r] = 0;
            }

            return true;
        }

        Array.Clear(system);
        Array.Clear(rhs);
        Span<double> x = packed.AsSpan(0, order);
        if (_biases)
        {
            x[d] = 1; // [q_j; 1]: the row's bias is the last unknown
        }

        for (int e = start; e < end; e++)
        {
            int j = rows.Columns[e];
            ReadOnlySpan<float> q = other.AsSpan(j * d, d);
            for (int a = 0; a < d; a++)
            {
                x[a] = q[a];
            }

            double t = rows.Values[e] - (_biases ? _mu + otherBias[j] : 0);
            AddScaled(x, t, rhs.AsSpan(0, order));

            // The upper triangle of Σ x xᵀ, one row segment at a time.
            for (int a = 0; a < order; a++)
            {
                AddScaled(x[a..], x[a], system.AsSpan((a * stride) + a, order - a));
            }
        }

        double lambdaN = penalty.Weight(count);
        for (int a = 0; a < order; a++)
        {
            system[(a * stride) + a] += lambdaN;
        }

        if (!CholeskySolver.TrySolve(system, order, stride, rhs))
        {
            return false;
        }

        for (int a = 0; a < d; a++)
        {
            row[a] = (float)rhs[a];
        }

        if (_biases)
        {
            targetBias[r] = (float)rhs[d];
        }

        return true;
    }

    /// <summary>
    /// destination += scale · x, element-wise (a multiply and an add per element, never fused, so every
    /// vector width computes the same values). Hand-written rather than TensorPrimitives so that the
    /// first update of a process runs optimized code: an update calls this about (d+1)·|visits| times,
    /// too few for tiered compilation to replace unoptimized generic code in time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(ReadOnlySpan<double> x, double scale, Span<double> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var s = new Vector<double>(scale);
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (new Vector<double>(destination[i..]) + (s * new Vector<double>(x[i..]))).CopyTo(destination[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            destination[i] += scale * x[i];
        }
    }

    /// <summary>The old catalogue with the ids first rated in <paramref name="newRatings"/> appended, and maps from its indices to the merged ones.</summary>
    private static (Catalog Merged, int[] UserMap, int[] ItemMap) MergeCatalog(Catalog old, RatingsDataset newRatings)
    {
        Catalog incoming = newRatings.Catalog;
        (IdMap users, int[] userMap, List<int> addedUsers) = Append(old.Users, incoming.Users, newRatings.UserRows);
        (IdMap items, int[] itemMap, List<int> addedItems) = Append(old.Items, incoming.Items, newRatings.ItemRows);
        if (addedUsers.Count == 0 && addedItems.Count == 0)
        {
            return (old, userMap, itemMap);
        }

        List<UserInfo>? userInfos = null;
        if (old.UserInfos.Count > 0)
        {
            userInfos = [.. old.UserInfos];
            foreach (int k in addedUsers)
            {
                userInfos.Add(incoming.UserInfos.Count > 0 ? incoming.UserInfos[k] : new UserInfo(incoming.Users[k]));
            }
        }

        List<ItemInfo>? itemInfos = null;
        List<string>? genres = null;
        if (old.ItemInfos.Count > 0)
        {
            itemInfos = [.. old.ItemInfos];
            genres = [.. old.Genres];
            var known = new HashSet<string>(genres, StringComparer.Ordinal);
            foreach (int k in addedItems)
            {
                ItemInfo info = incoming.ItemInfos.Count > 0 ? incoming.ItemInfos[k] : new ItemInfo(incoming.Items[k], incoming.Items[k], null, null, []);
                itemInfos.Add(info);
                foreach (string genre in info.Genres)
                {
                    if (known.Add(genre))
                    {
                        genres.Add(genre);
                    }
                }
            }
        }

        return (new Catalog(users, items, userInfos, itemInfos, genres), userMap, itemMap);
    }

    private static (IdMap Merged, int[] Map, List<int> Added) Append(IdMap old, IdMap incoming, RatingRows rows)
    {
        var map = new int[incoming.Count];
        var added = new List<int>();
        for (int k = 0; k < incoming.Count; k++)
        {
            if (old.TryGetIndex(incoming[k], out int index))
            {
                map[k] = index;
            }
            else if (rows.Length(k) > 0)
            {
                map[k] = old.Count + added.Count;
                added.Add(k);
            }
            else
            {
                map[k] = -1;
            }
        }

        if (added.Count == 0)
        {
            return (old, map, added);
        }

        var ids = new string[old.Count + added.Count];
        for (int k = 0; k < old.Count; k++)
        {
            ids[k] = old[k];
        }
        for (int a = 0; a < added.Count; a++)
        {
            ids[old.Count + a] = incoming[added[a]];
        }

        return (new IdMap(ids), map, added);
    }

    /// <summary>The new ratings as rows of (column, value) in merged indices, columns ascending.</summary>
    private static Rows Group(RatingsDataset ratings, int[] userMap, int[] itemMap, int rowCount, bool byUser)
    {
        RatingRows view = byUser ? ratings.UserRows : ratings.ItemRows;
        RowBuffer buffer = view.NewBuffer();
        int[] rowMap = byUser ? userMap : itemMap, columnMap = byUser ? itemMap : userMap;
        var counts = new int[rowCount + 1];
        for (int k = 0; k < view.RowCount; k++)
        {
            if (rowMap[k] >= 0)
            {
                counts[rowMap[k] + 1] = view.Length(k);
            }
        }

        for (int r = 0; r < rowCount; r++)
        {
            counts[r + 1] += counts[r];
        }

        var columns = new int[ratings.Count];
        var values = new float[ratings.Count];
        for (int k = 0; k < view.RowCount; k++)
        {
            if (rowMap[k] < 0)
            {
                continue;
            }

            view.Row(k, buffer, out ReadOnlySpan<int> cols, out ReadOnlySpan<float> vals);
            int o = counts[rowMap[k]];
            for (int e = 0; e < cols.Length; e++)
            {
                columns[o + e] = columnMap[cols[e]];
                values[o + e] = vals[e];
            }

            // Merged indices keep the old order and append the new ids in the incoming order, so the
            // mapped columns may be out of order: sort the row.
            Array.Sort(columns, values, o, cols.Length);
        }

        return new Rows([], counts, columns, values);
    }

    /// <summary>
    /// The affected rows (new ones, and old ones whose new ratings are at least <paramref name="minShare"/>
    /// of theirs), each with its old ratings merged with its new ones.
    /// </summary>
    private static Rows Affected(RatingRows old, int oldRows, Rows fresh, int rowCount, double minShare)
    {
        RowBuffer buffer = old.NewBuffer();
        var index = new List<int>();
        long total = 0;
        for (int r = 0; r < rowCount; r++)
        {
            int added = fresh.Offsets[r + 1] - fresh.Offsets[r];
            if (added == 0)
            {
                continue;
            }

            int before = r < oldRows ? old.Length(r) : 0;
            if (r >= oldRows || added >= minShare * (before + added))
            {
                index.Add(r);
                total += before + added;
            }
        }

        MemoryBudget.ThrowIfArrayTooLong(total, "newRatings", total, "affected rows' ratings");
        var offsets = new int[index.Count + 1];
        var columns = new int[total];
        var values = new float[total];
        int w = 0;
        for (int k = 0; k < index.Count; k++)
        {
            int r = index[k];
            ReadOnlySpan<int> oldCols = default;
            ReadOnlySpan<float> oldVals = default;
            if (r < oldRows)
            {
                old.Row(r, buffer, out oldCols, out oldVals);
            }

            int a = 0, b = fresh.Offsets[r], bEnd = fresh.Offsets[r + 1];
            while (a < oldCols.Length || b < bEnd)
            {
                if (b == bEnd || (a < oldCols.Length && oldCols[a] < fresh.Columns[b]))
                {
                    columns[w] = oldCols[a];
                    values[w++] = oldVals[a++];
                }
                else
                {
                    if (a < oldCols.Length && oldCols[a] == fresh.Columns[b])
                    {
                        a++; // the new rating of the pair replaces the old one
                    }

                    columns[w] = fresh.Columns[b];
                    values[w++] = fresh.Values[b++];
                }
            }

            offsets[k + 1] = w;
        }

        Debug.Assert(w <= total);
        return new Rows([.. index], offsets, columns, values);
    }

    /// <summary>Rows of (column, value): row k is the model row <c>Index[k]</c> (for the grouped new ratings, Index is empty and row k is model row k).</summary>
    /// <summary>
    /// The updated model's training support: the old counts plus each row's new ratings (a new rating of a
    /// pair already rated counts once more; support only orders and filters recommendations), and the
    /// mean over the old and the new ratings. Without it the updated model would rank by its own scores
    /// by default, as a model without support must.
    /// </summary>
    private static TrainingSupport ExtendSupport(TrainingSupport before, Rows newByUser, Rows newByItem)
    {
        var users = new int[newByUser.Offsets.Length - 1];
        var items = new int[newByItem.Offsets.Length - 1];
        long oldCount = 0;
        for (int r = 0; r < users.Length; r++)
        {
            int old = r < before.UserCounts.Length ? before.UserCounts[r] : 0;
            oldCount += old;
            users[r] = old + newByUser.Offsets[r + 1] - newByUser.Offsets[r];
        }

        for (int r = 0; r < items.Length; r++)
        {
            items[r] = (r < before.ItemCounts.Length ? before.ItemCounts[r] : 0) + newByItem.Offsets[r + 1] - newByItem.Offsets[r];
        }

        int added = newByUser.Offsets[^1];
        double sum = (double)before.Mean * oldCount;
        foreach (float value in newByUser.Values.AsSpan(0, added))
        {
            sum += value;
        }

        long total = oldCount + added;
        return new TrainingSupport(users, items, total == 0 ? 0 : (float)(sum / total));
    }

    private sealed record Rows(int[] Index, int[] Offsets, int[] Columns, float[] Values);
}
