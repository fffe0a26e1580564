using CollaborativeFiltering.Data;

namespace MovieLensSample.Tests;

/// <summary>Runs the sample's whole walkthrough once (--synthetic --quick) and checks its charts and tables.</summary>
public sealed class SampleWalkthroughTests(SampleWalkthroughTests.Walkthrough run) : IClassFixture<SampleWalkthroughTests.Walkthrough>
{
    private const int Seed = 7;

    private static readonly string[] Charts =
        ["users.png", "movies.png", "occupations.png", "genres.png", "training-plain.png", "training-regularized.png", "norms.png", "tsne-movies.png"];

    private static readonly string[] RatingModels = ["plain", "plain, init 0.05", "regularized", "biased SGD", "SVD++", "ALS", "item-kNN", "user-kNN", "BPMF", "Bayesian FM"];

    private readonly RatingsDataset _data = SampleRunner.QuickSynthetic(Seed);

    /// <summary>The walkthrough's run, shared by the tests of this class; its output folder is deleted afterwards.</summary>
    public sealed class Walkthrough : IAsyncLifetime
    {
        public string OutDirectory { get; } = SampleRunner.TempDirectory();

        public int ExitCode { get; private set; }

        public string Output { get; private set; } = "";

        public async Task InitializeAsync() =>
            (ExitCode, Output) = await SampleRunner.RunAsync("--synthetic", "--quick", "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", OutDirectory);

