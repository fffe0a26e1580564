using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>Small datasets and a plain double-precision reference of the notebook's losses for the full-batch tests.</summary>
internal static class FullBatchTestData
{
    /// <summary>
    /// 3 users × 4 items, 6 ratings; item 3 has none:
    /// <code>
    ///        i0  i1  i2  i3
    ///   u0    5   3   .   .
    ///   u1    4   .   1   .
    ///   u2    .   2   5   .
    /// </code>
    /// </summary>
    public static RatingsDataset Tiny()
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(3, 4));
        builder.Add(new Rating(U(0), I(0), 5)).Add(new Rating(U(0), I(1), 3)).Add(new Rating(U(1), I(0), 4))
               .Add(new Rating(U(1), I(2), 1)).Add(new Rating(U(2), I(1), 2)).Add(new Rating(U(2), I(2), 5));
        return builder.Build();
    }

    /// <summary>U₀ (3×2) of the hand-computed tests, row-major.</summary>
    public static float[] TinyUsers() => [0.1f, 0.2f, 0.3f, -0.1f, -0.2f, 0.4f];

    /// <summary>V₀ (4×2) of the hand-computed tests, row-major.</summary>
    public static float[] TinyItems() => [0.5f, -0.3f, 0.2f, 0.1f, -0.4f, 0.3f, 0.6f, 0.2f];

    /// <summary>A random dataset over <paramref name="users"/> × <paramref name="items"/>: each user rates a seeded random subset, values 1..5 from a planted rank-3 structure.</summary>
    public static RatingsDataset Random(int users, int items, double density, int seed)
    {
        var random = new Random(seed);
        var p = new double[users * 3];
        var q = new double[items * 3];
        for (int k = 0; k < p.Length; k++)
        {
            p[k] = random.NextDouble() - 0.5;
        }

        for (int k = 0; k < q.Length; k++)
        {
            q[k] = random.NextDouble() - 0.5;
        }

        var builder = new RatingsDatasetBuilder(Catalog.Sequential(users, items));
        for (int u = 0; u < users; u++)
        {
            for (int i = 0; i < items; i++)
            {
                if (random.NextDouble() < density)
                {
                    double s = 3 + (4 * ((p[u * 3] * q[i * 3]) + (p[(u * 3) + 1] * q[(i * 3) + 1]) + (p[(u * 3) + 2] * q[(i * 3) + 2]))) + random.NextDouble() - 0.5;
                    builder.Add(new Rating(U(u), I(i), (float)Math.Clamp(Math.Round(s), 1, 5)));
                }
            }
        }

        return builder.Build();
    }

    /// <summary>Random row-major values ~ Uniform(−scale, scale).</summary>
    public static float[] RandomMatrix(int rows, int d, double scale, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * d];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = (float)(scale * ((2 * random.NextDouble()) - 1));
        }

        return values;
    }

    /// <summary>The loss terms in double, written plainly from DESIGN.md (g by brute force over all N×M pairs).</summary>
    public static (double Mse, double R, double G) Losses(RatingsDataset train, double[] u, double[] v, int d)
    {
        int n = train.UserCount, m = train.ItemCount;
        double mse = 0;
        foreach (Rating rating in train)
        {
            double e = rating.Value - Dot(u, rating.User.Value, v, rating.Item.Value, d);
            mse += e * e;
        }

        mse /= train.Count;
        double ru = 0, rv = 0;
        for (int i = 0; i < n; i++)
        {
            ru += Dot(u, i, u, i, d);
        }

        for (int j = 0; j < m; j++)
        {
            rv += Dot(v, j, v, j, d);
        }

        double g = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double s = Dot(u, i, v, j, d);
                g += s * s;
            }
        }

        return (mse, (ru / n) + (rv / m), g / ((double)n * m));
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, x => (double)x);

    private static double Dot(double[] a, int row, double[] b, int column, int d)
    {
        double s = 0;
        for (int k = 0; k < d; k++)
        {
            s += a[(row * d) + k] * b[(column * d) + k];
        }

        return s;
    }
}
