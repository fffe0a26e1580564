using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Per-user and per-item counts and means, pandas-style <c>describe()</c> summaries, the most rated
/// and best rated items, and genre occurrences: what the notebook's exploration step computes.
/// Sums are accumulated in <see cref="double"/>. Every method is O(ratings + N + M) apart from the
/// sorts noted on each.
/// </summary>
public static class DatasetStatistics
{
    /// <summary>How many ratings each user has (a user absent from the dataset gets 0).</summary>
    /// <param name="dataset">The ratings.</param>
    /// <returns>One count per user of the catalogue, in user-index order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    public static int[] UserRatingCounts(RatingsDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return RowLengths(dataset.UserRows);
    }

    /// <summary>How many ratings each item has (an item absent from the dataset gets 0).</summary>
    /// <param name="dataset">The ratings.</param>
    /// <returns>One count per item of the catalogue, in item-index order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    public static int[] ItemRatingCounts(RatingsDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return RowLengths(dataset.ItemRows);
    }

    /// <summary>The mean rating of each user. A user with no rating in the dataset gets <see cref="double.NaN"/>, as pandas gives the mean of an empty group.</summary>
    /// <param name="dataset">The ratings.</param>
    /// <returns>One mean per user of the catalogue, in user-index order; NaN for users without ratings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    public static double[] UserMeanRatings(RatingsDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return RowMeans(dataset.UserRows);
    }

    /// <summary>The mean rating of each item. An item with no rating in the dataset gets <see cref="double.NaN"/>, as pandas gives the mean of an empty group.</summary>
    /// <param name="dataset">The ratings.</param>
    /// <returns>One mean per item of the catalogue, in item-index order; NaN for items without ratings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    public static double[] ItemMeanRatings(RatingsDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return RowMeans(dataset.ItemRows);
    }

    /// <summary>The mean of all ratings.</summary>
    /// <param name="dataset">The ratings; at least one.</param>
    /// <returns>The mean, accumulated in <see cref="double"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> has no ratings.</exception>
    public static double GlobalMean(RatingsDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Count == 0)
        {
            ThrowHelper.Argument(nameof(dataset), "The dataset has no ratings, so it has no mean rating.");
        }

        return dataset.UserRows.Sum() / dataset.Count;
    }

    /// <summary>
    /// pandas' <c>Series.describe()</c>: count, mean, sample standard deviation (<c>ddof=1</c>), min,
    /// 25th/50th/75th percentiles and max. NaN values are skipped, as pandas does; infinities are
    /// kept and propagate into the mean and standard deviation (finite values never overflow them,
    /// however close to <see cref="double.MaxValue"/>). So <c>[NaN, 1]</c> describes as <c>[1]</c>:
    /// count 1, mean 1, standard deviation NaN (pandas' sample standard deviation of one value). Percentiles interpolate linearly
    /// between the two nearest order statistics exactly as numpy's default (<c>method="linear"</c>):
    /// the p-th percentile sits at position <c>p/100 × (Count − 1)</c> of the sorted values.
    /// The standard deviation is NaN when only one value remains. O(n log n) for the sort.
    /// </summary>
    /// <param name="values">The values to summarise.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds only NaNs.</exception>
    public static Summary Describe(ReadOnlySpan<double> values)
    {
        var sorted = new double[values.Length];
        int n = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                sorted[n++] = v;
            }
        }

        return DescribeOwned(sorted, n, nameof(values));
    }

    /// <summary>pandas' <c>Series.describe()</c> of single-precision values (ratings as stored in a <see cref="CsrView"/>); see <see cref="Describe(ReadOnlySpan{double})"/>.</summary>
    /// <param name="values">The values to summarise.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds only NaNs.</exception>
    public static Summary Describe(ReadOnlySpan<float> values)
    {
        var sorted = new double[values.Length];
        int n = 0;
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                sorted[n++] = v;
            }
        }

        return DescribeOwned(sorted, n, nameof(values));
    }

    /// <summary>pandas' <c>Series.describe()</c> of integers, such as <see cref="UserRatingCounts"/>; see <see cref="Describe(ReadOnlySpan{double})"/>.</summary>
    /// <param name="values">The values to summarise.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static Summary Describe(ReadOnlySpan<int> values)
    {
        var sorted = new double[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            sorted[k] = values[k];
        }

        return DescribeOwned(sorted, values.Length, nameof(values));
    }

    /// <summary>
    /// The <paramref name="count"/> items with the most ratings, most rated first; ties go to the
    /// smaller item index. Only items with at least one rating are listed, so fewer than
    /// <paramref name="count"/> may come back. O(ratings + M log M).
    /// </summary>
    /// <param name="dataset">The ratings.</param>
    /// <param name="count">How many items to list, at least 1.</param>
    /// <returns>The items with their rating count and mean.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is zero or negative.</exception>
    public static IReadOnlyList<ItemRatingSummary> MostRated(RatingsDataset dataset, int count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ThrowHelper.ThrowIfNotPositive(count, nameof(count));
        var summaries = Summarise(dataset, 1);
        Array.Sort(summaries, static (a, b) =>
            a.RatingCount != b.RatingCount ? b.RatingCount.CompareTo(a.RatingCount) : a.Item.Value.CompareTo(b.Item.Value));
        return Take(summaries, count);
    }

    /// <summary>
    /// The <paramref name="count"/> items with the highest mean rating among those with at least
    /// <paramref name="minimumCount"/> ratings, best first; equal means are ordered by rating count
    /// (more first), then by item index. The notebook keeps the movies with more than 20 ratings:
    /// pass <c>minimumCount: 21</c> to reproduce it (the notebook groups by title, this method by
    /// item, which differs only where two items share a title). O(ratings + M log M).
    /// </summary>
    /// <param name="dataset">The ratings.</param>
    /// <param name="minimumCount">The fewest ratings an item needs to be listed, at least 1.</param>
    /// <param name="count">How many items to list, at least 1.</param>
    /// <returns>The items with their rating count and mean; fewer than <paramref name="count"/> when fewer qualify.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumCount"/> or <paramref name="count"/> is zero or negative.</exception>
    public static IReadOnlyList<ItemRatingSummary> BestRated(RatingsDataset dataset, int minimumCount, int count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ThrowHelper.ThrowIfNotPositive(minimumCount, nameof(minimumCount));
        ThrowHelper.ThrowIfNotPositive(count, nameof(count));
        var summaries = Summarise(dataset, minimumCount);
        Array.Sort(summaries, static (a, b) =>
        {
            int c = b.MeanRating.CompareTo(a.MeanRating);
            if (c == 0)
            {
                c = b.RatingCount.CompareTo(a.RatingCount);
            }

            return c != 0 ? c : a.Item.Value.CompareTo(b.Item.Value);
        });
        return Take(summaries, count);
    }

    /// <summary>
    /// How many items list each genre, over the catalogue's <see cref="Catalog.ItemInfos"/>, in the
    /// order of <see cref="Catalog.Genres"/> (genres nobody lists are reported with 0). A genre that
    /// an item lists but the vocabulary lacks is counted too and reported after the vocabulary, in
    /// order of first appearance. Empty when the catalogue has neither genres nor item metadata.
    /// </summary>
    /// <param name="catalog">The catalogue.</param>
    /// <returns>Each genre with the number of items that list it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<GenreCount> GenreOccurrences(Catalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var names = new List<string>(catalog.Genres.Count);
        var counts = new List<int>(catalog.Genres.Count);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string genre in catalog.Genres)
        {
            if (index.TryAdd(genre, names.Count))
            {
                names.Add(genre);
                counts.Add(0);
            }
        }

        foreach (ItemInfo info in catalog.ItemInfos)
        {
            foreach (string genre in info.Genres)
            {
                if (!index.TryGetValue(genre, out int g))
                {
                    g = names.Count;
                    index.Add(genre, g);
                    names.Add(genre);
                    counts.Add(0);
                }

                counts[g]++;
            }
        }

        var result = new GenreCount[names.Count];
        for (int g = 0; g < result.Length; g++)
        {
            result[g] = new GenreCount(names[g], counts[g]);
        }

        return new ReadOnlyCollection<GenreCount>(result);
    }

    /// <summary>Each row's length, read through the row source (a split is never materialised).</summary>
    private static int[] RowLengths(RatingRows rows)
    {
        ReadOnlySpan<int> offsets = rows.Offsets;
        var counts = new int[rows.RowCount];
        for (int r = 0; r < counts.Length; r++)
        {
            counts[r] = offsets[r + 1] - offsets[r];
        }

        return counts;
    }

    /// <summary>Each row's mean value, read through the row source (a split is never materialised).</summary>
    private static double[] RowMeans(RatingRows rows)
    {
        var means = new double[rows.RowCount];
        RowBuffer buffer = rows.NewBuffer();
        for (int r = 0; r < means.Length; r++)
        {
            int count = rows.Row(r, buffer, out _, out ReadOnlySpan<float> values);
            if (count == 0)
            {
                means[r] = double.NaN;
                continue;
            }

            double sum = 0;
            foreach (float value in values)
            {
                sum += value;
            }

            means[r] = sum / count;
        }

        return means;
    }

    private static ItemRatingSummary[] Summarise(RatingsDataset dataset, int minimumCount)
    {
        CsrView byItem = dataset.ByItem;
        ReadOnlySpan<int> offsets = byItem.RowOffsets;
        ReadOnlySpan<float> values = byItem.Values;
        Catalog catalog = dataset.Catalog;
        int qualifying = 0;
        for (int i = 0; i < byItem.RowCount; i++)
        {
            qualifying += offsets[i + 1] - offsets[i] >= minimumCount ? 1 : 0;
        }

        var result = new ItemRatingSummary[qualifying];
        int w = 0;
        for (int i = 0; i < byItem.RowCount; i++)
        {
            int start = offsets[i], end = offsets[i + 1];
            if (end - start < minimumCount)
            {
                continue;
            }

            double sum = 0;
            for (int p = start; p < end; p++)
            {
                sum += values[p];
            }

            result[w++] = new ItemRatingSummary(new ItemIndex(i), catalog.Items[i], catalog.TitleOf(i), end - start, sum / (end - start));
        }

        return result;
    }

    private static ReadOnlyCollection<ItemRatingSummary> Take(ItemRatingSummary[] sorted, int count)
    {
        if (sorted.Length > count)
        {
            Array.Resize(ref sorted, count);
        }

        return new ReadOnlyCollection<ItemRatingSummary>(sorted);
    }

    private static Summary DescribeOwned(double[] sorted, int n, string paramName)
    {
        if (n == 0)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture,
                $"{paramName} has no values to describe ({sorted.Length} given, all NaN or none); give at least one number."));
        }

        Span<double> x = sorted.AsSpan(0, n);
        x.Sort();

        double sum = 0;
        foreach (double v in x)
        {
            sum += v;
        }

        double mean = sum / n;
        bool finite = double.IsFinite(x[0]) && double.IsFinite(x[n - 1]);
        double scale = 1;
        if (!double.IsFinite(mean) && finite)
        {
            // Finite values near ±double.MaxValue whose sum overflows: sum them scaled down (by a
            // power of two, exact), so that the mean of finite values is finite.
            scale = Math.ScaleB(1, -Math.ILogB(Math.Max(Math.Abs(x[0]), Math.Abs(x[n - 1]))));
            sum = 0;
            foreach (double v in x)
            {
                sum += v * scale;
            }

            mean = sum / n / scale;
        }

        double std = double.NaN;
        if (n > 1)
        {
            double squares = 0;
            foreach (double v in x)
            {
                double d = v - mean;
                squares += d * d;
            }

            if (!double.IsFinite(squares) && finite)
            {
                // Deviations whose squares overflow: the same sum on values scaled by a power of two.
                double s2 = Math.ScaleB(1, -Math.ILogB(Math.Max(Math.Abs(x[0]), Math.Abs(x[n - 1]))));
                squares = 0;
                foreach (double v in x)
                {
                    double d = (v * s2) - (mean * s2);
                    squares += d * d;
                }

                std = Math.Sqrt(squares / (n - 1)) / s2;
            }
            else
            {
                std = Math.Sqrt(squares / (n - 1));
            }
        }

        return new Summary(n, mean, std, x[0], Percentile(x, 0.25), Percentile(x, 0.5), Percentile(x, 0.75), x[n - 1]);
    }

    /// <summary>numpy's <c>percentile(method="linear")</c> of sorted values, including its two-sided lerp.</summary>
    private static double Percentile(ReadOnlySpan<double> sorted, double quantile)
    {
        double virtualIndex = (sorted.Length - 1) * quantile;
        int below = (int)Math.Floor(virtualIndex);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double gamma = virtualIndex - below;
        double a = sorted[below], b = sorted[above];
        if (a == b)
        {
            return a; // also keeps equal infinities instead of inf - inf = NaN
        }

        double diff = b - a;
        if (!double.IsFinite(diff) && double.IsFinite(a) && double.IsFinite(b))
        {
            return (a * (1 - gamma)) + (b * gamma); // the two ends are more than double.MaxValue apart
        }

        return gamma >= 0.5 ? b - (diff * (1 - gamma)) : a + (diff * gamma);
    }
}
