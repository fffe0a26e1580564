using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <content>The realistic MovieLens 100k preset, franchises and the options that shape it.</content>
public partial class SyntheticDataGeneratorTests
{
    private static readonly Lazy<SyntheticData> Realistic = new(() => SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K));

    [Fact]
    public void RealisticMovieLens100K_HasMovieLens100KsShape()
    {
        RatingsDataset ratings = Realistic.Value.Dataset;
        int[] itemCounts = Enumerable.Range(0, ratings.ItemCount).Select(i => ratings.ByItem.GetColumns(i).Length).Order().ToArray();
        float[] values = ratings.ByUser.Values.ToArray();
        double mean = values.Average(v => (double)v);
        double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));

        (ratings.UserCount, ratings.ItemCount, ratings.Count).Should().Be((943, 1682, 100_000));
        Enumerable.Range(0, ratings.UserCount).Select(u => ratings.ByUser.GetColumns(u).Length).Min().Should().Be(20);
        mean.Should().BeApproximately(3.53, 0.05, "MovieLens 100k's mean rating is 3.53");
        std.Should().BeApproximately(1.13, 0.05, "MovieLens 100k's ratings have standard deviation 1.13");
        itemCounts.Count(c => c == 1).Should().BeInRange(80, 160, "141 MovieLens 100k movies are rated once");
        itemCounts[itemCounts.Length / 2].Should().BeInRange(22, 32, "the median MovieLens 100k movie has 27 ratings");
        itemCounts[^1].Should().BeInRange(500, 650, "Star Wars, the most rated, has 583");
    }

    [Fact]
    public void RealisticMovieLens100K_PopularItemsAreRatedHigher()
    {
        RatingsDataset ratings = Realistic.Value.Dataset;
        int[] byCount = Enumerable.Range(0, ratings.ItemCount).OrderByDescending(i => ratings.ByItem.GetColumns(i).Length).ToArray();
        double MeanRating(IEnumerable<int> items) => items.SelectMany(i => ratings.ByItem.GetValues(i).ToArray()).Average(v => (double)v);

        MeanRating(byCount[..100]).Should().BeGreaterThan(MeanRating(byCount[100..]) + 0.2);
    }

    [Fact]
    public void RealisticMovieLens100K_PlantsTwelveTrilogiesOfPopularNearIdenticalItems()
    {
        SyntheticData data = Realistic.Value;
        RatingsDataset ratings = data.Dataset;
        int median = Enumerable.Range(0, ratings.ItemCount).Select(i => ratings.ByItem.GetColumns(i).Length).Order().ElementAt(ratings.ItemCount / 2);
        int d = data.Dimensions;

        data.Franchises.Should().HaveCount(12).And.OnlyContain(f => f.Count == 3);
        data.Franchises.SelectMany(f => f).Should().OnlyHaveUniqueItems();
        foreach (IReadOnlyList<int> franchise in data.Franchises)
        {
            franchise.Should().BeInAscendingOrder();
            franchise.Select(i => ratings.ByItem.GetColumns(i).Length).Should().OnlyContain(c => c > median, "franchises are drawn among the most popular items");
            ReadOnlySpan<float> first = data.ItemFactors.Slice(franchise[0] * d, d);
            for (int k = 1; k < franchise.Count; k++)
            {
                CosineOf(first, data.ItemFactors.Slice(franchise[k] * d, d)).Should().BeGreaterThan(0.95, "members share one direction");
            }
        }
    }

    [Fact]
    public void Generate_Franchises_TheirMembersAreChosenByTheSameUsers()
    {
        SyntheticData data = Realistic.Value;
        RatingsDataset ratings = data.Dataset;
        double lift = 0;
        int pairs = 0;
        foreach (IReadOnlyList<int> f in data.Franchises)
        {
            for (int a = 0; a < f.Count; a++)
            {
                for (int b = 0; b < f.Count; b++)
                {
                    if (a != b)
                    {
                        int[] raters = ratings.ByItem.GetColumns(f[a]).ToArray();
                        int both = ratings.ByItem.GetColumns(f[b]).ToArray().Intersect(raters).Count();
                        lift += ((double)both / raters.Length) / ((double)ratings.ByItem.GetColumns(f[b]).Length / ratings.UserCount);
                        pairs++;
                    }
                }
            }
        }

        (lift / pairs).Should().BeGreaterThan(1.5, "a franchise's fans rate its other members far more often than other users do");
    }

    [Fact]
    public void Generate_NoFranchises_EmptyList()
    {
        SyntheticDataGenerator.Generate(Small).Franchises.Should().BeEmpty();
    }

    [Fact]
    public void Generate_InteractionVariance_SetsTheVarianceOfThePlantedInteraction()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small with { InteractionVariance = 0.2, Dimensions = 16 });
        int d = data.Dimensions;
        var dots = new List<double>();
        for (int u = 0; u < 200; u++)
        {
            for (int i = 0; i < 300; i += 7)
            {
                dots.Add(Dot(data.UserFactors.Slice(u * d, d), data.ItemFactors.Slice(i * d, d)));
            }
        }

        dots.Average(x => x * x).Should().BeApproximately(0.2, 0.03);
    }

    [Fact]
    public void Generate_SteeperCutoffShape_MoreItemsRatedOnceAndAHigherMedian()
    {
        var options = new SyntheticOptions { PopularityExponent = 1.3, PopularityCutoff = 0.62 };
        int[] exponential = ItemCounts(SyntheticDataGenerator.Generate(options).Dataset);
        int[] steep = ItemCounts(SyntheticDataGenerator.Generate(options with { PopularityCutoffShape = 3 }).Dataset);

        steep.Count(c => c == 1).Should().BeGreaterThan(exponential.Count(c => c == 1));
        steep[steep.Length / 2].Should().BeGreaterThan(exponential[exponential.Length / 2]);
    }

    [Fact]
    public void Generate_PopularityRatingCorrelation_TiesItemBiasesToPopularity()
    {
        static double Correlation(SyntheticData data)
        {
            RatingsDataset r = data.Dataset;
            double[] pop = Enumerable.Range(0, r.ItemCount).Select(i => Math.Log(r.ByItem.GetColumns(i).Length)).ToArray();
            double[] bias = data.ItemBiases.ToArray().Select(b => (double)b).ToArray();
            double mp = pop.Average(), mb = bias.Average();
            return pop.Zip(bias).Sum(t => (t.First - mp) * (t.Second - mb)) / Math.Sqrt(pop.Sum(x => (x - mp) * (x - mp)) * bias.Sum(x => (x - mb) * (x - mb)));
        }

        double strong = Correlation(SyntheticDataGenerator.Generate(new SyntheticOptions { PopularityRatingCorrelation = 0.9 }));
        double none = Correlation(SyntheticDataGenerator.Generate(new SyntheticOptions { PopularityRatingCorrelation = 0 }));

        strong.Should().BeGreaterThan(0.6);
        none.Should().BeInRange(-0.15, 0.15);
    }

    private static int[] ItemCounts(RatingsDataset ratings) =>
        Enumerable.Range(0, ratings.ItemCount).Select(i => ratings.ByItem.GetColumns(i).Length).Order().ToArray();

    private static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sum += (double)x[k] * y[k];
        }

        return sum;
    }

    private static double CosineOf(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Dot(x, y) / Math.Sqrt(Dot(x, x) * Dot(y, y));
}
