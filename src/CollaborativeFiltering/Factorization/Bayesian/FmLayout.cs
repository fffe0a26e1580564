using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization.Bayesian;

/// <summary>The relational blocks of a factorization machine: a row per user, per item, or per rating-time bucket.</summary>
internal enum FmBlockKind : byte
{
    User = 0,
    Item = 1,
    Time = 2,
}

/// <summary>What a feature group encodes (persisted: the values are part of the model file format).</summary>
internal enum FmGroupKind : byte
{
    UserId = 0,
    RatedItems = 1,
    Age = 2,
    Sex = 3,
    Occupation = 4,
    ZipPrefix = 5,
    CustomUser = 6,
    ItemId = 7,
    Raters = 8,
    Genres = 9,
    ReleaseYear = 10,
    CustomItem = 11,
    RatingTime = 12,
}

/// <summary>
/// One feature group of a layout: its name, what it encodes, its block, where its features start in the
/// block and how many there are, the names of categorical features (empty for ids, implicit feedback,
/// ages, years and times, whose names follow from the index) and, for release years, the first year.
/// </summary>
internal sealed record FmGroupSpec(string Name, FmGroupKind Kind, FmBlockKind Block, int Offset, int Count, string[] Vocabulary, int Origin)
{
    /// <summary>The group's block as the public side (users or items), or null for the time block.</summary>
    public FeatureSide? Side => Block switch { FmBlockKind.User => FeatureSide.User, FmBlockKind.Item => FeatureSide.Item, _ => null };
}

/// <summary>
/// One relational block: the sparse design matrix X_B with a row per entity (user, item or time
/// bucket), by row (CSR) and by feature (CSC), the group of each feature, and which ratings each row
/// belongs to (<see cref="RatingOffsets"/>, <see cref="RatingIndices"/>; the user block's are the
/// ratings' own user-major order). Every rating n has one row r_B(n) in each block, so that the FM
/// prediction of n is assembled from per-row quantities computed once (Rendle, "Scaling Factorization
/// Machines to Relational Data", VLDB 2013).
/// </summary>
internal sealed class FmBlock
{
    public FmBlock(FmBlockKind kind, int rows, int features, int[] rowOffsets, int[] rowFeatures, float[] rowValues, int[] featureGroups, int[] ratingOffsets, int[]? ratingIndices)
    {
        Kind = kind;
        Rows = rows;
        Features = features;
        RowOffsets = rowOffsets;
        RowFeatures = rowFeatures;
        RowValues = rowValues;
        FeatureGroups = featureGroups;
        RatingOffsets = ratingOffsets;
        RatingIndices = ratingIndices;

        // The transpose: each feature's rows and values, rows ascending.
        ColumnOffsets = new int[features + 1];
        foreach (int f in rowFeatures)
        {
            ColumnOffsets[f + 1]++;
        }

        for (int f = 0; f < features; f++)
        {
            ColumnOffsets[f + 1] += ColumnOffsets[f];
        }

        ColumnRows = new int[rowFeatures.Length];
        ColumnValues = new float[rowFeatures.Length];
        var next = ColumnOffsets[..^1];
        for (int r = 0; r < rows; r++)
        {
            for (int k = rowOffsets[r]; k < rowOffsets[r + 1]; k++)
            {
                int at = next[rowFeatures[k]]++;
                ColumnRows[at] = r;
                ColumnValues[at] = rowValues[k];
            }
        }
    }

    public FmBlockKind Kind { get; }

    /// <summary>R, the number of rows.</summary>
    public int Rows { get; }

    /// <summary>p_B, the number of features.</summary>
    public int Features { get; }

    public int[] RowOffsets { get; }

    public int[] RowFeatures { get; }

    public float[] RowValues { get; }

    public int[] ColumnOffsets { get; }

    public int[] ColumnRows { get; }

    public float[] ColumnValues { get; }

    /// <summary>The (global) group index of every feature.</summary>
    public int[] FeatureGroups { get; }

