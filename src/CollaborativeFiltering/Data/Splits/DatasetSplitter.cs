using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Splits a <see cref="RatingsDataset"/> into training and test sets. Every split is reproducible
/// (the same dataset and seed give the same split, on every run and platform), the two sides are
/// disjoint and together hold every rating of the input, and both keep the input's
/// <see cref="Catalog"/> instance, so N and M stay those of the whole catalogue. Each split is
/// O(ratings + N + M) apart from <see cref="LeaveLastK"/>, which sorts each user's ratings by time.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>
    /// The notebook's <c>split_dataframe</c>: a uniformly chosen subset of the ratings, of size
    /// <c>round(testFraction × Count)</c> (half to even, as Python's <c>round</c> in
    /// <c>DataFrame.sample(frac=…)</c>), goes to the test set; the rest is the training set.
    /// A user or item may end up with no training rating.
    /// </summary>
    /// <param name="dataset">The ratings to split.</param>
    /// <param name="testFraction">The share of ratings held out, strictly between 0 and 1 (the notebook uses 0.1).</param>
    /// <param name="seed">The seed of the shuffle: same seed, same split.</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not strictly between 0 and 1, or is NaN.</exception>
    public static DatasetSplit RandomHoldout(RatingsDataset dataset, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ThrowIfNotFraction(testFraction, nameof(testFraction));

        int n = dataset.Count;
        int testCount = (int)Math.Round(testFraction * n, MidpointRounding.ToEven);
        var positions = Identity(n);
        var random = new Random(seed);
        PartialShuffle(random, positions, testCount);

        var test = new ulong[RatingsDataset.BitWords(n)];
        for (int s = 0; s < testCount; s++)
        {
            Set(test, positions[s]);
        }

        return dataset.Split(test);
    }

    /// <summary>
    /// Holds out, for each user separately, a uniformly chosen <c>round(testFraction × c)</c> of the
    /// user's <c>c</c> ratings (half to even), but never all of them: every user with at least one
    /// rating keeps at least one training rating. Users with a single rating are never held out.
    /// </summary>
    /// <param name="dataset">The ratings to split.</param>
    /// <param name="testFraction">The share of each user's ratings held out, strictly between 0 and 1.</param>
    /// <param name="seed">The seed of the shuffles: same seed, same split.</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not strictly between 0 and 1, or is NaN.</exception>
    public static DatasetSplit PerUserHoldout(RatingsDataset dataset, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ThrowIfNotFraction(testFraction, nameof(testFraction));

        ReadOnlySpan<int> offsets = dataset.UserRows.Offsets; // a view's row lengths, without materialising it
        int maxRow = LongestRow(offsets);
        var scratch = new int[maxRow];
        var test = new ulong[RatingsDataset.BitWords(dataset.Count)];
        var random = new Random(seed);
        for (int u = 0; u < dataset.UserCount; u++)
        {
            int start = offsets[u];
            int c = offsets[u + 1] - start;
            int h = Math.Min((int)Math.Round(testFraction * c, MidpointRounding.ToEven), c - 1);
            if (h <= 0)
            {
                continue;
            }

            Span<int> row = scratch.AsSpan(0, c);
            for (int q = 0; q < c; q++)
            {
                row[q] = start + q;
            }

            PartialShuffle(random, row, h);
            for (int q = 0; q < h; q++)
            {
                Set(test, row[q]);
            }
        }

        return dataset.Split(test);
    }

    /// <summary>
    /// Temporal leave-last-k: for each user, the <paramref name="k"/> most recent ratings go to the
    /// test set, but every user with at least one rating keeps at least one (the oldest) in the
    /// training set, so a user with <c>c ≤ k</c> ratings has <c>c − 1</c> held out. Ratings are
    /// ordered by timestamp and, among equal timestamps, by item index: of two ratings made at the
    /// same second, the one with the larger item index counts as the more recent. Deterministic;
    /// no seed is involved.
    /// </summary>
    /// <param name="dataset">The ratings to split; must have timestamps.</param>
    /// <param name="k">How many of each user's most recent ratings to hold out, at least 1.</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">The dataset has no timestamps (<see cref="RatingsDataset.HasTimestamps"/> is false).</exception>
    public static DatasetSplit LeaveLastK(RatingsDataset dataset, int k)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ThrowHelper.ThrowIfNotPositive(k, nameof(k));
        if (!dataset.HasTimestamps)
        {
            ThrowHelper.InvalidOperation("LeaveLastK orders each user's ratings by time, but this dataset has no timestamps; load a file with a timestamp column, or use PerUserHoldout or RandomHoldout.");
        }

        ReadOnlySpan<int> offsets = dataset.UserRows.Offsets;
        ReadOnlySpan<long> timestamps = dataset.Timestamps;
        int maxRow = LongestRow(offsets);
        var keys = new long[maxRow];
        var positions = new int[maxRow];
        var test = new ulong[RatingsDataset.BitWords(dataset.Count)];
        for (int u = 0; u < dataset.UserCount; u++)
        {
            int start = offsets[u];
            int c = offsets[u + 1] - start;
            int h = Math.Min(k, c - 1);
            if (h <= 0)
            {
                continue;
            }

            Span<long> key = keys.AsSpan(0, c);
            Span<int> pos = positions.AsSpan(0, c);
            timestamps.Slice(start, c).CopyTo(key);
            for (int q = 0; q < c; q++)
            {
                pos[q] = start + q;
            }

            // Sort by time; the sort is not stable, so restore position order (= item order
            // within a row) inside each run of equal timestamps.
            key.Sort(pos);
            for (int s = 0; s < c;)
            {
                int e = s + 1;
                while (e < c && key[e] == key[s])
                {
                    e++;
                }

                if (e - s > 1)
                {
                    pos[s..e].Sort();
                }

                s = e;
            }

            for (int q = c - h; q < c; q++)
            {
                Set(test, pos[q]);
            }
        }

        return dataset.Split(test);
    }

    /// <summary>
    /// K-fold cross-validation: the ratings are shuffled once and cut into <paramref name="folds"/>
    /// consecutive slices whose sizes differ by at most one (the first <c>Count mod folds</c> slices
    /// have one more, as scikit-learn's <c>KFold</c>). Split <c>f</c> tests on slice <c>f</c> and trains
    /// on the others, so every rating is in exactly one test set.
    /// </summary>
    /// <param name="dataset">The ratings to split.</param>
    /// <param name="folds">The number of folds, from 2 to <see cref="RatingsDataset.Count"/>.</param>
    /// <param name="seed">The seed of the shuffle: same seed, same folds.</param>
    /// <returns>One split per fold, in fold order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is less than 2 or more than the number of ratings, or the splits would not fit in memory.</exception>
    public static IReadOnlyList<DatasetSplit> KFold(RatingsDataset dataset, int folds, int seed) => CancellableKFold(dataset, folds, seed, CancellationToken.None);

    /// <summary><see cref="KFold(RatingsDataset, int, int)"/>, checking <paramref name="cancellationToken"/> before each fold's split is built (cross-validation's first phase).</summary>
    internal static IReadOnlyList<DatasetSplit> CancellableKFold(RatingsDataset dataset, int folds, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int n = dataset.Count;
        if (folds < 2 || folds > n)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(folds), folds, string.Create(CultureInfo.InvariantCulture, $"at least 2 and at most the number of ratings ({n})"));
        }

        // Every fold's train and test sets are views sharing one fold label per rating (4 bytes per
        // rating in all). Each set builds its CSR views when first used: 16 bytes per training rating,
        // 8 per test rating that is only evaluated; a caller keeping every fold after use holds about
        // 24 bytes per rating and fold, which is what the budget checks.
        long perFold = (24L * n) + (8L * ((long)dataset.UserCount + dataset.ItemCount));
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Product(folds, perFold), nameof(folds), folds, "splits (each holds every rating once used)");

        var positions = Identity(n);
        var random = new Random(seed);
        PartialShuffle(random, positions, n - 1);

        var foldOf = new int[n];
        int baseSize = n / folds, extra = n % folds, s = 0;
        for (int f = 0; f < folds; f++)
        {
            int end = s + baseSize + (f < extra ? 1 : 0);
            for (; s < end; s++)
            {
                foldOf[positions[s]] = f;
            }
        }

        DatasetSplit[] splits = dataset.FoldSplits(foldOf, folds, cancellationToken);
        return Array.AsReadOnly(splits);
    }

    private static void ThrowIfNotFraction(double value, string paramName)
    {
        if (!(value > 0 && value < 1))
        {
            ThrowHelper.ArgumentOutOfRange(paramName, value, "strictly between 0 and 1");
        }
    }

    /// <summary>The most entries any row of a CSR has (0 when there are no rows): the size of a per-row scratch buffer.</summary>
    private static int LongestRow(ReadOnlySpan<int> offsets)
    {
        int longest = 0;
        for (int r = 0; r + 1 < offsets.Length; r++)
        {
            longest = Math.Max(longest, offsets[r + 1] - offsets[r]);
        }

        return longest;
    }

    private static int[] Identity(int n)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i;
        }

        return a;
    }

    /// <summary>Fisher–Yates for the first <paramref name="count"/> slots: they end up a uniform random subset, in random order.</summary>
    private static void PartialShuffle(Random random, Span<int> values, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, values.Length);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static void Set(ulong[] bits, int position) => bits[position >> 6] |= 1UL << position;
}
