using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

public class EmbeddingNormsTests
{
    private static FactorizationModel FourItems() => FactorizationModel.FromEmbeddings(
        Catalog.Sequential(2, 4), 2, [3, 4, 0, 0], [1, 0, 0, 2, 3, 0, 0, -4]);

    private static RatingsDataset Counts(Catalog catalog, params int[] perItem)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        for (int i = 0; i < perItem.Length; i++)
        {
            for (int u = 0; u < perItem[i]; u++)
            {
                builder.Add(catalog.Users[u], catalog.Items[i], 3f);
            }
        }

        return builder.Build();
    }

    [Fact]
    public void Items_HandComputed()
    {
        EmbeddingNorms.Items(FourItems()).ShouldBeClose(1e-6f, 1f, 2f, 3f, 4f);
    }

    [Fact]
    public void Users_HandComputed()
    {
        EmbeddingNorms.Users(FourItems()).ShouldBeClose(1e-6f, 5f, 0f);
    }

    [Fact]
    public void Items_ReturnsACopy_CacheUnaffected()
    {
        var model = FourItems();
        float[] first = EmbeddingNorms.Items(model);
        first[0] = 42f;
        EmbeddingNorms.Items(model)[0].Should().BeApproximately(1f, 1e-6f);
        Similarity.ScoreAll(model, [1f, 0f], SimilarityMeasure.Cosine)[0].Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void PopularityCorrelation_HandComputed()
    {
        // Norms 1, 2, 3, 4 against counts 1, 2, 3, 5: Spearman 1; Pearson 6.5 / √(5 · 8.75) = 0.982708.
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(5, 4), 2, new float[10], [1, 0, 0, 2, 3, 0, 0, -4]);
        var result = EmbeddingNorms.PopularityCorrelation(model, Counts(model.Catalog, 1, 2, 3, 5));
        result.Spearman.Should().BeApproximately(1.0, 1e-9);
        result.Pearson.Should().BeApproximately(6.5 / Math.Sqrt(5 * 8.75), 1e-6);
        result.ItemCount.Should().Be(4);
    }

    [Fact]
    public void PopularityCorrelation_ReversedCounts_NegativeOne()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(5, 4), 2, new float[10], [1, 0, 0, 2, 3, 0, 0, -4]);
        var result = EmbeddingNorms.PopularityCorrelation(model, Counts(model.Catalog, 4, 3, 1, 0));
        result.Spearman.Should().BeApproximately(-1.0, 1e-9);
        result.Pearson.Should().BeLessThan(-0.9);
    }

    [Fact]
    public void PopularityCorrelation_ConstantCounts_ThrowsNamingRatings()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(5, 4), 2, new float[10], [1, 0, 0, 2, 3, 0, 0, -4]);
        var act = () => EmbeddingNorms.PopularityCorrelation(model, Counts(model.Catalog, 2, 2, 2, 2));
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
    }

    [Fact]
    public void PopularityCorrelation_OtherCatalogue_Throws()
    {
        var model = FourItems();
        var other = Counts(Catalog.Sequential(2, 5), 1, 2, 0, 1, 1);
        var act = () => EmbeddingNorms.PopularityCorrelation(model, other);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
    }
}
