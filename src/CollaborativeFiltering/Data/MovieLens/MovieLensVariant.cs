namespace CollaborativeFiltering.Data;

/// <summary>
/// A MovieLens release that <see cref="MovieLens.DownloadAsync(MovieLensVariant, MovieLensDownloadOptions, IProgress{DownloadProgress}?, CancellationToken)"/>
/// can fetch from GroupLens.
/// </summary>
public enum MovieLensVariant
{
    /// <summary>
    /// MovieLens 100K (1998): 100,000 ratings from 943 users on 1,682 movies. Archive <c>ml-100k.zip</c>,
    /// extracted folder <c>ml-100k</c> with <c>u.data</c>, <c>u.item</c> and <c>u.user</c> among others.
    /// </summary>
    Ml100K = 0,

    /// <summary>
    /// MovieLens 1M (2003): 1,000,209 ratings from 6,040 users on 3,706 movies. Archive <c>ml-1m.zip</c>,
    /// extracted folder <c>ml-1m</c> with <c>ratings.dat</c>, <c>movies.dat</c> and <c>users.dat</c>.
    /// </summary>
    Ml1M = 1,

    /// <summary>
    /// MovieLens latest, small (about 100,000 ratings, half-star steps). Archive <c>ml-latest-small.zip</c>,
    /// extracted folder <c>ml-latest-small</c> with <c>ratings.csv</c> and <c>movies.csv</c> among others.
    /// GroupLens may update this release, so no checksum is built in for it.
    /// </summary>
    LatestSmall = 2,
}
