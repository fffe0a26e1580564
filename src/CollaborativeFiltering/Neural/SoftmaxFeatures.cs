using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Neural;

/// <summary>
/// The side features of every item, derived from a catalogue: its genre indices (the catalogue's
/// genre vocabulary first, then any other genre string in order of first appearance) and its
/// release-year bucket, <c>(year − FirstYear) / BucketWidth</c>, or −1 when it has no year.
/// Derived the same way at training and at load time, so a saved model needs only the catalogue.
/// </summary>
internal sealed class SoftmaxFeatures
{
    private readonly int[] _genreOffsets;
    private readonly int[] _genres;
    private readonly int[] _yearBuckets;

    private SoftmaxFeatures(int[] genreOffsets, int[] genres, int genreCount, int[] yearBuckets, int yearBucketCount, int firstYear, int bucketWidth)
    {
        _genreOffsets = genreOffsets;
        _genres = genres;
        GenreCount = genreCount;
        _yearBuckets = yearBuckets;
        YearBucketCount = yearBucketCount;
        FirstYear = firstYear;
        BucketWidth = bucketWidth;
    }

    /// <summary>The most year buckets a catalogue may make (65,536): more means years that are not release years.</summary>
    public const int MaxYearBuckets = 1 << 16;

    /// <summary>The number of year buckets <paramref name="catalog"/>'s release years make with <paramref name="bucketWidth"/> (0 without years); a long, as forged years can span 2³².</summary>
    public static long CountYearBuckets(Catalog catalog, int bucketWidth)
    {
        (int first, int last) = Years(catalog);
        return first > last ? 0 : (((long)last - first) / bucketWidth) + 1;
    }

    /// <summary>The catalogue's release years, "first to last", for messages.</summary>
    public static string YearRange(Catalog catalog)
    {
        (int first, int last) = Years(catalog);
        return first > last ? "none" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{first} to {last}");
    }

    private static (int First, int Last) Years(Catalog catalog)
    {
        int first = int.MaxValue, last = int.MinValue;
        IReadOnlyList<ItemInfo> infos = catalog.ItemInfos;
        if (infos.Count == catalog.ItemCount)
        {
            foreach (ItemInfo info in infos)
            {
                if (info.Year is { } year)
                {
                    first = Math.Min(first, year);
                    last = Math.Max(last, year);
                }
            }
        }

        return (first, last);
    }

    /// <summary>The size of the genre vocabulary (0 when no item has a genre).</summary>
    public int GenreCount { get; }

    /// <summary>The number of year buckets (0 when no item has a year).</summary>
    public int YearBucketCount { get; }

    /// <summary>The earliest release year (0 when no item has one).</summary>
    public int FirstYear { get; }

    /// <summary>Years per bucket.</summary>
    public int BucketWidth { get; }

    /// <summary>The genre indices of an item, each distinct.</summary>
    public ReadOnlySpan<int> GetGenres(int item) => _genres.AsSpan(_genreOffsets[item], _genreOffsets[item + 1] - _genreOffsets[item]);

    /// <summary>The year bucket of an item, or −1.</summary>
    public int GetYearBucket(int item) => _yearBuckets[item];

    /// <summary>Derives the features of every item of <paramref name="catalog"/>.</summary>
    public static SoftmaxFeatures Create(Catalog catalog, int bucketWidth)
    {
        int m = catalog.ItemCount;
        IReadOnlyList<ItemInfo> infos = catalog.ItemInfos;
        bool hasInfos = infos.Count == m;
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string genre in catalog.Genres)
        {
            vocabulary.TryAdd(genre, vocabulary.Count);
        }

        var offsets = new int[m + 1];
        var genres = new List<int>(hasInfos ? m * 2 : 0);
        var yearBuckets = new int[m];
        int firstYear = int.MaxValue, lastYear = int.MinValue;
        for (int i = 0; i < m; i++)
        {
            if (hasInfos)
            {
                ItemInfo info = infos[i];
                int start = genres.Count;
                foreach (string genre in info.Genres ?? [])
                {
                    if (genre is null)
                    {
                        continue;
                    }

                    if (!vocabulary.TryGetValue(genre, out int g))
                    {
                        g = vocabulary.Count;
                        vocabulary.Add(genre, g);
                    }

                    bool seen = false;
                    for (int p = start; p < genres.Count && !seen; p++)
                    {
                        seen = genres[p] == g;
                    }

                    if (!seen)
                    {
                        genres.Add(g);
                    }
                }

                if (info.Year is { } year)
                {
                    firstYear = Math.Min(firstYear, year);
                    lastYear = Math.Max(lastYear, year);
                }
            }

            offsets[i + 1] = genres.Count;
        }

        int bucketCount = 0;
        if (firstYear == int.MaxValue)
        {
            firstYear = 0;
            yearBuckets.AsSpan().Fill(-1);
        }
        else
        {
            // Callers check CountYearBuckets first; a catalogue with more buckets (only forged years
            // make that many) gets none here rather than an overflowed count.
            long buckets = (((long)lastYear - firstYear) / bucketWidth) + 1;
            bucketCount = buckets > MaxYearBuckets ? 0 : (int)buckets;
            for (int i = 0; i < m; i++)
            {
                yearBuckets[i] = bucketCount > 0 && infos[i].Year is { } year ? (int)(((long)year - firstYear) / bucketWidth) : -1;
            }
        }

        int genreCount = genres.Count == 0 ? 0 : vocabulary.Count;
        return new SoftmaxFeatures(offsets, genres.ToArray(), genreCount, yearBuckets, bucketCount, firstYear, bucketWidth);
    }
}
