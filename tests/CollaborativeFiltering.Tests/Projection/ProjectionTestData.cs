using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Projection;

/// <summary>Seeded synthetic inputs for the PCA and t-SNE tests.</summary>
internal static class ProjectionTestData
{
    /// <summary>
    /// <paramref name="clusters"/> Gaussian clusters of <paramref name="perCluster"/> points in <paramref name="dimensions"/>-D,
    /// unit variance around centres drawn with standard deviation <paramref name="spread"/>; labels[i] is point i's cluster.
    /// </summary>
    public static (float[] Data, int[] Labels) Clusters(int clusters, int perCluster, int dimensions, double spread, long seed)
    {
        var random = new SeededRandom(seed, 7);
        var centres = new double[clusters * dimensions];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = spread * random.NextGaussian();
        }

        int n = clusters * perCluster;
        var data = new float[n * dimensions];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % clusters;
            labels[i] = c;
            for (int j = 0; j < dimensions; j++)
            {
                data[(i * dimensions) + j] = (float)(centres[(c * dimensions) + j] + random.NextGaussian());
            }
        }

        return (data, labels);
    }

    /// <summary>The fraction of each point's k nearest neighbours (Euclidean, row-major, excluding itself) with the same label, averaged.</summary>
    public static double NeighborPurity(ReadOnlySpan<double> points, int dimensions, int[] labels, int k)
    {
        int n = labels.Length;
        int same = 0;
        for (int i = 0; i < n; i++)
        {
            foreach (int j in NearestNeighbors(points, dimensions, i, k))
            {
                same += labels[j] == labels[i] ? 1 : 0;
            }
        }

        return same / (double)(n * k);
    }

    /// <summary>The fraction of each point's k nearest neighbours in <paramref name="map"/> that are among its k nearest in <paramref name="input"/>, averaged.</summary>
    public static double NeighborPreservation(ReadOnlySpan<float> input, int inputDimensions, ReadOnlySpan<double> map, int k)
    {
        var inputAsDouble = new double[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            inputAsDouble[i] = input[i];
        }

        int n = map.Length / 2;
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            var original = new HashSet<int>(NearestNeighbors(inputAsDouble, inputDimensions, i, k));
            foreach (int j in NearestNeighbors(map, 2, i, k))
            {
                kept += original.Contains(j) ? 1 : 0;
            }
        }

        return kept / (double)(n * k);
    }

    /// <summary>The indices of the k points nearest to point i (ties by index).</summary>
    public static int[] NearestNeighbors(ReadOnlySpan<double> points, int dimensions, int i, int k)
    {
        int n = points.Length / dimensions;
        var distances = new double[n - 1];
        var indices = new int[n - 1];
        int m = 0;
        for (int j = 0; j < n; j++)
        {
            if (j == i)
            {
                continue;
            }

            double sum = 0;
            for (int t = 0; t < dimensions; t++)
            {
                double d = points[(i * dimensions) + t] - points[(j * dimensions) + t];
                sum += d * d;
            }

            distances[m] = sum;
            indices[m++] = j;
        }

        Array.Sort(distances, indices);
        return indices[..k];
    }
}
