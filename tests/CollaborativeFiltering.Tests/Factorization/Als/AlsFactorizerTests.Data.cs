using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>Datasets, reference computations and recorders shared by the ALS tests.</summary>
internal static class AlsTestData
{
    /// <summary>
    /// 3 users × 4 items, 6 ratings (mean 10/3); item 3 has none:
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

    /// <summary>Each user rates a seeded random subset (at least one item); values 1..5 from a planted rank-3 structure plus noise.</summary>
    public static RatingsDataset Random(int users, int items, double density, int seed)
    {
        var random = new Random(seed);
        double[] p = Uniform(random, users * 3, 0.5);
        double[] q = Uniform(random, items * 3, 0.5);
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(users, items));
        for (int u = 0; u < users; u++)
        {
            int first = random.Next(items);
            for (int i = 0; i < items; i++)
            {
                if (i == first || random.NextDouble() < density)
                {
                    double s = 3 + (4 * ((p[u * 3] * q[i * 3]) + (p[(u * 3) + 1] * q[(i * 3) + 1]) + (p[(u * 3) + 2] * q[(i * 3) + 2]))) + random.NextDouble() - 0.5;
                    builder.Add(new Rating(U(u), I(i), (float)Math.Clamp(Math.Round(s), 1, 5)));
                }
            }
        }

        return builder.Build();
    }

    /// <summary>Random row-major floats ~ Uniform(−scale, scale).</summary>
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

    /// <summary>The ratings with the given positions (user-major) removed.</summary>
    public static RatingsDataset Without(RatingsDataset dataset, Func<Rating, bool> drop)
    {
        var keep = new bool[dataset.Count];
        int p = 0;
        foreach (Rating rating in dataset)
        {
            keep[p++] = !drop(rating);
        }

        return dataset.Where(keep);
    }

    /// <summary>The mean of the training values, in double.</summary>
    public static double Mean(RatingsDataset dataset)
    {
        double sum = 0;
        foreach (Rating rating in dataset)
        {
            sum += rating.Value;
        }

        return sum / dataset.Count;
    }

    /// <summary>The explicit ALS objective Σ (r − μ − b_u − b_i − ⟨p, q⟩)² + λ·(Σ n_u(‖p_u‖² + b_u²) + Σ n_i(‖q_i‖² + b_i²)), plainly in double.</summary>
    public static double ExplicitObjective(RatingsDataset train, FactorizationModel model, double lambda)
    {
        double sse = 0;
        foreach (Rating rating in train)
        {
            double e = rating.Value - model.Predict(rating.User, rating.Item);
            sse += e * e;
        }

        double penalty = 0;
        for (int u = 0; u < train.UserCount; u++)
        {
            penalty += train.ByUser.GetRowLength(u) * SquaredNorm(model.GetUserEmbedding(U(u)), model.HasBiases ? model.UserBiases[u] : 0);
        }

        for (int i = 0; i < train.ItemCount; i++)
        {
            penalty += train.ByItem.GetRowLength(i) * SquaredNorm(model.GetItemEmbedding(I(i)), model.HasBiases ? model.ItemBiases[i] : 0);
        }

        return sse + (lambda * penalty);
    }

    private static double SquaredNorm(ReadOnlySpan<float> x, float bias)
    {
        double sum = (double)bias * bias;
        foreach (float v in x)
        {
            sum += (double)v * v;
        }

        return sum;
    }

    private static double[] Uniform(Random random, int count, double scale)
    {
        var values = new double[count];
        for (int k = 0; k < count; k++)
        {
            values[k] = scale * ((2 * random.NextDouble()) - 1);
        }

        return values;
    }
}

/// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class AlsProgressRecorder(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];

    public void Report(TrainingProgress value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}

/// <summary>Records log entries (level, event id, message).</summary>
internal sealed class AlsListLogger : ILogger
{
    public List<(LogLevel Level, EventId Id, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((logLevel, eventId, formatter(state, exception)));
}
