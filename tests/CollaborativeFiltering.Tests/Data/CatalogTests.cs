using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class CatalogTests
{
    private static ItemInfo Item(string id, string title, params string[] genres) => new(id, title, null, null, genres);

    [Fact]
    public void Constructor_WithMetadata_ExposesSizesInfosAndTitles()
    {
        var catalog = new Catalog(
            new IdMap(["u1", "u2"]),
            new IdMap(["m1", "m2"]),
            userInfos: [new UserInfo("u1", 24, "M", "technician", "85711"), new UserInfo("u2")],
            itemInfos: [Item("m1", "Toy Story (1995)", "Animation", "Comedy"), Item("m2", "GoldenEye (1995)", "Action")]);

        catalog.UserCount.Should().Be(2);
        catalog.ItemCount.Should().Be(2);
        catalog.UserInfos[0].Occupation.Should().Be("technician");
        catalog.GetItemTitle(I(1)).Should().Be("GoldenEye (1995)");
        catalog.Genres.Should().Equal("Animation", "Comedy", "Action");
    }

    [Fact]
    public void Constructor_ExplicitGenres_KeptInGivenOrder()
    {
        var catalog = new Catalog(IdMap.Sequential(1), new IdMap(["m1"]),
            itemInfos: [Item("m1", "T", "Comedy")], genres: ["unknown", "Action", "Comedy"]);
        catalog.Genres.Should().Equal("unknown", "Action", "Comedy");
    }

    [Fact]
    public void Constructor_NoMetadata_EmptyListsAndTitleIsId()
    {
        var catalog = Catalog.Sequential(2, 3);

        catalog.UserInfos.Should().BeEmpty();
        catalog.ItemInfos.Should().BeEmpty();
        catalog.Genres.Should().BeEmpty();
        catalog.Users.Ids.Should().Equal("1", "2");
        catalog.GetItemTitle(I(2)).Should().Be("3");
    }

    [Fact]
    public void Constructor_EmptyMetadataLists_TreatedAsUnknown()
    {
        var catalog = new Catalog(IdMap.Sequential(2), IdMap.Sequential(2), [], []);
        catalog.UserInfos.Should().BeEmpty();
        catalog.ItemInfos.Should().BeEmpty();
    }

    [Fact]
    public void Constructor_ItemInfoCountMismatch_ThrowsNamingParameterAndCounts()
    {
        FluentActions.Invoking(() => new Catalog(IdMap.Sequential(1), IdMap.Sequential(3), itemInfos: [Item("1", "A"), Item("2", "B")]))
            .Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "itemInfos" && e.Message.Contains("2 entries") && e.Message.Contains("has 3"));
    }

    [Fact]
    public void Constructor_UserInfoCountMismatch_ThrowsNamingParameter()
    {
        FluentActions.Invoking(() => new Catalog(IdMap.Sequential(2), IdMap.Sequential(1), userInfos: [new UserInfo("1")]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("userInfos");
    }

    [Fact]
    public void Constructor_InfoIdDiffersFromMap_ThrowsNamingEntry()
    {
        FluentActions.Invoking(() => new Catalog(IdMap.Sequential(1), IdMap.Sequential(2), itemInfos: [Item("1", "A"), Item("7", "B")]))
            .Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "itemInfos" && e.Message.Contains("Entry 1") && e.Message.Contains("'7'") && e.Message.Contains("'2'"));
    }

    [Fact]
    public void Constructor_NullMaps_Throw()
    {
        FluentActions.Invoking(() => new Catalog(null!, IdMap.Sequential(1))).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("users");
        FluentActions.Invoking(() => new Catalog(IdMap.Sequential(1), null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("items");
    }

    [Fact]
    public void Constructor_CopiesMetadata()
    {
        var infos = new List<ItemInfo> { Item("1", "A") };
        var catalog = new Catalog(IdMap.Sequential(1), IdMap.Sequential(1), itemInfos: infos);
        infos[0] = Item("1", "changed");

        catalog.GetItemTitle(I(0)).Should().Be("A");
    }

    [Fact]
    public void IsCompatibleWith_SameIdsInSameOrder()
    {
        var a = Catalog.Sequential(3, 4);

        a.IsCompatibleWith(a).Should().BeTrue();
        a.IsCompatibleWith(Catalog.Sequential(3, 4)).Should().BeTrue();
        a.IsCompatibleWith(new Catalog(IdMap.Sequential(3), IdMap.Sequential(4), itemInfos: [Item("1", "A"), Item("2", "B"), Item("3", "C"), Item("4", "D")]))
            .Should().BeTrue("metadata does not change what indices mean");
        a.IsCompatibleWith(Catalog.Sequential(3, 5)).Should().BeFalse();
        a.IsCompatibleWith(Catalog.Sequential(2, 4)).Should().BeFalse();
        a.IsCompatibleWith(new Catalog(new IdMap(["1", "3", "2"]), IdMap.Sequential(4))).Should().BeFalse();
        FluentActions.Invoking(() => a.IsCompatibleWith(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void GetItemTitle_OutOfRange_ThrowsNamingItem()
    {
        FluentActions.Invoking(() => Catalog.Sequential(1, 4).GetItemTitle(I(4)))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("item");
    }
}
