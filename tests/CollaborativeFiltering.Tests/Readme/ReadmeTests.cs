using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Readme;

/// <summary>
/// The README's API tour is the body of <see cref="Tour"/>, copied verbatim between the markers:
/// this file compiles it and runs it, and <see cref="Readme_TourBlock_MatchesCompiledTour"/> fails
/// when the two drift apart.
/// </summary>
public class ReadmeTests
{
    [Fact]
    public void Tour_Runs_ProducesRecommendationsAndRoundTripsTheModel()
    {
        var (model, loaded, similar, top, newUser, folds, knnSimilar) = Tour();

        loaded.Should().BeOfType<FactorizationModel>().Which.ItemEmbeddings.ToArray().Should().Equal(model.ItemEmbeddings.ToArray());
        folds.Folds.Should().HaveCount(3);
        folds.Rmse.Mean.Should().BeInRange(0.55, 0.8, "five ALS sweeps come near the synthetic ratings' noise floor (about 0.54; measured 0.672)");
        similar.Neighbors.Should().HaveCount(6);
        similar.Neighbors[0].Item.Value.Should().Be(similar.Query.Item.Value, "the query itself is listed first, as in the notebook");
        top.Should().HaveCount(10);
        newUser.Should().HaveCount(10);
        newUser.Select(r => r.Id).Should().NotContain(["1", "50", "100"], "rated items are not recommended back");
        knnSimilar.Measure.Should().Be(SimilarityMeasure.ModelWeights, "a kNN model lists its own neighbours");
        knnSimilar.Neighbors.Should().HaveCount(6);
        knnSimilar.Neighbors[0].Item.Should().Be(knnSimilar.Query.Item);
    }

    [Fact]
    public void Readme_TourBlock_MatchesCompiledTour()
    {
        string root = FindRepositoryRoot();
        string source = File.ReadAllText(Path.Combine(root, "tests", "CollaborativeFiltering.Tests", "Readme", "ReadmeTests.cs"));
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));

        string code = Dedent(Between(source, "// tour:start\n", "        // tour:end"));
        string block = Between(readme, "<!-- tour:start -->\n```csharp\n", "```\n<!-- tour:end -->");

        block.Should().Be(code, "README.md's API tour must be the code this test compiles (copy it from ReadmeTests.Tour)");
    }

    private static (FactorizationModel Model, IRecommenderModel Loaded, ItemNeighborResult Similar, IReadOnlyList<Recommendation> Top, IReadOnlyList<Recommendation> NewUser, CrossValidationResult Folds, ItemNeighborResult KnnSimilar) Tour()
    {
        // tour:start
        // Load MovieLens 100k (downloaded once into a per-user cache, then reused) ...
        //   RatingsDataset ratings = MovieLens.Load(await MovieLens.DownloadAsync(MovieLensVariant.Ml100K));
        // ... or, offline, a synthetic set of the same shape with a known planted model.
        RatingsDataset ratings = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1 }).Dataset;

        // Split as the notebook does: 10 % of the ratings held out, seeded.
        DatasetSplit split = DatasetSplitter.RandomHoldout(ratings, testFraction: 0.1, seed: 42);
        Console.WriteLine(DatasetStatistics.Describe(DatasetStatistics.UserRatingCounts(split.Train)));

        // The notebook's regularized model (observed MSE + L2 + gravity), trained by full-batch
        // gradient descent, reporting train and test MSE every 10 iterations.
        var factorizer = new RegularizedFactorizer(new RegularizedOptions { Iterations = 200 });
        FactorizationModel model = factorizer.Fit(split.Train, validation: split.Test,
            progress: new Progress<TrainingProgress>(p => Console.WriteLine($"{p.Iteration}: train {p.TrainMse:F3} test {p.ValidationMse:F3}")));

        // Nearest movies by cosine (the query movie is listed first), and a user's top 10,
        // skipping what that user already rated.
        ItemNeighborResult similar = Neighbors.NearestItemsByTitle(model, "Movie 1 ", k: 6, measure: SimilarityMeasure.Cosine);
        IReadOnlyList<Recommendation> top = Recommender.RecommendById(model, "1", k: 10, exclude: split.Train);

        // A new user rates three movies and gets recommendations (fold-in against fixed item embeddings).
        var newUser = Recommender.RecommendForNewUser(model, new Dictionary<string, float> { ["1"] = 5, ["50"] = 4, ["100"] = 1 }, k: 10);

        // A neighbourhood model: item-kNN with Surprise's KNNBaseline defaults; its neighbours are its own kNN list.
        ItemKnnModel knn = new ItemKnnRecommender().Fit(split.Train);
        ItemNeighborResult knnSimilar = Neighbors.NearestItemsByTitle(knn, "Movie 1 ", k: 6);

        // Every trainer (the factorizers, the softmax network, the neighbourhood models) is an ITrainer, so cross-validation takes any of them.
        CrossValidationResult folds = CrossValidation.Run(new AlsFactorizer(new AlsOptions { Iterations = 5 }), ratings, folds: 3, seed: 7);
        Console.WriteLine($"ALS, 3-fold test RMSE {folds.Rmse.Mean:F3} ± {folds.Rmse.StandardDeviation:F3}");

        // Save and load: a versioned, checksummed binary file written atomically; ModelFile.Load
        // tells the format (factorization, softmax, kNN, EASE or factorization-machine model) from the file itself.
        string path = Path.Combine(Path.GetTempPath(), $"tour-{Environment.ProcessId}.cfmodel");
        ModelFile.Save(model, path);
        IRecommenderModel loaded = ModelFile.Load(path);


        // A Bayesian factorization machine with the users' demographics, the movies' genres and years and the
        // items each user rated: the posterior mean and spread of a prediction, and a top 10 ranked by the
        // lower credible bound (mean − 1.645 sd) rather than the mean.
        FactorizationMachineModel fm = new BayesianFactorizationMachine(new FactorizationMachineOptions { Iterations = 40 }).Fit(split.Train);
        PosteriorPrediction rating = fm.PredictDistribution(new UserIndex(0), new ItemIndex(0));
        IReadOnlyList<Recommendation> cautious = Recommender.Recommend(fm.RankBy(PosteriorRanking.LowerBound()), new UserIndex(0), k: 10, exclude: split.Train);
        Console.WriteLine($"{rating}; first cautious pick {cautious[0]}");
        // tour:end
        File.Delete(path);
        return (model, loaded, similar, top, newUser, folds, knnSimilar);
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

    private static string Dedent(string code)
    {
        var lines = code.Split('\n');
        return string.Join('\n', lines.Select(l => l.StartsWith("        ", StringComparison.Ordinal) ? l[8..] : l.TrimStart()));
    }

    internal static string FindRepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        // The build output may live outside the repository (--artifacts-path), so look above both.
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
