using CollaborativeFiltering.Data.Synthetic;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Data;

public sealed class AliasTableTests
{
    /// <summary>
    /// Weights 1 and 3: scaled 0.5 and 1.5, so column 0 keeps itself with probability 0.5 and lends the rest to
    /// index 1: P(0) = ½·0.5 = 0.25 exactly, and the table's implied probabilities are the normalised weights.
    /// </summary>
    [Fact]
    public void ImpliedProbabilities_TwoWeights_HandComputed()
    {
        var table = new AliasTable([1.0, 3.0]);

        table.Count.Should().Be(2);
        table.ImpliedProbabilities().Should().Equal(0.25, 0.75);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(70_000)]
    public void ImpliedProbabilities_RandomWeightsWithZeros_EqualNormalisedWeights(int n)
    {
        var random = new SeededRandom(n, 3);
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            weights[i] = i % 5 == 3 ? 0 : Math.Exp(2 * random.NextDouble());
        }

        weights[0] = 1; // at least one positive
        double total = weights.Sum();

        double[] implied = new AliasTable(weights).ImpliedProbabilities();

        for (int i = 0; i < n; i++)
        {
            implied[i].Should().BeApproximately(weights[i] / total, 1e-12, "index {0}", i);
        }
    }

    [Fact]
    public void Sample_ManyDraws_FollowTheWeights()
    {
        var table = new AliasTable([1.0, 0.0, 2.0, 5.0]);
        var random = new SeededRandom(9, 1);
        var counts = new int[4];
        const int draws = 400_000;
        for (int k = 0; k < draws; k++)
        {
            counts[table.Sample(random)]++;
        }

        counts[1].Should().Be(0, "a zero weight is never drawn");
        ((double)counts[0] / draws).Should().BeApproximately(1.0 / 8, 0.005);
        ((double)counts[2] / draws).Should().BeApproximately(2.0 / 8, 0.005);
        ((double)counts[3] / draws).Should().BeApproximately(5.0 / 8, 0.005);
    }

    [Fact]
    public void Build_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Action act = () => _ = new AliasTable(new double[100_000].Select(_ => 1.0).ToArray(), cts.Token);

        act.Should().Throw<OperationCanceledException>();
    }
}
