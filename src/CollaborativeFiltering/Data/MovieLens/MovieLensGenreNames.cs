namespace CollaborativeFiltering.Data;

/// <summary>The 19 genres of MovieLens 100k (<c>u.genre</c>), in the order of the flag columns of <c>u.item</c>.</summary>
internal static class MovieLensGenreNames
{
    /// <summary>unknown, Action, Adventure, …, Western: index <c>g</c> is flag column <c>g</c>.</summary>
    public static readonly string[] Ml100K =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <summary>
    /// About how many of MovieLens 100k's 1,682 items list each genre (same order as <see cref="Ml100K"/>):
    /// the synthetic generator gives each genre to the same share of its items.
    /// </summary>
    public static readonly int[] Ml100KItemCounts =
    [
        2, 251, 135, 42, 122, 505, 109, 50, 725, 22, 24, 92, 56, 61, 247, 101, 251, 71, 27,
    ];

    /// <summary>The number of items in MovieLens 100k, the denominator of <see cref="Ml100KItemCounts"/>.</summary>
    public const int Ml100KItemTotal = 1682;
}
