using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// What <see cref="SyntheticDataGenerator.Generate(SyntheticOptions?, CancellationToken)"/> makes. The
/// defaults give a MovieLens 100k look-alike: 943 users, 1,682 items, 100,000 whole-star ratings
/// (mean about 3.5, standard deviation about 1.1), every user with at least 20 ratings, a few items
/// with hundreds of ratings and a long tail with a handful, planted rank-8 structure plus Gaussian
/// noise of standard deviation 0.5. The options are checked when the dataset is generated; each
/// error names the option.
/// </summary>
public sealed record SyntheticOptions
{
    /// <summary>N, the number of users; at least 1. Default 943 (MovieLens 100k).</summary>
    public int Users { get; init; } = 943;

    /// <summary>M, the number of items; at least 1. Default 1,682 (MovieLens 100k).</summary>
    public int Items { get; init; } = 1682;

    /// <summary>
    /// The exact number of distinct (user, item) ratings to make; at least 1, at most
    /// <see cref="Users"/> × <see cref="Items"/>, and at least <see cref="MinRatingsPerUser"/> × <see cref="Users"/>.
    /// Default 100,000. When it is at least <see cref="Items"/>, every item gets at least one rating.
    /// </summary>
    public int Ratings { get; init; } = 100_000;

    /// <summary>The rank of the planted model (length of each user and item factor); in [1, 4,096]. Default 8. (Users, items, ratings and rank together must fit in memory: checked, naming the largest, before any work.)</summary>
    public int Dimensions { get; init; } = 8;

    /// <summary>
    /// σ of the Gaussian noise added to the planted score before rounding to a rating; finite, zero
    /// or greater. Default 0.5. The planted scores' own standard deviation is about 1, so the
    /// structure stays learnable.
    /// </summary>
    public double NoiseStdDev { get; init; } = 0.5;

    /// <summary>The fewest ratings any user gets (MovieLens keeps users with 20 or more); zero or greater, at most <see cref="Items"/>. Default 20.</summary>
    public int MinRatingsPerUser { get; init; } = 20;

    /// <summary>
    /// The exponent s of item popularity: the item of popularity rank r (0-based) is drawn with weight
    /// proportional to (1 + r/k₀)^(−s)·e^(−r/(0.4·M)), with k₀ = 1 + M/100: a Zipf power law whose far
    /// tail is cut off exponentially, so that the rarest items get one to five ratings as in
    /// MovieLens. Finite, in [0, 10]; 0 leaves only the cut-off. Default 1.0.
    /// </summary>
    public double PopularityExponent { get; init; } = 1.0;

    /// <summary>
    /// The exponent t of user activity: beyond <see cref="MinRatingsPerUser"/>, the user of activity
    /// rank r (0-based) gets a share of the remaining ratings proportional to
    /// (1 + r/c)^(−t) − (1 + N/c)^(−t), with c = 0.08·N: a truncated power law whose most active users
    /// rate several hundred items and whose least active ones stop at the minimum, as in MovieLens.
    /// Finite, in [0, 10]; 0 gives every user (almost) the same number of ratings. Default 1.0.
    /// </summary>
    public double ActivityExponent { get; init; } = 1.0;

    /// <summary>
    /// How strongly a user's choice of which items to rate follows the user's planted taste, β: the
    /// item i is drawn for the user u with weight popularity_i · e^(β·z_ui), where
    /// z_ui = ⟨p_u, q_i⟩ / √<see cref="InteractionVariance"/> is the planted interaction in standard units. Finite, in [0, 10].
    /// Default 0: items are drawn by popularity alone, so which items a user rated says nothing
    /// personal (only the rating values do) and no ranking model can beat a most-popular list at
    /// guessing a user's held-out items. Real users mostly rate what they chose to watch, which
    /// follows their taste; use β of about 2 to test implicit-feedback and ranking models
    /// (docs/defaults.md has what β does to the baselines and trainers, measured).
    /// </summary>
    public double TasteExposure { get; init; }

