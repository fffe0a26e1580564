using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Neural.Training;

namespace CollaborativeFiltering.Tests.Neural;

/// <summary>
/// The trainer's hand-written forward and backward passes against an independent double-precision
/// implementation of the loss and central finite differences of it, on a tiny network.
/// </summary>
public sealed class SoftmaxGradientTests
{
    private static readonly int[] Users = [0, 1, 2, 3, 4, 5];
    private static readonly int[] Skips = [1, 0, 4, 1, 2, 3];

    public static TheoryData<string> Configurations => ["full", "linear", "deep", "shared"];

    /// <summary>
    /// A step honours its token (a batch of a million examples is seconds of work): cancelled before it
    /// starts, it throws without sampling or touching a parameter; the pool checks the same token before
    /// every block of both phases.
    /// </summary>
    [Fact]
    public void Step_CancelledToken_ThrowsAndLeavesTheParametersAlone()
    {
        RatingsDataset train = SoftmaxTestData.TinyRatings();
        SoftmaxOptions options = Options("full");
        using var trainer = new SoftmaxTraining(train, null, options, SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth));
        float[] before = (float[])trainer.GetValues("V").Clone();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        FluentActions.Invoking(() => trainer.Step(cancelled.Token)).Should().Throw<OperationCanceledException>();

        trainer.GetValues("V").Should().Equal(before);
        trainer.Step(CancellationToken.None).Should().BeGreaterThan(0, "an uncancelled step still runs");
        trainer.GetValues("V").Should().NotEqual(before);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Step_CapturedGradients_MatchCentralFiniteDifferences(string configuration)
    {
        RatingsDataset train = SoftmaxTestData.TinyRatings();
        SoftmaxOptions options = Options(configuration);
        var features = SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth);
        using var trainer = new SoftmaxTraining(train, null, options, features, captureGradients: true);
        var reference = new Reference(trainer, train, options.ShareItemEmbeddings);
        float[] before = (float[])trainer.GetValues("V").Clone();

        double loss = trainer.Step(Users, Skips);

