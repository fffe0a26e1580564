using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A deterministic generator of MovieLens-shaped ratings with planted low-rank structure, for tests,
/// benchmarks at any size and offline examples. See <see cref="SyntheticOptions"/> for the shape and
/// <see cref="SyntheticData"/> for the planted model that comes with the ratings.
/// </summary>
/// <remarks>
/// <para>How it works. Planted factors p_u, q_i ~ Normal(0, s²) with d·s⁴ = 0.5 (so ⟨p_u, q_i⟩ has
/// variance 0.5 whatever the rank); user biases of standard deviation 0.55 and item biases of 0.6,
/// both left-skewed (a few harsh users and bad films) and the item biases correlated (ρ = 0.35) with
/// popularity, as in MovieLens where popular films are rated higher. Each user's number of ratings
/// follows <see cref="SyntheticOptions.ActivityExponent"/>; each user's items are drawn without
/// replacement with probability proportional to the item popularity of
/// <see cref="SyntheticOptions.PopularityExponent"/> (alias-method draws with duplicates rejected,
/// switching to exponential-key sampling for users who rate a large part of the catalogue), after
/// every item has first been given to one user so that none goes unrated; with
/// <see cref="SyntheticOptions.TasteExposure"/> β &gt; 0 the weight is multiplied by e^(β·z_ui), the
/// user's planted taste for the item in standard units (exponential-key sampling for every user). μ is set so that the
/// planted scores of the drawn pairs average 3.56, and each rating is
/// round(μ + b_u + b_i + ⟨p_u, q_i⟩ + ε), ε ~ Normal(0, σ²), clipped to the scale. With the defaults
/// the ratings average about 3.53 with standard deviation about 1.1 (1: 5 %, 2: 12 %, 3: 28 %,
/// 4: 33 %, 5: 21 %; MovieLens 100k: 6, 11, 27, 34, 21), the planted scores' standard deviation is
/// about 1.09 and <see cref="SyntheticData.NoiseFloorRmse(RatingsDataset)"/> about 0.54.</para>
/// <para>Each user's ratings get distinct timestamps, increasing in the (random) order the user made
/// them; users start rating in index order over about six months after
/// <see cref="SyntheticOptions.StartTimestamp"/>, in sessions of ratings tens of seconds apart.</para>
/// <para>Determinism: every phase draws from its own xoshiro256** sequence derived from the seed, so
/// the same options give a bit-identical dataset and model (on one platform: the logarithms and
/// powers come from the runtime's math library).</para>
/// </remarks>
public static class SyntheticDataset
{
    private const double TargetMean = 3.56;
    private const double InteractionVariance = 0.5;
    private const double UserBiasStdDev = 0.55;
    private const double ItemBiasStdDev = 0.6;
    private const double PopularityBiasCorrelation = 0.35;
    private const double LeftSkewSigma = 0.5;
    private static readonly double LeftSkewMean = Math.Exp(LeftSkewSigma * LeftSkewSigma / 2);
    private static readonly double LeftSkewStdDev = Math.Sqrt((Math.Exp(LeftSkewSigma * LeftSkewSigma) - 1) * Math.Exp(LeftSkewSigma * LeftSkewSigma));
    private const double PopularityShiftFraction = 0.01;
    private const double PopularityCutoffFraction = 0.4;
    private const double ActivityShiftFraction = 0.08;
    private const int MaxGenresPerItem = 3;
    private const long RatingPeriodSeconds = 215L * 86400;
    private const double UserStartFraction = 0.85;
    private const double SessionGapSeconds = 45;
    private const double BreakGapSeconds = 2 * 86400;
    private const double BreakProbability = 0.08;

    private const ulong FactorStream = 1;
    private const ulong PopularityStream = 2;
    private const ulong ActivityStream = 3;
    private const ulong SamplingStream = 4;
    private const ulong NoiseStream = 5;
    private const ulong TimeStream = 6;
    private const ulong UserInfoStream = 7;
    private const ulong ItemInfoStream = 8;
    private const ulong GenreStream = 9;

