using System.Diagnostics;
using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bayesian;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// The side-by-side harness for the Bayesian factorization machine against libFM's MCMC (issue 15), driven by
/// <c>benchmarks/sidebyside-fm.sh</c>; not a BenchmarkDotNet case, because each side runs in its own process.
/// <list type="bullet">
/// <item><c>fm-data --dir DIR [--seed 2026] [--side 0.5]</c>: generates the MovieLens-100k-shaped synthetic set
/// (<see cref="SyntheticOptions.RealisticMovieLens100K"/>, occupation effects of strength <c>side</c>), writes it as
/// MovieLens 100k files (<c>u.data</c>, <c>u.user</c>, <c>u.item</c>, …) with a fixed 80/20 split by rating
/// (<c>u1.base</c>, <c>u1.test</c>, like the release's u1 fold), then loads that split back and writes libFM's
/// input for three configurations from the loaded data: <c>ids.*</c> (user and item ids), <c>side.*</c> (plus
/// age bracket, sex, occupation, zip prefix, genres 1/g, release-year bucket, encoded as the library's
/// <see cref="FeatureBlocks.UserInfo"/> and <see cref="FeatureBlocks.ItemInfo"/> do at their defaults) and the
/// implicit block as a libFM relation (<c>rated.libfm</c>: one row per user, the items it rated in
/// <c>u1.base</c>, each 1/√n; <c>rated.train</c>, <c>rated.test</c>: each rating's user row). <c>*.meta</c>
/// give each feature group its own prior, as ours has (libFM's default is one group for the whole table).</item>
/// <item><c>fm-fit --dir DIR --config ids|side|implicit [--model fm|bpmf] [--seed 1] [--threads 1]
/// [--iter 200] [--dims 10] [--warmup 0] [--burnin N] [--trace 0]</c>: loads <c>u1.base</c>/<c>u1.test</c> (untimed), with <c>--warmup 1</c> fits
/// two sweeps untimed (JIT), then fits once (timed: <c>fit_s</c>, wall; <c>cpu_s</c>, the process's CPU time)
/// at the trainer's defaults (<c>--burnin</c> overrides its burn-in) with the configuration's blocks, and prints the test RMSE of the posterior mean.</item>
/// </list>
/// </summary>
internal static class FmSideBySide
{
    public static int Run(string[] args)
    {
        var arguments = new HarnessArguments(args);
        string Get(string name, string fallback) => arguments.Get(name, fallback);
        int Int(string name, int fallback) => arguments.Int(name, fallback);

        switch (args[0])
        {
            case "fm-data":
                WriteData(Get("dir", "fm-data"), Int("seed", 2026), double.Parse(Get("side", "0.5"), CultureInfo.InvariantCulture));
                return 0;
            case "fm-fit":
                Fit(Get("dir", "fm-data"), Get("config", "ids"), Get("model", "fm"), Int("seed", 1), Int("threads", 1), Int("iter", 200), Int("dims", 10), Int("warmup", 0) != 0, Int("burnin", -1), Int("trace", 0) != 0);
                return 0;
            default:
                Console.Error.WriteLine("usage: fm-data --dir DIR [--seed 2026] [--side 0.5] | fm-fit --dir DIR --config ids|side|implicit [--model fm|bpmf] [--seed 1] [--threads 1] [--iter 200] [--dims 10] [--warmup 0] [--burnin N] [--trace 0]");
                return 2;
        }
    }

    private static void WriteData(string directory, int seed, double side)
    {
        Directory.CreateDirectory(directory);
        RatingsDataset all = SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K with { SideAttributeEffect = side, Seed = seed }).Dataset;
        MovieLensWriter.Write100K(all, directory);
        DatasetSplit split = DatasetSplitter.RandomHoldout(all, 0.2, seed);
        MovieLensWriter.WriteRatings(split.Train, Path.Combine(directory, "u1.base"), MovieLensFormat.Ml100K);
        MovieLensWriter.WriteRatings(split.Test, Path.Combine(directory, "u1.test"), MovieLensFormat.Ml100K);

        // libFM's files are written from the split as the library loads it, so that both sides see the same data.
        DatasetSplit loaded = MovieLens.LoadSplit(directory, "u1.base", "u1.test");
        var encoding = new Features(loaded.Train);
        foreach (string config in (string[])["ids", "side"])
        {
            bool withSide = config == "side";
            WriteRows(Path.Combine(directory, config + ".train.libfm"), loaded.Train, encoding, withSide);
            WriteRows(Path.Combine(directory, config + ".test.libfm"), loaded.Test, encoding, withSide);
            File.WriteAllLines(Path.Combine(directory, config + ".meta"), encoding.Groups(withSide));
        }

