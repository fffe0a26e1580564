using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Neighborhood.Ease;

/// <summary>
/// One EASE fit: the memory check (before anything is allocated), G = XᵀX + λI (<see cref="CooccurrenceGram"/>),
/// P = G⁻¹ in place (<see cref="SymmetricSweep"/>), then B = I − P·diag(1/diag(P)), that is
/// B_ij = −P_ij / P_jj off the diagonal and 0 on it (Steck 2019, eq. 8); logged like every trainer.
/// </summary>
internal static class EaseTraining
{
    /// <summary>Bytes per item pair: the padded double matrix inverted in place and the float weights.</summary>
    private const int BytesPerPair = sizeof(double) + sizeof(float);

    /// <summary>Fits the weights of <paramref name="train"/>; the options are validated. Returns them with the user-major ratings the model keeps (a split's members gathered into arrays of their own, so the view builds no CSR).</summary>
    public static (float[] Weights, CsrView ByUser) Fit(RatingsDataset train, RatingsDataset? validation, EaseOptions options, IProgress<TrainingProgress>? progress, ILogger logger, TrainingLog log, CancellationToken cancellationToken)
    {
        TrainingSetChecks.ThrowIfInvalid(train, validation);
        int m = train.ItemCount;
        int n = CheckSize(m);
        long started = Stopwatch.GetTimestamp();
        if (options.EarlyStoppingPatience > 0)
        {
            log.EarlyStoppingIgnored(logger, options.EarlyStoppingPatience, "EASE is a closed form computed in one pass, not learned by iterations", 1);
        }

        using var pool = new WorkerPool(Math.Clamp(options.ThreadCount, 1, Math.Max(1, n / SymmetricSweep.BlockSize)));
        log.FitStarting(logger, train.UserCount, m, train.Count, options.ToString, pool.WorkerCount);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ratings = WorkingRatings.Of(train);
            double[] gram = CooccurrenceGram.Build(ratings, n, options.Regularization, pool, cancellationToken);
            if (!SymmetricSweep.TrySweep(gram, n, pool, cancellationToken))
            {
                log.Diverged(logger, 1, double.NaN, double.NaN);
                throw new TrainingDivergedException($"{log.Trainer}: XᵀX + λI is not numerically positive definite (λ = {options.Regularization.ToString(CultureInfo.InvariantCulture)} is too small for these counts); increase Regularization.");
            }

            float[] weights = Weights(gram, n, m, pool, cancellationToken);
            if (!TensorPrimitivesExtensions.AllFinite(weights) || EaseModel.ScaleProblem(weights, m) is not null)
            {
                log.Diverged(logger, 1, double.NaN, double.NaN);
                throw new TrainingDivergedException($"{log.Trainer}: the weights are not finite, or too large for finite scores; increase Regularization.");
            }

            var report = new TrainingProgress { Iteration = 1, TotalIterations = 1, Elapsed = Stopwatch.GetElapsedTime(started) };
            progress?.Report(report);
            if (logger.IsEnabled(LogLevel.Information))
            {
                log.FitCompleted(logger, 1, (long)report.Elapsed.TotalMilliseconds, string.Create(CultureInfo.InvariantCulture, $"{m} × {m} weights, λ = {options.Regularization}"));
            }

            return (weights, ratings.ByUser);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Cancelled(logger, 0);
            throw;
        }
    }

    /// <summary>The padded order for <paramref name="m"/> items; throws before any allocation when the dense matrices do not fit.</summary>
    internal static int CheckSize(int m)
    {
        long n = SymmetricSweep.PaddedOrder(Math.Max(m, 1));
        long pairs = MemoryBudget.Product(n, n);
        long bytes = MemoryBudget.Sum(MemoryBudget.Product(pairs, BytesPerPair), 3L * SymmetricSweep.BlockSize * n * sizeof(double));
        long available = MemoryBudget.Available;
        if (pairs > Array.MaxLength || bytes > available)
        {
            string reason = pairs > Array.MaxLength
                ? string.Create(CultureInfo.InvariantCulture, $"{n:N0}² = {pairs:N0} values exceed the largest array .NET supports ({Array.MaxLength:N0})")
                : string.Create(CultureInfo.InvariantCulture, $"this process may use {Gib(available)}");
            ThrowHelper.Argument("train", string.Create(CultureInfo.InvariantCulture,
                $"EASE needs dense item × item matrices: the catalogue's {m:N0} items need about {Gib(bytes)} (an {n:N0} × {n:N0} double matrix inverted in place and the {m:N0} × {m:N0} float weights), and {reason}. Use ItemKnnRecommender, whose memory grows with items × SavedNeighbors, or a catalogue of the rated items only."));
        }

        return (int)n;
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB");

    /// <summary>B_ij = −P_ij / P_jj with P the inverse, from −P in the upper triangle (the ratio is the same), zero diagonal; rows in parallel.</summary>
    private static float[] Weights(double[] negatedInverse, int n, int m, WorkerPool pool, CancellationToken cancellationToken)
    {
        var weights = new float[(long)m * m];
        pool.Run(new WeightWork(negatedInverse, n, m, weights), m, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return weights;
    }

    private sealed class WeightWork(double[] p, int n, int m, float[] weights) : IBlockWork
    {
        public void Execute(int block, int worker)
        {
            int i = block;
            Span<float> row = weights.AsSpan(i * m, m);
            for (int j = 0; j < m; j++)
            {
                double pij = i <= j ? p[(i * n) + j] : p[(j * n) + i];
                row[j] = i == j ? 0f : (float)(-pij / p[(j * n) + j]);
            }
        }
    }
}
