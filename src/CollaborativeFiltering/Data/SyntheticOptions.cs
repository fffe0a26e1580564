namespace CollaborativeFiltering.Data;

/// <summary>
/// What <see cref="SyntheticDataset.Generate(SyntheticOptions?, CancellationToken)"/> makes. The
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
    /// z_ui = ⟨p_u, q_i⟩ / √0.5 is the planted interaction in standard units. Finite, in [0, 10].
    /// Default 0: items are drawn by popularity alone, so which items a user rated says nothing
    /// personal (only the rating values do) and no ranking model can beat a most-popular list at
    /// guessing a user's held-out items. Real users mostly rate what they chose to watch, which
    /// follows their taste; use β of about 2 to test implicit-feedback and ranking models. Measured
    /// on the default shape with a per-user 20 % holdout: the most-popular list's recall@10 falls from
    /// 0.17 (β = 0) to 0.08 (β = 2), while implicit ALS with its defaults reaches 0.66×, 1.15×,
    /// 1.8× and 2.7× the most-popular recall@10 at β = 0, 1, 1.5 and 2 (tuned personalised models
    /// reach about 2× on MovieLens 100k). Exposure that follows taste also makes rating prediction
    /// harder (the observed ratings cover less of each user's taste): on the 1M-rating shape the
    /// default ALS and biased SGD models' test RMSE goes from 1.099× and 1.095× the noise floor at
    /// β = 0 to 1.106× and 1.104× at β = 1 and 1.131× and 1.143× at β = 2.
    /// </summary>
    public double TasteExposure { get; init; }

    /// <summary>
    /// When <see langword="false"/> (the default), ratings are whole stars 1 to 5 (MovieLens 100k/1M);
    /// when <see langword="true"/>, half stars 0.5 to 5 in steps of 0.5 (MovieLens latest).
    /// </summary>
    public bool HalfStars { get; init; }

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
}
