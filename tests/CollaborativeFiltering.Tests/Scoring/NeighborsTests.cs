using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public class NeighborsTests
{
    private static int[] Indices(ItemNeighborResult r) => [.. r.Neighbors.Select(n => n.Item.Value)];

    private static float[] Scores(ItemNeighborResult r) => [.. r.Neighbors.Select(n => n.Score)];

    [Fact]
    public void NearestItems_Dot_QueryFirstThenByScore()
    {
        // Against item 0 = (1,0): dots 1, 3, 0.5, 2, −1.
        var result = Neighbors.NearestItems(ScoringTestModels.MovieModel(), I(0), k: 3);
        Indices(result).Should().Equal(0, 1, 3);
        Scores(result).ShouldBeClose(1e-6f, 1f, 3f, 2f);
        result.Measure.Should().Be(SimilarityMeasure.Dot);
        result.Query.Title.Should().Be("Toy Story (1995)");
        result.OtherCandidates.Should().BeEmpty();
    }

    [Fact]
    public void NearestItems_ExcludeQuery_KNearestOthers()
    {
        var result = Neighbors.NearestItems(ScoringTestModels.MovieModel(), I(0), k: 3, includeQuery: false);
        Indices(result).Should().Equal(1, 3, 2);
    }

    [Fact]
    public void NearestItems_Cosine_HandComputed()
    {
        // Cosines against (1,0): 1, 0.7071, 1, 0.8944, −1.
        var result = Neighbors.NearestItems(ScoringTestModels.MovieModel(), I(0), k: 5, SimilarityMeasure.Cosine);
        Indices(result).Should().Equal(0, 2, 3, 1, 4);
        Scores(result).ShouldBeClose(1e-6f, 1f, 1f, 2f / MathF.Sqrt(5), 1f / MathF.Sqrt(2), -1f);
    }

    [Fact]
    public void NearestItems_NeighborCarriesMetadata()
    {
        var top = Neighbors.NearestItems(ScoringTestModels.MovieModel(), I(0), k: 2).Neighbors[1];
        top.Should().BeEquivalentTo(new { Item = I(1), Id = "2", Title = "GoldenEye (1995)" });
        top.Genres.Should().Equal("Action", "Thriller");
    }

    [Fact]
    public void NearestItems_TiedScores_OrderedByIndex()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 6), 1, [1], [1, 2, 5, 2, 5, 2]);
        var result = Neighbors.NearestItems(model, I(0), k: 6, includeQuery: false);
        Indices(result).Should().Equal(2, 4, 1, 3, 5);
    }

    [Fact]
    public void NearestItems_KLargerThanCatalogue_ReturnsAll()
    {
        Neighbors.NearestItems(ScoringTestModels.MovieModel(), I(4), k: 50).Neighbors.Should().HaveCount(5);
        Neighbors.NearestItems(ScoringTestModels.MovieModel(), I(4), k: 50, includeQuery: false).Neighbors.Should().HaveCount(4);
    }

    [Fact]
    public void NearestItems_NoMetadata_TitleIsId()
    {
        var model = ScoringTestModels.Random(2, 4, 3, biases: false, seed: 1);
        var n = Neighbors.NearestItems(model, I(2), k: 1).Neighbors[0];
        n.Title.Should().Be("3");
        n.Genres.Should().BeEmpty();
    }

    [Fact]
    public void NearestItems_BadArguments_ThrowNamingParameter()
    {
        var model = ScoringTestModels.MovieModel();
        FluentActions.Invoking(() => Neighbors.NearestItems(model, I(5))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("item");
        FluentActions.Invoking(() => Neighbors.NearestItems(model, I(0), k: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("k");
        FluentActions.Invoking(() => Neighbors.NearestItems(model, I(0), 3, (SimilarityMeasure)(-1))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("measure");
    }

    [Fact]
    public void NearestItemsById_ResolvesId()
    {
        var result = Neighbors.NearestItemsById(ScoringTestModels.MovieModel(), "1", k: 3);
        result.Query.Item.Value.Should().Be(0);
        Indices(result).Should().Equal(0, 1, 3);
    }

    [Fact]
    public void NearestItemsById_UnknownId_KeyNotFoundNamingIt()
    {
        var act = () => Neighbors.NearestItemsById(ScoringTestModels.MovieModel(), "999");
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'999'*");
    }

    [Fact]
    public void NearestItemsByTitle_SeveralMatches_FirstUsedOthersReported()
    {
        var result = Neighbors.NearestItemsByTitle(ScoringTestModels.MovieModel(), "aLaDdIn", k: 2, SimilarityMeasure.Cosine);
        result.Query.Item.Value.Should().Be(2);
        result.Query.Title.Should().Be("Aladdin (1992)");
        result.OtherCandidates.Select(c => c.Title).Should().Equal("Aladdin and the King of Thieves (1996)");
        result.OtherCandidates[0].Item.Value.Should().Be(3);
        // Item 2 = (0.5, 0): cosine 1 with item 0, which ranks first among the others.
        Indices(result).Should().Equal(2, 0);
    }

    [Fact]
    public void NearestItemsByTitle_SingleMatch_NoOtherCandidates()
    {
        var result = Neighbors.NearestItemsByTitle(ScoringTestModels.MovieModel(), "king of", k: 2);
        result.Query.Item.Value.Should().Be(3);
        result.OtherCandidates.Should().BeEmpty();
    }

    [Fact]
    public void NearestItemsByTitle_NoMatch_KeyNotFoundNamingText()
    {
        var act = () => Neighbors.NearestItemsByTitle(ScoringTestModels.MovieModel(), "Matrix");
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'Matrix'*");
    }

    [Fact]
    public void NearestItemsByTitle_EmptyText_ThrowsNamingParameter()
    {
        var act = () => Neighbors.NearestItemsByTitle(ScoringTestModels.MovieModel(), " ");
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("titleSubstring");
    }

    [Fact]
    public void NearestUsers_DotAndCosine_HandComputed()
    {
        // Users (1,0), (0,1), (2,2). Against user 2: dots 2, 2, 8; cosines 0.7071, 0.7071, 1.
        var model = ScoringTestModels.MovieModel();
        var dot = Neighbors.NearestUsers(model, U(2), k: 3);
        dot.Select(n => n.User.Value).Should().Equal(2, 0, 1);
        dot.Select(n => n.Score).ToArray().ShouldBeClose(1e-6f, 8f, 2f, 2f);
        dot[0].Id.Should().Be("3");
        var cos = Neighbors.NearestUsers(model, U(0), k: 3, SimilarityMeasure.Cosine, includeQuery: false);
        cos.Select(n => n.User.Value).Should().Equal(2, 1);
        cos.Select(n => n.Score).ToArray().ShouldBeClose(1e-6f, 1f / MathF.Sqrt(2), 0f);
    }
}
