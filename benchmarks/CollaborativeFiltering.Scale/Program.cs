using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

// The scale harness (issue 16): writes a synthetic data set of a MovieLens release's shape once, as
// latest-format CSV through the library's writer, then times each stage of the path from that file
// to recommendations and prints one Markdown table. Figures taken while other work runs on the
// machine are development signals only; the README's rows come from a quiet machine.
//
//   dotnet run -c Release --project benchmarks/CollaborativeFiltering.Scale -- generate --shape 32m --data /work/data/synthetic-32m
//   dotnet run -c Release --project benchmarks/CollaborativeFiltering.Scale -- run --data /work/data/synthetic-32m --rank 64 --sweeps 10 --threads 2 [--update] [--sgd] [--cache]
//   dotnet run -c Release --project benchmarks/CollaborativeFiltering.Scale -- attainable [--no-fit]   (issue 15: the Bayes-optimal and estimation-cost figures beside the noise floor; see Attainable.cs)
//
// The --update stage comes last: it builds its old and new sets by enumerating the training view, which
// makes the view build its own CSR views and timestamps, so the peak before it is the fits' own.
//
// With --load-only the run stops after loading. With --cache the dataset comes from DIR/ratings.cfd (RatingsDatasetCache), written from the CSV
// files on the first such run. Peak memory is the kernel's high-water mark of the resident set
// (VmHWM in /proc/self/status), measurable under load unlike the times.

var arguments = Arguments.Parse(args);
switch (arguments.Command)
{
    case "generate":
        Harness.Generate(arguments);
        break;
    case "run":
        Harness.Run(arguments);
        break;
    case "attainable":
        Attainable.Run(arguments);
        break;
    default:
        Console.Error.WriteLine("usage: generate --shape 1m|10m|32m --data DIR | run --data DIR [--rank 64] [--sweeps 10] [--epochs 20] [--threads 2] [--update] [--sgd] [--no-recommend] [--cache] [--load-only] | attainable [--users 6040] [--items 3706] [--ratings 1000000] [--seed 7] [--no-fit]");
        return 2;
}

return 0;

internal sealed record Arguments(string Command, Dictionary<string, string> Values)
{
    public static Arguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int k = 1; k < args.Length; k++)
        {
            if (!args[k].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[k]}'.");
            }

            bool hasValue = k + 1 < args.Length && !args[k + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[k][2..]] = hasValue ? args[++k] : "true";
        }

        return new Arguments(args.Length > 0 ? args[0] : "", values);
    }

    public string Get(string name, string fallback) => Values.TryGetValue(name, out string? value) ? value : fallback;

    public int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public bool Flag(string name) => Values.ContainsKey(name);
}

internal static class Harness
{
    /// <summary>The shapes of the MovieLens releases: users, rated items, ratings, half stars.</summary>
    private static readonly Dictionary<string, (int Users, int Items, int Ratings, bool HalfStars)> Shapes = new(StringComparer.Ordinal)
    {
        ["1m"] = (6_040, 3_706, 1_000_209, false),
        ["10m"] = (69_878, 10_677, 10_000_054, true),
        ["32m"] = (200_948, 84_432, 32_000_204, true),
    };

    public static void Generate(Arguments arguments)
    {
        string shapeName = arguments.Get("shape", "1m");
        string directory = arguments.Get("data", Path.Combine(Path.GetTempPath(), "cf-synthetic-" + shapeName));
        var shape = Shapes[shapeName];
        if (File.Exists(Path.Combine(directory, "ratings.csv")))
        {
            Console.WriteLine($"{directory}/ratings.csv exists; delete it to generate again.");
            return;
        }

        Directory.CreateDirectory(directory);
        var watch = Stopwatch.StartNew();
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions
        {
            Users = shape.Users,
            Items = shape.Items,
            Ratings = shape.Ratings,
            HalfStars = shape.HalfStars,
            Seed = 2026,
        }).Dataset;
        Console.WriteLine($"generated {data} in {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        MovieLensWriter.WriteLatest(data, directory);
        long bytes = new FileInfo(Path.Combine(directory, "ratings.csv")).Length;
        Console.WriteLine($"wrote {directory}/ratings.csv ({bytes / 1e6:F0} MB) and movies.csv in {watch.Elapsed.TotalSeconds:F1} s; peak working set {Peak()}");
    }