    /// <summary>
    /// The variance of the planted interaction ⟨p_u, q_i⟩ (the personal part of a rating, beside the
    /// biases and the noise); positive and finite, at most 100. Default 0.5: strong, cleanly learnable
    /// structure. Real ratings carry much less of it (on MovieLens 100k the best factor models gain only
    /// about 0.02 RMSE over μ + b_u + b_i: Surprise's published 5-fold figures are 0.944 for its
    /// <c>BaselineOnly</c> and 0.920 for <c>SVDpp</c>); <see cref="RealisticMovieLens100K"/> uses 0.4225 (σ = 0.65)
    /// under noise of σ = 0.85.
    /// </summary>
    public double InteractionVariance { get; init; } = 0.5;

    /// <summary>
    /// The correlation between an item's planted bias (how well it is rated) and its log-popularity; in
    /// [−1, 1]. Default 0.35: popular items are rated somewhat higher, as in MovieLens.
    /// </summary>
    public double PopularityRatingCorrelation { get; init; } = 0.35;

    /// <summary>
    /// Where the popularity tail is cut off, as a share c of the catalogue: the weight of the item of
    /// popularity rank r is multiplied by e^(−(r/(c·M))^κ), κ being <see cref="PopularityCutoffShape"/>;
    /// in (0, 10]. Default 0.4.
    /// </summary>
    public double PopularityCutoff { get; init; } = 0.4;

    /// <summary>
    /// κ, the shape of the popularity tail's cut-off (see <see cref="PopularityCutoff"/>); in [0.25, 8].
    /// Default 1, an exponential fall. Larger values keep the middle of the catalogue popular and make
    /// the last items fall steeply, so that many are rated only once or twice while the median item has
    /// a few dozen ratings, as in MovieLens 100k (141 items rated once, median 27 ratings per item), which
    /// κ = 3 with c = 0.62 and <see cref="PopularityExponent"/> = 1.3 reproduces.
    /// </summary>
    public double PopularityCutoffShape { get; init; } = 1;

    /// <summary>
    /// How many franchises to plant: groups of <see cref="FranchiseSize"/> items (a saga and its
    /// sequels) drawn among the most popular tenth of the catalogue, whose planted factors are nearly the
    /// same (a shared direction 1.2 times as long as a typical item's factors, plus a tenth of that as
    /// each member's own noise), so that the same users choose them and like them.
    /// <see cref="SyntheticData.Franchises"/> lists them, so that a test can check whether a model's
    /// nearest neighbours of a franchise item are its co-members. Zero or greater, and franchises × size
    /// at most the catalogue. Default 0.
    /// </summary>
    public int FranchiseCount { get; init; }

    /// <summary>The number of items of each franchise; in [2, 20]. Default 3 (a trilogy).</summary>
    public int FranchiseSize { get; init; } = 3;

    /// <summary>
    /// When <see langword="false"/> (the default), ratings are whole stars 1 to 5 (MovieLens 100k/1M);
    /// when <see langword="true"/>, half stars 0.5 to 5 in steps of 0.5 (MovieLens latest).
    /// </summary>
    public bool HalfStars { get; init; }

    /// <summary>
    /// The strength s of planted effects of the users' side attributes, in [0, 10]: when positive,
    /// every occupation c gets a bias β_c ~ Normal(0, s²) and a factor offset o_c whose entries are
    /// Normal(0, s²·σ_f²) (σ_f the planted factors' own standard deviation), and every user's planted bias
    /// and factors add those of their occupation, so the ratings depend on <see cref="UserInfo.Occupation"/>
    /// (what a model with user side features can learn for users with few ratings). Default 0: no
    /// effect, and every other value the generator draws is the same whatever s is.
    /// </summary>
    public double SideAttributeEffect { get; init; }

    /// <summary>The largest <see cref="SideAttributeEffect"/>: 10, ten times the planted factors' own spread.</summary>
    private const double MaxSideAttributeEffect = 10;

    /// <summary>The seed: the same options give a bit-identical dataset and planted model. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// How many genres the catalogue has, in [0, 19]: the first <c>GenreCount</c> names of MovieLens
    /// 100k's list (unknown, Action, Adventure, Animation, Children's, Comedy, Crime, Documentary,
    /// Drama, Fantasy, Film-Noir, Horror, Musical, Mystery, Romance, Sci-Fi, Thriller, War, Western).
    /// Every genre but "unknown" gets a random direction in factor space and goes to the items whose
    /// factors point most nearly along it, as many as share it in MovieLens 100k (Drama 43 % of the
    /// items, Comedy 30 %, …, Fantasy 1.3 %); each item keeps one to three genres. "unknown" is listed
    /// only when it is the sole genre. Default 19.
    /// </summary>
    public int GenreCount { get; init; } = 19;