        public Task DisposeAsync()
        {
            Directory.Delete(OutDirectory, recursive: true);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Walkthrough_Sequential_PrintsAndDrawsTheSameAsTwoLanes()
    {
        // The default walkthrough runs its trainings and the t-SNE two at a time (one thread each on two cores); --sequential runs
        // them one after another on every processor. Every model and the map must come out the same, text and charts: only
        // the measured times and the progress lines (printed when the bar is redrawn) may differ.
        string outDirectory = SampleRunner.TempDirectory();
        try
        {
            var (exitCode, output) = await SampleRunner.RunAsync("--synthetic", "--quick", "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--out", outDirectory, "--sequential");

            exitCode.Should().Be(0, output);
            WithoutTimes(output, outDirectory).Should().Be(WithoutTimes(run.Output, run.OutDirectory));
            foreach (string chart in Charts)
            {
                File.ReadAllBytes(Path.Combine(outDirectory, chart)).Should().Equal(File.ReadAllBytes(Path.Combine(run.OutDirectory, chart)), chart);
            }
        }
        finally
        {
            Directory.Delete(outDirectory, recursive: true);
        }

        static string WithoutTimes(string output, string outDirectory)
        {
            string text = output.Replace(outDirectory, "OUT", StringComparison.Ordinal);
            text = System.Text.RegularExpressions.Regex.Replace(text, @"^.*: \d+%[ \t]*\n", "", System.Text.RegularExpressions.RegexOptions.Multiline);
            return System.Text.RegularExpressions.Regex.Replace(text, @"\d+(\.\d+)? s\b", "T s");
        }
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_ExitsZeroWithEverySectionInOrder()
    {
        run.ExitCode.Should().Be(0, run.Output);
        string[] sections =
        [
            "── Exploring the data", "── The plain model", "── Nearest neighbours in the plain model", "── The plain model, initialised smaller",
            "── The regularized model", "── Embedding norm vs number of ratings", "── t-SNE map", "── Recommendations from the regularized model", "── Comparing the models",
        ];
        int[] positions = [.. sections.Select(s => run.Output.IndexOf(s, StringComparison.Ordinal))];
        positions.Should().NotContain(-1).And.BeInAscendingOrder();
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_WritesEveryChartAsPng()
    {
        foreach (string chart in Charts)
        {
            var (width, height) = SampleRunner.PngSize(Path.Combine(run.OutDirectory, chart));
            width.Should().BeGreaterThanOrEqualTo(300, chart);
            height.Should().BeGreaterThanOrEqualTo(200, chart);
        }

        SampleRunner.PngSize(Path.Combine(run.OutDirectory, "norms.png")).Width.Should().Be(3 * 640, "the norms chart has one panel per model");
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_ExplorationTablesMatchTheData()
    {
        var (header, rows) = SampleRunner.KeyedTable(run.Output, "Users (describe)");
        int column = Array.IndexOf(header, "rating_count");
        rows["count"][column].Should().Be(_data.UserCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SampleRunner.Number(rows["mean"][column]).Should().BeApproximately((double)_data.Count / _data.UserCount, 0.0005);

        ItemRatingSummary mostRated = DatasetStatistics.MostRated(_data, 1)[0];
        List<string[]> top = SampleRunner.Table(run.Output, "Top 10 most rated movies");
        top[1][1].Should().Be(mostRated.Title);
        top[1][2].Should().Be(mostRated.RatingCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Walkthrough_SyntheticData_NeighboursFallBackToTheMostRatedMovie()
    {
        string title = DatasetStatistics.MostRated(_data, 1)[0].Title;
        run.Output.Should().Contain($"No title contains 'Aladdin' in this catalogue: showing the neighbours of the most rated movie, '{title}'");
        List<string[]> cosine = SampleRunner.Table(run.Output, $"Nearest neighbours of '{title}' (cosine)");
        cosine.Should().HaveCount(11, "a header and the default 10 rows");
        cosine[1][2].Should().Be(title);
        cosine[1][1].Should().Be("1.000");
        cosine.Skip(1).Select(r => SampleRunner.Number(r[1])).Should().BeInDescendingOrder();
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_RecommendsOnlyUnratedMoviesToTheFirstUser()
    {
        string user = _data.Catalog.Users[0];
        List<string[]> recommended = SampleRunner.Table(run.Output, $"Recommended for user {user}");
        recommended.Should().HaveCount(11);
        var rated = _data.ByUser.GetColumns(0).ToArray().Select(i => _data.Catalog.GetItemTitle(new ItemIndex(i))).ToHashSet();
        recommended.Skip(1).Select(r => r[2]).Should().NotIntersectWith(rated);
        SampleRunner.Table(run.Output, "Recommended for the new user").Should().HaveCount(11);
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_NormTableHoldsACorrelationPerModel()
    {
        var (_, rows) = SampleRunner.KeyedTable(run.Output, "Movie embedding norm vs rating count");
        rows.Keys.Should().BeEquivalentTo("plain", "plain, init 0.05", "regularized");
        rows.Values.Select(r => SampleRunner.Number(r[1])).Should().OnlyContain(rho => rho >= -1 && rho <= 1);
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_ComparisonListsEveryRatingModelWithAFiniteRmse()
    {
        var (header, rows) = SampleRunner.KeyedTable(run.Output, "Rating errors on the same split");
        int rmse = Array.IndexOf(header, "test RMSE");
        rows.Keys.Should().BeEquivalentTo([.. RatingModels, "global mean"], "the models that only rank have no rating errors");
        foreach (string model in RatingModels)
        {
            double value = SampleRunner.Number(rows[model][rmse]);
            value.Should().BeGreaterThan(0, model).And.BeLessThan(5, model);
        }

        rows["item-kNN"][Array.IndexOf(header, "d")].Should().Be("–", "a kNN model has no embeddings");
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_SaysAtWhichIterationTheRegularizedTestErrorWasLowest()
    {
        var line = System.Text.RegularExpressions.Regex.Match(run.Output, @"The regularized model's test MSE was lowest at iteration (\d+) \(([0-9.]+)\); at iteration (\d+) it is ([0-9.]+)\.");

        line.Success.Should().BeTrue(run.Output);
        int best = int.Parse(line.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int last = int.Parse(line.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        best.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(last);
        SampleRunner.Number(line.Groups[2].Value).Should().BeLessThanOrEqualTo(SampleRunner.Number(line.Groups[4].Value));
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_ComparisonMarksTheModelsWorseThanTheGlobalMean()
    {
        var (header, rows) = SampleRunner.KeyedTable(run.Output, "Rating errors on the same split");
        int rmse = Array.IndexOf(header, "test RMSE");
        double mean = SampleRunner.Number(rows["global mean"][rmse]);
        mean.Should().BeGreaterThan(0.5).And.BeLessThan(2);
        string[] worse = [.. RatingModels.Where(m => SampleRunner.Number(rows[m][rmse]) > mean)];
        if (worse.Length == 0)
        {
            run.Output.Should().NotContain("Worse than the global mean");
        }
        else
        {
            run.Output.Should().Contain($"Worse than the global mean (predicting the training ratings' mean for every pair): {string.Join(", ", worse)}.");
        }
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_RankingTableListsEveryModelAndTheBaseline()
    {
        var (header, rows) = SampleRunner.KeyedTable(run.Output, "Recommendation quality of every model");
        rows.Keys.Should().BeEquivalentTo([.. RatingModels, "implicit ALS", "BPR", "softmax DNN", "EASE", "most popular (baseline)"]);
        int ndcg = Array.IndexOf(header, "NDCG@10");
        SampleRunner.Number(rows["EASE"][ndcg]).Should().BeGreaterThan(SampleRunner.Number(rows["most popular (baseline)"][ndcg]));
        rows.Values.Select(r => SampleRunner.Number(r[Array.IndexOf(header, "NDCG@10")])).Should().OnlyContain(v => v >= 0 && v <= 1);
        string[] softmax = rows["softmax DNN"];
        SampleRunner.Number(softmax[Array.IndexOf(header, "recall@10")]).Should().BeGreaterThan(0.1).And.BeLessThanOrEqualTo(1);
        softmax[Array.IndexOf(header, "training time")].Should().EndWith(" s");
    }

    [Fact]
    public void Walkthrough_RegularizedModel_PrintsTheFinalLossWithTheErrorTablesTrainMse()
    {
        var (_, errors) = SampleRunner.KeyedTable(run.Output, "Errors of the regularized model");
        var (_, rows) = SampleRunner.KeyedTable(run.Output, "Loss of the regularized model"); // the title wraps to the narrow table
        rows["train MSE"][1].Should().Be(errors["regularized"][2], "one train MSE per model");
        double sum = SampleRunner.Number(rows["train MSE"][1]) + SampleRunner.Number(rows["regularization (λ_r = 0.1)"][1]) + SampleRunner.Number(rows["gravity (λ_g = 1)"][1]);
        SampleRunner.Number(rows["total loss"][1]).Should().BeApproximately(sum, 0.0015);
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_PrintsNoRecordDumps()
    {
        run.Output.Should().NotContain("Options {").And.NotContain(" = ,").And.NotContain("ReadOnlyCollection").And.NotContain("System.");
        run.Output.Should().Contain("Settings: d 50, 150 iterations").And.Contain("regularization weight 0.1, gravity weight 1");
    }

    [Fact]
    public void Walkthrough_QuickSynthetic_LabelsTheScoreColumnByWhatItIs()
    {
        SampleRunner.Table(run.Output, "Recommended for the new user")[0][1].Should().Be("predicted rating", "the regularized model has no biases: its score is the rating");
    }
}
