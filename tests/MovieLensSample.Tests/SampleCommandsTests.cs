using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace MovieLensSample.Tests;

/// <summary>The sample's subcommands on the small synthetic set: train and save, then load for neighbours, recommendations, projection and export.</summary>
public sealed class SampleCommandsTests : IDisposable
{
    private readonly string _directory = SampleRunner.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Generate_Quick_WritesTheFilesOfSyntheticThatDataLoadsToTheSameRatings()
    {
        string folder = Path.Combine(_directory, "ml-100k");

        var (exitCode, output) = await SampleRunner.RunAsync("generate", folder, "--quick", "--seed", "7");

        exitCode.Should().Be(0, output);
        output.Should().Contain("wrote 300 users × 400 movies × 12000 ratings (seed 7)");
        RatingsDataset written = MovieLens.Load(folder);
        RatingsDataset synthetic = SampleRunner.QuickSynthetic(7);
        written.Count.Should().Be(synthetic.Count);
        written.ByUser.Values.ToArray().Should().Equal(synthetic.ByUser.Values.ToArray());
        written.ByUser.ColumnIndices.ToArray().Should().Equal(synthetic.ByUser.ColumnIndices.ToArray());
        written.Catalog.GetItemTitle(new ItemIndex(0)).Should().Be(synthetic.Catalog.GetItemTitle(new ItemIndex(0)));
    }

    [Fact]
    public async Task Train_SaveThenLoad_EveryCommandUsesTheSavedModel()
    {
        string model = Path.Combine(_directory, "biased.cfm");
        string[] common = ["--synthetic", "--quick", "--out", _directory];

        var (trained, trainOutput) = await SampleRunner.RunAsync(["train", .. common, "--model", "biased", "--dimensions", "8", "--save", model]);
        trained.Should().Be(0, trainOutput);
        var (header, rows) = SampleRunner.KeyedTable(trainOutput, "Errors of the biased model");
        SampleRunner.Number(rows["biased"][Array.IndexOf(header, "test MSE")]).Should().BeInRange(0.25, 2.25);
        File.Exists(model).Should().BeTrue();
        SampleRunner.PngSize(Path.Combine(_directory, "training-biased.png")).Width.Should().BeGreaterThanOrEqualTo(300);

        var (evaluated, evaluateOutput) = await SampleRunner.RunAsync(["train", .. common, "--load", model]);
        evaluated.Should().Be(0, evaluateOutput);
        var (_, loaded) = SampleRunner.KeyedTable(evaluateOutput, "Errors of the loaded model");
        loaded.Keys.Should().Contain("test (1200)");

        var (neighbors, neighborsOutput) = await SampleRunner.RunAsync(["neighbors", .. common, "--load", model, "--id", "1", "--measure", "cosine", "-k", "5"]);
        neighbors.Should().Be(0, neighborsOutput);
        List<string[]> table = SampleRunner.Table(neighborsOutput, "(cosine)");
        table.Should().HaveCount(6);
        table[1][2].Should().StartWith("Synthetic Movie 1 (");

        var (byTitle, byTitleOutput) = await SampleRunner.RunAsync(["neighbors", .. common, "--load", model, "--title", "synthetic movie 1"]);
        byTitle.Should().Be(0, byTitleOutput);
        byTitleOutput.Should().Contain("[Found more than one matching movie. Other candidates: Synthetic Movie 10 (");
        SampleRunner.Table(byTitleOutput, "(dot)")[1][2].Should().StartWith("Synthetic Movie 1 (");

        var (recommended, recommendOutput) = await SampleRunner.RunAsync(["recommend", .. common, "--load", model, "--user", "3", "--rate", "Synthetic Movie 2 (=5,Synthetic Movie 3 (=1"]);
        recommended.Should().Be(0, recommendOutput);
        SampleRunner.Table(recommendOutput, "Recommended for user 3").Should().HaveCount(11);
        SampleRunner.Table(recommendOutput, "Recommended for the new user").Skip(1).Select(r => r[2]).Should().NotContain(t => t.StartsWith("Synthetic Movie 2 (", StringComparison.Ordinal));

        var (projected, projectOutput) = await SampleRunner.RunAsync(["project", .. common, "--load", model, "--method", "pca"]);
        projected.Should().Be(0, projectOutput);
        SampleRunner.PngSize(Path.Combine(_directory, "pca-movies.png")).Should().Be((1100, 750));
        projectOutput.Should().Contain("PCA of the movie embeddings (biased (loaded from biased.cfm) model)", "a loaded model's maps name its kind and file")
            .And.MatchRegex(@"The first two components explain \d+\.\d % and \d+\.\d % of the variance\.");

        var (exported, exportOutput) = await SampleRunner.RunAsync(["export", .. common, "--load", model]);
        exported.Should().Be(0, exportOutput);
        string[] vectors = File.ReadAllLines(Path.Combine(_directory, "projector", "vectors.tsv"));
        vectors.Should().HaveCount(400);
        vectors[0].Split('\t').Should().HaveCount(8);
    }

