using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>The ratings themselves: the global mean that hits the target, noisy rounded values, and timestamps.</content>
public static partial class SyntheticDataGenerator
{
    private const double TargetMean = 3.56;
    private const long RatingPeriodSeconds = 215L * 86400;
    private const double UserStartFraction = 0.85;
    private const double SessionGapSeconds = 45;
    private const double BreakGapSeconds = 2 * 86400;
    private const double BreakProbability = 0.08;

    private static float CalibrateGlobalMean(int[] offsets, int[] items, int d, float[] userFactors, float[] itemFactors, float[] userBiases, float[] itemBiases, CancellationToken cancellationToken)
    {
        double sum = 0;
        for (int u = 0; u < offsets.Length - 1; u++)
        {
            Checkpoint(offsets[u], offsets[u + 1], cancellationToken);
            ReadOnlySpan<float> p = userFactors.AsSpan(u * d, d);
            for (int k = offsets[u]; k < offsets[u + 1]; k++)
            {
                int i = items[k];
                sum += SyntheticData.Score(0f, userBiases[u], itemBiases[i], p, itemFactors.AsSpan(i * d, d));
            }
        }

        return (float)(TargetMean - (sum / items.Length));
    }

    private static float[] Rate(int[] offsets, int[] items, int d, float globalMean, float[] userFactors, float[] itemFactors, float[] userBiases, float[] itemBiases, SyntheticOptions options, SeededRandom random, CancellationToken cancellationToken)
    {
        var values = new float[items.Length];
        double sigma = options.NoiseStdDev;
        double steps = options.HalfStars ? 2 : 1;
        double min = options.HalfStars ? 0.5 : 1;
        for (int u = 0; u < offsets.Length - 1; u++)
        {
            cancellationToken.ThrowIfCancellationRequested(); // a heavy user's row can cost O(M)

            ReadOnlySpan<float> p = userFactors.AsSpan(u * d, d);
            for (int k = offsets[u]; k < offsets[u + 1]; k++)
            {
                int i = items[k];
                double x = SyntheticData.Score(globalMean, userBiases[u], itemBiases[i], p, itemFactors.AsSpan(i * d, d)) + (sigma * random.NextGaussian());
                values[k] = (float)Math.Clamp(Math.Floor((x * steps) + 0.5) / steps, min, 5.0);
            }
        }

        return values;
    }
    /// <summary>Distinct per-user timestamps, increasing in each user's (shuffled) rating order; users start in index order.</summary>
    private static long[] Timestamps(int[] offsets, long start, SeededRandom random, CancellationToken cancellationToken)
    {
        int n = offsets.Length - 1;
        var timestamps = new long[offsets[n]];
        var starts = new double[n];
        for (int u = 0; u < n; u++)
        {
            starts[u] = random.NextDouble() * UserStartFraction * RatingPeriodSeconds;
        }

        cancellationToken.ThrowIfCancellationRequested();
        Array.Sort(starts);
        cancellationToken.ThrowIfCancellationRequested();
        double[] times = [];
        for (int u = 0; u < n; u++)
        {
            int first = offsets[u], count = offsets[u + 1] - first;
            Checkpoint(first, first + count, cancellationToken);
            if (count == 0)
            {
                continue;
            }

            if (times.Length < count)
            {
                times = new double[Math.Max(count, 2 * times.Length)];
            }

            double elapsed = 0;
            times[0] = 0;
            for (int k = 1; k < count; k++)
            {
                elapsed += random.NextDouble() < BreakProbability
                    ? BreakGapSeconds * random.NextExponential()
                    : 1 + (SessionGapSeconds * random.NextExponential());
                times[k] = elapsed;
            }

            long origin = start + (long)starts[u];
            double room = (start + RatingPeriodSeconds) - origin;
            double scale = elapsed > room ? room / elapsed : 1;
            long previous = origin - 1;
            Span<long> row = timestamps.AsSpan(first, count);
            for (int k = 0; k < count; k++)
            {
                previous = Math.Max(origin + (long)(times[k] * scale), previous + 1);
                row[k] = previous;
            }

            random.Shuffle(row);
        }

        return timestamps;
    }
}