    /// <summary>Row r's ratings are <c>RatingIndices[RatingOffsets[r]..RatingOffsets[r + 1]]</c> (or the range itself when <see cref="RatingIndices"/> is null).</summary>
    public int[] RatingOffsets { get; }

    public int[]? RatingIndices { get; }

    /// <summary>The number of ratings of row r.</summary>
    public int RatingCount(int r) => RatingOffsets[r + 1] - RatingOffsets[r];
}

/// <summary>
/// The feature layout of a factorization machine built from a dataset and the options: the groups,
/// and the user, item and (optional) time blocks. The same encoders serve a new user's fold-in.
/// </summary>
internal sealed class FmLayout
{
    /// <summary>The lower bounds of the age brackets (MovieLens 1M's codes: under 18, 18–24, 25–34, 35–44, 45–49, 50–55, 56+).</summary>
    public static readonly int[] AgeBrackets = [0, 18, 25, 35, 45, 50, 56];

    /// <summary>The most release-year or rating-time buckets a layout may have.</summary>
    public const int MaxBuckets = 1_000_000;

    private const int SecondsPerDay = 86_400;

    private FmLayout(FmGroupSpec[] groups, FmBlock user, FmBlock item, FmBlock? time, long timeOrigin, long timeBucketSeconds, int[]? ratingBuckets)
    {
        Groups = groups;
        User = user;
        Item = item;
        Time = time;
        TimeOrigin = timeOrigin;
        TimeBucketSeconds = timeBucketSeconds;
        RatingBuckets = ratingBuckets;
    }

    public FmGroupSpec[] Groups { get; }

    public FmBlock User { get; }

    public FmBlock Item { get; }

    public FmBlock? Time { get; }

    /// <summary>The first training timestamp: bucket 0 starts there.</summary>
    public long TimeOrigin { get; }

    public long TimeBucketSeconds { get; }

    /// <summary>Every training rating's time bucket (user-major), or null without a time block.</summary>
    public int[]? RatingBuckets { get; }

    /// <summary>The age bracket of an age, or −1 when unknown.</summary>
    public static int AgeBracket(int? age)
    {
        if (age is not { } a || a < 0)
        {
            return -1;
        }

        int bracket = 0;
        while (bracket + 1 < AgeBrackets.Length && a >= AgeBrackets[bracket + 1])
        {
            bracket++;
        }

        return bracket;
    }

    /// <summary>The zip-code prefix feature: the first <paramref name="length"/> characters, trimmed and upper-cased; null when unknown or shorter.</summary>
    public static string? ZipPrefix(string? zip, int length)
    {
        string? trimmed = zip?.Trim();
        return trimmed is null || trimmed.Length < length ? null : trimmed[..length].ToUpperInvariant();
    }

    /// <summary>The bucket of a timestamp, clamped into [0, buckets).</summary>
    public static int TimeBucket(long timestamp, long origin, long bucketSeconds, int buckets) =>
        (int)Math.Clamp(Math.Floor((timestamp - (double)origin) / bucketSeconds), 0, buckets - 1);