    private static readonly long MaxStartTimestamp = new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private static readonly string[] Occupations =
    [
        "administrator", "artist", "doctor", "educator", "engineer", "entertainment", "executive", "healthcare", "homemaker", "lawyer",
        "librarian", "marketing", "none", "other", "programmer", "retired", "salesman", "scientist", "student", "technician", "writer",
    ];

    // About how many of MovieLens 100k's 943 users give each occupation (same order as Occupations).
    private static readonly double[] OccupationWeights = [79, 28, 7, 95, 67, 18, 32, 16, 7, 12, 51, 26, 9, 105, 66, 14, 12, 31, 196, 27, 45];

    /// <summary>Generates a dataset and its planted model.</summary>
    /// <param name="options">What to make; <see langword="null"/> for the defaults (a MovieLens 100k look-alike).</param>
    /// <param name="cancellationToken">Checked between phases and every few hundred users.</param>
    /// <returns>The ratings, with user and item metadata, and the model they were drawn from.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range or the options contradict each other (e.g. more ratings than users × items, or fewer than <see cref="SyntheticOptions.MinRatingsPerUser"/> × users); the exception's parameter name is the option's.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static SyntheticData Generate(SyntheticOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SyntheticOptions();
        Validate(options);
        cancellationToken.ThrowIfCancellationRequested();

        int n = options.Users, m = options.Items, d = options.Dimensions, total = options.Ratings;
        long seed = options.Seed;

        // The planted model.
        var factorRandom = new SyntheticRandom(seed, FactorStream);
        float factorStdDev = (float)Math.Pow(InteractionVariance / d, 0.25);
        float[] userFactors = GaussianArray(n * d, factorStdDev, factorRandom, cancellationToken);
        float[] itemFactors = GaussianArray(m * d, factorStdDev, factorRandom, cancellationToken);
        var userBiases = new float[n];
        for (int u = 0; u < n; u++)
        {
            userBiases[u] = (float)(UserBiasStdDev * LeftSkewed(factorRandom));
        }

