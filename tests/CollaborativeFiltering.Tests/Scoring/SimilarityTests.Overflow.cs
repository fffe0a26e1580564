using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

/// <summary>Finite inputs never give a NaN or infinite score (issue 10, point 4).</summary>
public partial class SimilarityTests
{
    [Fact]
    public void Cosine_HugeFiniteVectors_IsOneNotNaN()
    {
        Similarity.Cosine([3e38f, 3e38f], [3e38f, 3e38f]).Should().Be(1f);
        Similarity.Cosine([3e38f, -3e38f], [3e38f, 3e38f]).Should().Be(0f);
        Similarity.Cosine([float.MaxValue, 0f], [-float.MaxValue, float.Epsilon]).Should().Be(-1f);
    }

    [Fact]
    public void Cosine_TinyVectors_DoesNotUnderflowToZero()
    {
        Similarity.Cosine([1e-30f, 1e-30f], [1e-30f, 0f]).Should().BeApproximately(MathF.Sqrt(0.5f), 1e-6f);
    }

    [Fact]
    public void Cosine_NonFiniteInput_ThrowsNamingIt()
    {
        FluentActions.Invoking(() => Similarity.Cosine([float.NaN, 1f], [1f, 1f])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("x");
        FluentActions.Invoking(() => Similarity.Cosine([1f, 1f], [float.PositiveInfinity, 1f])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("y");
    }

    [Fact]
    public void Dot_ProductBeyondSinglePrecision_ThrowsInsteadOfReturningInfinity()
    {
        FluentActions.Invoking(() => Similarity.Dot([3e38f, 3e38f], [3e38f, 3e38f])).Should().Throw<ArgumentException>().Which.Message.Should().Contain("beyond single precision");
        FluentActions.Invoking(() => Similarity.Dot([float.NaN], [1f])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("x");
    }

    [Fact]
    public void Dot_PartialSumsOverflowButResultFits_ReturnsTheFiniteResult()
    {
        // 3e38 + 3e38 overflows float midway; the exact result, 3e38, does not.
        Similarity.Dot([3e38f, 3e38f, -3e38f], [1f, 1f, 1f]).Should().BeApproximately(3e38f, 1e32f);
    }

    [Fact]
    public void ScoreAll_QueryBeyondTheNormLimit_ThrowsNamingTheQuery()
    {
        var model = ThreeItems();

        FluentActions.Invoking(() => Similarity.ScoreAll(model, [3e38f, 3e38f], SimilarityMeasure.Dot))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("query");
        Similarity.ScoreAll(model, [1e19f / 2, 1e19f / 2], SimilarityMeasure.Dot).Should().OnlyContain(s => float.IsFinite(s));
    }

    [Fact]
    public void ScoreAll_LargestAllowedModelAndQuery_EveryScoreFinite()
    {
        // Every item at the norm limit, queried with itself: the largest dot product a model can give.
        float big = 0.999e19f / MathF.Sqrt(2);
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 2, [big, big], [big, big, -big, big], [1e37f], [1e37f, -1e37f], 1e37f);

        model.Predict(U(0), I(0)).Should().Match(p => float.IsFinite(p));
        model.Predict(U(0), I(1)).Should().Match(p => float.IsFinite(p));
        foreach (SimilarityMeasure measure in new[] { SimilarityMeasure.Dot, SimilarityMeasure.Cosine })
        {
            Similarity.ScoreAll(model, model.GetItemEmbedding(I(0)), measure).Should().OnlyContain(s => float.IsFinite(s));
        }

        Recommender.Recommend(model, U(0), 2).Should().OnlyContain(r => float.IsFinite(r.Score));
    }
}
