using System.Runtime.CompilerServices;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A deterministic generator of MovieLens-shaped ratings with planted low-rank structure, for tests,
/// benchmarks at any size and offline examples. See <see cref="SyntheticOptions"/> for the shape and
/// <see cref="SyntheticData"/> for the planted model that comes with the ratings.
/// </summary>
/// <remarks>
/// <para>How it works. Planted factors p_u, q_i ~ Normal(0, s²) with d·s⁴ = v (so ⟨p_u, q_i⟩ has
/// variance v = <see cref="SyntheticOptions.InteractionVariance"/>, 0.5 by default, whatever the rank);
/// user biases of standard deviation 0.55 and item biases of 0.6, both left-skewed (a few harsh users
/// and bad films) and the item biases correlated (<see cref="SyntheticOptions.PopularityRatingCorrelation"/>,
/// 0.35 by default) with popularity, as in MovieLens where popular films are rated higher; with
/// <see cref="SyntheticOptions.FranchiseCount"/> &gt; 0, groups of popular items whose factors are nearly
/// the same. Each user's number of ratings
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
public static partial class SyntheticDataGenerator
{
    private const ulong FactorStream = 1;
    private const ulong PopularityStream = 2;
    private const ulong ActivityStream = 3;
    private const ulong SamplingStream = 4;
    private const ulong NoiseStream = 5;
    private const ulong TimeStream = 6;
    private const ulong UserInfoStream = 7;
    private const ulong ItemInfoStream = 8;
    private const ulong GenreStream = 9;
    private const ulong SideEffectStream = 10;
    private const ulong FranchiseStream = 50;

    /// <summary>Generates a dataset and its planted model.</summary>
    /// <param name="options">What to make; <see langword="null"/> for the defaults (a MovieLens 100k look-alike).</param>
    /// <param name="cancellationToken">Checked between phases and every few hundred users.</param>
    /// <returns>The ratings, with user and item metadata, and the model they were drawn from.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range or the options contradict each other (e.g. more ratings than users × items, or fewer than <see cref="SyntheticOptions.MinRatingsPerUser"/> × users); the exception's parameter name is the option's.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static SyntheticData Generate(SyntheticOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SyntheticOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        int n = options.Users, m = options.Items, d = options.Dimensions, total = options.Ratings;
        long seed = options.Seed;

        // The planted model.
        var factorRandom = new SeededRandom(seed, FactorStream);
        float factorStdDev = (float)Math.Pow(options.InteractionVariance / d, 0.25);
        float[] userFactors = GaussianArray(n * d, factorStdDev, factorRandom, cancellationToken);
        float[] itemFactors = GaussianArray(m * d, factorStdDev, factorRandom, cancellationToken);
        var userBiases = new float[n];
        for (int u = 0; u < n; u++)
        {
            userBiases[u] = (float)(UserBiasStdDev * LeftSkewed(factorRandom));
        }

        double[] logPopularity = ItemLogPopularity(m, options.PopularityExponent, options.PopularityCutoff, options.PopularityCutoffShape, new SeededRandom(seed, PopularityStream), cancellationToken);
        float[] itemBiases = ItemBiases(logPopularity, options.PopularityRatingCorrelation, factorRandom, cancellationToken);
        int[][] franchises = PlantFranchises(options.FranchiseCount, options.FranchiseSize, logPopularity, itemFactors, d, new SeededRandom(seed, FranchiseStream), cancellationToken);
        IdMap userIds = IdMap.Sequential(n, 1, cancellationToken);
        UserInfo[] userInfos = UserInfos(userIds, new SeededRandom(seed, UserInfoStream), cancellationToken);
        if (options.SideAttributeEffect > 0)
        {
            PlantOccupationEffects(userInfos, userFactors, userBiases, d, options.SideAttributeEffect, factorStdDev, new SeededRandom(seed, SideEffectStream));
        }

        cancellationToken.ThrowIfCancellationRequested();

        // Who rates what.
        int[] counts = UserCounts(n, m, total, options.MinRatingsPerUser, options.ActivityExponent, new SeededRandom(seed, ActivityStream), cancellationToken);
        var offsets = new int[n + 1];
        for (int u = 0; u < n; u++)
        {
            offsets[u + 1] = offsets[u] + counts[u];
        }

        var sampling = new SeededRandom(seed, SamplingStream);
        int[] items = options.TasteExposure > 0
            ? SampleItemsByTaste(offsets, logPopularity, userFactors, itemFactors, d, options.TasteExposure, options.InteractionVariance, sampling, cancellationToken)
            : SampleItems(offsets, m, logPopularity, sampling, cancellationToken);

        // The ratings.
        float globalMean = CalibrateGlobalMean(offsets, items, d, userFactors, itemFactors, userBiases, itemBiases, cancellationToken);
        float[] values = Rate(offsets, items, d, globalMean, userFactors, itemFactors, userBiases, itemBiases, options, new SeededRandom(seed, NoiseStream), cancellationToken);
        long[] timestamps = Timestamps(offsets, options.StartTimestamp, new SeededRandom(seed, TimeStream), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        // The catalogue.
        IdMap itemIds = IdMap.Sequential(m, 1, cancellationToken);
        string[] vocabulary = MovieLensGenreNames.Ml100K[..options.GenreCount];
        float[] genreDirections = GenreDirections(vocabulary.Length, d, new SeededRandom(seed, GenreStream));
        ItemInfo[] itemInfos = ItemInfos(itemIds, options.StartTimestamp, itemFactors, d, vocabulary, genreDirections, new SeededRandom(seed, ItemInfoStream), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var catalog = new Catalog(userIds, itemIds, userInfos, itemInfos, vocabulary);

        var dataset = RatingsDataset.FromUserMajor(catalog, offsets, items, values, timestamps);
        return new SyntheticData(options, dataset, globalMean, userFactors, itemFactors, userBiases, itemBiases, franchises);
    }

    /// <summary>Checks the token once every 16,384 steps of a loop (about a millisecond of work or less).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Checkpoint(int step, CancellationToken cancellationToken)
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