    [Theory]
    [InlineData("item-knn", true)]
    [InlineData("user-knn", true)]
    [InlineData("ease", false)]
    public async Task Train_NeighbourhoodModel_PrintsItsTablesAndSavesAModelTheCommandsLoad(string kind, bool predictsRatings)
    {
        string model = Path.Combine(_directory, kind + ".cfm");
        string[] common = ["--synthetic", "--quick", "--out", _directory];

        var (trained, trainOutput) = await SampleRunner.RunAsync(["train", .. common, "--model", kind, "--save", model]);
        trained.Should().Be(0, trainOutput);
        if (predictsRatings)
        {
            var (header, rows) = SampleRunner.KeyedTable(trainOutput, $"Errors of the {kind} model");
            SampleRunner.Number(rows[kind][Array.IndexOf(header, "test MSE")]).Should().BeInRange(0.25, 1.5);
        }
        else
        {
            trainOutput.Should().Contain("predicts no ratings, so it has no MSE");
        }

        trainOutput.Should().Contain($"The {kind} model fits in one pass");
        var (rankingHeader, ranking) = SampleRunner.KeyedTable(trainOutput, "Top-10 recommendations on the test set");
        rankingHeader.Should().Equal("measure", kind, "most popular (baseline)");
        SampleRunner.Number(ranking["recall@10"][1]).Should().BeGreaterThan(SampleRunner.Number(ranking["recall@10"][2]));

        var (loaded, loadedOutput) = await SampleRunner.RunAsync(["recommend", .. common, "--load", model, "--user", "3", "-k", "5"]);
        loaded.Should().Be(0, loadedOutput);
        SampleRunner.Table(loadedOutput, "Recommended for user 3").Should().HaveCount(6);

        if (kind != "user-knn")
        {
            var (neighbors, neighborsOutput) = await SampleRunner.RunAsync(["neighbors", .. common, "--load", model, "--id", "1", "-k", "4"]);
            neighbors.Should().Be(0, neighborsOutput);
            SampleRunner.Table(neighborsOutput, "(model weight)")[1][2].Should().StartWith("Synthetic Movie 1 (");
        }
    }