    public static void Run(Arguments arguments)
    {
        string directory = arguments.Get("data", "");
        int rank = arguments.Int("rank", 64), sweeps = arguments.Int("sweeps", 10), epochs = arguments.Int("epochs", 20), threads = arguments.Int("threads", 2);
        string ratingsFile = Path.Combine(directory, "ratings.csv");
        long fileBytes = new FileInfo(ratingsFile).Length;
        var rows = new List<(string Stage, string Figure)>();

        long before = Managed();
        var watch = Stopwatch.StartNew();
        string cacheFile = Path.Combine(directory, "ratings.cfd");
        RatingsDataset data;
        if (arguments.Flag("cache") && File.Exists(cacheFile))
        {
            TimeSpan openStart = Cpu();
            data = RatingsDatasetCache.Open(cacheFile);
            double open = watch.Elapsed.TotalSeconds;
            double openCpu = (Cpu() - openStart).TotalSeconds;
            rows.Add(("open the dataset cache ratings.cfd (RatingsDatasetCache.Open, one core)", $"{open:F2} s ({openCpu:F2} s CPU, the JIT and GC included), {new FileInfo(cacheFile).Length / 1e6:F0} MB ({data})"));
        }
        else
        {
            data = MovieLens.LoadLatest(directory);
            double parse = watch.Elapsed.TotalSeconds;
            rows.Add(("parse ratings.csv + movies.csv (MovieLens.LoadLatest, one core)", $"{parse:F1} s, {fileBytes / 1e6 / parse:F0} MB/s ({data})"));
            if (arguments.Flag("cache"))
            {
                watch.Restart();
                RatingsDatasetCache.Save(data, cacheFile);
                rows.Add(("write the dataset cache ratings.cfd (RatingsDatasetCache.Save)", $"{watch.Elapsed.TotalSeconds:F1} s, {new FileInfo(cacheFile).Length / 1e6:F0} MB"));
            }
        }

        long resident = Managed() - before;
        long views = (16L * data.Count) + (4L * (data.UserCount + data.ItemCount + 2));
        long stamps = data.HasTimestamps ? 8L * data.Count : 0;
        rows.Add(("dataset resident, both CSR views + timestamps + catalogue (GC heap after a full collection)", $"{resident / 1e6:F0} MB = {(double)resident / data.Count:F1} bytes/rating; of which CSR views {views / 1e6:F0} MB = {(double)views / data.Count:F2} bytes/rating, timestamps {stamps / 1e6:F0} MB"));
        rows.Add(("peak resident set after loading", Peak()));
        if (arguments.Flag("load-only"))
        {
            Print(directory, rows);
            return;
        }

        before = Managed();
        watch.Restart();
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.1, seed: 1);
        double splitTime = watch.Elapsed.TotalSeconds;
        long splitBytes = Managed() - before;
        long beforeSplit = before;
        rows.Add(("random 90/10 split (two views sharing a bitmap)", $"{splitTime:F1} s, +{splitBytes / 1e6:F1} MB ({(double)splitBytes / data.Count:F3} bytes per parent rating)"));

        var als = new AlsFactorizer(new AlsOptions { Dimensions = rank, Iterations = sweeps, MaxDegreeOfParallelism = threads });
        watch.Restart();
        TimeSpan cpu = Cpu();
        FactorizationModel model = als.Fit(split.Train);
        double fit = watch.Elapsed.TotalSeconds;
        double fitCpu = (Cpu() - cpu).TotalSeconds;
        rows.Add(($"explicit ALS fit, rank {rank}, {sweeps} sweeps, {threads} threads (reads the training view in place)", $"{fit:F1} s ({fitCpu:F1} s process CPU); test RMSE {RegressionMetrics.Compute(model, split.Test).Rmse:F4}; peak resident set so far {Peak()}"));

        // What the two views hold once fitted on and evaluated (RecommendAll, below, adds nothing to them): the GC
        // heap's growth since before the split, less the model's arrays (a view that built CSR arrays of
        // its own would show them here).
        long modelBytes = (4L * (model.UserEmbeddings.Length + model.ItemEmbeddings.Length + model.UserBiases.Length + model.ItemBiases.Length + model.UserSupport.Length + model.ItemSupport.Length));
        long heldBytes = Managed() - beforeSplit - modelBytes;
        rows.Add(("what the split's two views hold after the ALS fit and its test RMSE (GC heap growth since the split, less the model's arrays)", $"{heldBytes / 1e6:F1} MB = {(double)heldBytes / data.Count:F3} bytes per parent rating"));

