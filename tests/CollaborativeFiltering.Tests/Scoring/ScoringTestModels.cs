using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Scoring;

/// <summary>Small hand-built and seeded random models for the scoring tests.</summary>
internal static class ScoringTestModels
{
    public static readonly string[] Titles =
    [
        "Toy Story (1995)",
        "GoldenEye (1995)",
        "Aladdin (1992)",
        "Aladdin and the King of Thieves (1996)",
        "Heat (1995)",
    ];

    /// <summary>A catalogue of <paramref name="users"/> users and the five titled items above (ids "1".."5").</summary>
    public static Catalog MovieCatalog(int users = 3)
    {
        var items = IdMap.Sequential(Titles.Length);
        var infos = new ItemInfo[Titles.Length];
        for (int i = 0; i < infos.Length; i++)
        {
            infos[i] = new ItemInfo(items[i], Titles[i], null, null, i % 2 == 0 ? ["Comedy"] : ["Action", "Thriller"]);
        }

        return new Catalog(IdMap.Sequential(users), items, itemInfos: infos);
    }

    /// <summary>
    /// Five items in 2-D. Against item 0 = (1, 0): dots 1, 3, 0.5, 2, −1; cosines 1, 0.7071, 1, 0.8944, −1.
    /// Users: (1, 0), (0, 1), (2, 2).
    /// </summary>
    public static FactorizationModel MovieModel() => FactorizationModel.FromEmbeddings(
        MovieCatalog(),
        2,
        [1, 0, 0, 1, 2, 2],
        [1, 0, 3, 3, 0.5f, 0, 2, -1, -1, 0]);

    /// <summary>A seeded random model with uniform(−1, 1) embeddings and optional biases.</summary>
    public static FactorizationModel Random(int users, int items, int d, bool biases, int seed)
    {
        var rng = new Random(seed);
        float[] u = Uniform(rng, users * d);
        float[] v = Uniform(rng, items * d);
        return biases
            ? FactorizationModel.FromEmbeddings(Catalog.Sequential(users, items), d, u, v, Uniform(rng, users), Uniform(rng, items), 3.5f)
            : FactorizationModel.FromEmbeddings(Catalog.Sequential(users, items), d, u, v);
    }

    /// <summary>Each (user, item) pair rated with probability <paramref name="density"/>, value 1..5.</summary>
    public static RatingsDataset RandomRatings(Catalog catalog, double density, int seed)
    {
        var rng = new Random(seed);
        var builder = new RatingsDatasetBuilder(catalog);
        for (int u = 0; u < catalog.UserCount; u++)
        {
            for (int i = 0; i < catalog.ItemCount; i++)
            {
                if (rng.NextDouble() < density)
                {
                    builder.Add(catalog.Users[u], catalog.Items[i], rng.Next(1, 6));
                }
            }
        }

        return builder.Build();
    }

    /// <summary>Asserts element-wise closeness (absolute tolerance).</summary>
    public static void ShouldBeClose(this float[] actual, float tolerance, params float[] expected)
    {
        actual.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], tolerance, "element {0}", i);
        }
    }

    public static float[] Uniform(Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>Standard normal values (Box–Muller).</summary>
    public static float[] Normal(Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double a = 1.0 - rng.NextDouble();
            double b = rng.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(a)) * Math.Cos(2 * Math.PI * b));
        }

        return values;
    }
}