        double[] logPopularity = ItemLogPopularity(m, options.PopularityExponent, new SyntheticRandom(seed, PopularityStream), cancellationToken);
        float[] itemBiases = ItemBiases(logPopularity, factorRandom, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        // Who rates what.
        int[] counts = UserCounts(n, m, total, options.MinRatingsPerUser, options.ActivityExponent, new SyntheticRandom(seed, ActivityStream), cancellationToken);
        var offsets = new int[n + 1];
        for (int u = 0; u < n; u++)
        {
            offsets[u + 1] = offsets[u] + counts[u];
        }

        var sampling = new SyntheticRandom(seed, SamplingStream);
        int[] items = options.TasteExposure > 0
            ? SampleItemsByTaste(offsets, logPopularity, userFactors, itemFactors, d, options.TasteExposure, sampling, cancellationToken)
            : SampleItems(offsets, m, logPopularity, sampling, cancellationToken);

        // The ratings.
        float globalMean = CalibrateGlobalMean(offsets, items, d, userFactors, itemFactors, userBiases, itemBiases, cancellationToken);
        float[] values = Rate(offsets, items, d, globalMean, userFactors, itemFactors, userBiases, itemBiases, options, new SyntheticRandom(seed, NoiseStream), cancellationToken);
        long[] timestamps = Timestamps(offsets, options.StartTimestamp, new SyntheticRandom(seed, TimeStream), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        // The catalogue.
        IdMap userIds = IdMap.Sequential(n, 1, cancellationToken);
        IdMap itemIds = IdMap.Sequential(m, 1, cancellationToken);
        UserInfo[] userInfos = UserInfos(userIds, new SyntheticRandom(seed, UserInfoStream), cancellationToken);
        string[] vocabulary = MovieLensGenreNames.Ml100K[..options.GenreCount];
        float[] genreDirections = GenreDirections(vocabulary.Length, d, new SyntheticRandom(seed, GenreStream));
        ItemInfo[] itemInfos = ItemInfos(itemIds, options.StartTimestamp, itemFactors, d, vocabulary, genreDirections, new SyntheticRandom(seed, ItemInfoStream), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var catalog = new Catalog(userIds, itemIds, userInfos, itemInfos, vocabulary);

        var dataset = RatingsDataset.FromUserMajor(catalog, offsets, items, values, timestamps);
        return new SyntheticData(options, dataset, globalMean, userFactors, itemFactors, userBiases, itemBiases);
    }

    private static void Validate(SyntheticOptions o)
    {
        ThrowHelper.ThrowIfNotPositive(o.Users, nameof(SyntheticOptions.Users));
        ThrowHelper.ThrowIfNotPositive(o.Items, nameof(SyntheticOptions.Items));
        ThrowHelper.ThrowIfNotPositive(o.Ratings, nameof(SyntheticOptions.Ratings));
        ThrowHelper.ThrowIfNotPositive(o.Dimensions, nameof(SyntheticOptions.Dimensions));
        if (o.Dimensions > Factorization.FactorizationOptions.MaxDimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SyntheticOptions.Dimensions), o.Dimensions, "at most 4096");
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(o.NoiseStdDev, nameof(SyntheticOptions.NoiseStdDev));
        ThrowHelper.ThrowIfNegative(o.MinRatingsPerUser, nameof(SyntheticOptions.MinRatingsPerUser));
        CheckExponent(o.PopularityExponent, nameof(SyntheticOptions.PopularityExponent));
        CheckExponent(o.ActivityExponent, nameof(SyntheticOptions.ActivityExponent));
        CheckExponent(o.TasteExposure, nameof(SyntheticOptions.TasteExposure));
        if ((uint)o.GenreCount > (uint)MovieLensGenreNames.Ml100K.Length)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SyntheticOptions.GenreCount), o.GenreCount,
                string.Create(CultureInfo.InvariantCulture, $"in [0, {MovieLensGenreNames.Ml100K.Length}] (the MovieLens 100k genres)"));
        }

        if (o.StartTimestamp < 0 || o.StartTimestamp > MaxStartTimestamp)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SyntheticOptions.StartTimestamp), o.StartTimestamp,
                string.Create(CultureInfo.InvariantCulture, $"in [0, {MaxStartTimestamp}] seconds since the Unix epoch"));
        }

        // What the generator keeps, before any work: per user its factors, counts, ids and info (about
        // 200 bytes), per item its factors, popularity, ids, title and genres (about 300 bytes), per
        // rating its item, value and timestamp twice over (user- and item-major views, sampling).
        long userBytes = (long)o.Users * ((4L * o.Dimensions) + 200), itemBytes = (long)o.Items * ((4L * o.Dimensions) + 300 + (8L * o.GenreCount)), ratingBytes = 48L * o.Ratings;
        (string driver, object value) = userBytes >= itemBytes && userBytes >= ratingBytes ? (nameof(SyntheticOptions.Users), o.Users)
            : itemBytes >= ratingBytes ? (nameof(SyntheticOptions.Items), (object)o.Items) : (nameof(SyntheticOptions.Ratings), o.Ratings);
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Sum(userBytes, itemBytes, ratingBytes), driver, value, "users, items and ratings");

        long cells = (long)o.Users * o.Items;
        if (o.Ratings > cells)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SyntheticOptions.Ratings), o.Ratings,
                string.Create(CultureInfo.InvariantCulture, $"at most Users × Items = {o.Users} × {o.Items} = {cells} (each pair is rated at most once)"));
        }

        if (o.MinRatingsPerUser > o.Items)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SyntheticOptions.MinRatingsPerUser), o.MinRatingsPerUser,
                string.Create(CultureInfo.InvariantCulture, $"at most Items = {o.Items} (a user rates each item at most once)"));
        }

        if ((long)o.MinRatingsPerUser * o.Users > o.Ratings)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SyntheticOptions.MinRatingsPerUser), o.MinRatingsPerUser,
                string.Create(CultureInfo.InvariantCulture, $"at most Ratings / Users = {o.Ratings} / {o.Users} = {o.Ratings / o.Users} (every user gets at least MinRatingsPerUser of the Ratings)"));
        }

        long largest = (long)Math.Max(o.Users, o.Items) * o.Dimensions;
        if (largest > Array.MaxLength)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SyntheticOptions.Dimensions), o.Dimensions,
                string.Create(CultureInfo.InvariantCulture, $"small enough that max(Users, Items) × Dimensions fits in one array ({Array.MaxLength} values)"));
        }
    }

    private static void CheckExponent(double value, string name)
    {
        if (!(value >= 0 && value <= 10))
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "a number in [0, 10]");
        }
    }

    private static float[] GaussianArray(int length, float stdDev, SyntheticRandom random, CancellationToken cancellationToken)
    {
        var values = new float[length];
        for (int k = 0; k < values.Length; k++)
        {
            Checkpoint(k, cancellationToken);
            values[k] = (float)(random.NextGaussian() * stdDev);
        }

        return values;
    }

    /// <summary>log of each item's popularity weight (the most popular item has 0), ranks assigned to items at random.</summary>
    private static double[] ItemLogPopularity(int m, double exponent, SyntheticRandom random, CancellationToken cancellationToken)
    {
        var rankOf = new int[m];
        for (int i = 0; i < m; i++)
        {
            rankOf[i] = i;
        }

        cancellationToken.ThrowIfCancellationRequested();
        random.Shuffle(rankOf.AsSpan());
        cancellationToken.ThrowIfCancellationRequested();
        double shift = 1 + (PopularityShiftFraction * m);
        double cutoff = PopularityCutoffFraction * m;
        var logWeights = new double[m];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            int r = rankOf[i];
            logWeights[i] = (-exponent * Math.Log(1 + (r / shift))) - (r / cutoff);
        }

        return logWeights;
    }

    private static float[] ItemBiases(double[] logPopularity, SyntheticRandom random, CancellationToken cancellationToken)
    {
        int m = logPopularity.Length;
        double mean = 0;
        foreach (double v in logPopularity)
        {
            mean += v;
        }

        mean /= m;
        double variance = 0;
        foreach (double v in logPopularity)
        {
            variance += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(variance / m);
        double independent = Math.Sqrt(1 - (PopularityBiasCorrelation * PopularityBiasCorrelation));
        var biases = new float[m];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            double z = std > 0 ? (logPopularity[i] - mean) / std : 0;
            biases[i] = (float)(ItemBiasStdDev * ((independent * LeftSkewed(random)) + (PopularityBiasCorrelation * z)));
        }

        return biases;
    }

    /// <summary>
    /// A left-skewed draw with mean 0 and variance 1: a mirrored log-normal, −(e^(Z/2) − e^(1/8)) / 0.6039.
    /// A few items (users) are much worse (harsher) than the rest, so ratings lean to 4 and 5 with a tail of 1s, as in MovieLens.
    /// </summary>
    private static double LeftSkewed(SyntheticRandom random) =>
        (LeftSkewMean - Math.Exp(LeftSkewSigma * random.NextGaussian())) / LeftSkewStdDev;

    /// <summary>Ratings per user: the minimum plus a truncated power-law share of the rest, capped at the item count (water-filling), summing exactly to <paramref name="total"/>.</summary>
    private static int[] UserCounts(int n, int m, int total, int min, double exponent, SyntheticRandom random, CancellationToken cancellationToken)
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
    private static int[] SampleItems(int[] offsets, int m, double[] logPopularity, SyntheticRandom random, CancellationToken cancellationToken)
    {
        int n = offsets.Length - 1;
        int total = offsets[n];
        var items = new int[total];
        var weights = new double[m];
        for (int i = 0; i < m; i++)
        {
            weights[i] = Math.Exp(logPopularity[i]);
        }

        var table = new AliasTable(weights);
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
                keys ??= new double[m];
                candidates ??= new int[m];
                int c = 0;
                for (int i = 0; i < m; i++)
                {
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
    private static int[] SampleItemsByTaste(int[] offsets, double[] logPopularity, float[] userFactors, float[] itemFactors, int d, double beta, SyntheticRandom random, CancellationToken cancellationToken)
    {
        int n = offsets.Length - 1;
        int m = logPopularity.Length;
        int total = offsets[n];
        var items = new int[total];
        int[] filled = GiveEveryItemOneUser(offsets, m, items, random, cancellationToken);

        double scale = beta / Math.Sqrt(InteractionVariance);
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
    private static int[] GiveEveryItemOneUser(int[] offsets, int m, int[] items, SyntheticRandom random, CancellationToken cancellationToken)
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

        var users = new AliasTable(activity);
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

    private static float CalibrateGlobalMean(int[] offsets, int[] items, int d, float[] userFactors, float[] itemFactors, float[] userBiases, float[] itemBiases, CancellationToken cancellationToken)
    {
        double sum = 0;
        for (int u = 0; u < offsets.Length - 1; u++)
        {
            Checkpoint(offsets[u], offsets[u + 1], cancellationToken);
            ReadOnlySpan<float> p = userFactors.AsSpan(u * d, d);
            for (int k = offsets[u]; k < offsets[u + 1]; k++)
            {
                int i = items[k];
                sum += SyntheticData.Score(0f, userBiases[u], itemBiases[i], p, itemFactors.AsSpan(i * d, d));
            }
        }

        return (float)(TargetMean - (sum / items.Length));
    }

    private static float[] Rate(int[] offsets, int[] items, int d, float globalMean, float[] userFactors, float[] itemFactors, float[] userBiases, float[] itemBiases, SyntheticOptions options, SyntheticRandom random, CancellationToken cancellationToken)
    {
        var values = new float[items.Length];
        double sigma = options.NoiseStdDev;
        double steps = options.HalfStars ? 2 : 1;
        double min = options.HalfStars ? 0.5 : 1;
        for (int u = 0; u < offsets.Length - 1; u++)
        {
            cancellationToken.ThrowIfCancellationRequested(); // a heavy user's row can cost O(M)

            ReadOnlySpan<float> p = userFactors.AsSpan(u * d, d);
            for (int k = offsets[u]; k < offsets[u + 1]; k++)
            {
                int i = items[k];
                double x = SyntheticData.Score(globalMean, userBiases[u], itemBiases[i], p, itemFactors.AsSpan(i * d, d)) + (sigma * random.NextGaussian());
                values[k] = (float)Math.Clamp(Math.Floor((x * steps) + 0.5) / steps, min, 5.0);
            }
        }

        return values;
    }

    /// <summary>Distinct per-user timestamps, increasing in each user's (shuffled) rating order; users start in index order.</summary>
    private static long[] Timestamps(int[] offsets, long start, SyntheticRandom random, CancellationToken cancellationToken)
    {
        int n = offsets.Length - 1;
        var timestamps = new long[offsets[n]];
        var starts = new double[n];
        for (int u = 0; u < n; u++)
        {
            starts[u] = random.NextDouble() * UserStartFraction * RatingPeriodSeconds;
        }

        cancellationToken.ThrowIfCancellationRequested();
        Array.Sort(starts);
        cancellationToken.ThrowIfCancellationRequested();
        double[] times = [];
        for (int u = 0; u < n; u++)
        {
            int first = offsets[u], count = offsets[u + 1] - first;
            Checkpoint(first, first + count, cancellationToken);
            if (count == 0)
            {
                continue;
            }

            if (times.Length < count)
            {
                times = new double[Math.Max(count, 2 * times.Length)];
            }

            double elapsed = 0;
            times[0] = 0;
            for (int k = 1; k < count; k++)
            {
                elapsed += random.NextDouble() < BreakProbability
                    ? BreakGapSeconds * random.NextExponential()
                    : 1 + (SessionGapSeconds * random.NextExponential());
                times[k] = elapsed;
            }

            long origin = start + (long)starts[u];
            double room = (start + RatingPeriodSeconds) - origin;
            double scale = elapsed > room ? room / elapsed : 1;
            long previous = origin - 1;
            Span<long> row = timestamps.AsSpan(first, count);
            for (int k = 0; k < count; k++)
            {
                previous = Math.Max(origin + (long)(times[k] * scale), previous + 1);
                row[k] = previous;
            }

            random.Shuffle(row);
        }

        return timestamps;
    }

    private static UserInfo[] UserInfos(IdMap ids, SyntheticRandom random, CancellationToken cancellationToken)
    {
        var cumulative = new double[OccupationWeights.Length];
        double sum = 0;
        for (int k = 0; k < cumulative.Length; k++)
        {
            sum += OccupationWeights[k];
            cumulative[k] = sum;
        }

        var infos = new UserInfo[ids.Count];
        for (int u = 0; u < infos.Length; u++)
        {
            Checkpoint(u, cancellationToken);
            int index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            string occupation = Occupations[index < 0 ? Math.Min(~index, cumulative.Length - 1) : index];
            (double mean, double std, int lowest, int highest) = occupation switch
            {
                "student" => (22.0, 5.0, 7, 45),
                "retired" => (62.0, 6.0, 50, 73),
                _ => (36.0, 10.0, 18, 70),
            };
            int age = (int)Math.Clamp(Math.Round(mean + (std * random.NextGaussian())), lowest, highest);
            string sex = random.NextDouble() < 0.71 ? "M" : "F";
            string zip = random.NextInt(100_000).ToString("D5", CultureInfo.InvariantCulture);
            infos[u] = new UserInfo(ids.Ids[u], age, sex, occupation, zip);
        }

        return infos;
    }

    /// <summary>Unit directions in factor space, one row per genre; row 0 ("unknown") stays zero.</summary>
    private static float[] GenreDirections(int genres, int d, SyntheticRandom random)
    {
        var directions = new float[genres * d];
        for (int g = 1; g < genres; g++)
        {
            Span<float> row = directions.AsSpan(g * d, d);
            double norm;
            do
            {
                norm = 0;
                for (int k = 0; k < d; k++)
                {
                    row[k] = (float)random.NextGaussian();
                    norm += (double)row[k] * row[k];
                }
            }
            while (norm == 0);

            float inverse = (float)(1 / Math.Sqrt(norm));
            for (int k = 0; k < d; k++)
            {
                row[k] *= inverse;
            }
        }

        return directions;
    }

    private static ItemInfo[] ItemInfos(IdMap ids, long startTimestamp, float[] itemFactors, int d, string[] vocabulary, float[] genreDirections, SyntheticRandom random, CancellationToken cancellationToken)
    {
        var startDate = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(startTimestamp).UtcDateTime);
        string[][] itemGenres = AssignGenres(ids.Count, itemFactors, d, vocabulary, genreDirections, cancellationToken);
        var infos = new ItemInfo[ids.Count];
        for (int i = 0; i < infos.Length; i++)
        {
            Checkpoint(i, cancellationToken);
            // Release year: over half in the last five years, a quarter the decade before, the rest older.
            double era = random.NextDouble();
            int year = startDate.Year - (era < 0.55 ? random.NextInt(5) : era < 0.8 ? 5 + random.NextInt(13) : 18 + random.NextInt(50));
            year = Math.Max(year, 1);
            var january = new DateOnly(year, 1, 1);
            int days = year == startDate.Year ? startDate.DayOfYear : DateTime.IsLeapYear(year) ? 366 : 365;
            DateOnly release = january.AddDays(random.NextInt(days));
            string id = ids.Ids[i];
            infos[i] = new ItemInfo(id, $"Synthetic Movie {id} ({year.ToString(CultureInfo.InvariantCulture)})", release, year, itemGenres[i]);
        }

        return infos;
    }

    /// <summary>
    /// Genres by alignment: genre g goes to the fraction f_g of items whose factors point most
    /// nearly along its direction (cosine), f_g being the genre's share of MovieLens 100k's items, so
    /// that Drama and Comedy are common and Fantasy rare, about 1.7 genres per item. An item left
    /// without a genre gets the one it misses by least; an item with more than three keeps the three
    /// it passes by most (margins in rank quantiles). Lists are in vocabulary order; "unknown" is
    /// listed only when it is the sole genre of the vocabulary.
    /// </summary>
    private static string[][] AssignGenres(int m, float[] itemFactors, int d, string[] vocabulary, float[] directions, CancellationToken cancellationToken)
    {
        int genres = vocabulary.Length;
        var result = new string[m][];
        if (genres <= 1)
        {
            string[] only = genres == 1 ? [vocabulary[0]] : [];
            Array.Fill(result, only);
            return result;
        }

        // margin[i, g] = (rank quantile of item i's cosine with genre g) − (1 − f_g): ≥ 0 means i has g.
        var margins = new double[m * genres];
        var cosines = new double[m];
        var order = new int[m];
        var norms = new double[m]; // ‖q_i‖, the same for every genre
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            ReadOnlySpan<float> q = itemFactors.AsSpan(i * d, d);
            double norm = 0;
            for (int k = 0; k < d; k++)
            {
                norm += (double)q[k] * q[k];
            }

            norms[i] = Math.Sqrt(norm);
        }

        for (int g = 1; g < genres; g++)
        {
            ReadOnlySpan<float> direction = directions.AsSpan(g * d, d);
            for (int i = 0; i < m; i++)
            {
                Checkpoint(i, cancellationToken);
                ReadOnlySpan<float> q = itemFactors.AsSpan(i * d, d);
                double dot = 0;
                for (int k = 0; k < d; k++)
                {
                    dot += (double)q[k] * direction[k];
                }

                cosines[i] = norms[i] > 0 ? dot / norms[i] : 0;
                order[i] = i;
            }

            // Ascending cosine, ties by index: a deterministic total order.
            SortByKeyThenIndex(cosines, order, cancellationToken);
            double share = MovieLensGenreNames.Ml100KItemCounts[g] / (double)MovieLensGenreNames.Ml100KItemTotal;
            for (int rank = 0; rank < m; rank++)
            {
                margins[(order[rank] * genres) + g] = ((rank + 0.5) / m) - (1 - share);
            }
        }

        Span<int> best = stackalloc int[MaxGenresPerItem];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            ReadOnlySpan<double> row = margins.AsSpan(i * genres, genres);
            int count = 0;
            for (int g = 1; g < genres; g++)
            {
                count += row[g] >= 0 ? 1 : 0;
            }

            count = Math.Clamp(count, 1, MaxGenresPerItem);

            // The `count` genres of largest margin (ties: lower index), then in vocabulary order.
            int found = 0;
            for (int g = 1; g < genres; g++)
            {
                int at = found;
                while (at > 0 && row[best[at - 1]] < row[g])
                {
                    at--;
                }

                if (at < count)
                {
                    for (int k = Math.Min(found, count - 1); k > at; k--)
                    {
                        best[k] = best[k - 1];
                    }

                    best[at] = g;
                    found = Math.Min(found + 1, count);
                }
            }

            Span<int> chosen = best[..count];
            chosen.Sort();
            var names = new string[count];
            for (int k = 0; k < count; k++)
            {
                names[k] = vocabulary[chosen[k]];
            }

            result[i] = names;
        }

        return result;
    }

    /// <summary>Checks the token once every 16,384 steps of a loop (about a millisecond of work or less).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Checkpoint(int step, CancellationToken cancellationToken)
    {
        if ((step & 0x3FFF) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Checks the token when the range [<paramref name="from"/>, <paramref name="to"/>) crosses a multiple of 16,384.</summary>
    private static void Checkpoint(int from, int to, CancellationToken cancellationToken)
    {
        if ((from >> 14) != (to >> 14) || (from & 0x3FFF) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Sorts <paramref name="items"/> (the indices 0..n−1 in any order, <paramref name="keys"/>
    /// indexed by item) by ascending key, equal keys by ascending index: the total order a
    /// comparison sort with that rule gives, but through a primitive key sort (several times faster
    /// on a million items) and checking the token between its steps.
    /// </summary>
    private static void SortByKeyThenIndex(double[] keys, int[] items, CancellationToken cancellationToken)
    {
        var sortKeys = new double[items.Length];
        for (int k = 0; k < items.Length; k++)
        {
            Checkpoint(k, cancellationToken);
            sortKeys[k] = keys[items[k]];
        }

        Array.Sort(sortKeys, items);
        cancellationToken.ThrowIfCancellationRequested();
        for (int start = 0; start < items.Length;)
        {
            Checkpoint(start, cancellationToken);
            int end = start + 1;
            while (end < items.Length && sortKeys[end].Equals(sortKeys[start]))
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(items, start, end - start);
            }

            start = end;
        }
    }
}
