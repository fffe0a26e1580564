using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>The small data sets of the neighbourhood tests, with values computed by hand (or by a few lines of Python following Surprise's code, quoted in the tests).</summary>
internal static class NeighborhoodTestData
{
    /// <summary>
    /// Four users × four items, 13 ratings:
    /// u0: i0 = 5, i1 = 3, i2 = 4;  u1: i0 = 3, i1 = 1, i2 = 2, i3 = 5;  u2: i0 = 4, i1 = 2, i3 = 1;  u3: i1 = 5, i2 = 4, i3 = 3.
    /// μ = 42/13 = 3.2307692.
    /// </summary>
    public static RatingsDataset Tiny() => Build(Catalog.Sequential(4, 4),
        (0, 0, 5), (0, 1, 3), (0, 2, 4),
        (1, 0, 3), (1, 1, 1), (1, 2, 2), (1, 3, 5),
        (2, 0, 4), (2, 1, 2), (2, 3, 1),
        (3, 1, 5), (3, 2, 4), (3, 3, 3));

    /// <summary>
    /// Seven users × seven items, 28 ratings 1–5 (ids 1–7 in the file are indices 0–6 here), on which Surprise 1.1.4
    /// itself computed the reference predictions of the <c>*Tests.Surprise.cs</c> tests: the file
    /// "u\ti\tr\t0" lines in this order, <c>Dataset.load_from_file(path, Reader("ml-100k")).build_full_trainset()</c>,
    /// and <c>algo.predict(u, i).est</c> (clipped to [1, 5]) for each pair of <see cref="SurpriseToyPairs"/>.
    /// </summary>
    public static RatingsDataset SurpriseToy() => Build(Catalog.Sequential(7, 7),
        (0, 0, 2), (0, 1, 1), (0, 2, 2), (0, 5, 1), (0, 6, 3),
        (1, 0, 5), (1, 1, 2), (1, 3, 1), (1, 6, 2),
        (2, 1, 1), (2, 2, 2), (2, 3, 5), (2, 5, 5),
        (3, 0, 2), (3, 1, 2), (3, 4, 2), (3, 6, 2),
        (4, 1, 2), (4, 2, 2), (4, 4, 4), (4, 5, 3),
        (5, 1, 2), (5, 2, 3), (5, 3, 1),
        (6, 0, 5), (6, 2, 3), (6, 4, 1), (6, 5, 3));

    /// <summary>The 21 unrated (user, item) pairs of <see cref="SurpriseToy"/>, user by user.</summary>
    public static (int User, int Item)[] SurpriseToyPairs() =>
    [
        (0, 3), (0, 4), (1, 2), (1, 4), (1, 5), (2, 0), (2, 4), (2, 6), (3, 2), (3, 3), (3, 5),
        (4, 0), (4, 3), (4, 6), (5, 0), (5, 4), (5, 5), (5, 6), (6, 1), (6, 3), (6, 6),
    ];

    /// <summary>The model's predictions for <see cref="SurpriseToyPairs"/>.</summary>
    public static float[] SurpriseToyPredictions(IRecommenderModel model) =>
        [.. SurpriseToyPairs().Select(p => model.Predict(U(p.User), I(p.Item)))];

    public static RatingsDataset Build(Catalog catalog, params (int User, int Item, float Value)[] ratings)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        foreach (var (u, i, v) in ratings)
        {
            builder.Add(new Rating(U(u), I(i), v));
        }

        return builder.Build();
    }

    /// <summary>A random sparse data set: each (user, item) rated with probability <paramref name="density"/>, ratings 1–5.</summary>
    public static RatingsDataset Random(int users, int items, double density, int seed)
    {
        var random = new Random(seed);
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(users, items));
        for (int u = 0; u < users; u++)
        {
            for (int i = 0; i < items; i++)
            {
                if (random.NextDouble() < density)
                {
                    builder.Add(new Rating(U(u), I(i), random.Next(1, 6)));
                }
            }
        }

        return builder.Build();
    }

    /// <summary>The weights an item-kNN or EASE model holds for <paramref name="item"/>.</summary>
    public static float[] Row(IItemSimilarityModel model, int item)
    {
        var weights = new float[model.Catalog.ItemCount];
        model.ScoreSimilarItems(I(item), weights);
        return weights;
    }

    /// <summary>The similarities a user-kNN model holds for <paramref name="user"/>.</summary>
    public static float[] Row(IUserSimilarityModel model, int user)
    {
        var weights = new float[model.Catalog.UserCount];
        model.ScoreSimilarUsers(U(user), weights);
        return weights;
    }
}
