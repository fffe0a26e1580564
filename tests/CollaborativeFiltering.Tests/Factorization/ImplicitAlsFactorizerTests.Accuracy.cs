using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class ImplicitAlsFactorizerTests
{
    /// <summary>
    /// Implicit ALS with the default options on a per-user holdout (20 %) of interactions drawn from
    /// the planted model of the MovieLens-100k-shaped synthetic set ranks held-out items at least
    /// twice as well as recommending the most popular unseen items (NDCG@10; measured ≈ 0.25 against
    /// ≈ 0.08, about 3×).
    /// </summary>
    /// <remarks>
    /// The interactions are derived rather than the synthetic ratings themselves because the
    /// generator picks which items a user rates by popularity alone (the planted factors only set
    /// the values), so on its own rating pattern most-popular is the best possible ranking (measured
    /// NDCG@10 0.37, implicit ALS at most 0.25). Here each user keeps the number of ratings the
    /// generator gave them, but picks the items with the largest planted affinity b_i + ⟨p_u, q_i⟩
    /// plus Gumbel noise (temperature 0.5): a Plackett–Luce draw, so choices are personal and
    /// popularity (b_i) still matters.
    /// </remarks>
    [Fact]
    public void Fit_DefaultsOnPlantedAffinityInteractions_RankAtLeastTwiceAsWellAsMostPopular()
    {
        SyntheticData data = SyntheticDataset.Generate(new SyntheticOptions { Seed = 3 });
        RatingsDataset interactions = AffinityInteractions(data, temperature: 0.5, seed: 11);
        DatasetSplit split = DatasetSplitter.PerUserHoldout(interactions, 0.2, seed: 5);

        FactorizationModel model = new ImplicitAlsFactorizer().Fit(split.Train);

        double als = MeanNdcgAt10(split, user => Recommender.Recommend(model, user, 10, split.Train).Select(r => r.Index).ToArray());
        int[] popular = MostPopularFirst(split.Train);
        double pop = MeanNdcgAt10(split, user =>
        {
            int[] seen = split.Train.ByUser.GetColumns(user).ToArray();
            return popular.Where(i => Array.BinarySearch(seen, i) < 0).Take(10).ToArray();
        });
        als.Should().BeGreaterThanOrEqualTo(2 * pop);
        pop.Should().BeGreaterThan(0.02, "the baseline is not degenerate");
    }

    [Fact]
    public void Recommend_ImplicitModelExcludingTrain_NeverReturnsATrainingItem()
    {
        RatingsDataset train = AlsTestData.Random(80, 60, 0.3, seed: 71);
        FactorizationModel model = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 8, Iterations = 5 }).Fit(train);

        TopKRecommendations all = Recommender.RecommendAll(model, 20, train);
        for (int u = 0; u < train.UserCount; u++)
        {
            int[] seen = train.ByUser.GetColumns(u).ToArray();
            IReadOnlyList<Recommendation> top = Recommender.Recommend(model, u, 20, train);

            top.Should().HaveCount(Math.Min(20, 60 - seen.Length));
            top.Select(r => r.Index).Should().NotIntersectWith(seen);
            all.GetItems(u).ToArray().Should().NotIntersectWith(seen);
        }
    }

    /// <summary>A new user folded in with the implicit objective gets recommendations led by items that co-occur with theirs.</summary>
    [Fact]
    public void FoldInUser_NewUserOfACluster_IsRecommendedTheClustersOtherItems()
    {
        // Two disjoint tastes: users 0–19 interact with items 0–9, users 20–39 with items 10–19.
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(40, 20));
        var random = new Random(3);
        for (int u = 0; u < 40; u++)
        {
            int offset = u < 20 ? 0 : 10;
            for (int i = 0; i < 10; i++)
            {
                if (random.NextDouble() < 0.6)
                {
                    builder.Add(new Rating(u, offset + i, 1));
                }
            }
        }

        FactorizationModel model = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 4, Iterations = 10 }).Fit(builder.Build());

        int[] items = [11, 12, 15];
        float[] query = ImplicitAlsFactorizer.FoldInUser(model, items, [1f, 1f, 1f]);
        IReadOnlyList<Recommendation> top = Recommender.RecommendForQuery(model, query, 5, items);

        top.Select(r => r.Index).Should().OnlyContain(i => i >= 10 && i < 20 && !items.Contains(i));
    }

    /// <summary>
    /// Each user keeps the number of interactions the generator gave them and picks, by
    /// Gumbel-top-k (a Plackett–Luce draw), the items of largest (b_i + ⟨p_u, q_i⟩)/T + Gumbel noise.
    /// </summary>
    private static RatingsDataset AffinityInteractions(SyntheticData data, double temperature, int seed)
    {
        RatingsDataset ratings = data.Dataset;
        int n = ratings.UserCount, m = ratings.ItemCount, d = data.Dimensions;
        ReadOnlySpan<float> p = data.UserFactors, q = data.ItemFactors, b = data.ItemBiases;
        var random = new Random(seed);
        var offsets = new int[n + 1];
        var items = new List<int>(ratings.Count);
        var keys = new double[m];
        var order = new int[m];
        for (int u = 0; u < n; u++)
        {
            for (int i = 0; i < m; i++)
            {
                double affinity = b[i];
                for (int k = 0; k < d; k++)
                {
                    affinity += p[(u * d) + k] * q[(i * d) + k];
                }

                double gumbel = -Math.Log(-Math.Log((random.NextDouble() * (1 - 1e-12)) + 1e-12));
                keys[i] = -((affinity / temperature) + gumbel);
                order[i] = i;
            }

            Array.Sort(keys, order);
            int count = ratings.ByUser.GetRowLength(u);
            int[] chosen = order[..count];
            Array.Sort(chosen);
            items.AddRange(chosen);
            offsets[u + 1] = items.Count;
        }

        float[] values = [.. Enumerable.Repeat(1f, items.Count)];
        return RatingsDataset.FromUserMajor(ratings.Catalog, offsets, [.. items], values, null);
    }

    /// <summary>Item indices by training count, most first (ties: lower index first).</summary>
    private static int[] MostPopularFirst(RatingsDataset train)
    {
        int[] order = [.. Enumerable.Range(0, train.ItemCount)];
        return [.. order.OrderByDescending(i => train.ByItem.GetRowLength(i)).ThenBy(i => i)];
    }

    /// <summary>Mean over users with held-out items of NDCG@10 with binary relevance: Σ_hits 1/log2(rank + 1) over the ideal.</summary>
    private static double MeanNdcgAt10(DatasetSplit split, Func<int, int[]> recommend)
    {
        double sum = 0;
        int users = 0;
        for (int u = 0; u < split.Test.UserCount; u++)
        {
            int[] relevant = split.Test.ByUser.GetColumns(u).ToArray();
            if (relevant.Length == 0)
            {
                continue;
            }

            int[] top = recommend(u);
            double dcg = 0, ideal = 0;
            for (int k = 0; k < top.Length; k++)
            {
                if (Array.BinarySearch(relevant, top[k]) >= 0)
                {
                    dcg += 1 / Math.Log2(k + 2);
                }
            }

            for (int k = 0; k < Math.Min(10, relevant.Length); k++)
            {
                ideal += 1 / Math.Log2(k + 2);
            }

            sum += dcg / ideal;
            users++;
        }

        return sum / users;
    }
}
