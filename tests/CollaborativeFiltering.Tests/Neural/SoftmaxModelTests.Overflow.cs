using CollaborativeFiltering.Neural;

namespace CollaborativeFiltering.Tests.Neural;

/// <summary>Probabilities are never NaN for a finite query (issue 10, point 4).</summary>
public sealed partial class SoftmaxModelTests
{
    [Fact]
    public void ComputeProbabilities_HugeFiniteQuery_IsADistributionNotNaN()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        float[] query = model.ComputeQuery([0, 1, 2]);
        float[] huge = [.. query.Select(q => q >= 0 ? 3e38f : -3e38f)];
        var probabilities = new float[model.ItemCount];

        model.ComputeProbabilities(huge, probabilities);

        probabilities.Should().OnlyContain(p => p >= 0 && p <= 1);
        probabilities.Sum().Should().BeApproximately(1f, 1e-5f);
        float[] logits = CollaborativeFiltering.Scoring.Similarity.ScoreAll(model, [.. huge.Select(q => q / 3e38f)], CollaborativeFiltering.Scoring.SimilarityMeasure.Dot);
        Array.IndexOf(probabilities, probabilities.Max()).Should().Be(Array.IndexOf(logits, logits.Max()), "at that scale the distribution sits on the best item");
    }
}
