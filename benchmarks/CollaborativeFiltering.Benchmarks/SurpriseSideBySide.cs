using System.Diagnostics;
using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Our side of the comparison with Surprise (issues 12 and 17), driven by <c>benchmarks/peers/surprise-compare.sh</c>;
/// not a BenchmarkDotNet case: it writes predictions, which <c>benchmarks/peers/surprise_compare.py</c> compares
/// with Surprise's on the same files.
/// <list type="bullet">
/// <item><c>surprise-data --out DIR [--seeds 42,7]</c>: for each seed, the
/// <see cref="SyntheticOptions.RealisticMovieLens100K"/> set of that seed written as a MovieLens 100k folder
/// <c>DIR/seedS</c> (<c>u.data</c>, <c>u.item</c>, <c>u.user</c>, …) with a fixed random 80/20 split of the
/// same seed as <c>u1.base</c>/<c>u1.test</c>, lines in (user, item) order.</item>
/// <item><c>surprise-predict --dir DIR --out DIR [--sgd-seeds 1,2,3]</c>: loads <c>u1.base</c>/<c>u1.test</c>
/// and writes, per configuration, <c>NAME.tsv</c> with one "user item rating prediction" line per test
/// rating (raw ids), and <c>fits.tsv</c> (configuration, seed, seconds of the fit after an untimed warm-up fit of
/// each trainer on 5 % of the ratings: a figure only on a quiet machine).</item>
/// </list>
/// The configurations: Surprise's table rows configured alike (<c>surprise-*</c>: its defaults, i.e. user-based
/// MSD similarity without shrinkage for the three kNN rows, <c>SVD</c> and <c>SVDpp</c> settings, its
/// baselines), the Pearson-baseline kNN in both orientations configured like Surprise's, and our defaults
/// (what the sample's <c>train --model item-knn|user-knn|svdpp|biased</c> uses). <c>--dir</c> may name the real
/// MovieLens 100k folder too (its <c>u1.base</c>/<c>u1.test</c>); the script's header says how.
/// </summary>
internal static class SurpriseSideBySide
{
    public static int Run(string[] args)
    {
        var arguments = new HarnessArguments(args);
        string Get(string name, string fallback) => arguments.Get(name, fallback);
        int[] Seeds(string name, string fallback) => [.. Get(name, fallback).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

        switch (args[0])
        {
            case "surprise-data":
                WriteData(Get("out", "surprise-data"), Seeds("seeds", "42,7"));
                return 0;
            case "surprise-predict":
                Predict(Get("dir", "surprise-data/seed42"), Get("out", "ours"), Seeds("sgd-seeds", "1,2,3"));
                return 0;
            default:
                Console.Error.WriteLine("usage: surprise-data --out DIR [--seeds 42,7] | surprise-predict --dir DIR --out DIR [--sgd-seeds 1,2,3]");
                return 2;
        }
    }

    private static void WriteData(string root, int[] seeds)
    {
        foreach (int seed in seeds)
        {
            string folder = Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"seed{seed}"));
            Directory.CreateDirectory(folder);
            RatingsDataset data = SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K with { Seed = seed }).Dataset;
            MovieLensWriter.Write100K(data, folder);
            DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.2, seed);
            MovieLensWriter.WriteRatings(split.Train, Path.Combine(folder, "u1.base"), MovieLensFormat.Ml100K);
            MovieLensWriter.WriteRatings(split.Test, Path.Combine(folder, "u1.test"), MovieLensFormat.Ml100K);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{folder}: {data.UserCount} users, {data.ItemCount} items, {split.Train.Count} training and {split.Test.Count} test ratings"));
        }
    }

    private static void Predict(string folder, string outFolder, int[] sgdSeeds)
    {
        Directory.CreateDirectory(outFolder);
        DatasetSplit split = MovieLens.LoadSplit(folder, "u1.base", "u1.test");
        int users = split.Train.UserCount, items = split.Train.ItemCount;
        var fits = new StringBuilder("configuration\tseed\tfit_s\n");
        WarmUp(split.Train);

        // Surprise's kNN defaults: user-based, MSD, k = 40, min_k = 1, min_support = 1, no shrinkage (Surprise shrinks
        // only pearson_baseline); the full similarity matrix (every positive neighbour kept).
        KnnOptions surpriseKnn = new()
        {
            Similarity = KnnSimilarity.MeanSquaredDifference,
            Shrinkage = 0,
            SavedNeighbors = Math.Max(40, users - 1),
            MaxDegreeOfParallelism = 2,
        };
        var knn = new List<(string Name, Func<IRecommenderModel> Fit)>
        {
            ("surprise-knnbasic", () => new UserKnnRecommender(surpriseKnn with { Predictor = KnnPredictor.Basic }).Fit(split.Train)),
            ("surprise-knnwithmeans", () => new UserKnnRecommender(surpriseKnn with { Predictor = KnnPredictor.WithMeans }).Fit(split.Train)),
            ("surprise-knnbaseline", () => new UserKnnRecommender(surpriseKnn with { Predictor = KnnPredictor.WithBaseline }).Fit(split.Train)),

            // KNNBaseline with sim_options {'name': 'pearson_baseline'} (shrinkage 100, min_support raised to 2 by Surprise).
            ("surprise-knnbaseline-pb-item", () => new ItemKnnRecommender(new KnnOptions { MinSupport = 2, SavedNeighbors = Math.Max(40, items - 1), MaxDegreeOfParallelism = 2 }).Fit(split.Train)),
            ("surprise-knnbaseline-pb-user", () => new UserKnnRecommender(new KnnOptions { MinSupport = 2, SavedNeighbors = Math.Max(40, users - 1), MaxDegreeOfParallelism = 2 }).Fit(split.Train)),

            // Our defaults (the sample's train --model item-knn | user-knn).
            ("ours-item-knn", () => new ItemKnnRecommender(new KnnOptions()).Fit(split.Train)),
            ("ours-user-knn", () => new UserKnnRecommender(new KnnOptions()).Fit(split.Train)),

            // The former default length of the neighbour lists, to measure the change on any data (the real u1 split included).
            ("ours-item-knn-400", () => new ItemKnnRecommender(new KnnOptions { SavedNeighbors = 400 }).Fit(split.Train)),
        };
        foreach ((string name, Func<IRecommenderModel> fit) in knn)
        {
            long started = Stopwatch.GetTimestamp();
            IRecommenderModel model = fit();
            fits.Append(CultureInfo.InvariantCulture, $"{name}\t0\t{Stopwatch.GetElapsedTime(started).TotalSeconds:F3}\n");
            Write(Path.Combine(outFolder, name + ".tsv"), split.Test, model.Predict);
            if (name == "surprise-knnbaseline")
            {
                // Surprise's BaselineOnly: μ + b_u + b_i of the same ALS baselines (10 sweeps, λ_u = 15, λ_i = 10), clipped.
                var m = (UserKnnModel)model;
                float[] bu = m.UserBiases.ToArray(), bi = m.ItemBiases.ToArray();
                float mu = m.GlobalMean;
                RatingRange range = m.PredictionRange!.Value;
                Write(Path.Combine(outFolder, "surprise-baselineonly.tsv"), split.Test, (u, i) => range.Clamp(mu + bu[u.Value] + bi[i.Value]));
            }
        }

        foreach (int seed in sgdSeeds)
        {
            // Surprise's SVD: 100 factors, 20 epochs, lr 0.005, every λ 0.02, N(0, 0.1²), no decay, clipped.
            var svd = new BiasedSgdOptions
            {
                Dimensions = 100,
                Iterations = 20,
                LearningRate = 0.005,
                Regularization = 0.02,
                BiasRegularization = 0.02,
                LearningRateDecay = 1,
                InitStdDev = 0.1,
                Seed = seed,
                MaxDegreeOfParallelism = 1,
            };
            var sgd = new List<(string Name, Func<IRecommenderModel> Fit)>
            {
                ("surprise-svd", () => new BiasedSgdFactorizer(svd).Fit(split.Train)),

                // Surprise's SVDpp settings (20 factors, 20 epochs, lr 0.007, every λ 0.02, no decay); ours-svdpp is our defaults.
                ("surprise-svdpp", () => new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 20, Iterations = 20, LearningRate = 0.007, Regularization = 0.02, LearningRateDecay = 1, Seed = seed, MaxDegreeOfParallelism = 1 }).Fit(split.Train)),
                ("ours-svdpp", () => new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Seed = seed, MaxDegreeOfParallelism = 1 }).Fit(split.Train)),
                ("ours-biased", () => new BiasedSgdFactorizer(new BiasedSgdOptions { Seed = seed }).Fit(split.Train)),
            };
            foreach ((string name, Func<IRecommenderModel> fit) in sgd)
            {
                long started = Stopwatch.GetTimestamp();
                IRecommenderModel model = fit();
                fits.Append(CultureInfo.InvariantCulture, $"{name}\t{seed}\t{Stopwatch.GetElapsedTime(started).TotalSeconds:F3}\n");
                Write(Path.Combine(outFolder, string.Create(CultureInfo.InvariantCulture, $"{name}.seed{seed}.tsv")), split.Test, model.Predict);
            }
        }

        File.WriteAllText(Path.Combine(outFolder, "fits.tsv"), fits.ToString());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{folder}: predictions in {outFolder}"));
    }

    /// <summary>One untimed fit of each trainer on 5 % of the ratings, so that the timed fits do not include the JIT.</summary>
    private static void WarmUp(RatingsDataset train)
    {
        RatingsDataset small = DatasetSplitter.RandomHoldout(train, 0.95, seed: 1).Train;
        foreach (KnnSimilarity similarity in new[] { KnnSimilarity.MeanSquaredDifference, KnnSimilarity.PearsonBaseline })
        {
            _ = new UserKnnRecommender(new KnnOptions { Similarity = similarity }).Fit(small);
            _ = new ItemKnnRecommender(new KnnOptions { Similarity = similarity }).Fit(small);
        }

        _ = new BiasedSgdFactorizer(new BiasedSgdOptions { Iterations = 1 }).Fit(small);
        _ = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Iterations = 1 }).Fit(small);
    }

    private static void Write(string path, RatingsDataset test, Func<UserIndex, ItemIndex, float> predict)
    {
        Catalog catalog = test.Catalog;
        var text = new StringBuilder();
        foreach (Rating r in test)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{catalog.GetUserId(r.User)}\t{catalog.GetItemId(r.Item)}\t{r.Value}\t{predict(r.User, r.Item):R}\n");
        }

        File.WriteAllText(path, text.ToString());
    }
}
