using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using MovieLensSample.Output;
using MovieLensSample.Steps;

namespace MovieLensSample.Tests;

/// <summary>What the sample's maps draw: which movies, and the colour category of each.</summary>
public sealed class SampleMapTests
{
    [Fact]
    public void Genres_SyntheticCatalogue_ColoursTheMostFrequentGenresAndGivesEachMovieItsRarestOfThem()
    {
        Catalog catalog = SampleRunner.QuickSynthetic().Catalog;
        var frequency = catalog.ItemInfos.SelectMany(i => i.Genres).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
        var top = frequency.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Take(Charts.ColouredCategories).Select(f => f.Key).ToHashSet();
        int[] rows = [.. Enumerable.Range(0, catalog.ItemCount)];

        string[] categories = MapStep.Genres(catalog, rows);

        categories.Distinct().Except([Charts.OtherCategory]).Should().BeSubsetOf(top).And.HaveCountLessThanOrEqualTo(Charts.ColouredCategories);
        for (int i = 0; i < rows.Length; i++)
        {
            var highlighted = catalog.ItemInfos[i].Genres.Where(top.Contains).ToList();
            if (highlighted.Count == 0)
            {
                categories[i].Should().Be(Charts.OtherCategory);
            }
            else
            {
                highlighted.Should().Contain(categories[i]);
                frequency[categories[i]].Should().Be(highlighted.Min(g => frequency[g]), "a movie with several coloured genres shows the rarest");
            }
        }
    }

    [Fact]
    public void Subsample_LargeCatalogue_KeepsTheMostRatedMoviesAndSaysSo()
    {
        // 2,500 movies: movie j is rated by (j % 7) users, so the 2,000 kept are those rated most, ties by index.
        const int items = 2500, d = 3;
        var catalog = Catalog.Sequential(7, items);
        var builder = new RatingsDatasetBuilder(catalog);
        for (int j = 0; j < items; j++)
        {
            for (int u = 0; u < j % 7; u++)
            {
                builder.Add(catalog.Users[u], catalog.Items[j], 3f);
            }
        }

        var embeddings = Enumerable.Range(0, items * d).Select(k => (float)k).ToArray();
        var model = FactorizationModel.FromEmbeddings(catalog, d, new float[7 * d], embeddings);

        var (rows, data, note) = MapStep.Subsample(model, builder.Build());

        rows.Should().HaveCount(MapStep.MaxMapItems).And.BeInAscendingOrder();
        int[] expected = [.. Enumerable.Range(0, items).OrderByDescending(j => j % 7).ThenBy(j => j).Take(MapStep.MaxMapItems).Order()];
        rows.Should().Equal(expected);
        data.AsSpan(3 * d, d).ToArray().Should().Equal(embeddings.AsSpan(rows[3] * d, d).ToArray());
        note.Should().Be(", 2,000 most rated of 2,500");
    }
}