    [Fact]
    public async Task Train_Softmax_PrintsRankingFiguresAndSavesAModelEveryCommandLoads()
    {
        string model = Path.Combine(_directory, "softmax.cfm");
        string[] common = ["--synthetic", "--quick", "--out", _directory];

        var (trained, trainOutput) = await SampleRunner.RunAsync(
            ["train", .. common, "--model", "softmax", "--iterations", "20", "--dimensions", "8", "--hidden", "16,12", "--genres", "--years", "--batch-size", "50", "--save", model]);

        trained.Should().Be(0, trainOutput);
        trainOutput.Should().Contain("d 8, 20 iterations, hidden layers 16,12, inputs items + genres + release years").And.Contain("batch size 50");
        trainOutput.Should().NotContain("Errors of the softmax model", "a model that only ranks has no rating errors")
            .And.Contain("softmax: 20 iterations in ").And.Contain("predicts no ratings, so it has no MSE");
        var (header, rows) = SampleRunner.KeyedTable(trainOutput, "Top-10 recommendations on the test set");
        header.Should().Equal("measure", "softmax", "most popular (baseline)");
        double recall = SampleRunner.Number(rows["recall@10"][1]);
        recall.Should().BeGreaterThan(0.05, "even 20 steps rank the held-out movies far above chance (about 0.025)").And.BeLessThanOrEqualTo(1);
        SampleRunner.Number(rows["NDCG@10"][1]).Should().BeInRange(0, 1);
        SampleRunner.PngSize(Path.Combine(_directory, "training-softmax.png")).Width.Should().Be(2 * 640, "cross-entropy and recall@10 side by side");
        File.ReadAllBytes(model).AsSpan(0, 8).SequenceEqual("CFSOFTMX"u8).Should().BeTrue();

        var (evaluated, evaluateOutput) = await SampleRunner.RunAsync(["train", .. common, "--load", model]);
        evaluated.Should().Be(0, evaluateOutput);
        var (_, loadedErrors) = SampleRunner.KeyedTable(evaluateOutput, "Errors of the loaded model");
        loadedErrors["test (1200)"].Skip(1).Should().OnlyContain(cell => cell == "n/a");
        var (_, loaded) = SampleRunner.KeyedTable(evaluateOutput, "Top-10 recommendations on the test set");
        loaded.Values.Select(r => r[1]).Should().Equal(rows.Values.Select(r => r[1]), "the loaded model is the one trained");

        var (neighbors, neighborsOutput) = await SampleRunner.RunAsync(["neighbors", .. common, "--load", model, "--id", "1", "--measure", "cosine", "-k", "5"]);
        neighbors.Should().Be(0, neighborsOutput);
        List<string[]> table = SampleRunner.Table(neighborsOutput, "(cosine)");
        table.Should().HaveCount(6);
        table[1][2].Should().StartWith("Synthetic Movie 1 (");

        var (recommended, recommendOutput) = await SampleRunner.RunAsync(["recommend", .. common, "--load", model, "--user", "3", "--rate", "Synthetic Movie 2 (=5,Synthetic Movie 3 (=1"]);
        recommended.Should().Be(0, recommendOutput);
        SampleRunner.Table(recommendOutput, "Recommended for user 3").Should().HaveCount(11);
        List<string[]> forNewUser = SampleRunner.Table(recommendOutput, "Recommended for the new user");
        forNewUser.Should().HaveCount(11);
        forNewUser.Skip(1).Select(r => r[2]).Should().NotContain(t => t.StartsWith("Synthetic Movie 2 (", StringComparison.Ordinal) || t.StartsWith("Synthetic Movie 3 (", StringComparison.Ordinal));

        var (exported, exportOutput) = await SampleRunner.RunAsync(["export", .. common, "--load", model]);
        exported.Should().Be(0, exportOutput);
        string[] vectors = File.ReadAllLines(Path.Combine(_directory, "projector", "vectors.tsv"));
        vectors.Should().HaveCount(400);
        vectors[0].Split('\t').Should().HaveCount(8);

        var (csv, csvOutput) = await SampleRunner.RunAsync(["export", .. common, "--load", model, "--format", "csv"]);
        csv.Should().Be(0, csvOutput);
        string[] itemFactors = File.ReadAllLines(Path.Combine(_directory, "item_factors.csv"));
        itemFactors.Should().HaveCount(401, "a header and one line per movie");
        itemFactors[0].Split(',').Should().HaveCount(9, "id and 8 factors; the softmax model has no biases");
        File.ReadAllLines(Path.Combine(_directory, "user_factors.csv")).Should().HaveCount(301, "every user has training items, so a query");
    }