    /// <summary>Builds the layout of <paramref name="train"/>.</summary>
    /// <exception cref="ArgumentException">The time block is asked for but the ratings have no timestamps, or a custom group does not fit the catalogue or repeats a name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The release years or rating times span more than a million buckets.</exception>
    public static FmLayout Build(RatingsDataset train, WorkingRatings ratings, FactorizationMachineOptions options, IReadOnlyList<FeatureGroup> custom)
    {
        Catalog catalog = train.Catalog;
        int n = train.UserCount, m = train.ItemCount;
        FeatureBlocks blocks = options.Blocks;
        var groups = new List<FmGroupSpec>();
        var userRows = new List<List<(int Feature, float Value)>>();
        foreach (FeatureGroup g in custom)
        {
            int expected = g.Side == FeatureSide.User ? n : m;
            if (g.RowCount != expected)
            {
                ThrowHelper.Argument("groups", string.Create(CultureInfo.InvariantCulture,
                    $"The feature group '{g.Name}' has {g.RowCount} rows, but the catalogue has {expected} {(g.Side == FeatureSide.User ? "users" : "items")}; give one row per {(g.Side == FeatureSide.User ? "user" : "item")}, in index order."));
            }
        }

        // ---- the user block
        var user = new BlockBuilder(n);
        int[] userOffsets = ratings.ByUser.RowOffsetArray, userItems = ratings.ByUser.ColumnArray;
        if ((blocks & FeatureBlocks.UserId) != 0)
        {
            user.AddGroup(groups, "user id", FmGroupKind.UserId, FmBlockKind.User, n, [], 0, static (r, add) => add(r, 1f));
        }

        if ((blocks & FeatureBlocks.RatedItems) != 0)
        {
            user.AddGroup(groups, "rated items", FmGroupKind.RatedItems, FmBlockKind.User, m, [], 0, (r, add) =>
            {
                int count = userOffsets[r + 1] - userOffsets[r];
                float value = count == 0 ? 0 : (float)(1 / Math.Sqrt(count));
                for (int k = userOffsets[r]; k < userOffsets[r + 1]; k++)
                {
                    add(userItems[k], value);
                }
            });
        }

        if ((blocks & FeatureBlocks.UserInfo) != 0 && catalog.UserInfos.Count > 0)
        {
            IReadOnlyList<UserInfo> infos = catalog.UserInfos;
            user.AddGroup(groups, "age", FmGroupKind.Age, FmBlockKind.User, AgeBrackets.Length, [], 0, (r, add) =>
            {
                if (AgeBracket(infos[r].Age) is >= 0 and var b)
                {
                    add(b, 1f);
                }
            });
            AddCategorical(user, groups, "sex", FmGroupKind.Sex, FmBlockKind.User, n, r => infos[r].Sex?.Trim());
            AddCategorical(user, groups, "occupation", FmGroupKind.Occupation, FmBlockKind.User, n, r => infos[r].Occupation?.Trim());
            AddCategorical(user, groups, "zip prefix", FmGroupKind.ZipPrefix, FmBlockKind.User, n, r => ZipPrefix(infos[r].ZipCode, options.ZipPrefixLength));
        }

        AddCustom(user, groups, custom, FeatureSide.User);

        // ---- the item block
        var item = new BlockBuilder(m);
        int[] itemOffsets = ratings.ByItem.RowOffsetArray, itemUsers = ratings.ByItem.ColumnArray;
        if ((blocks & FeatureBlocks.ItemId) != 0)
        {
            item.AddGroup(groups, "item id", FmGroupKind.ItemId, FmBlockKind.Item, m, [], 0, static (r, add) => add(r, 1f));
        }

        if ((blocks & FeatureBlocks.Raters) != 0)
        {
            item.AddGroup(groups, "raters", FmGroupKind.Raters, FmBlockKind.Item, n, [], 0, (r, add) =>
            {
                int count = itemOffsets[r + 1] - itemOffsets[r];
                float value = count == 0 ? 0 : (float)(1 / Math.Sqrt(count));
                for (int k = itemOffsets[r]; k < itemOffsets[r + 1]; k++)
                {
                    add(itemUsers[k], value);
                }
            });
        }

        if ((blocks & FeatureBlocks.ItemInfo) != 0 && catalog.ItemInfos.Count > 0)
        {
            IReadOnlyList<ItemInfo> infos = catalog.ItemInfos;
            string[] genres = [.. catalog.Genres];
            var genreIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int g = 0; g < genres.Length; g++)
            {
                genreIndex.TryAdd(genres[g], g);
            }

            if (genres.Length > 0)
            {
                item.AddGroup(groups, "genres", FmGroupKind.Genres, FmBlockKind.Item, genres.Length, genres, 0, (r, add) =>
                {
                    int count = 0;
                    foreach (string g in infos[r].Genres)
                    {
                        count += genreIndex.ContainsKey(g) ? 1 : 0;
                    }

                    foreach (string g in infos[r].Genres)
                    {
                        if (genreIndex.TryGetValue(g, out int index))
                        {
                            add(index, 1f / count);
                        }
                    }
                });
            }

            int? first = null, last = null;
            foreach (ItemInfo info in infos)
            {
                if (info.Year is { } y)
                {
                    first = Math.Min(first ?? y, y);
                    last = Math.Max(last ?? y, y);
                }
            }

            if (first is { } origin)
            {
                long buckets = (((long)last!.Value - origin) / options.YearBucketWidth) + 1;
                if (buckets > MaxBuckets)
                {
                    ThrowHelper.ArgumentOutOfRange(nameof(FactorizationMachineOptions.YearBucketWidth), options.YearBucketWidth,
                        string.Create(CultureInfo.InvariantCulture, $"wide enough that the release years {origin}–{last} make at most {MaxBuckets} buckets"));
                }

                item.AddGroup(groups, "release year", FmGroupKind.ReleaseYear, FmBlockKind.Item, (int)buckets, [], origin, (r, add) =>
                {
                    if (infos[r].Year is { } y)
                    {
                        add((int)(((long)y - origin) / options.YearBucketWidth), 1f);
                    }
                });
            }
        }

