using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public class ScoringThreadSafetyTests
{
    [Fact]
    public async Task ConcurrentCalls_EightThreads_EqualSequentialResults()
    {
        var model = ScoringTestModels.Random(40, 120, 12, biases: true, seed: 31);
        var train = ScoringTestModels.RandomRatings(model.Catalog, 0.1, seed: 32);
        // Expected values from a twin model, so the shared model's norm cache is first built under contention.
        var twin = ScoringTestModels.Random(40, 120, 12, biases: true, seed: 31);
        var expected = Enumerable.Range(0, 40).Select(u => Snapshot(twin, train, u)).ToArray();

        const int threads = 8;
        using var barrier = new Barrier(threads);
        var results = new string[threads][];
        var tasks = new Task[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            tasks[t] = Task.Factory.StartNew(
                () =>
                {
                    barrier.SignalAndWait();
                    var mine = new string[40];
                    for (int i = 0; i < 40; i++)
                    {
                        int u = (i + (id * 5)) % 40;
                        mine[u] = Snapshot(model, train, u);
                    }

                    results[id] = mine;
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        await Task.WhenAll(tasks);
        foreach (var r in results)
        {
            r.Should().Equal(expected);
        }
    }

    private static string Snapshot(FactorizationModel model, RatingsDataset train, int u)
    {
        int item = (u * 7) % model.ItemCount;
        var parts = new List<string>
        {
            model.Predict(U(u), I(item)).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var measure in new[] { SimilarityMeasure.Dot, SimilarityMeasure.Cosine })
        {
            foreach (var n in Neighbors.NearestItems(model, I(item), 6, measure).Neighbors)
            {
                parts.Add(n.Item.Value + ":" + n.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (var r in Recommender.Recommend(model, U(u), 8, train))
        {
            parts.Add(r.Item.Value + ":" + r.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        return string.Join(' ', parts);
    }
}
