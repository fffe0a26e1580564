using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Projection;

/// <summary>
/// t-distributed stochastic neighbour embedding (van der Maaten and Hinton, 2008) of row-major float
/// embeddings to a 2-D map, exact or Barnes–Hut (van der Maaten, 2014), for plots of item embeddings.
/// </summary>
/// <remarks>
/// <para>
/// The algorithm: input distances (<see cref="TSneOptions.Distance"/>); for each point, the precision β_i of a
/// Gaussian kernel found by binary search so that the entropy of p_{j|i} ∝ exp(−β_i·d_ij) equals
/// ln(perplexity) (within 10⁻⁵ nats), over all other points (exact; entries below 10⁻¹² dropped) or over the ⌊3·perplexity⌋ + 1 nearest
/// neighbours found by brute force (Barnes–Hut); the symmetrised P = (p_{j|i} + p_{i|j}) / Σ; then gradient
/// descent on KL(P‖Q) with Student-t affinities q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹, with momentum and per-coordinate
/// adaptive gains (+0.2 when the gradient changes sign, ×0.8 otherwise, at least 0.01), early exaggeration, and
/// the map re-centred after every step.
/// </para>
/// <para>
/// Cost: exact, O(N²·D) once for the affinities plus O(N²) per iteration; Barnes–Hut, O(N²·D) once for the
/// brute-force neighbour search plus O(N log N) per iteration. The exact method is the more accurate one;
/// <c>ProjectionBenchmarks</c> times both at N = 1682, D = 50. Deterministic: the same options and input give
/// the same map, whatever
/// <see cref="TSneOptions.MaxDegreeOfParallelism"/> (results can differ between machines whose SIMD width differs).
/// </para>
/// <para>
/// With a logger it logs its phases (event ids 7300–7305): the start with the settings and the affinity
/// computation at Information level; the end of early exaggeration and every 100th iteration, each with the
/// KL divergence (an extra O(N²) or O(N log N) pass, made only when Debug is enabled), at Debug level; the
/// end with the final KL divergence, or the cancellation, at Information level.
/// </para>
/// <para>Safe to share between threads: an instance holds only its options and logger.</para>
/// </remarks>
public sealed class TSne
{
    /// <summary>
    /// With <see cref="TSneMethod.Auto"/>, inputs of at most this many points use <see cref="TSneMethod.Exact"/>, larger ones
    /// <see cref="TSneMethod.BarnesHut"/>: the exact gradient is the more accurate, and its O(N²) cost per iteration overtakes
    /// Barnes–Hut's O(N log N) only at a few thousand points (an unrecorded development run put the break-even near
    /// N = 5000 at D = 50; <c>ProjectionBenchmarks</c> times both methods at N = 1682).
    /// </summary>
    public const int AutoExactMaxPoints = 4000;

    private const double InitialScale = 1e-4;

    /// <summary>Iterations between two Debug progress lines.</summary>
    private const int ProgressLogInterval = 100;

    private readonly ILogger _logger;

    /// <summary>Creates a t-SNE with the given options, validated now.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Told of each phase; <see langword="null"/> logs nothing.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public TSne(TSneOptions? options = null, ILogger? logger = null)
    {
        options ??= new TSneOptions();
        options.Validate();
        Options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The options.</summary>
    public TSneOptions Options { get; }

    /// <summary>Maps <paramref name="rows"/> points of <paramref name="dimensions"/> values each to 2-D.</summary>
    /// <param name="data">The points, row-major: point <c>r</c> occupies <c>[r*D, (r+1)*D)</c>; length rows·dimensions, finite values.</param>
    /// <param name="rows">The number of points N, at least 2.</param>
    /// <param name="dimensions">The dimension D of each point, greater than zero.</param>
    /// <param name="progress">Told the number of completed iterations after every iteration (1 … <see cref="TSneOptions.Iterations"/>); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked during the affinity computation and before every iteration.</param>
    /// <returns>The 2-D map. The perplexity is clamped to max(1, min(<see cref="TSneOptions.Perplexity"/>, (N − 1)/3)) (see <see cref="TSneProjection.EffectivePerplexity"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is less than 2 or <paramref name="dimensions"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has the wrong length or holds a NaN or infinite value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The optimisation diverged (a coordinate became NaN or infinite), which takes an extreme <see cref="TSneOptions.LearningRate"/>.</exception>
    public TSneProjection Project(ReadOnlySpan<float> data, int rows, int dimensions, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (rows < 2)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(rows), rows, "at least 2");
        }

        ThrowHelper.ThrowIfNotPositive(dimensions, nameof(dimensions));
        ProjectionChecks.ThrowIfInvalidData(data, rows, dimensions, nameof(data));
        cancellationToken.ThrowIfCancellationRequested();

