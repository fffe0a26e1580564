using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Internal;

public sealed class SeededRandomTests
{
    public static TheoryData<double> Probabilities => [0.0, 1e-17, 0.25, 0.5, 0.9, 1 - (1.0 / (1UL << 53)), 1.0];

    /// <summary>KeepEach is the loop it replaces: one <see cref="SeededRandom.NextDouble"/> per value but the skipped one, kept when at least p, the generator left where that loop leaves it.</summary>
    [Theory]
    [MemberData(nameof(Probabilities))]
    public void KeepEach_IsTheLoopOfDraws(double p)
    {
        foreach (int length in new[] { 0, 1, 2, 7, 50 })
        {
            foreach (int skip in new[] { -1, 0, length / 2, length - 1, length })
            {
                int[] values = Enumerable.Range(100, length).ToArray();
                var random = new SeededRandom(length, (ulong)(skip + 2));
                var twin = new SeededRandom(length, (ulong)(skip + 2));
                var expected = new List<int>();
                for (int i = 0; i < length; i++)
                {
                    if (i != skip && twin.NextDouble() >= p)
                    {
                        expected.Add(values[i]);
                    }
                }

                int[] kept = new int[Math.Max(1, length)];
                int count = random.KeepEach(values, skip, p, kept);

                kept[..count].Should().Equal(expected, "length {0}, skip {1}, p {2:R}", length, skip, p);
                random.NextUInt64().Should().Be(twin.NextUInt64(), "one draw per value but the skipped one");
            }
        }
    }

    /// <summary>A probability equal to a draw keeps that draw's value (≥, not >), as the double comparison does.</summary>
    [Fact]
    public void KeepEach_ProbabilityEqualToADraw_KeepsIt()
    {
        var draws = new SeededRandom(7, 3);
        double[] r = [.. Enumerable.Range(0, 40).Select(_ => draws.NextDouble())];
        int[] values = Enumerable.Range(0, 40).ToArray();
        foreach (int j in new[] { 0, 5, 39 })
        {
            int[] kept = new int[40];
            int count = new SeededRandom(7, 3).KeepEach(values, skip: -1, r[j], kept);

            kept[..count].Should().Contain(j).And.Equal(values.Where(i => r[i] >= r[j]));
        }
    }

    /// <summary>
    /// A probability half a step of 2⁻⁵³ above a draw drops it: below ½ doubles are finer than the draws' grid, and
    /// the integer threshold must round p·2⁵³ up, not down.
    /// </summary>
    [Fact]
    public void KeepEach_ProbabilityBetweenTwoDrawValues_DropsTheLowerDraw()
    {
        var draws = new SeededRandom(7, 4);
        double[] r = [.. Enumerable.Range(0, 40).Select(_ => draws.NextDouble())];
        int j = Array.FindIndex(r, x => x is >= 0.25 and < 0.5);
        j.Should().BeGreaterThanOrEqualTo(0, "the check needs a draw in [1/4, 1/2)");
        double p = r[j] + (1.0 / (1UL << 54));
        int[] values = Enumerable.Range(0, 40).ToArray(), kept = new int[40];

        int count = new SeededRandom(7, 4).KeepEach(values, skip: -1, p, kept);

        kept[..count].Should().NotContain(j).And.Equal(values.Where(i => r[i] >= p));
    }
}