    [Fact]
    public async Task Train_SvdPlusPlus_PrintsErrorsAndTopTenAndSavesAModelThatRecommendsForANewUser()
    {
        string model = Path.Combine(_directory, "svdpp.cfm");
        string[] common = ["--synthetic", "--quick", "--out", _directory];

        var (trained, trainOutput) = await SampleRunner.RunAsync(["train", .. common, "--model", "svdpp", "--save", model]);

        trained.Should().Be(0, trainOutput);
        var (header, rows) = SampleRunner.KeyedTable(trainOutput, "Errors of the svdpp model");
        SampleRunner.Number(rows["svdpp"][Array.IndexOf(header, "test MSE")]).Should().BeInRange(0.25, 2.25);
        var (rankingHeader, ranking) = SampleRunner.KeyedTable(trainOutput, "Top-10 recommendations on the test set");
        rankingHeader.Should().Equal("measure", "svdpp", "most popular (baseline)");
        SampleRunner.Number(ranking["NDCG@10"][1]).Should().BeGreaterThan(0.05, "its support-aware ranking is far above chance (measured 0.125)").And.BeLessThanOrEqualTo(1);
        var (recommended, recommendOutput) = await SampleRunner.RunAsync(["recommend", .. common, "--load", model, "--user", "3", "--rate", "Synthetic Movie 2 (=5,Synthetic Movie 3 (=1"]);
        recommended.Should().Be(0, recommendOutput);
        SampleRunner.Table(recommendOutput, "Recommended for the new user").Skip(1).Select(r => r[2]).Should().NotContain(t => t.StartsWith("Synthetic Movie 2 (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Train_Bpr_PrintsRankingFiguresWithoutRatingErrorsAndSavesAModelEveryCommandLoads()
    {
        string model = Path.Combine(_directory, "bpr.cfm");
        string[] common = ["--synthetic", "--quick", "--out", _directory];

        var (trained, trainOutput) = await SampleRunner.RunAsync(["train", .. common, "--model", "bpr", "--dimensions", "8", "--save", model]);

        trained.Should().Be(0, trainOutput);
        trainOutput.Should().NotContain("Errors of the bpr model", "a model that only ranks has no rating errors")
            .And.NotContain("Loss of the bpr model", "its loss is not an MSE")
            .And.Contain("predicts no ratings, so it has no MSE");
        var (rankingHeader, ranking) = SampleRunner.KeyedTable(trainOutput, "Top-10 recommendations on the test set");
        rankingHeader.Should().Equal("measure", "bpr", "most popular (baseline)");
        SampleRunner.Number(ranking["recall@10"][1]).Should().BeGreaterThan(0.1, "BPR ranks the held-out movies far above chance (about 0.025; measured 0.211)").And.BeLessThanOrEqualTo(1);
        SampleRunner.PngSize(Path.Combine(_directory, "training-bpr.png")).Width.Should().BeGreaterThanOrEqualTo(300);
        var (recommended, recommendOutput) = await SampleRunner.RunAsync(["recommend", .. common, "--load", model, "--user", "3", "--rate", "Synthetic Movie 2 (=5,Synthetic Movie 3 (=1"]);
        recommended.Should().Be(0, recommendOutput);
        SampleRunner.Table(recommendOutput, "Recommended for the new user").Should().HaveCount(11);
        var (neighbors, neighborsOutput) = await SampleRunner.RunAsync(["neighbors", .. common, "--load", model, "--id", "1", "--measure", "cosine", "-k", "5"]);
        neighbors.Should().Be(0, neighborsOutput);
        SampleRunner.Table(neighborsOutput, "(cosine)").Should().HaveCount(6);
    }

    [Fact]
    public async Task Train_LoadOnAnotherCatalogue_ExitsOneSayingSo()
    {
        string model = Path.Combine(_directory, "als.cfm");
        (await SampleRunner.RunAsync("train", "--synthetic", "--quick", "--model", "als", "--save", model, "--out", _directory)).ExitCode.Should().Be(0);

        var (exitCode, output) = await SampleRunner.RunAsync("neighbors", "--synthetic", "--load", model); // the full-size set: 943 × 1682

        exitCode.Should().Be(1);
        SampleRunner.Lines(output)[^1].Should().StartWith("error:").And.Contain("another catalogue");
    }

    [Fact]
    public async Task Train_BayesianFmWithBlocks_TrainsSavesAndLoadsTheWholeModel()
    {
        string model = Path.Combine(_directory, "fm.cfm");

        var (exitCode, output) = await SampleRunner.RunAsync("train", "--synthetic", "--quick", "--model", "bayesian-fm", "--blocks", "user,item,implicit,userinfo,iteminfo,time", "--save", model, "--out", _directory);

        exitCode.Should().Be(0, output);
        output.Should().Contain("rated items").And.Contain("rating time");
        (await SampleRunner.RunAsync("neighbors", "--synthetic", "--quick", "--load", model, "--id", "1")).ExitCode.Should().Be(0);
        ModelFile.Load(model).Should().BeOfType<FactorizationMachineModel>().Which.FeatureGroups.Should().Contain("rating time");
    }

    [Fact]
    public async Task Train_Holdout_SplitsTheRatingsAsTheLibraryDoes()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(SampleRunner.QuickSynthetic(), 0.25, 42);

        var (exitCode, output) = await SampleRunner.RunAsync("train", "--synthetic", "--quick", "--model", "plain", "--holdout", "0.25", "--out", _directory);

        exitCode.Should().Be(0, output);
        output.Should().Contain($"{split.Train.Count} training and {split.Test.Count} test ratings");
    }

    [Fact]
    public async Task Train_TrainAndTestFiles_TrainsOnThePredefinedSplit()
    {
        RatingsDataset data = SampleRunner.QuickSynthetic();
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.2, 3);
        MovieLensWriter.Write100K(data, _directory);
        MovieLensWriter.WriteRatings(split.Train, Path.Combine(_directory, "u1.base"), MovieLensFormat.Ml100K);
        MovieLensWriter.WriteRatings(split.Test, Path.Combine(_directory, "u1.test"), MovieLensFormat.Ml100K);

        var (exitCode, output) = await SampleRunner.RunAsync("train", "--data", _directory, "--train-file", "u1.base", "--test-file", "u1.test", "--model", "implicit-als", "--quick", "--out", _directory);

        exitCode.Should().Be(0, output);
        output.Should().Contain($"{split.Train.Count} training and {split.Test.Count} test ratings");
        var (header, rows) = SampleRunner.KeyedTable(output, "Top-10 recommendations on the test set");
        header.Should().Equal("measure", "implicit-als", "most popular (baseline)");
        SampleRunner.Number(rows["NDCG@10"][1]).Should().BeInRange(0, 1);
        SampleRunner.Number(rows["NDCG@10"][2]).Should().BeInRange(0, 1);
    }
}