        TSneOptions o = Options;
        int n = rows;
        int threads = o.ThreadCount;
        double perplexity = EffectivePerplexity(o.Perplexity, n);
        TSneMethod method = o.Method == TSneMethod.Auto ? (n <= AutoExactMaxPoints ? TSneMethod.Exact : TSneMethod.BarnesHut) : o.Method;
        double learningRate = o.LearningRate ?? Math.Max(n / o.EarlyExaggeration / 4, 50);
        long pairs = 2L * n * (method == TSneMethod.Exact ? n - 1 : NeighborCount(perplexity, n)); // both directions, before merging
        MemoryBudget.ThrowIfArrayTooLong(pairs, method == TSneMethod.Exact ? nameof(TSneOptions.Method) : nameof(TSneOptions.Perplexity), method == TSneMethod.Exact ? method : o.Perplexity,
            "affinities for these rows");
        long denseCopy = method == TSneMethod.Exact ? 4L * n * n : 0; // the exact gradient's float copy of P when P is dense
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Sum(12 * pairs, denseCopy, 4L * n * dimensions, 96L * n), method == TSneMethod.Exact ? nameof(TSneOptions.Method) : nameof(TSneOptions.Perplexity),
            method == TSneMethod.Exact ? method : o.Perplexity, "affinities for these rows (exact t-SNE keeps up to n² of them; Barnes–Hut about 6·perplexity per row)");

        long started = Stopwatch.GetTimestamp();
        int poolThreads = Math.Clamp(threads, 1, TSneAffinities.BlockCount(n));
        int exaggerated = Math.Min(o.EarlyExaggerationIterations, o.Iterations);
        TSneLog.Starting(_logger, n, dimensions, o.Distance, method, perplexity, learningRate, o.Iterations, exaggerated, o.EarlyExaggeration, poolThreads);
        float[] x = TSneAffinities.PrepareData(data, n, dimensions, o.Distance);
        using var pool = new WorkerPool(poolThreads);
        TSneGradient gradient;
        TSneSparseAffinities p;
        bool optimizing = false;
        try
        {
            if (method == TSneMethod.Exact)
            {
                p = TSneAffinities.AllPairs(x, n, dimensions, o.Distance, perplexity, pool, cancellationToken);
                gradient = TSneGradient.Exact(p, pool);
            }
            else
            {
                int k = NeighborCount(perplexity, n);
                (int[] neighbors, double[] conditional) = TSneAffinities.NearestNeighbors(x, n, dimensions, o.Distance, perplexity, k, pool, cancellationToken);
                p = TSneAffinities.Symmetrize(neighbors, conditional, n, k, cancellationToken);
                gradient = TSneGradient.BarnesHut(p, o.Theta, pool);
            }

            long affinityMilliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            TSneLog.AffinitiesComputed(_logger, n, affinityMilliseconds, p.Values.Length);
            gradient.Cancellation = cancellationToken;
            var mapX = new double[n];
            var mapY = new double[n];
            Initialize(x, n, dimensions, o, mapX, mapY, cancellationToken);
            optimizing = true;
            Optimize(gradient, mapX, mapY, o, learningRate, progress, cancellationToken, _logger);
            return Finish(gradient, mapX, mapY, n, o, method, perplexity, learningRate, started);
        }
        catch (OperationCanceledException) when (!optimizing)
        {
            TSneLog.Cancelled(_logger, 0);
            throw;
        }
    }

    private TSneProjection Finish(TSneGradient gradient, double[] mapX, double[] mapY, int n, TSneOptions o, TSneMethod method, double perplexity, double learningRate, long started)
    {
        double kl = gradient.KullbackLeibler(mapX, mapY);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            long milliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            string divergence = Display.Number(kl);
            TSneLog.Completed(_logger, o.Iterations, milliseconds, divergence);
        }

        var coordinates = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            coordinates[2 * i] = mapX[i];
            coordinates[(2 * i) + 1] = mapY[i];
        }

        return new TSneProjection(coordinates, n, o, method, perplexity, learningRate, kl);
    }

    /// <summary>Maps the item embeddings of a model (one point per item) to 2-D.</summary>
    /// <param name="model">A trained model with at least two items; row <c>j</c> of the map is item <c>j</c>.</param>
    /// <param name="progress">Told the number of completed iterations after every iteration; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked during the affinity computation and before every iteration.</param>
    /// <returns>The 2-D map, one point per item of <see cref="IRecommenderModel.Catalog"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The model's item embeddings do not have M·d values, or hold a NaN or infinite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The model has fewer than two items.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The optimisation diverged.</exception>
    public TSneProjection ProjectItems(IEmbeddingModel model, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        int items = ProjectionChecks.ThrowIfInvalidModel(model, nameof(model));
        if (items < 2)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(model), items, "a model with at least two items");
        }

        return Project(model.ItemEmbeddings, items, model.Dimensions, progress, cancellationToken);
    }

    /// <summary>max(1, min(perplexity, (n − 1)/3)).</summary>
    internal static double EffectivePerplexity(double perplexity, int n) => Math.Max(1, Math.Min(perplexity, (n - 1) / 3.0));

    /// <summary>The Barnes–Hut neighbour count: min(n − 1, ⌊3·perplexity⌋ + 1).</summary>
    internal static int NeighborCount(double perplexity, int n) => Math.Min(n - 1, (int)(3 * perplexity) + 1);

    /// <summary>Runs the gradient descent in place on (xs, ys), logging the end of early exaggeration, progress and a cancellation.</summary>
    internal static void Optimize(TSneGradient gradient, double[] xs, double[] ys, TSneOptions o, double learningRate, IProgress<int>? progress, CancellationToken cancellationToken, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        bool debug = logger.IsEnabled(LogLevel.Debug);
        int n = xs.Length;
        var gradX = new double[n];
        var gradY = new double[n];
        var updateX = new double[n];
        var updateY = new double[n];
        var gainX = new double[n];
        var gainY = new double[n];
        Array.Fill(gainX, 1.0);
        Array.Fill(gainY, 1.0);
        for (int iteration = 0; iteration < o.Iterations; iteration++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                TSneLog.Cancelled(logger, iteration);
                cancellationToken.ThrowIfCancellationRequested();
            }

            bool early = iteration < o.EarlyExaggerationIterations;
            double exaggeration = early ? o.EarlyExaggeration : 1;
            double momentum = early ? o.InitialMomentum : o.FinalMomentum;
            gradient.Compute(xs, ys, exaggeration, gradX, gradY);
            Step(xs, gradX, updateX, gainX, momentum, learningRate);
            Step(ys, gradY, updateY, gainY, momentum, learningRate);
            if (!Center(xs) | !Center(ys))
            {
                ThrowHelper.InvalidOperation(string.Create(CultureInfo.InvariantCulture,
                    $"t-SNE diverged at iteration {iteration + 1}: a coordinate became NaN or infinite. Lower {nameof(TSneOptions.LearningRate)} (it was {learningRate})."));
            }

            progress?.Report(iteration + 1);
            int done = iteration + 1;
            if (debug && done < o.Iterations)
            {
                if (done == o.EarlyExaggerationIterations)
                {
                    string divergence = Display.Number(gradient.KullbackLeibler(xs, ys));
                    TSneLog.ExaggerationEnded(logger, done, divergence);
                }
                else if (done % ProgressLogInterval == 0)
                {
                    string divergence = Display.Number(gradient.KullbackLeibler(xs, ys));
                    TSneLog.Progress(logger, done, o.Iterations, divergence);
                }
            }
        }
    }

    private static void Step(double[] position, double[] grad, double[] update, double[] gain, double momentum, double learningRate)
    {
        for (int i = 0; i < position.Length; i++)
        {
            double g = grad[i];
            double u = update[i];
            double a = (u * g) < 0 ? gain[i] + 0.2 : gain[i] * 0.8;
            a = Math.Max(a, 0.01);
            gain[i] = a;
            u = (momentum * u) - (learningRate * a * g);
            update[i] = u;
            position[i] += u;
        }
    }

    private static bool Center(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        if (!double.IsFinite(sum))
        {
            return false;
        }

        double mean = sum / values.Length;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] -= mean;
        }

        return true;
    }

    private static void Initialize(float[] x, int n, int dimensions, TSneOptions o, double[] xs, double[] ys, CancellationToken cancellationToken)
    {
        if (o.Initialization == TSneInitialization.Pca && Math.Min(n, dimensions) >= 2)
        {
            PcaProjection pca = PcaSolver.Solve(x, n, dimensions, 2, cancellationToken);
            ReadOnlySpan<double> c = pca.Coordinates;
            double variance = pca.ExplainedVariance[0];
            if (variance > 0 && double.IsFinite(variance))
            {
                double scale = InitialScale / Math.Sqrt(variance * (n - 1) / n);
                for (int i = 0; i < n; i++)
                {
                    xs[i] = c[2 * i] * scale;
                    ys[i] = c[(2 * i) + 1] * scale;
                }

                return;
            }
        }

        var random = new SeededRandom(o.Seed, 0);
        for (int i = 0; i < n; i++)
        {
            xs[i] = InitialScale * random.NextGaussian();
            ys[i] = InitialScale * random.NextGaussian();
        }
    }
}