        trainer.GetValues("V").Should().Equal(before, "capturing gradients leaves the parameters alone");
        loss.Should().BeApproximately(reference.Loss(), 1e-5 * Math.Abs(loss));
        int checkedCount = 0;
        foreach ((string name, double[] values, Func<int, int> index) in reference.Parameters())
        {
            float[] gradient = trainer.GetGradient(name);
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                const double h = 1e-6;
                values[i] = saved + h;
                double up = reference.Loss();
                values[i] = saved - h;
                double down = reference.Loss();
                values[i] = saved;
                double numeric = (up - down) / (2 * h);
                double analytic = gradient[index(i)];
                Math.Abs(analytic - numeric).Should().BeLessThan(1e-5 + (1e-3 * Math.Abs(numeric)), $"{name}[{i}] (numeric {numeric}, analytic {analytic})");
                checkedCount++;
            }
        }

        checkedCount.Should().BeGreaterThan(40);
    }

    [Fact]
    public void Step_PaddingOfTheItemPanels_GetsExactlyZeroGradient()
    {
        RatingsDataset train = SoftmaxTestData.TinyRatings();
        SoftmaxOptions options = Options("full");
        using var trainer = new SoftmaxTraining(train, null, options, SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth), captureGradients: true);

        trainer.Step(Users, Skips);

        float[] gradient = trainer.GetGradient("V");
        var real = new HashSet<int>();
        for (int j = 0; j < train.ItemCount; j++)
        {
            for (int k = 0; k < options.Dimensions; k++)
            {
                real.Add(trainer.PanelIndex(j, k));
            }
        }

        for (int i = 0; i < gradient.Length; i++)
        {
            if (!real.Contains(i))
            {
                gradient[i].Should().Be(0f, $"entry {i} is padding");
            }
        }
    }

    [Fact]
    public void SoftmaxFeatures_TinyCatalogue_HandComputedGenresAndBuckets()
    {
        var features = SoftmaxFeatures.Create(SoftmaxTestData.TinyCatalog(), bucketWidth: 5);

        features.GenreCount.Should().Be(5, "the four listed genres, then Noir");
        features.GetGenres(1).ToArray().Should().Equal(0, 3);
        features.GetGenres(5).ToArray().Should().BeEmpty();
        features.GetGenres(6).ToArray().Should().Equal(4, 2);
        features.FirstYear.Should().Be(1990);
        features.YearBucketCount.Should().Be(3, "1990–1994, 1995–1999, 2000–2004");
        Enumerable.Range(0, 7).Select(features.GetYearBucket).Should().Equal(0, 0, 1, 1, 2, 0, -1);
    }

    private static SoftmaxOptions Options(string configuration) => configuration switch
    {
        "full" => new SoftmaxOptions
        {
            Dimensions = 3,
            HiddenLayerSizes = [4],
            ItemEmbeddingDimensions = 3,
            UseGenres = true,
            GenreEmbeddingDimensions = 2,
            UseReleaseYears = true,
            YearEmbeddingDimensions = 2,
            UseItemBiases = true,
            BatchSize = 6,
            InputDropout = 0,
            InitStdDev = 0.7,
            Seed = 5,
        },
        "shared" => new SoftmaxOptions
        {
            Dimensions = 3,
            HiddenLayerSizes = [5],
            ItemEmbeddingDimensions = 3,
            ShareItemEmbeddings = true,
            UseGenres = true,
            UseItemBiases = true,
            BatchSize = 6,
            InputDropout = 0,
            InitStdDev = 0.7,
            Seed = 8,
        },
        "linear" => new SoftmaxOptions { Dimensions = 2, HiddenLayerSizes = [], ItemEmbeddingDimensions = 3, BatchSize = 6, InputDropout = 0, InitStdDev = 0.7, Seed = 6 },
        _ => new SoftmaxOptions { Dimensions = 5, HiddenLayerSizes = [4, 3], ItemEmbeddingDimensions = 2, UseReleaseYears = true, BatchSize = 6, InputDropout = 0, InitStdDev = 0.7, Seed = 7 },
    };

    /// <summary>The loss of the batch in double precision, written from the definitions, over copies of the trainer's parameters.</summary>
    private sealed class Reference
    {
        private readonly SoftmaxNetwork _net;
        private readonly SoftmaxTraining _trainer;
        private readonly int[][] _userItems;
        private readonly int _m;
        private readonly int _d;
        private readonly double[] _items;
        private readonly double[] _genres;
        private readonly double[] _years;
        private readonly double[][] _w;
        private readonly double[][] _c;
        private readonly double[] _v;
        private readonly double[]? _b;

        private readonly bool _shared;

        public Reference(SoftmaxTraining trainer, RatingsDataset train, bool shared)
        {
            _shared = shared;
            _trainer = trainer;
            _net = trainer.Network;
            _m = train.ItemCount;
            _d = _net.Dimensions;
            _userItems = [.. Enumerable.Range(0, train.UserCount).Select(u => train.ByUser.GetColumns(u).ToArray())];
            _items = ToDouble(_net.ItemInput);
            _genres = ToDouble(_net.GenreInput);
            _years = ToDouble(_net.YearInput);
            _w = [.. _net.Weights.Select(ToDouble)];
            _c = [.. _net.Biases.Select(ToDouble)];
            float[] panels = trainer.GetValues("V");
            _v = new double[_m * _d];
            for (int j = 0; j < _m; j++)
            {
                for (int k = 0; k < _d; k++)
                {
                    _v[(j * _d) + k] = panels[trainer.PanelIndex(j, k)];
                }
            }

            if (HasBias(trainer))
            {
                _b = [.. trainer.GetValues("b").Take(_m).Select(x => (double)x)];
            }
        }

        /// <summary>(name, values, index in the trainer's gradient array) for every parameter.</summary>
        public IEnumerable<(string Name, double[] Values, Func<int, int> Index)> Parameters()
        {
            if (!_shared)
            {
                yield return ("items", _items, i => i);
            }

            if (_genres.Length > 0)
            {
                yield return ("genres", _genres, i => i);
            }

            if (_years.Length > 0)
            {
                yield return ("years", _years, i => i);
            }

            for (int l = 0; l < _w.Length; l++)
            {
                yield return ("W" + l, _w[l], i => i);
                yield return ("c" + l, _c[l], i => i);
            }

            yield return ("V", _v, i => _trainer.PanelIndex(i / _d, i % _d));
            if (_b is not null)
            {
                yield return ("b", _b, i => i);
            }
        }

        public double Loss()
        {
            double total = 0;
            for (int e = 0; e < Users.Length; e++)
            {
                int[] items = _userItems[Users[e]];
                int label = items[Skips[e]];
                int[] inputs = [.. items.Where((_, p) => p != Skips[e])];
                double[] q = Query(inputs);
                var logits = new double[_m];
                for (int j = 0; j < _m; j++)
                {
                    double z = _b?[j] ?? 0;
                    for (int k = 0; k < _d; k++)
                    {
                        z += q[k] * _v[(j * _d) + k];
                    }

                    logits[j] = z;
                }

                double max = logits.Max();
                double logSum = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
                total += logSum - logits[label];
            }

            return total / Users.Length;
        }

        private double[] Query(int[] inputs)
        {
            var x = new List<double>();
            int ei = _net.ItemDimensions;
            for (int k = 0; k < ei; k++)
            {
                double[] table = _shared ? _v : _items;
                x.Add(inputs.Length == 0 ? 0 : inputs.Average(j => table[(j * ei) + k]));
            }

            if (_net.GenreCount > 0)
            {
                int[] occurrences = [.. inputs.SelectMany(j => _net.Features.GetGenres(j).ToArray())];
                for (int k = 0; k < _net.GenreDimensions; k++)
                {
                    x.Add(occurrences.Length == 0 ? 0 : occurrences.Average(g => _genres[(g * _net.GenreDimensions) + k]));
                }
            }

            if (_net.YearCount > 0)
            {
                int[] buckets = [.. inputs.Select(_net.Features.GetYearBucket).Where(y => y >= 0)];
                for (int k = 0; k < _net.YearDimensions; k++)
                {
                    x.Add(buckets.Length == 0 ? 0 : buckets.Average(y => _years[(y * _net.YearDimensions) + k]));
                }
            }

            double[] a = [.. x];
            for (int l = 0; l < _w.Length; l++)
            {
                int outputs = _c[l].Length;
                var next = new double[outputs];
                for (int r = 0; r < outputs; r++)
                {
                    double s = _c[l][r];
                    for (int i = 0; i < a.Length; i++)
                    {
                        s += _w[l][(r * a.Length) + i] * a[i];
                    }

                    next[r] = l < _w.Length - 1 ? Math.Max(0, s) : s;
                }

                a = next;
            }

            return a;
        }

        private static bool HasBias(SoftmaxTraining trainer)
        {
            try
            {
                trainer.GetValues("b");
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static double[] ToDouble(float[] values) => [.. values.Select(x => (double)x)];
    }
}
