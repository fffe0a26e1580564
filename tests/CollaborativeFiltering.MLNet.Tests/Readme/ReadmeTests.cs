using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.Tests.Readme;

/// <summary>
/// The ML.NET section of README.md and the package's own README show the body of <see cref="Tour"/>,
/// copied verbatim between the markers: this file compiles and runs it, and
/// <see cref="Readmes_MLNetBlock_MatchesCompiledTour"/> fails when they drift apart.
/// </summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Tour_Runs_TrainsScoresEvaluatesAndReloads()
    {
        var (metrics, score, trained, top, rescored, keyedTest) = Tour();

        metrics.RootMeanSquaredError.Should().BeApproximately(0.669, 0.002, "README.md says the tour prints \"test RMSE 0.669\" (biased SGD with its defaults, near the synthetic ratings' noise floor of about 0.54)");
        score.Should().Be(trained.Predict("1", "50"));
        top.Rows.Count.Should().Be(10);
        top.Columns.Select(c => c.Name).Should().Equal("Rank", "ItemId", "Title", "Genres", "Score");
        TestData.Scores(rescored.Transform(keyedTest)).Should().Equal(keyedTest.GetColumn<float>("Score"), "the reloaded model scores as the trained one");
    }

    [Fact]
    public void Readmes_MLNetBlock_MatchesCompiledTour()
    {
        string root = FindRepositoryRoot();
        string code = Dedent(Between(File.ReadAllText(Path.Combine(root, "tests", "CollaborativeFiltering.MLNet.Tests", "Readme", "ReadmeTests.cs")), "// mlnet:start\n", "        // mlnet:end"));

        foreach (string readme in new[] { "README.md", Path.Combine("src", "CollaborativeFiltering.MLNet", "README.md") })
        {
            string block = Between(File.ReadAllText(Path.Combine(root, readme)), "<!-- mlnet:start -->\n```csharp\n", "```\n<!-- mlnet:end -->");
            block.Should().Be(code, $"{readme}'s ML.NET example must be the code this test compiles (copy it from ReadmeTests.Tour)");
        }
    }

    private static (Microsoft.ML.Data.RegressionMetrics Metrics, float Score, FactorizationModel Trained, DataFrame Top, RecommenderTransformer<IRecommenderModel> Rescored, IDataView KeyedTest) Tour()
    {
        // mlnet:start
        var mlContext = new MLContext(seed: 1);

        // Ratings as an IDataView: from a text file (mlContext.Data.LoadFromTextFile), from objects, or from a
        // DataFrame, as here: MovieLens-shaped synthetic ratings (columns UserId, ItemId, Rating, Timestamp).
        IDataView ratings = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1 }).Dataset.ToDataFrame();
        DataOperationsCatalog.TrainTestData split = mlContext.Data.TrainTestSplit(ratings, testFraction: 0.1, seed: 1);

        // Ids become keys, then one of the library's trainers fits them: here biased SGD (Funk SVD).
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("userKey", "UserId")
            .Append(mlContext.Transforms.Conversion.MapValueToKey("itemKey", "ItemId"))
            .Append(mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", labelColumnName: "Rating"));
        var model = pipeline.Fit(split.TrainSet);

        // Score and evaluate as any ML.NET regression: the Score column is the predicted rating (NaN for ids
        // the training set lacks, which Evaluate skips, as with ML.NET's matrix factorization).
        IDataView scored = model.Transform(split.TestSet);
        var metrics = mlContext.Regression.Evaluate(scored, labelColumnName: "Rating");
        Console.WriteLine($"test RMSE {metrics.RootMeanSquaredError:F3}");

        // One pair at a time (RatingRow has UserId and ItemId as text; RatingPrediction has a float Score).
        using var engine = mlContext.Model.CreatePredictionEngine<RatingRow, RatingPrediction>(model);
        float score = engine.Predict(new RatingRow { UserId = "1", ItemId = "50" }).Score;

        // What ML.NET has no words for, the library does with the trained model (ids are the keys' values).
        FactorizationModel trained = model.LastTransformer.Model;
        DataFrame top = Recommender.RecommendById(trained, "1", k: 10).ToDataFrame();

        // mlContext.Model.Save cannot hold the library's model (ML.NET saves only its own components):
        // save it with ModelFile, and after loading it score through a transformer again.
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-tour-{Environment.ProcessId}.cfmodel");
        ModelFile.Save(trained, path);
        var rescored = mlContext.CollaborativeFiltering().Transformer(ModelFile.Load(path), "userKey", "itemKey");
        // mlnet:end
        File.Delete(path);
        return (metrics, score, trained, top, rescored, scored);
    }

    private static string Between(string text, string start, string end)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        int s = text.IndexOf(start, StringComparison.Ordinal);
        s.Should().BeGreaterThanOrEqualTo(0, $"the marker '{start.Trim()}' must be present");
        s += start.Length;
        int e = text.IndexOf(end, s, StringComparison.Ordinal);
        e.Should().BeGreaterThan(s, $"the marker '{end.Trim()}' must follow");
        return text[s..e];
    }

    private static string Dedent(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.StartsWith("        ", StringComparison.Ordinal) ? l[8..] : l.TrimStart()));

    private static string FindRepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null && dir.Exists; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CollaborativeFiltering.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"CollaborativeFiltering.sln not found above {AppContext.BaseDirectory} or {sourceFile}");
    }
}
