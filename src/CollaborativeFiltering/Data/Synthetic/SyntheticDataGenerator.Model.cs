using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>The planted model: factors, biases skewed and tied to popularity, and the items' popularity.</content>
public static partial class SyntheticDataGenerator
{
    private const double UserBiasStdDev = 0.55;
    private const double ItemBiasStdDev = 0.6;
    private const double LeftSkewSigma = 0.5;
    private static readonly double LeftSkewMean = Math.Exp(LeftSkewSigma * LeftSkewSigma / 2);
    private static readonly double LeftSkewStdDev = Math.Sqrt((Math.Exp(LeftSkewSigma * LeftSkewSigma) - 1) * Math.Exp(LeftSkewSigma * LeftSkewSigma));
    private const double PopularityShiftFraction = 0.01;
    private const double FranchiseStrength = 1.2;
    private const double FranchiseSpread = 0.1;
    private const double FranchisePoolFraction = 0.1;

    private static float[] GaussianArray(int length, float stdDev, SeededRandom random, CancellationToken cancellationToken)
    {
        var values = new float[length];
        for (int k = 0; k < values.Length; k++)
        {
            Checkpoint(k, cancellationToken);
            values[k] = (float)(random.NextGaussian() * stdDev);
        }

        return values;
    }
    /// <summary>log of each item's popularity weight (the most popular item has 0), ranks assigned to items at random: −s·ln(1 + r/k₀) − (r/(c·M))^κ.</summary>
    private static double[] ItemLogPopularity(int m, double exponent, double cutoffFraction, double cutoffShape, SeededRandom random, CancellationToken cancellationToken)
    {
        var rankOf = new int[m];
        for (int i = 0; i < m; i++)
        {
            rankOf[i] = i;
        }

        cancellationToken.ThrowIfCancellationRequested();
        random.Shuffle(rankOf.AsSpan());
        cancellationToken.ThrowIfCancellationRequested();
        double shift = 1 + (PopularityShiftFraction * m);
        double cutoff = cutoffFraction * m;
        var logWeights = new double[m];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            int r = rankOf[i];
            double tail = cutoffShape == 1 ? r / cutoff : Math.Pow(r / cutoff, cutoffShape);
            logWeights[i] = (-exponent * Math.Log(1 + (r / shift))) - tail;
        }

        return logWeights;
    }

    private static float[] ItemBiases(double[] logPopularity, double correlation, SeededRandom random, CancellationToken cancellationToken)
    {
        int m = logPopularity.Length;
        double mean = 0;
        foreach (double v in logPopularity)
        {
            mean += v;
        }

        mean /= m;
        double variance = 0;
        foreach (double v in logPopularity)
        {
            variance += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(variance / m);
        double independent = Math.Sqrt(1 - (correlation * correlation));
        var biases = new float[m];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            double z = std > 0 ? (logPopularity[i] - mean) / std : 0;
            biases[i] = (float)(ItemBiasStdDev * ((independent * LeftSkewed(random)) + (correlation * z)));
        }

        return biases;
    }
    /// <summary>
    /// Plants <paramref name="count"/> franchises of <paramref name="size"/> items drawn among the most
    /// popular tenth of the catalogue (at least count × size items): each franchise gets a random
    /// direction of length <see cref="FranchiseStrength"/> times the items' root-mean-square factor norm,
    /// and each member's factors become that direction plus Gaussian noise of about
    /// <see cref="FranchiseSpread"/> times that norm. Returns the members, ascending within each franchise.
    /// </summary>
    private static int[][] PlantFranchises(int count, int size, double[] logPopularity, float[] itemFactors, int d, SeededRandom random, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        int m = logPopularity.Length;
        var byPopularity = new int[m];
        var negated = new double[m];
        for (int i = 0; i < m; i++)
        {
            byPopularity[i] = i;
            negated[i] = -logPopularity[i];
        }

        // Most popular first, ties by index.
        SortByKeyThenIndex(negated, byPopularity, cancellationToken);
        int pool = Math.Max((int)(FranchisePoolFraction * m), count * size);
        int[] candidates = byPopularity[..pool];
        random.Shuffle(candidates.AsSpan());

        double squares = 0;
        for (int k = 0; k < itemFactors.Length; k++)
        {
            Checkpoint(k, cancellationToken);
            squares += (double)itemFactors[k] * itemFactors[k];
        }

        double typicalNorm = Math.Sqrt(squares / m);
        var direction = new double[d];
        var franchises = new int[count][];
        for (int f = 0; f < count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double norm = 0;
            for (int k = 0; k < d; k++)
            {
                direction[k] = random.NextGaussian();
                norm += direction[k] * direction[k];
            }

            double scale = norm > 0 ? FranchiseStrength * typicalNorm / Math.Sqrt(norm) : 0;
            double noise = FranchiseSpread * typicalNorm / Math.Sqrt(d);
            int[] members = candidates.AsSpan(f * size, size).ToArray();
            Array.Sort(members);
            foreach (int i in members)
            {
                Span<float> row = itemFactors.AsSpan(i * d, d);
                for (int k = 0; k < d; k++)
                {
                    row[k] = (float)((direction[k] * scale) + (noise * random.NextGaussian()));
                }
            }

            franchises[f] = members;
        }

        return franchises;
    }

    /// <summary>
    /// A left-skewed draw with mean 0 and variance 1: a mirrored log-normal, −(e^(Z/2) − e^(1/8)) / 0.6039.
    /// A few items (users) are much worse (harsher) than the rest, so ratings lean to 4 and 5 with a tail of 1s, as in MovieLens.
    /// </summary>
    private static double LeftSkewed(SeededRandom random) =>
        (LeftSkewMean - Math.Exp(LeftSkewSigma * random.NextGaussian())) / LeftSkewStdDev;
}
