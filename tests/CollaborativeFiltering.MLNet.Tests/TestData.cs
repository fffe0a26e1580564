using CollaborativeFiltering.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CollaborativeFiltering.MLNet.Tests;

/// <summary>A rating as a user's ML.NET data class holds it: ids as text, the rating as a float.</summary>
public sealed class RatingRow
{
    public string UserId { get; set; } = "";

    public string ItemId { get; set; } = "";

    public float Rating { get; set; }
}

/// <summary>What a PredictionEngine returns: the ids and the score.</summary>
public sealed class RatingPrediction
{
    public string UserId { get; set; } = "";

    public string ItemId { get; set; } = "";

    public float Score { get; set; }
}

/// <summary>Small seeded rating sets with a planted low-rank structure, as rows and as the library's datasets.</summary>
internal static class TestData
{
    /// <summary>
    /// <paramref name="count"/> distinct (user, item) ratings on a 1–5 scale from a rank-3 model plus noise,
    /// in a shuffled order. User ids are "u" + 7·i + 3 and item ids 1000 + 13·j, so that ids are not dense indices.
    /// </summary>
    public static RatingRow[] Rows(int users = 40, int items = 30, int count = 600, int seed = 1)
    {
        var random = new Random(seed);
        var u = Gaussian(random, users * 3);
        var v = Gaussian(random, items * 3);
        var pairs = new HashSet<(int, int)>();
        var rows = new List<RatingRow>(count);
        while (rows.Count < count)
        {
            int user = random.Next(users), item = random.Next(items);
            if (!pairs.Add((user, item)))
            {
                continue;
            }

            double dot = u[user * 3] * v[item * 3] + u[user * 3 + 1] * v[item * 3 + 1] + u[user * 3 + 2] * v[item * 3 + 2];
            float rating = (float)Math.Clamp(Math.Round(3 + dot + 0.3 * Gaussian(random, 1)[0]), 1, 5);
            rows.Add(new RatingRow { UserId = UserId(user), ItemId = ItemId(item), Rating = rating });
        }

        return [.. rows];
    }

    public static string UserId(int user) => $"u{7 * user + 3}";

    public static string ItemId(int item) => $"{1000 + 13 * item}";

    /// <summary>The rows as the library's dataset: ids get indices in order of first appearance, as MapValueToKey gives keys.</summary>
    public static RatingsDataset Dataset(IEnumerable<RatingRow> rows)
    {
        var builder = new RatingsDatasetBuilder();
        foreach (RatingRow row in rows)
        {
            builder.Add(row.UserId, row.ItemId, row.Rating);
        }

        return builder.Build();
    }

    /// <summary>The rows over a given catalogue.</summary>
    public static RatingsDataset Dataset(IEnumerable<RatingRow> rows, Catalog catalog)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        foreach (RatingRow row in rows)
        {
            builder.Add(row.UserId, row.ItemId, row.Rating);
        }

        return builder.Build();
    }

    /// <summary>The usual ML.NET start: user and item ids mapped to keys "userKey" and "itemKey".</summary>
    public static EstimatorChain<ValueToKeyMappingTransformer> MapIdsToKeys(MLContext mlContext) =>
        mlContext.Transforms.Conversion.MapValueToKey("userKey", nameof(RatingRow.UserId))
            .Append(mlContext.Transforms.Conversion.MapValueToKey("itemKey", nameof(RatingRow.ItemId)));

    /// <summary>Every score of a scored data view, in row order.</summary>
    public static float[] Scores(IDataView scored) => scored.GetColumn<float>(RecommenderColumnNames.Score).ToArray();

    private static double[] Gaussian(Random random, int n)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.6;
        }

        return values;
    }
}
