using MovieLensSample.Output;

namespace MovieLensSample.Tests;

/// <summary>The sample's output on a terminal 80 columns wide: tables fit by design, no name or header broken across lines.</summary>
public sealed class SampleWidthTests
{
    [Fact]
    public async Task Walkthrough_At80Columns_EveryTableKeepsItsNamesAndHeadersWhole()
    {
        var (exitCode, output) = await SampleRunner.RunAtWidthAsync(80, "--synthetic", "--quick");

        exitCode.Should().Be(0, output);
        SampleRunner.Lines(output).Should().OnlyContain(l => l.Length <= 80);
        var (errorHeader, errors) = SampleRunner.KeyedTable(output, "Rating errors on the same split");
        errorHeader.Should().Equal("model", "d", "iterations", "train RMSE", "test RMSE", "test MAE");
        errors.Keys.Should().BeEquivalentTo("plain", "plain, init 0.05", "regularized", "biased SGD", "SVD++", "ALS", "item-kNN", "user-kNN", "BPMF", "Bayesian FM", "global mean");
        var (rankingHeader, ranking) = SampleRunner.KeyedTable(output, "Recommendation quality of every model");
        rankingHeader.Should().Equal("model", "NDCG@10", "precision@10", "recall@10", "training time");
        ranking.Keys.Should().HaveCount(15).And.Contain("most popular (baseline)").And.Contain("EASE");
        foreach (string model in new[] { "plain", "plain, init 0.05", "regularized", "biased SGD", "ALS" })
        {
            var (header, rows) = SampleRunner.KeyedTable(output, $"Errors of the {model} model");
            header.Should().Equal("model", "iterations", "train MSE", "test MSE", "time");
            rows.Keys.Should().Equal(model);
        }

        SampleRunner.Table(output, "Recommended for the new user")[0].Should().Equal("#", "predicted rating", "title", "genres");
    }

    [Fact]
    public void Penalties_HandComputed()
    {
        // U = [1 2] (N = 1), V = [3 0; 0 1] (M = 2): r = 5/1 + 10/2 = 10; ⟨U, V_1⟩ = 3, ⟨U, V_2⟩ = 2, so g = (9 + 4)/(1·2) = 6.5.
        var (r, g) = TrainingReport.Penalties([1f, 2f], [3f, 0f, 0f, 1f], 2);
        r.Should().BeApproximately(10, 1e-12);
        g.Should().BeApproximately(6.5, 1e-12);
    }
}
