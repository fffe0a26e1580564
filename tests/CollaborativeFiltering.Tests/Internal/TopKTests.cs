using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Scoring;

public class TopKTests
{
    [Fact]
    public void Select_HandComputed_BestFirstTiesByIndex()
    {
        float[] values = [1f, 5f, 3f, 5f, -2f, 3f, 4f];
        var s = new float[4];
        var i = new int[4];
        int count = TopK.Select(values, [], -1, s, i);
        count.Should().Be(4);
        i.Should().Equal(1, 3, 6, 2);
        s.Should().Equal(5f, 5f, 4f, 3f);
    }

    [Fact]
    public void Select_SkipAndExclusions_Honoured()
    {
        float[] values = [1f, 5f, 3f, 5f, -2f, 3f, 4f];
        var s = new float[3];
        var i = new int[3];
        TopK.Select(values, [3, 6], 1, s, i).Should().Be(3);
        i.Should().Equal(2, 5, 0);
    }

    [Fact]
    public void Select_NaNAndNegativeInfinity_NeverKept()
    {
        float[] values = [float.NaN, float.NegativeInfinity, 2f];
        var s = new float[3];
        var i = new int[3];
        TopK.Select(values, [], -1, s, i).Should().Be(1);
        i[0].Should().Be(2);
    }

    [Fact]
    public void Offer_RandomStreamWithTies_EqualsSortReference()
    {
        var rng = new Random(9);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = rng.Next(1, 200), k = rng.Next(1, 20);
            var values = new float[n];
            for (int j = 0; j < n; j++)
            {
                values[j] = rng.Next(0, 10); // many ties
            }

            // Offer in a shuffled order: the tie rule must not depend on arrival order.
            int[] order = [.. Enumerable.Range(0, n).OrderBy(_ => rng.Next())];
            var s = new float[Math.Min(k, n)];
            var i = new int[s.Length];
            int count = 0;
            foreach (int j in order)
            {
                TopK.Offer(s, i, ref count, values[j], j);
            }

            TopK.SortBestFirst(s, i, count);
            var expected = Enumerable.Range(0, n).OrderByDescending(j => values[j]).ThenBy(j => j).Take(k);
            i.Should().Equal(expected);
        }
    }
}
