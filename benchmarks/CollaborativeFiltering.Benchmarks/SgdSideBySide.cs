using System.Diagnostics;
using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Sgd;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// The side-by-side harness for biased SGD against LIBMF (issues 16 and 18), driven by
/// <c>benchmarks/sidebyside-sgd.sh</c>; not a BenchmarkDotNet case, because each side must run in its
/// own process, interleaved with the other's.
/// <list type="bullet">
/// <item><c>sgd-text --shape 1m|10m|32m --out FILE</c>: writes the synthetic set of that MovieLens
/// release's shape (the Scale tool's shapes and seed) as "user item rating" lines with 0-based ids,
/// the format <c>mf-train</c> reads.</item>
/// <item><c>sgd-fit --file FILE [--threads 2] [--dims 64] [--epochs 20] [--repeat 1]</c>: reads the file
/// (untimed), fits once untimed with one epoch (JIT), then times <c>repeat</c> fits and prints one line
/// per fit: <c>fit_s</c> (the whole <c>BiasedSgdFactorizer.Fit</c>: grid set-up and the epochs),
/// <c>setup_s</c> (the set-up alone: the trainer's construction), <c>cpu_s</c> (the process's CPU time
/// during the fit) and the training RMSE.</item>
/// <item><c>sgd-eval --file FILE [--dims 64] [--calls 30] [--holdout 0]</c>: the error pass alone
/// (<c>BiasedSgdTraining.Evaluate</c>, <c>BiasedDotErrors</c>): reads the file (untimed), holds out
/// <c>holdout</c> percent as a validation set when above 0 (the training side then a split read in place),
/// and with 1 and then 2 threads makes a trainer, runs 2 epochs and a second of untimed passes (past the
/// tiered JIT), then times <c>calls</c> passes and prints their median and minimum in ms and the MSEs.</item>
/// </list>
/// </summary>
internal static class SgdSideBySide
{
    private static readonly Dictionary<string, (int Users, int Items, int Ratings, bool HalfStars)> Shapes = new(StringComparer.Ordinal)
    {
        ["1m"] = (6_040, 3_706, 1_000_209, false),
        ["10m"] = (69_878, 10_677, 10_000_054, true),
        ["32m"] = (200_948, 84_432, 32_000_204, true),
    };

    public static int Run(string[] args)
    {
        var arguments = new HarnessArguments(args);
        string Get(string name, string fallback) => arguments.Get(name, fallback);
        int Int(string name, int fallback) => arguments.Int(name, fallback);

        switch (args[0])
        {
            case "sgd-text":
                WriteText(Get("shape", "1m"), Get("out", "ratings.txt"));
                return 0;
            case "sgd-fit":
                Fit(Get("file", "ratings.txt"), Int("threads", 2), Int("dims", 64), Int("epochs", 20), Int("repeat", 1));
                return 0;
            case "sgd-epochs":
                Epochs(Get("file", "ratings.txt"), Int("threads", 2), Int("dims", 64), Int("epochs", 20));
                return 0;
            case "sgd-eval":
                EvaluationPass(Get("file", "ratings.txt"), Int("dims", 64), Int("calls", 30), Int("holdout", 0));
                return 0;
            default:
                Console.Error.WriteLine("usage: sgd-epochs --file FILE [--threads 2] [--dims 64] [--epochs 20] | sgd-eval --file FILE [--dims 64] [--calls 30] [--holdout 0] | sgd-text --shape 1m|10m|32m --out FILE | sgd-fit --file FILE [--threads 2] [--dims 64] [--epochs 20] [--repeat 1]");
                return 2;
        }
    }