    /// <summary>
    /// The earliest rating time, in seconds since the Unix epoch; zero or greater and before the year
    /// 9000. Ratings fall within about seven months after it. Default 874,724,710
    /// (1997-09-20, MovieLens 100k's first rating).
    /// </summary>
    public long StartTimestamp { get; init; } = 874_724_710;

    /// <summary>
    /// A MovieLens 100k look-alike that is as hard as the real data, for offline demos and for tests of
    /// real-data behaviour; the defaults have much cleaner structure. Calibrated to MovieLens 100k's
    /// published statistics: 943 users × 1,682 items, 100,000 whole-star ratings, at least 20 per user;
    /// a long-tailed item popularity (about 110 items rated once, a median of 27 ratings per item, the
    /// most rated near 590) with popular items rated higher (<see cref="PopularityRatingCorrelation"/>
    /// 0.8; <see cref="PopularityExponent"/> 1.3, <see cref="PopularityCutoff"/> 0.62,
    /// <see cref="PopularityCutoffShape"/> 3); users who choose what to rate by popularity and by taste
    /// (<see cref="TasteExposure"/> 1.5); weak personal structure (<see cref="InteractionVariance"/>
    /// 0.4225) under heavy noise (<see cref="NoiseStdDev"/> 0.85); and 12 trilogies
    /// (<see cref="FranchiseCount"/>), the stand-ins for Star Wars and its sequels.
    /// </summary>
    /// <remarks>
    /// Measured on it (seed 42): the ratings average 3.51 with standard deviation 1.15 (MovieLens 100k:
    /// 3.53 and 1.13) and fall 6/14/28/30/23 % on 1–5 stars (MovieLens 100k: 6/11/27/34/21). On a random
    /// 90/10 split the test RMSE of the training mean is 1.150, of the biases μ + b_u + b_i 0.952 (Surprise's
    /// BaselineOnly), and biased SGD and ALS improve on the biases by about 0.02 at their defaults — the
    /// picture of MovieLens 100k (about 1.13–1.15, 0.94 and 0.90–0.92: issue 12's reporter's and Surprise's
    /// published figures on the real files). It reproduces real data's failures
    /// too: a wide, weakly regularized SGD overfits (test RMSE above the biases' while its training MSE
    /// falls to 0.35), models trained on the rating values alone rank rarely rated items first and lose
    /// to a most-popular list at top-N, and implicit ALS with ratings as strengths and α = 40 collapses its
    /// item vectors onto the popularity direction (mean cosine 0.92 among the 100 most rated items).
    /// </remarks>
    public static SyntheticOptions RealisticMovieLens100K { get; } = new()
    {
        InteractionVariance = 0.4225,
        NoiseStdDev = 0.85,
        PopularityRatingCorrelation = 0.8,
        PopularityExponent = 1.3,
        PopularityCutoff = 0.62,
        PopularityCutoffShape = 3,
        TasteExposure = 1.5,
        FranchiseCount = 12,
        FranchiseSize = 3,
    };