        AddCustom(item, groups, custom, FeatureSide.Item);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (FmGroupSpec g in groups)
        {
            if (!names.Add(g.Name))
            {
                ThrowHelper.Argument("groups", $"Two feature groups are named '{g.Name}'; give each custom group a name of its own (the built-in ones are user id, rated items, age, sex, occupation, zip prefix, item id, raters, genres, release year, rating time).");
            }
        }

        FmBlock userBlock = user.Build(FmBlockKind.User, groups, userOffsets, null);
        int[] itemRatings = ratings.ItemToUserPositions();
        FmBlock itemBlock = item.Build(FmBlockKind.Item, groups, itemOffsets, itemRatings);

        // ---- the time block
        FmBlock? timeBlock = null;
        long origin0 = 0, bucketSeconds = (long)options.TimeBucketDays * SecondsPerDay;
        int[]? ratingBuckets = null;
        if ((blocks & FeatureBlocks.Time) != 0)
        {
            if (!train.HasTimestamps)
            {
                ThrowHelper.Argument(nameof(train), "Blocks includes FeatureBlocks.Time, but the training ratings have no timestamps.");
            }

            ReadOnlySpan<long> stamps = train.Timestamps;
            long min = long.MaxValue, max = long.MinValue;
            foreach (long t in stamps)
            {
                min = Math.Min(min, t);
                max = Math.Max(max, t);
            }

            double span = ((double)max - min) / bucketSeconds;
            if (span + 1 > MaxBuckets)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(FactorizationMachineOptions.TimeBucketDays), options.TimeBucketDays,
                    string.Create(CultureInfo.InvariantCulture, $"wide enough that the rating times (spanning {span * options.TimeBucketDays:F0} days) make at most {MaxBuckets} buckets"));
            }

            origin0 = min;
            int buckets = (int)span + 1;
            ratingBuckets = new int[stamps.Length];
            var counts = new int[buckets + 1];
            for (int k = 0; k < stamps.Length; k++)
            {
                ratingBuckets[k] = TimeBucket(stamps[k], origin0, bucketSeconds, buckets);
                counts[ratingBuckets[k] + 1]++;
            }

            for (int b = 0; b < buckets; b++)
            {
                counts[b + 1] += counts[b];
            }

            var byBucket = new int[stamps.Length];
            int[] next = counts[..^1];
            for (int k = 0; k < stamps.Length; k++)
            {
                byBucket[next[ratingBuckets[k]]++] = k;
            }

            var time = new BlockBuilder(buckets);
            time.AddGroup(groups, "rating time", FmGroupKind.RatingTime, FmBlockKind.Time, buckets, [], 0, static (r, add) => add(r, 1f));
            timeBlock = time.Build(FmBlockKind.Time, groups, counts, byBucket);
        }

        return new FmLayout([.. groups], userBlock, itemBlock, timeBlock, origin0, bucketSeconds, ratingBuckets);
    }

    private static void AddCategorical(BlockBuilder block, List<FmGroupSpec> groups, string name, FmGroupKind kind, FmBlockKind blockKind, int rows, Func<int, string?> value)
    {
        var vocabulary = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            string? v = value(r);
            if (v is null or "")
            {
                codes[r] = -1;
                continue;
            }

            if (!index.TryGetValue(v, out int code))
            {
                code = vocabulary.Count;
                index.Add(v, code);
                vocabulary.Add(v);
            }

            codes[r] = code;
        }

        if (vocabulary.Count > 0)
        {
            block.AddGroup(groups, name, kind, blockKind, vocabulary.Count, [.. vocabulary], 0, (r, add) =>
            {
                if (codes[r] >= 0)
                {
                    add(codes[r], 1f);
                }
            });
        }
    }

    private static void AddCustom(BlockBuilder block, List<FmGroupSpec> groups, IReadOnlyList<FeatureGroup> custom, FeatureSide side)
    {
        foreach (FeatureGroup g in custom)
        {
            if (g.Side != side || g.FeatureNames.Count == 0)
            {
                continue;
            }

            FeatureGroup group = g;
            block.AddGroup(groups, g.Name, side == FeatureSide.User ? FmGroupKind.CustomUser : FmGroupKind.CustomItem, side == FeatureSide.User ? FmBlockKind.User : FmBlockKind.Item,
                g.FeatureNames.Count, [.. g.FeatureNames], 0, (r, add) =>
                {
                    ReadOnlySpan<int> offsets = group.RowOffsets;
                    for (int k = offsets[r]; k < offsets[r + 1]; k++)
                    {
                        add(group.Features[k], group.Values[k]);
                    }
                });
        }
    }

    /// <summary>Collects a block's rows group by group (each group's features after the previous groups').</summary>
    private sealed class BlockBuilder(int rows)
    {
        private readonly List<int>[] _features = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        private readonly List<float>[] _values = Enumerable.Range(0, rows).Select(_ => new List<float>()).ToArray();
        private readonly List<int> _featureGroups = [];

        public void AddGroup(List<FmGroupSpec> groups, string name, FmGroupKind kind, FmBlockKind block, int count, string[] vocabulary, int origin, Action<int, Action<int, float>> rowFeatures)
        {
            int offset = _featureGroups.Count, group = groups.Count;
            groups.Add(new FmGroupSpec(name, kind, block, offset, count, vocabulary, origin));
            for (int f = 0; f < count; f++)
            {
                _featureGroups.Add(group);
            }

            for (int r = 0; r < rows; r++)
            {
                int row = r;
                rowFeatures(r, (feature, value) =>
                {
                    _features[row].Add(offset + feature);
                    _values[row].Add(value);
                });
            }
        }

        public FmBlock Build(FmBlockKind kind, List<FmGroupSpec> groups, int[] ratingOffsets, int[]? ratingIndices)
        {
            _ = groups;
            var offsets = new int[rows + 1];
            for (int r = 0; r < rows; r++)
            {
                offsets[r + 1] = offsets[r] + _features[r].Count;
            }

            var features = new int[offsets[rows]];
            var values = new float[offsets[rows]];
            for (int r = 0; r < rows; r++)
            {
                _features[r].CopyTo(features, offsets[r]);
                _values[r].CopyTo(values, offsets[r]);
            }

            return new FmBlock(kind, rows, _featureGroups.Count, offsets, features, values, [.. _featureGroups], ratingOffsets, ratingIndices);
        }
    }
}
