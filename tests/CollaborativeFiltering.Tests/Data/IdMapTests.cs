using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class IdMapTests
{
    [Fact]
    public void Constructor_MapsIdsToTheirPositions()
    {
        var map = new IdMap(["x", "10", "b"]);

        map.Count.Should().Be(3);
        map.Ids.Should().Equal("x", "10", "b");
        map[1].Should().Be("10");
        map.IndexOf("b").Should().Be(2);
        map.TryGetIndex("x", out int x).Should().BeTrue();
        x.Should().Be(0);
        map.TryGetIndex("10".AsSpan(), out int ten).Should().BeTrue();
        ten.Should().Be(1);
        map.Contains("b").Should().BeTrue();
    }

    [Fact]
    public void Constructor_CopiesInput()
    {
        string[] ids = ["a", "b"];
        var map = new IdMap(ids);
        ids[0] = "changed";

        map[0].Should().Be("a");
        map.IndexOf("a").Should().Be(0);
    }

    [Fact]
    public void Constructor_DuplicateId_ThrowsNamingIdAndBothIndices()
    {
        FluentActions.Invoking(() => new IdMap(["a", "b", "c", "b"]))
            .Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "ids" && e.Message.Contains("'b'") && e.Message.Contains("index 1") && e.Message.Contains("index 3"));
    }

    [Fact]
    public void Constructor_NullId_ThrowsArgumentNull()
    {
        FluentActions.Invoking(() => new IdMap(["a", null!]))
            .Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "ids" && e.Message.Contains("index 1"));
        FluentActions.Invoking(() => new IdMap(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Lookups_AreOrdinal()
    {
        var map = new IdMap(["Toy Story", "toy story"]);
        map.IndexOf("toy story").Should().Be(1);
        map.Contains("TOY STORY").Should().BeFalse();
    }

    [Fact]
    public void IndexOf_UnknownId_ThrowsKeyNotFoundNamingIt()
    {
        var map = IdMap.Sequential(3);
        FluentActions.Invoking(() => map.IndexOf("99")).Should().Throw<KeyNotFoundException>().WithMessage("*'99'*");
        map.TryGetIndex("99", out int index).Should().BeFalse();
        index.Should().Be(-1);
        map.TryGetIndex("0".AsSpan(), out index).Should().BeFalse();
        index.Should().Be(-1);
    }

    [Fact]
    public void Sequential_StartsAtOneByDefault()
    {
        var map = IdMap.Sequential(3);
        map.Ids.Should().Equal("1", "2", "3");
        map.IndexOf("3").Should().Be(2);
    }

    [Fact]
    public void Sequential_CustomFirst_AndEmpty()
    {
        IdMap.Sequential(2, first: 0).Ids.Should().Equal("0", "1");
        IdMap.Sequential(3, first: -1).Ids.Should().Equal("-1", "0", "1");
        IdMap.Sequential(0).Count.Should().Be(0);
    }

    [Fact]
    public void Sequential_NegativeCount_ThrowsNamingCount()
    {
        FluentActions.Invoking(() => IdMap.Sequential(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("count");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void Indexer_OutOfRange_ThrowsNamingIndex(int index)
    {
        var map = IdMap.Sequential(2);
        FluentActions.Invoking(() => map[index]).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("index");
    }

    [Fact]
    public void SequenceEquals_ComparesIdsAndOrder()
    {
        var a = new IdMap(["1", "2", "3"]);
        a.SequenceEquals(a).Should().BeTrue();
        a.SequenceEquals(IdMap.Sequential(3)).Should().BeTrue();
        a.SequenceEquals(new IdMap(["1", "3", "2"])).Should().BeFalse();
        a.SequenceEquals(IdMap.Sequential(4)).Should().BeFalse();
    }
}
