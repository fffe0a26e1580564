using MathNet.Numerics.Distributions;

namespace CollaborativeFiltering.Internal;

/// <summary>Seeded random initialisation of factor arrays (the full-batch and ALS factorizers share it).</summary>
internal static class RandomFill
{
    /// <summary>Fills <paramref name="destination"/> with Normal(0, σ²) draws from <paramref name="random"/>, in order.</summary>
    public static void FillNormal(Random random, float[] destination, double stdDev)
    {
        var buffer = new double[Math.Max(1, Math.Min(destination.Length, 1 << 16))];
        for (int start = 0; start < destination.Length; start += buffer.Length)
        {
            int count = Math.Min(buffer.Length, destination.Length - start);
            double[] chunk = count == buffer.Length ? buffer : new double[count];
            Normal.Samples(random, chunk, 0, stdDev);
            for (int k = 0; k < count; k++)
            {
                destination[start + k] = (float)chunk[k];
            }
        }
    }
}
