using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary><see cref="UserIndex"/> and <see cref="ItemIndex"/>, and the catalogue's translations between ids and indices.</summary>
public sealed class DenseIndexTests
{
    private static readonly Catalog Catalog = new(new IdMap(["u7", "u3"]), new IdMap(["50", "1", "9"]));

    [Fact]
    public void Constructor_Negative_ThrowsNamingValue()
    {
        FluentActions.Invoking(() => new UserIndex(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("value");
        FluentActions.Invoking(() => new ItemIndex(-3)).Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain("-3");
    }

    [Fact]
    public void Constructor_Negative_MessageSaysWhichKindOfIndex()
    {
        // Seen from a call such as Recommender.Recommend(model, new UserIndex(-1)): "value must be zero or
        // greater" alone does not say that a user's position was wrong, nor that it is not an id.
        FluentActions.Invoking(() => new UserIndex(-1)).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("A UserIndex (a user's dense 0-based position, not an id) must be zero or greater; it was -1.*");
        FluentActions.Invoking(() => new ItemIndex(-3)).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("An ItemIndex (an item's dense 0-based position, not an id) must be zero or greater; it was -3.*");
    }

    [Fact]
    public void Equality_SameValue_Equal()
    {
        new UserIndex(4).Should().Be(new UserIndex(4)).And.NotBe(new UserIndex(5));
        (new ItemIndex(2) == new ItemIndex(2)).Should().BeTrue();
        default(ItemIndex).Value.Should().Be(0);
    }

    [Fact]
    public void ToString_SaysItIsAnIndex()
    {
        new UserIndex(3).ToString().Should().Be("user index 3");
        new ItemIndex(12).ToString().Should().Be("item index 12");
    }

    [Fact]
    public void GetIndex_KnownIds_ReturnPositions()
    {
        Catalog.GetUserIndex("u3").Should().Be(U(1));
        Catalog.GetItemIndex("1").Should().Be(I(1));
        Catalog.GetItemIndex("50").Should().Be(I(0), "the id \"50\" is the item at position 0");
    }

    [Fact]
    public void GetId_Indices_ReturnIdsAndRoundTrip()
    {
        Catalog.GetUserId(U(0)).Should().Be("u7");
        Catalog.GetItemId(I(2)).Should().Be("9");
        Catalog.GetItemIndex(Catalog.GetItemId(I(1))).Should().Be(I(1));
    }

    [Fact]
    public void GetIndex_UnknownId_ThrowsKeyNotFoundNamingIt()
    {
        FluentActions.Invoking(() => Catalog.GetUserIndex("u9")).Should().Throw<KeyNotFoundException>().WithMessage("*'u9'*");
        FluentActions.Invoking(() => Catalog.GetItemIndex("2")).Should().Throw<KeyNotFoundException>().WithMessage("*'2'*3 items*");
    }

    [Fact]
    public void TryGetIndex_UnknownId_ReturnsFalse()
    {
        Catalog.TryGetUserIndex("u3", out UserIndex user).Should().BeTrue();
        user.Should().Be(U(1));
        Catalog.TryGetItemIndex("nope", out _).Should().BeFalse();
    }

    [Fact]
    public void GetId_IndexBeyondCatalogue_ThrowsNamingTheParameter()
    {
        FluentActions.Invoking(() => Catalog.GetUserId(U(2))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("user");
        FluentActions.Invoking(() => Catalog.GetItemId(I(3))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("item");
    }
}