        if (!arguments.Flag("no-recommend"))
        {
            watch.Restart();
            cpu = Cpu();
            TopKRecommendations top = Recommender.RecommendAll(model, 10, split.Train, threads);
            rows.Add(($"RecommendAll top-10, {top.UserCount:N0} users, train excluded, {threads} threads", $"{watch.Elapsed.TotalSeconds:F1} s ({(Cpu() - cpu).TotalSeconds:F1} s process CPU)"));
        }

        if (arguments.Flag("sgd"))
        {
            var sgd = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = rank, Iterations = epochs, MaxDegreeOfParallelism = threads });
            watch.Restart();
            FactorizationModel sgdModel = sgd.Fit(split.Train);
            rows.Add(($"biased SGD fit, rank {rank}, {epochs} epochs, {threads} threads", $"{watch.Elapsed.TotalSeconds:F1} s; test RMSE {RegressionMetrics.Compute(sgdModel, split.Test).Rmse:F4}"));
        }

        rows.Add(("peak resident set (load + split + fits)", Peak()));
        if (arguments.Flag("update"))
        {
            // Last: building the old and new sets enumerates the training view, which makes it build its
            // CSR views and timestamps (the public enumerator reads them), so nothing after it would show
            // what the fits alone cost.
            (RatingsDataset old, RatingsDataset fresh) = SplitOffNew(split.Train);
            FactorizationModel oldModel = als.Fit(old);
            watch.Restart();
            AlsUpdate update = als.Update(oldModel, old, fresh);
            double first = watch.Elapsed.TotalSeconds;
            watch.Restart();
            update = als.Update(oldModel, old, fresh);
            double updateTime = watch.Elapsed.TotalSeconds;
            rows.Add(($"incremental update, {fresh.Count:N0} new ratings (1 %)", $"{updateTime:F2} s = {updateTime / fit:P1} of the fit above (first call, JIT included: {first:F2} s); {update}; test RMSE {Rmse(update.Model, split.Test):F4} vs refit {Rmse(model, split.Test):F4}"));
            rows.Add(("peak resident set (load + split + fits + update, its old and new sets built from the training view)", Peak()));
        }

        Print(directory, rows);
    }

    private static void Print(string directory, List<(string Stage, string Figure)> rows)
    {
        Console.WriteLine($"| {Path.GetFileName(directory.TrimEnd('/'))}: stage | figure |");
        Console.WriteLine("|---|---|");
        foreach (var (stage, figure) in rows)
        {
            Console.WriteLine($"| {stage} | {figure} |");
        }
    }

    /// <summary>1 % of the ratings as new ones: every rating of the last 0.5 % of users and 0.2 % of items, then random others.</summary>
    private static (RatingsDataset Old, RatingsDataset Fresh) SplitOffNew(RatingsDataset train)
    {
        int users = train.UserCount, items = train.ItemCount;
        int firstNewUser = users - Math.Max(1, users / 200), firstNewItem = items - Math.Max(1, items / 500);
        int forced = 0;
        foreach (Rating r in train)
        {
            if (r.User.Value >= firstNewUser || r.Item.Value >= firstNewItem)
            {
                forced++;
            }
        }

        double otherShare = Math.Max(0, (train.Count / 100) - forced) / (double)train.Count;
        var random = new Random(11);
        var old = new RatingsDatasetBuilder();
        var fresh = new RatingsDatasetBuilder();
        Catalog c = train.Catalog;
        foreach (Rating r in train)
        {
            bool isNew = r.User.Value >= firstNewUser || r.Item.Value >= firstNewItem || random.NextDouble() < otherShare;
            (isNew ? fresh : old).Add(c.GetUserId(r.User), c.GetItemId(r.Item), r.Value);
        }

        return (old.Build(), fresh.Build());
    }

    private static double Rmse(FactorizationModel model, RatingsDataset test)
    {
        double sum = 0;
        long count = 0;
        foreach (Rating r in test)
        {
            string user = test.Catalog.GetUserId(r.User), item = test.Catalog.GetItemId(r.Item);
            if (model.Catalog.TryGetUserIndex(user, out UserIndex u) && model.Catalog.TryGetItemIndex(item, out ItemIndex i))
            {
                double e = model.Predict(u, i) - r.Value;
                sum += e * e;
                count++;
            }
        }

        return Math.Sqrt(sum / count);
    }

    private static long Managed()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The process's CPU time so far: under a loaded machine a steadier signal than wall time (not a measurement either).</summary>
    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>The resident set's high-water mark: VmHWM from /proc/self/status on Linux, else the peak working set.</summary>
    private static string Peak()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (string line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    long kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return $"{kb * 1024 / 1e9:F2} GB (VmHWM)";
                }
            }
        }

        return $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB (peak working set)";
    }
}
