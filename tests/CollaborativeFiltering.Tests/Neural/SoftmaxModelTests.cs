using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Neural;

/// <summary>The model's own API, and the scoring, evaluation and export APIs used on it unchanged through <see cref="IEmbeddingModel"/>.</summary>
public sealed partial class SoftmaxModelTests
{
    // ------------------------------------------------------------------ queries

    [Fact]
    public void TryGetUserQuery_KnownUser_EqualsComputeQueryOfTheUsersTrainingItems()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;
        var query = new float[model.Dimensions];

        for (int u = 0; u < 20; u++)
        {
            model.TryGetUserQuery(U(u), query).Should().BeTrue();
            model.GetUserItems(U(u)).ToArray().Should().Equal(train.ByUser.GetColumns(u).ToArray());
            query.Should().Equal(model.ComputeQuery(train.ByUser.GetColumns(u)));
        }
    }

    [Fact]
    public void TryGetUserQuery_UnknownIndex_ReturnsFalse()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();

        model.TryGetUserQuery(U(model.UserCount), new float[model.Dimensions]).Should().BeFalse();
    }

    [Fact]
    public void TryGetUserQuery_WrongDestinationLength_ThrowsNamingIt()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();

        var act = () => model.TryGetUserQuery(U(0), new float[model.Dimensions + 1]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("destination");
    }

    [Fact]
    public void ComputeQuery_ItemOutOfRange_ThrowsNamingTheParameter()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();

        var act = () => model.ComputeQuery([1, model.ItemCount]);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ratedItems");
    }

    [Fact]
    public void ComputeQuery_OrderOfItems_DoesNotMatterBeyondRounding()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();

        float[] a = model.ComputeQuery([3, 17, 42, 99]);
        float[] b = model.ComputeQuery([99, 3, 42, 17]);

        for (int k = 0; k < a.Length; k++)
        {
            b[k].Should().BeApproximately(a[k], 1e-5f);
        }
    }

    [Fact]
    public void ComputeQuery_EmptyBag_IsTheNetworksBiasPath()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();

        float[] empty = model.ComputeQuery([]);

        empty.Should().OnlyContain(x => float.IsFinite(x));
        empty.Should().NotEqual(model.ComputeQuery([0]));
    }

    [Fact]
    public void ComputeQueryById_EqualsComputeQueryOfTheIndices_AndRejectsUnknownIds()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        IdMap items = model.Catalog.Items;

        model.ComputeQueryById([items[5], items[8]]).Should().Equal(model.ComputeQuery([5, 8]));
        var act = () => model.ComputeQueryById([items[5], "no such id"]);
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'no such id'*");
    }

    [Fact]
    public void ComputeProbabilities_SumsToOneAndFollowsTheRankingScores()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        float[] query = model.ComputeQuery([1, 2, 3]);
        var probabilities = new float[model.ItemCount];

        model.ComputeProbabilities(query, probabilities);

        probabilities.Sum(p => (double)p).Should().BeApproximately(1, 1e-5);
        IReadOnlyList<Recommendation> top = Recommender.RecommendForQuery(model, query, 1);
        Array.IndexOf(probabilities, probabilities.Max()).Should().Be(top[0].Item.Value);
    }

    [Fact]
    public void ComputeProbabilities_HugeLogits_StayFinite()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        float[] query = [.. model.ComputeQuery([1, 2, 3]).Select(x => x * 1e6f)];
        var probabilities = new float[model.ItemCount];

        model.ComputeProbabilities(query, probabilities);

        probabilities.Should().OnlyContain(p => float.IsFinite(p) && p >= 0);
        probabilities.Sum(p => (double)p).Should().BeApproximately(1, 1e-5);
    }

    // ------------------------------------------------------------------ the scoring API, unchanged

    [Fact]
    public void Recommender_Recommend_ExcludesTrainingItemsAndMatchesRecommendAll()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;

        TopKRecommendations all = Recommender.RecommendAll(model, 10, train, maxDegreeOfParallelism: 2);
        for (int u = 0; u < 15; u++)
        {
            IReadOnlyList<Recommendation> recommendations = Recommender.Recommend(model, U(u), 10, train);

            recommendations.Should().HaveCount(10);
            recommendations.Should().OnlyContain(r => !train.ByUser.Contains(u, r.Item.Value));
            recommendations.Select(r => r.Item.Value).Should().Equal(all.GetItems(U(u)).ToArray());
            recommendations.Select(r => r.Score).Should().BeInDescendingOrder();
        }
    }

    [Fact]
    public void Neighbors_AndNorms_WorkOnTheOutputEmbeddings()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();

        ItemNeighborResult result = Neighbors.NearestItems(model, I(7), 5, SimilarityMeasure.Cosine);
        float[] norms = EmbeddingNorms.Items(model);

        result.Neighbors.Should().HaveCount(5);
        result.Neighbors[0].Item.Value.Should().Be(7);
        result.Neighbors[0].Score.Should().BeApproximately(1f, 1e-5f);
        norms.Should().HaveCount(model.ItemCount);
        norms[7].Should().BeApproximately((float)Math.Sqrt(model.GetItemEmbedding(I(7)).ToArray().Sum(x => (double)x * x)), 1e-5f);
    }

    [Fact]
    public void RankingMetrics_Evaluate_WorksOnTheModel()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        DatasetSplit split = SoftmaxTestData.SmallSplit();

        RankingResult result = RankingMetrics.Evaluate(model, split.Train, split.Test, 10, maxDegreeOfParallelism: 2);

        result.UsersEvaluated.Should().BeGreaterThan(250);
        result.RecallAtK.Should().BeInRange(0.01, 1);
    }

    [Fact]
    public void EmbeddingExport_WriteProjectorFiles_WritesTheOutputEmbeddings()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        string directory = Path.Combine(Path.GetTempPath(), "cf-softmax-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            EmbeddingExport.WriteProjectorFiles(model, directory, SoftmaxTestData.SmallSplit().Train);

            string[] vectors = File.ReadAllLines(Path.Combine(directory, "vectors.tsv"));
            vectors.Should().HaveCount(model.ItemCount);
            float[] first = [.. vectors[3].Split('\t').Select(s => float.Parse(s, CultureInfo.InvariantCulture))];
            first.Should().Equal(model.GetItemEmbedding(I(3)).ToArray());
            File.ReadAllLines(Path.Combine(directory, "metadata.tsv")).Should().HaveCount(model.ItemCount + 1);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
