namespace CollaborativeFiltering.Data;

/// <summary>The file layouts of the MovieLens releases that <see cref="MovieLens"/> reads.</summary>
public enum MovieLensFormat
{
    /// <summary>MovieLens 100k: <c>u.data</c> (tab-separated), <c>u.item</c>, <c>u.user</c>, <c>u.genre</c> ('|', Latin-1).</summary>
    Ml100K = 0,

    /// <summary>MovieLens 1M (and 10M): <c>ratings.dat</c>, <c>movies.dat</c>, <c>users.dat</c> ('::', Latin-1).</summary>
    Ml1M = 1,

    /// <summary>MovieLens latest, latest-small, 20M, 25M, 32M: <c>ratings.csv</c> and <c>movies.csv</c> (RFC 4180 CSV with a header, UTF-8).</summary>
    Latest = 2,
}
