using System.Numerics.Tensors;
using CollaborativeFiltering.Data.Synthetic;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>Who rates what: each user's number of ratings and the distinct items drawn for the user.</content>
public static partial class SyntheticDataGenerator
{
    private const double ActivityShiftFraction = 0.08;

    /// <summary>Ratings per user: the minimum plus a truncated power-law share of the rest, capped at the item count (water-filling), summing exactly to <paramref name="total"/>.</summary>
    private static int[] UserCounts(int n, int m, int total, int min, double exponent, SeededRandom random, CancellationToken cancellationToken)
    {
        var rankOf = new int[n];
        for (int u = 0; u < n; u++)
        {
            rankOf[u] = u;
        }

        random.Shuffle(rankOf.AsSpan());
        double shift = Math.Max(ActivityShiftFraction * n, 1e-3);
        double floor = Math.Exp(-exponent * Math.Log(1 + (n / shift)));
        var weights = new double[n];
        for (int u = 0; u < n; u++)
        {
            weights[u] = exponent == 0 ? 1 : Math.Exp(-exponent * Math.Log(1 + (rankOf[u] / shift))) - floor;
        }

        var counts = new int[n];
        Array.Fill(counts, min);
        long remaining = total - ((long)n * min);
        int capacity = m - min;
        var capped = new bool[n];
        var shares = new double[n];
        bool changed = true;
        while (changed && remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            changed = false;
            double sum = 0;
            for (int u = 0; u < n; u++)
            {
                sum += capped[u] ? 0 : weights[u];
            }

            for (int u = 0; u < n; u++)
            {
                if (capped[u])
                {
                    continue;
                }

                shares[u] = sum > 0 ? remaining * (weights[u] / sum) : 0;
                if (shares[u] >= capacity)
                {
                    capped[u] = true;
                    counts[u] = m;
                    remaining -= capacity;
                    changed = true;
                }
            }
        }

        if (remaining <= 0)
        {
            return counts;
        }

        // Floors, then the leftover ratings one each to the largest remainders (ties: lower index).
        var order = new List<int>(n);
        var fractions = new double[n];
        for (int u = 0; u < n; u++)
        {
            if (!capped[u])
            {
                double whole = Math.Floor(shares[u]);
                counts[u] += (int)whole;
                remaining -= (long)whole;
                fractions[u] = shares[u] - whole;
                order.Add(u);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var keys = new double[n];
        int[] sorted = [.. order];
        for (int u = 0; u < n; u++)
        {
            keys[u] = -fractions[u];
        }

        SortByKeyThenIndex(keys, sorted, cancellationToken); // descending fraction, ties: lower index
        order = [.. sorted];
        for (int k = 0; k < order.Count && remaining > 0; k++)
        {
            if (counts[order[k]] < m)
            {
                counts[order[k]]++;
                remaining--;
            }
        }

        // Rounding can leave a unit or two: give them to whoever has room, in index order.
        for (int u = 0; u < n && remaining > 0; u++)
        {
            int add = (int)Math.Min(remaining, m - counts[u]);
            counts[u] += add;
            remaining -= add;
        }

        return counts;
    }
    /// <summary>Each user's distinct items, ascending within the user's row of the CSR.</summary>
    private static int[] SampleItems(int[] offsets, int m, double[] logPopularity, SeededRandom random, CancellationToken cancellationToken)
    {
        int n = offsets.Length - 1;
        int total = offsets[n];
        var items = new int[total];
        double[] weights = GC.AllocateUninitializedArray<double>(m); // 8 bytes an item, faulted in between the checks below
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            weights[i] = Math.Exp(logPopularity[i]);
        }

        var table = new AliasTable(weights, cancellationToken);
        int[] filled = GiveEveryItemOneUser(offsets, m, items, random, cancellationToken);

        var taken = new ulong[(m + 63) >> 6];
        double[]? keys = null;
        int[]? candidates = null;
        for (int u = 0; u < n; u++)
        {
            cancellationToken.ThrowIfCancellationRequested(); // a heavy user's row can cost O(M)

            int start = offsets[u], end = offsets[u + 1], w = filled[u];
            for (int p = start; p < w; p++)
            {
                taken[items[p] >> 6] |= 1UL << items[p];
            }

            int need = end - w;
            if (need > 0 && need <= (m - (w - start)) / 3)
            {
                // Successive draws by popularity, duplicates rejected; give up after a budget of draws
                // (the user has taken most of the popular items) and finish exactly below.
                long budget = (4L * need) + 64;
                while (w < end && budget-- > 0)
                {
                    int i = table.Sample(random);
                    ref ulong word = ref taken[i >> 6];
                    ulong bit = 1UL << i;
                    if ((word & bit) == 0)
                    {
                        word |= bit;
                        items[w++] = i;
                    }
                }
            }

            if (w < end)
            {
                // Exponential keys E/w over the items not yet taken: the smallest keys are a draw of
                // successive sampling without replacement, the same law as the rejection loop above.
                keys ??= GC.AllocateUninitializedArray<double>(m); // entries [0, c) are written before they are read
                candidates ??= GC.AllocateUninitializedArray<int>(m);
                int c = 0;
                for (int i = 0; i < m; i++)
                {
                    Checkpoint(i, cancellationToken); // a pass over the catalogue, and the first one faults keys and candidates in
                    if ((taken[i >> 6] & (1UL << i)) == 0)
                    {
                        keys[c] = random.NextExponential() / weights[i];
                        candidates[c++] = i;
                    }
                }

                int rest = end - w;
                if (rest < c)
                {
                    SelectSmallest(keys.AsSpan(0, c), candidates.AsSpan(0, c), rest);
                }

                candidates.AsSpan(0, rest).CopyTo(items.AsSpan(w));
                w = end;
            }

            FinishRow(items.AsSpan(start, end - start), taken);
        }

        return items;
    }
    /// <summary>
    /// Each user's distinct items drawn by successive sampling without replacement with weights
    /// popularity_i · e^(β·z_ui) (see <see cref="SyntheticOptions.TasteExposure"/>): exponential keys
    /// E_i / w_i over the catalogue, the smallest keys taken. Every item first goes to one user, as in
    /// <see cref="SampleItems"/>, so that none is left unrated.
    /// </summary>
    private static int[] SampleItemsByTaste(int[] offsets, double[] logPopularity, float[] userFactors, float[] itemFactors, int d, double beta, double interactionVariance, SeededRandom random, CancellationToken cancellationToken)
    {
        int n = offsets.Length - 1;
        int m = logPopularity.Length;
        int total = offsets[n];
        var items = new int[total];
        int[] filled = GiveEveryItemOneUser(offsets, m, items, random, cancellationToken);

        double scale = beta / Math.Sqrt(interactionVariance);
        var taken = new ulong[(m + 63) >> 6];
        var logWeights = new double[m];
        var keys = new double[m];
        var candidates = new int[m];
        for (int u = 0; u < n; u++)
        {
            cancellationToken.ThrowIfCancellationRequested(); // a heavy user's row can cost O(M)

            int start = offsets[u], end = offsets[u + 1], w = filled[u];
            for (int p = start; p < w; p++)
            {
                taken[items[p] >> 6] |= 1UL << items[p];
            }

            if (w < end)
            {
                ReadOnlySpan<float> factors = userFactors.AsSpan(u * d, d);
                double largest = double.NegativeInfinity;
                for (int i = 0; i < m; i++)
                {
                    double affinity = TensorPrimitives.Dot(factors, itemFactors.AsSpan(i * d, d));
                    logWeights[i] = logPopularity[i] + (scale * affinity);
                    largest = Math.Max(largest, logWeights[i]);
                }

                int c = 0;
                for (int i = 0; i < m; i++)
                {
                    if ((taken[i >> 6] & (1UL << i)) == 0)
                    {
                        keys[c] = random.NextExponential() * Math.Exp(largest - logWeights[i]);
                        candidates[c++] = i;
                    }
                }

                int rest = end - w;
                if (rest < c)
                {
                    SelectSmallest(keys.AsSpan(0, c), candidates.AsSpan(0, c), rest);
                }

                candidates.AsSpan(0, rest).CopyTo(items.AsSpan(w));
            }

            FinishRow(items.AsSpan(start, end - start), taken);
        }

        return items;
    }
    /// <summary>
    /// Gives every item to one user drawn by activity (a user whose row is full is redrawn, then
    /// the next one with room is taken), so that none is left unrated; only when there are at
    /// least as many ratings as items. Returns, per user, where the row's next item goes.
    /// </summary>
    private static int[] GiveEveryItemOneUser(int[] offsets, int m, int[] items, SeededRandom random, CancellationToken cancellationToken)
    {
        int n = offsets.Length - 1;
        var filled = new int[n];
        for (int u = 0; u < n; u++)
        {
            filled[u] = offsets[u];
        }

        if (offsets[n] < m)
        {
            return filled;
        }

        var activity = new double[n];
        for (int u = 0; u < n; u++)
        {
            activity[u] = offsets[u + 1] - offsets[u];
        }

        var users = new AliasTable(activity, cancellationToken);
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            int u = users.Sample(random);
            for (int tries = 0; filled[u] == offsets[u + 1]; tries++)
            {
                u = tries < 32 ? users.Sample(random) : (u + 1) % n;
            }

            items[filled[u]++] = i;
        }

        return filled;
    }
    /// <summary>Clears a finished row's items from the <paramref name="taken"/> bit set and sorts the row.</summary>
    private static void FinishRow(Span<int> row, ulong[] taken)
    {
        foreach (int i in row)
        {
            taken[i >> 6] = 0;
        }

        row.Sort();
    }
    /// <summary>Moves the <paramref name="count"/> smallest keys (and their values) to the front, in no particular order (Hoare quickselect, median-of-three pivots).</summary>
    internal static void SelectSmallest(Span<double> keys, Span<int> values, int count)
    {
        int lo = 0, hi = keys.Length - 1;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            double pivot = Math.Max(Math.Min(keys[lo], keys[mid]), Math.Min(Math.Max(keys[lo], keys[mid]), keys[hi]));
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot)
                {
                    i++;
                }

                while (keys[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            // [lo, j] <= pivot <= [i, hi]; keep the part that holds position count - 1.
            if (count - 1 <= j)
            {
                hi = j;
            }
            else if (count - 1 >= i)
            {
                lo = i;
            }
            else
            {
                return;
            }
        }
    }
}
