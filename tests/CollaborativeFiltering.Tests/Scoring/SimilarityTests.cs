using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public partial class SimilarityTests
{
    private static FactorizationModel ThreeItems() => FactorizationModel.FromEmbeddings(
        Catalog.Sequential(1, 4), 2, [1, 1], [1, 0, 0, 2, 3, 4, 0, 0]);

    [Fact]
    public void Dot_SmallVectors_HandComputed()
    {
        Similarity.Dot([1f, 2f, 3f], [4f, -5f, 6f]).Should().BeApproximately(12f, 1e-6f);
    }

    [Fact]
    public void Cosine_SmallVectors_HandComputed()
    {
        Similarity.Cosine([3f, 4f], [4f, 3f]).Should().BeApproximately(24f / 25f, 1e-6f);
        Similarity.Cosine([1f, 0f], [-2f, 0f]).Should().BeApproximately(-1f, 1e-6f);
    }

    [Fact]
    public void Cosine_ZeroVector_ReturnsZero()
    {
        Similarity.Cosine([0f, 0f], [1f, 2f]).Should().Be(0f);
        Similarity.Cosine([1f, 2f], [0f, 0f]).Should().Be(0f);
        Similarity.Cosine([0f, 0f], [0f, 0f]).Should().Be(0f);
        Similarity.Cosine([], []).Should().Be(0f);
    }

    [Fact]
    public void Cosine_ParallelVectors_NeverExceedsOne()
    {
        float[] x = [0.1f, 0.2f, 0.3f, 0.7f, 1e-3f];
        float[] y = [0.3f, 0.6f, 0.9f, 2.1f, 3e-3f];
        float c = Similarity.Cosine(x, y);
        c.Should().BeLessThanOrEqualTo(1f).And.BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Dot_LengthsDiffer_ThrowsNamingY()
    {
        var act = () => Similarity.Dot([1f, 2f], [1f]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("y");
    }

    [Fact]
    public void ScoreAll_Dot_HandComputed()
    {
        // V = (1,0), (0,2), (3,4), (0,0); q = (2,1): dots 2, 2, 10, 0.
        float[] scores = Similarity.ScoreAll(ThreeItems(), [2f, 1f], SimilarityMeasure.Dot);
        scores.ShouldBeClose(1e-6f, 2f, 2f, 10f, 0f);
    }

    [Fact]
    public void ScoreAll_Cosine_HandComputed()
    {
        // ‖q‖ = √5; item norms 1, 2, 5, 0.
        float[] scores = Similarity.ScoreAll(ThreeItems(), [2f, 1f], SimilarityMeasure.Cosine);
        float r5 = MathF.Sqrt(5);
        scores[0].Should().BeApproximately(2 / r5, 1e-6f);
        scores[1].Should().BeApproximately(1 / r5, 1e-6f);
        scores[2].Should().BeApproximately(2 / r5, 1e-6f);
        scores[3].Should().Be(0f, "a zero item embedding scores 0, not NaN");
    }

    [Fact]
    public void ScoreAll_CosineZeroQuery_AllZero()
    {
        Similarity.ScoreAll(ThreeItems(), [0f, 0f], SimilarityMeasure.Cosine).ShouldBeClose(0f, 0f, 0f, 0f, 0f);
    }

    [Fact]
    public void ScoreAll_SpanOverload_WritesDestination()
    {
        var model = ScoringTestModels.Random(3, 37, 9, biases: true, seed: 5);
        float[] query = model.GetUserEmbedding(U(1)).ToArray();
        var destination = new float[37];
        Similarity.ScoreAll(model, query, SimilarityMeasure.Cosine, destination);
        destination.ShouldBeClose(0f, Similarity.ScoreAll(model, query, SimilarityMeasure.Cosine));
        for (int j = 0; j < 37; j++)
        {
            destination[j].Should().BeApproximately(Similarity.Cosine(query, model.GetItemEmbedding(I(j))), 1e-5f);
            Similarity.ScoreAll(model, query, SimilarityMeasure.Dot)[j].Should().BeApproximately(Similarity.Dot(query, model.GetItemEmbedding(I(j))), 1e-5f);
        }
    }

    [Fact]
    public void ScoreAll_BadArguments_ThrowNamingParameter()
    {
        var model = ThreeItems();
        FluentActions.Invoking(() => Similarity.ScoreAll(model, [1f, 2f, 3f], SimilarityMeasure.Dot))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("query");
        FluentActions.Invoking(() => Similarity.ScoreAll(model, [float.NaN, 2f], SimilarityMeasure.Dot))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("query");
        FluentActions.Invoking(() => Similarity.ScoreAll(model, [1f, 2f], SimilarityMeasure.Dot, new float[3]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("destination");
        FluentActions.Invoking(() => Similarity.ScoreAll(model, [1f, 2f], (SimilarityMeasure)7))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("measure");
        FluentActions.Invoking(() => Similarity.ScoreAll(null!, [1f, 2f], SimilarityMeasure.Dot))
            .Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("model");
    }
}
