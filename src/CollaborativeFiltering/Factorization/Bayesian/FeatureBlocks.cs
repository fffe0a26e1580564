namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The feature groups <see cref="BayesianFactorizationMachine"/> builds from the dataset, combined as
/// flags. Each group has its own normal–gamma prior (per-group priors, as libFM's and myFM's
/// grouped MCMC). The user-side groups form the relational user block (one row per user, stored once),
/// the item-side groups the item block, the time group a block of rating-day buckets.
/// </summary>
[Flags]
public enum FeatureBlocks
{
    /// <summary>No group: the model is a global mean plus noise.</summary>
    None = 0,

    /// <summary>The user's id, one-hot: a bias and a factor per user (what a matrix factorization has).</summary>
    UserId = 1,

    /// <summary>The item's id, one-hot: a bias and a factor per item.</summary>
    ItemId = 2,

    /// <summary>Implicit feedback on the user side: the items the user rated in the training set, each 1/√n_u (SVD++'s y_j, Koren 2008).</summary>
    RatedItems = 4,

    /// <summary>Implicit feedback on the item side: the users who rated the item in the training set, each 1/√n_i.</summary>
    Raters = 8,

    /// <summary>
    /// What <see cref="Data.UserInfo"/> says: the age bracket (under 18, 18–24, 25–34, 35–44, 45–49,
    /// 50–55, 56 and over: MovieLens 1M's codes), sex, occupation and zip-code prefix
    /// (<see cref="FactorizationMachineOptions.ZipPrefixLength"/> characters), one group each, one-hot;
    /// an unknown value gives no feature.
    /// </summary>
    UserInfo = 16,

    /// <summary>What <see cref="Data.ItemInfo"/> says: the genres (each 1/g for an item of g genres, so they sum to 1) and the release-year bucket (<see cref="FactorizationMachineOptions.YearBucketWidth"/> years), one group each.</summary>
    ItemInfo = 32,

    /// <summary>The rating's day bucket (<see cref="FactorizationMachineOptions.TimeBucketDays"/> days from the first training rating), one-hot; needs timestamps.</summary>
    Time = 64,

    /// <summary>The defaults: user and item ids, the items each user rated, and the user and item information (the blocks of the best published MovieLens results of libFM and myFM).</summary>
    Default = UserId | ItemId | RatedItems | UserInfo | ItemInfo,
}