        // The implicit block as a libFM relation (BS): one row per user, and each rating's row index.
        var rows = new StringBuilder();
        CsrView byUser = loaded.Train.ByUser;
        for (int u = 0; u < loaded.Train.UserCount; u++)
        {
            ReadOnlySpan<int> items = byUser.GetColumns(u);
            rows.Append('0');
            float value = items.Length == 0 ? 0 : (float)(1 / Math.Sqrt(items.Length));
            int[] sorted = items.ToArray();
            Array.Sort(sorted);
            foreach (int i in sorted)
            {
                rows.Append(CultureInfo.InvariantCulture, $" {i}:{value.ToString("R", CultureInfo.InvariantCulture)}");
            }

            rows.Append('\n');
        }

        File.WriteAllText(Path.Combine(directory, "rated.libfm"), rows.ToString());
        File.WriteAllLines(Path.Combine(directory, "rated.train"), loaded.Train.Select(static r => r.User.Value.ToString(CultureInfo.InvariantCulture)));
        File.WriteAllLines(Path.Combine(directory, "rated.test"), loaded.Test.Select(static r => r.User.Value.ToString(CultureInfo.InvariantCulture)));
        CheckAgainstLayout(loaded.Train, encoding);
        Console.WriteLine($"wrote {directory}: train {loaded.Train}, test {loaded.Test}, {encoding.Count} features; checked against the library's own feature layout");
    }

    /// <summary>
    /// Throws unless libFM's rows carry exactly the features the library builds (FmLayout at the default blocks):
    /// per user and item, each group's features with the same values, the same feature of ours always the same
    /// feature of libFM's (the order of the categories within a group may differ), and the implicit relation's
    /// row equal to ours.
    /// </summary>
    private static void CheckAgainstLayout(RatingsDataset train, Features encoding)
    {
        FmLayout layout = FmLayout.Build(train, WorkingRatings.Of(train), new FactorizationMachineOptions(), []);
        string[] libfmGroups = ["user id", "item id", "age", "sex", "occupation", "zip prefix", "genres", "release year"];
        int[] groupOf = [.. encoding.Groups(withSide: true).Select(static g => int.Parse(g, CultureInfo.InvariantCulture))];
        int[] groupStart = new int[libfmGroups.Length];
        for (int f = groupOf.Length - 1; f >= 0; f--)
        {
            groupStart[groupOf[f]] = f;
        }

        var ours = new Dictionary<(string, int), int>();
        var theirs = new Dictionary<(string, int), int>();
        void Compare(FmBlock block, int row, IEnumerable<(int Feature, float Value)> libfm, string what)
        {
            var mine = new List<(string Group, int Local, float Value)>();
            for (int k = block.RowOffsets[row]; k < block.RowOffsets[row + 1]; k++)
            {
                FmGroupSpec spec = layout.Groups[block.FeatureGroups[block.RowFeatures[k]]];
                if (spec.Kind != FmGroupKind.RatedItems)
                {
                    mine.Add((spec.Name, block.RowFeatures[k] - spec.Offset, block.RowValues[k]));
                }
            }

            var other = libfm.Select(x => (Group: libfmGroups[groupOf[x.Feature]], Local: x.Feature - groupStart[groupOf[x.Feature]], x.Value)).ToList();
            foreach (string group in libfmGroups)
            {
                var a = mine.Where(x => x.Group == group).OrderBy(static x => x.Local).ToList();
                var b = other.Where(x => x.Group == group).OrderBy(static x => x.Local).ToList();
                bool same = a.Count == b.Count;
                for (int k = 0; same && k < a.Count; k++)
                {
                    same = Math.Abs(a[k].Value - b[k].Value) < 1e-6
                        && ours.TryAdd((group, a[k].Local), b[k].Local) | ours[(group, a[k].Local)] == b[k].Local
                        && theirs.TryAdd((group, b[k].Local), a[k].Local) | theirs[(group, b[k].Local)] == a[k].Local;
                }

                if (!same)
                {
                    throw new InvalidOperationException($"libFM's {what} {row} differs from the library's layout in group '{group}'");
                }
            }
        }

        for (int u = 0; u < train.UserCount; u++)
        {
            Compare(layout.User, u, encoding.Row(u, -1, withSide: true).Where(x => x.Feature < encoding.UserCount || groupOf[x.Feature] is >= 2 and <= 5), "user");
            int[] rated = [.. Enumerable.Range(layout.User.RowOffsets[u], layout.User.RowOffsets[u + 1] - layout.User.RowOffsets[u])
                .Where(k => layout.Groups[layout.User.FeatureGroups[layout.User.RowFeatures[k]]].Kind == FmGroupKind.RatedItems)];
            int count = train.ByUser.GetRowLength(u);
            if (rated.Length != count || rated.Any(k => Math.Abs(layout.User.RowValues[k] - (1 / Math.Sqrt(count))) > 1e-6))
            {
                throw new InvalidOperationException($"the implicit row of user {u} differs from the library's layout");
            }
        }

        for (int i = 0; i < train.ItemCount; i++)
        {
            Compare(layout.Item, i, encoding.Row(-1, i, withSide: true).Where(x => x.Feature >= encoding.UserCount && groupOf[x.Feature] is 1 or >= 6), "item");
        }
    }

    private static void WriteRows(string path, RatingsDataset data, Features encoding, bool withSide)
    {
        var text = new StringBuilder();
        foreach (Rating r in data)
        {
            text.Append(r.Value.ToString("R", CultureInfo.InvariantCulture));
            foreach ((int feature, float value) in encoding.Row(r.User.Value, r.Item.Value, withSide))
            {
                text.Append(CultureInfo.InvariantCulture, $" {feature}:{value.ToString("R", CultureInfo.InvariantCulture)}");
            }

            text.Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    private static void Fit(string directory, string config, string model, int seed, int threads, int iterations, int dims, bool warmUp, int burnIn, bool trace)
    {
        DatasetSplit split = MovieLens.LoadSplit(directory, "u1.base", "u1.test");
        FeatureBlocks blocks = config switch
        {
            "ids" => FeatureBlocks.UserId | FeatureBlocks.ItemId,
            "side" => FeatureBlocks.UserId | FeatureBlocks.ItemId | FeatureBlocks.UserInfo | FeatureBlocks.ItemInfo,
            "implicit" => FeatureBlocks.Default,
            _ => throw new ArgumentException($"unknown config '{config}': ids, side or implicit", nameof(config)),
        };

        var fmOptions = new FactorizationMachineOptions { Blocks = blocks, Seed = seed, MaxDegreeOfParallelism = threads, Iterations = iterations, Dimensions = dims };
        var bpmfOptions = new BayesianMatrixOptions { Seed = seed, MaxDegreeOfParallelism = threads, Iterations = iterations, Dimensions = dims };
        // With --trace 1 the test set is the fit's validation set: every sweep prints the running posterior-mean test
        // RMSE (the current sample's during burn-in), as libFM prints its "Test=" (the mean over all sweeps so far).
        RatingsDataset? validation = trace ? split.Test : null;
        IProgress<TrainingProgress>? progress = trace ? new SynchronousProgress(p => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep={p.Iteration} train_rmse={Math.Sqrt(p.TrainMse ?? double.NaN):F5} test_rmse={Math.Sqrt(p.ValidationMse ?? double.NaN):F5}"))) : null;
        if (trace)
        {
            fmOptions = fmOptions with { ReportInterval = 1 };
            bpmfOptions = bpmfOptions with { ReportInterval = 1 };
        }

        if (burnIn >= 0)
        {
            fmOptions = fmOptions with { BurnIn = burnIn };
            bpmfOptions = bpmfOptions with { BurnIn = burnIn };
        }

        if (warmUp)
        {
            // Two sweeps compile every pass the timed fit runs.
            if (model == "bpmf")
            {
                new BayesianMatrixFactorizer(bpmfOptions with { Iterations = 2, BurnIn = 1 }).Fit(split.Train);
            }
            else
            {
                new BayesianFactorizationMachine(fmOptions with { Iterations = 2, BurnIn = 1 }).Fit(split.Train);
            }

            GC.Collect();
        }

        Func<Rating, float> predict;
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        if (model == "bpmf")
        {
            FactorizationModel bpmf = new BayesianMatrixFactorizer(bpmfOptions).Fit(split.Train, validation, progress);
            predict = r => bpmf.Predict(r.User, r.Item);
        }
        else
        {
            FactorizationMachineModel fm = new BayesianFactorizationMachine(fmOptions).Fit(split.Train, validation, progress);
            predict = r => fm.Predict(r.User, r.Item);
        }

        double fit = watch.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        double sse = 0;
        foreach (Rating r in split.Test)
        {
            double e = predict(r) - r.Value;
            sse += e * e;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours model={model} config={config} seed={seed} threads={threads} fit_s={fit:F3} cpu_s={cpuSeconds:F3} test_rmse={Math.Sqrt(sse / split.Test.Count):F5}"));
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>libFM's feature indices: users, items, then the side groups in the library's order (age, sex, occupation, zip prefix, genres, release year).</summary>
    private sealed class Features
    {
        private readonly int _users;
        private readonly int _items;
        private readonly List<(int Feature, float Value)>[] _userSide;
        private readonly List<(int Feature, float Value)>[] _itemSide;
        private readonly List<int> _sideGroups = [];

        public Features(RatingsDataset train)
        {
            Catalog catalog = train.Catalog;
            _users = train.UserCount;
            _items = train.ItemCount;
            int next = _users + _items, group = 2;
            _userSide = new List<(int, float)>[_users];
            _itemSide = new List<(int, float)>[_items];
            for (int u = 0; u < _users; u++)
            {
                _userSide[u] = [];
            }

            for (int i = 0; i < _items; i++)
            {
                _itemSide[i] = [];
            }

            void Categorical(int rows, Func<int, string?> value, List<(int, float)>[] target)
            {
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int r = 0; r < rows; r++)
                {
                    if (value(r) is { Length: > 0 } v)
                    {
                        if (!index.TryGetValue(v, out int f))
                        {
                            f = next + index.Count;
                            index.Add(v, f);
                        }

                        target[r].Add((f, 1f));
                    }
                }

                Close(index.Count);
            }

            void Close(int count)
            {
                next += count;
                _sideGroups.AddRange(Enumerable.Repeat(group, count));
                group++;
            }

            IReadOnlyList<UserInfo> users = catalog.UserInfos;
            Categorical(_users, u => FmLayout.AgeBracket(users[u].Age) is >= 0 and var b ? b.ToString(CultureInfo.InvariantCulture) : null, _userSide);
            Categorical(_users, u => users[u].Sex?.Trim(), _userSide);
            Categorical(_users, u => users[u].Occupation?.Trim(), _userSide);
            Categorical(_users, u => users[u].ZipCode?.Trim() is { Length: >= 1 } z ? z[..1].ToUpperInvariant() : null, _userSide);

            IReadOnlyList<ItemInfo> items = catalog.ItemInfos;
            string[] genres = [.. catalog.Genres];
            for (int i = 0; i < _items; i++)
            {
                int[] known = [.. items[i].Genres.Select(g => Array.IndexOf(genres, g)).Where(static g => g >= 0)];
                foreach (int g in known)
                {
                    _itemSide[i].Add((next + g, 1f / known.Length));
                }
            }

            Close(genres.Length);
            int first = items.Where(static x => x.Year is not null).Min(static x => x.Year!.Value);
            int last = items.Where(static x => x.Year is not null).Max(static x => x.Year!.Value);
            for (int i = 0; i < _items; i++)
            {
                if (items[i].Year is { } y)
                {
                    _itemSide[i].Add((next + ((y - first) / 5), 1f));
                }
            }

            Close(((last - first) / 5) + 1);
            Count = next;
        }

        public int Count { get; }

        public int UserCount => _users;

        /// <summary>The features of a rating of <paramref name="user"/> and <paramref name="item"/> (−1: leave that side out).</summary>
        public IEnumerable<(int Feature, float Value)> Row(int user, int item, bool withSide)
        {
            if (user >= 0)
            {
                yield return (user, 1f);
            }

            if (item >= 0)
            {
                yield return (_users + item, 1f);
            }

            if (withSide)
            {
                foreach (var x in user >= 0 ? _userSide[user] : [])
                {
                    yield return x;
                }

                foreach (var x in item >= 0 ? _itemSide[item] : [])
                {
                    yield return x;
                }
            }
        }

        public IEnumerable<string> Groups(bool withSide)
        {
            IEnumerable<int> groups = Enumerable.Repeat(0, _users).Concat(Enumerable.Repeat(1, _items));
            return (withSide ? groups.Concat(_sideGroups) : groups).Select(static g => g.ToString(CultureInfo.InvariantCulture));
        }
    }
}
