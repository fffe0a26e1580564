using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class ItemGenresTests
{
    private static Catalog CatalogWith(params string[][] genres)
    {
        var items = IdMap.Sequential(genres.Length);
        var infos = new ItemInfo[genres.Length];
        for (int i = 0; i < genres.Length; i++)
        {
            infos[i] = new ItemInfo(items[i], $"Movie {i}", null, null, genres[i]);
        }

        return new Catalog(IdMap.Sequential(1), items, null, infos);
    }

    private static Catalog ManyThreeGenreItems(int count)
    {
        var genres = new string[count][];
        for (int i = 0; i < count; i++)
        {
            genres[i] = ["Action", "Comedy", "Drama"];
        }

        return CatalogWith(genres);
    }

    [Fact]
    public void SampleOne_SameSeed_SameLabels()
    {
        Catalog c = ManyThreeGenreItems(200);

        ItemGenres.SampleOne(c, 42).Should().Equal(ItemGenres.SampleOne(c, 42));
    }

    [Fact]
    public void SampleOne_DifferentSeeds_DifferentLabels()
    {
        Catalog c = ManyThreeGenreItems(200);

        ItemGenres.SampleOne(c, 1).Should().NotEqual(ItemGenres.SampleOne(c, 2));
    }

    [Fact]
    public void SampleOne_EachLabel_IsOneOfTheItemsGenresOrNone()
    {
        Catalog c = CatalogWith(["Action", "War"], [], ["Drama"], ["Comedy", "Crime", "Horror"]);

        string[] labels = ItemGenres.SampleOne(c, 7);

        labels.Should().HaveCount(4);
        labels[0].Should().BeOneOf("Action", "War");
        labels[1].Should().Be(ItemGenres.NoGenre);
        labels[2].Should().Be("Drama");
        labels[3].Should().BeOneOf("Comedy", "Crime", "Horror");
    }

    [Fact]
    public void SampleOne_ManyItems_UsesEveryGenreRoughlyEvenly()
    {
        string[] labels = ItemGenres.SampleOne(ManyThreeGenreItems(3000), 3);

        foreach (string g in new[] { "Action", "Comedy", "Drama" })
        {
            labels.Count(l => l == g).Should().BeInRange(850, 1150);
        }
    }

    [Fact]
    public void SampleOne_NoMetadata_EveryItemIsNone()
    {
        ItemGenres.SampleOne(Catalog.Sequential(2, 3), 0).Should().Equal(ItemGenres.NoGenre, ItemGenres.NoGenre, ItemGenres.NoGenre);
    }

    [Fact]
    public void All_ReturnsEachItemsGenresInOrder()
    {
        Catalog c = CatalogWith(["Action", "War"], []);

        IReadOnlyList<IReadOnlyList<string>> all = ItemGenres.All(c);

        all.Should().HaveCount(2);
        all[0].Should().Equal("Action", "War");
        all[1].Should().BeEmpty();
        ItemGenres.All(Catalog.Sequential(1, 2)).Should().HaveCount(2).And.OnlyContain(g => g.Count == 0);
    }

    [Fact]
    public void Joined_JoinsWithDashByDefault()
    {
        Catalog c = CatalogWith(["Animation", "Children's", "Comedy"], []);

        ItemGenres.Joined(c).Should().Equal("Animation-Children's-Comedy", ItemGenres.NoGenre);
        ItemGenres.Joined(c, "|")[0].Should().Be("Animation|Children's|Comedy");
    }
}