    private static void WriteText(string shapeName, string path)
    {
        var shape = Shapes[shapeName];
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions
        {
            Users = shape.Users,
            Items = shape.Items,
            Ratings = shape.Ratings,
            HalfStars = shape.HalfStars,
            Seed = 2026,
        }).Dataset;
        string temporary = path + ".partial";
        using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false), 1 << 20))
        {
            foreach (Rating r in data)
            {
                writer.Write(r.User.Value.ToString(CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write(r.Item.Value.ToString(CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write(r.Value.ToString(CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }

        File.Move(temporary, path, overwrite: true);
        Console.WriteLine($"wrote {path}: {data}");
    }

    private static void Fit(string path, int threads, int dims, int epochs, int repeat)
    {
        RatingsDataset train = DelimitedRatingsReader.Read(path, new DelimitedRatingsOptions { Separator = " " });
        BiasedSgdOptions options = new() { Dimensions = dims, Iterations = epochs, MaxDegreeOfParallelism = threads };
        new BiasedSgdFactorizer(options with { Iterations = 1 }).Fit(train);
        var factorizer = new BiasedSgdFactorizer(options);
        for (int r = 0; r < repeat; r++)
        {
            GC.Collect();
            var watch = Stopwatch.StartNew();
            using (factorizer.CreateTrainer(train))
            {
            }

            double setup = watch.Elapsed.TotalSeconds;
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            watch.Restart();
            FactorizationModel model = factorizer.Fit(train);
            double fit = watch.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            double sse = 0;
            foreach (Rating rating in train)
            {
                double e = model.Predict(rating.User, rating.Item) - rating.Value;
                sse += e * e;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours threads={threads} d={dims} epochs={epochs} fit_s={fit:F3} setup_s={setup:F3} cpu_s={cpuSeconds:F3} train_rmse={Math.Sqrt(sse / train.Count):F4}"));
        }
    }

    private static void EvaluationPass(string path, int dims, int calls, int holdoutPercent)
    {
        RatingsDataset data = DelimitedRatingsReader.Read(path, new DelimitedRatingsOptions { Separator = " " });
        RatingsDataset train = data;
        RatingsDataset? validation = null;
        if (holdoutPercent > 0)
        {
            DatasetSplit split = DatasetSplitter.RandomHoldout(data, holdoutPercent / 100.0, 7);
            (train, validation) = (split.Train, split.Test);
        }

        foreach (int threads in new[] { 1, 2 })
        {
            var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = dims, MaxDegreeOfParallelism = threads });
            using BiasedSgdTraining trainer = factorizer.CreateTrainer(train, validation);
            for (int e = 0; e < 2; e++)
            {
                trainer.RunEpoch(0.005f, 0.05f, 0.005f, 0.02f, CancellationToken.None);
            }

            // Warm for a second first: past the tiered JIT's call counting, so the timed calls run optimized code.
            (double trainMse, double? validationMse) = trainer.Evaluate();
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 1)
            {
                trainer.Evaluate();
            }

            var times = new List<double>();
            for (int c = 0; c < calls; c++)
            {
                var watch = Stopwatch.StartNew();
                trainer.Evaluate();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval threads={threads} workers={trainer.WorkerCount} d={dims} holdout={holdoutPercent}% median_ms={times[calls / 2]:F3} min_ms={times[0]:F3} train_mse={trainMse:R} validation_mse={(validationMse is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "none")}"));
        }
    }

    private static void Epochs(string path, int threads, int dims, int epochs)
    {
        RatingsDataset train = DelimitedRatingsReader.Read(path, new DelimitedRatingsOptions { Separator = " " });
        var factorizer = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = dims, MaxDegreeOfParallelism = threads });
        using BiasedSgdTraining trainer = factorizer.CreateTrainer(train);
        var wall = new List<double>();
        var cpu = new List<double>();
        double loss = 0;
        for (int e = 0; e < epochs; e++)
        {
            TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            loss = trainer.RunEpoch(0.005f, 0.05f, 0.005f, 0.02f, CancellationToken.None) / train.Count;
            wall.Add(watch.Elapsed.TotalMilliseconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds);
        }

        wall.Sort();
        cpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epochs threads={threads} d={dims} grid={trainer.GridSize} workers={trainer.WorkerCount} median_epoch_ms={wall[epochs / 2]:F1} min_epoch_ms={wall[0]:F1} median_cpu_ms={cpu[epochs / 2]:F1} last_loss={loss:F5}"));
    }
}