    /// <summary>The latest <see cref="StartTimestamp"/> accepted: the start of the year 9000.</summary>
    private static readonly long MaxStartTimestamp = new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option (<see cref="SyntheticDataGenerator.Generate(SyntheticOptions?, CancellationToken)"/> calls it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range or the options contradict each other (e.g. more ratings than users × items); the exception's parameter name is the option's.</exception>
    public void Validate()
    {
        ThrowHelper.ThrowIfNotPositive(Users, nameof(Users));
        ThrowHelper.ThrowIfNotPositive(Items, nameof(Items));
        ThrowHelper.ThrowIfNotPositive(Ratings, nameof(Ratings));
        ThrowHelper.ThrowIfNotPositive(Dimensions, nameof(Dimensions));
        if (Dimensions > EmbeddingLimits.MaxDimensions)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Dimensions), Dimensions, "at most 4096");
        }

        ThrowHelper.ThrowIfNegativeOrNotFinite(NoiseStdDev, nameof(NoiseStdDev));
        ThrowHelper.ThrowIfNegative(MinRatingsPerUser, nameof(MinRatingsPerUser));
        if (!(SideAttributeEffect is >= 0 and <= MaxSideAttributeEffect))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(SideAttributeEffect), SideAttributeEffect, "a number in [0, 10]");
        }
        CheckExponent(PopularityExponent, nameof(PopularityExponent));
        CheckExponent(ActivityExponent, nameof(ActivityExponent));
        CheckExponent(TasteExposure, nameof(TasteExposure));
        if (!(InteractionVariance > 0 && InteractionVariance <= 100))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(InteractionVariance), InteractionVariance, "a variance in (0, 100]");
        }

        if (!(PopularityRatingCorrelation >= -1 && PopularityRatingCorrelation <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(PopularityRatingCorrelation), PopularityRatingCorrelation, "a correlation in [-1, 1]");
        }

        if (!(PopularityCutoff > 0 && PopularityCutoff <= 10))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(PopularityCutoff), PopularityCutoff, "a share of the catalogue in (0, 10]");
        }

        if (!(PopularityCutoffShape >= 0.25 && PopularityCutoffShape <= 8))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(PopularityCutoffShape), PopularityCutoffShape, "a shape in [0.25, 8]");
        }

        ThrowHelper.ThrowIfNegative(FranchiseCount, nameof(FranchiseCount));
        if (FranchiseSize is < 2 or > 20)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(FranchiseSize), FranchiseSize, "in [2, 20]");
        }

        if ((long)FranchiseCount * FranchiseSize > Items)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(FranchiseCount), FranchiseCount,
                string.Create(CultureInfo.InvariantCulture, $"at most Items / FranchiseSize = {Items} / {FranchiseSize} = {Items / FranchiseSize} (an item belongs to one franchise at most)"));
        }
        if ((uint)GenreCount > (uint)MovieLensGenreNames.Ml100K.Length)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(GenreCount), GenreCount,
                string.Create(CultureInfo.InvariantCulture, $"in [0, {MovieLensGenreNames.Ml100K.Length}] (the MovieLens 100k genres)"));
        }

        if (StartTimestamp < 0 || StartTimestamp > MaxStartTimestamp)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(StartTimestamp), StartTimestamp,
                string.Create(CultureInfo.InvariantCulture, $"in [0, {MaxStartTimestamp}] seconds since the Unix epoch"));
        }

        // What the generator keeps, before any work: per user its factors, counts, ids and info (about
        // 200 bytes), per item its factors, popularity, ids, title and genres (about 300 bytes), per
        // rating its item, value and timestamp twice over (user- and item-major views, sampling).
        long userBytes = (long)Users * ((4L * Dimensions) + 200), itemBytes = (long)Items * ((4L * Dimensions) + 300 + (8L * GenreCount)), ratingBytes = 48L * Ratings;
        (string driver, object value) = userBytes >= itemBytes && userBytes >= ratingBytes ? (nameof(Users), Users)
            : itemBytes >= ratingBytes ? (nameof(Items), (object)Items) : (nameof(Ratings), Ratings);
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Sum(userBytes, itemBytes, ratingBytes), driver, value, "users, items and ratings");

        long cells = (long)Users * Items;
        if (Ratings > cells)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Ratings), Ratings,
                string.Create(CultureInfo.InvariantCulture, $"at most Users × Items = {Users} × {Items} = {cells} (each pair is rated at most once)"));
        }

        if (MinRatingsPerUser > Items)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(MinRatingsPerUser), MinRatingsPerUser,
                string.Create(CultureInfo.InvariantCulture, $"at most Items = {Items} (a user rates each item at most once)"));
        }

        if ((long)MinRatingsPerUser * Users > Ratings)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(MinRatingsPerUser), MinRatingsPerUser,
                string.Create(CultureInfo.InvariantCulture, $"at most Ratings / Users = {Ratings} / {Users} = {Ratings / Users} (every user gets at least MinRatingsPerUser of the Ratings)"));
        }

        long largest = (long)Math.Max(Users, Items) * Dimensions;
        if (largest > Array.MaxLength)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Dimensions), Dimensions,
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
}
