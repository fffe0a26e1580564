using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>The planted model: factors, biases skewed and tied to popularity, and the items' popularity.</content>
public static partial class SyntheticDataGenerator
{
    private const double InteractionVariance = 0.5;
    private const double UserBiasStdDev = 0.55;
    private const double ItemBiasStdDev = 0.6;
    private const double PopularityBiasCorrelation = 0.35;
    private const double LeftSkewSigma = 0.5;
    private static readonly double LeftSkewMean = Math.Exp(LeftSkewSigma * LeftSkewSigma / 2);
    private static readonly double LeftSkewStdDev = Math.Sqrt((Math.Exp(LeftSkewSigma * LeftSkewSigma) - 1) * Math.Exp(LeftSkewSigma * LeftSkewSigma));
    private const double PopularityShiftFraction = 0.01;
    private const double PopularityCutoffFraction = 0.4;

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
    /// <summary>log of each item's popularity weight (the most popular item has 0), ranks assigned to items at random.</summary>
    private static double[] ItemLogPopularity(int m, double exponent, SeededRandom random, CancellationToken cancellationToken)
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
        double cutoff = PopularityCutoffFraction * m;
        var logWeights = new double[m];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            int r = rankOf[i];
            logWeights[i] = (-exponent * Math.Log(1 + (r / shift))) - (r / cutoff);
        }

        return logWeights;
    }

    private static float[] ItemBiases(double[] logPopularity, SeededRandom random, CancellationToken cancellationToken)
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
        double independent = Math.Sqrt(1 - (PopularityBiasCorrelation * PopularityBiasCorrelation));
        var biases = new float[m];
        for (int i = 0; i < m; i++)
        {
            Checkpoint(i, cancellationToken);
            double z = std > 0 ? (logPopularity[i] - mean) / std : 0;
            biases[i] = (float)(ItemBiasStdDev * ((independent * LeftSkewed(random)) + (PopularityBiasCorrelation * z)));
        }

        return biases;
    }
    /// <summary>
    /// A left-skewed draw with mean 0 and variance 1: a mirrored log-normal, −(e^(Z/2) − e^(1/8)) / 0.6039.
    /// A few items (users) are much worse (harsher) than the rest, so ratings lean to 4 and 5 with a tail of 1s, as in MovieLens.
    /// </summary>
    private static double LeftSkewed(SeededRandom random) =>
        (LeftSkewMean - Math.Exp(LeftSkewSigma * random.NextGaussian())) / LeftSkewStdDev;
}
