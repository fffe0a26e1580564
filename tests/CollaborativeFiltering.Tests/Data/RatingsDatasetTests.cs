using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class RatingsDatasetTests
{
    [Fact]
    public void Build_OpenCatalog_AssignsIndicesInOrderOfFirstAppearance()
    {
        var ds = new RatingsDatasetBuilder()
            .Add("7", "b", 4f)
            .Add("3", "a", 2f)
            .Add("7", "a", 5f)
            .Build();

        ds.Catalog.Users.Ids.Should().Equal("7", "3");
        ds.Catalog.Items.Ids.Should().Equal("b", "a");
        ds.Count.Should().Be(3);
        ds.ByUser.GetColumns(0).ToArray().Should().Equal(0, 1);
        ds.ByUser.GetValues(0).ToArray().Should().Equal(4f, 5f);
        ds.ByItem.GetColumns(1).ToArray().Should().Equal(0, 1);
        ds.ByItem.GetValues(1).ToArray().Should().Equal(5f, 2f);
    }
}
