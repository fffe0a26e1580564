using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Projection;

namespace CollaborativeFiltering.Tests.Projection;

public sealed class TSneAffinitiesTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(5.0)]
    [InlineData(30.0)]
    public void CalibrateRow_RandomDistances_EntropyIsLnPerplexity(double perplexity)
    {
        var random = new SeededRandom(31, 0);
        var distances = new double[120];
        var probabilities = new double[120];
        for (int row = 0; row < 20; row++)
        {
            double scale = Math.Pow(10, (row % 5) - 2); // 0.01 … 100
            for (int j = 0; j < distances.Length; j++)
            {
                distances[j] = scale * random.NextExponential() * 50;
            }

            double beta = TSneAffinities.CalibrateRow(distances, Math.Log(perplexity), probabilities);

            beta.Should().BePositive();
            Entropy(probabilities).Should().BeApproximately(Math.Log(perplexity), 1e-3);
            probabilities.Sum().Should().BeApproximately(1, 1e-12);
        }
    }

    [Fact]
    public void CalibrateRow_HugeDistances_DoesNotUnderflow()
    {
        double[] distances = [1e6, 1e6 + 1, 1e6 + 2, 1e6 + 5, 1e6 + 9];
        var probabilities = new double[5];

        TSneAffinities.CalibrateRow(distances, Math.Log(2), probabilities);

        probabilities.Should().OnlyContain(p => double.IsFinite(p));
        Entropy(probabilities).Should().BeApproximately(Math.Log(2), 1e-3);
    }

    [Fact]
    public void NearestNeighbors_EveryRow_EntropyIsLnPerplexityOverSortedNeighbors()
    {
        (float[] data, _) = ProjectionTestData.Clusters(4, 50, 10, 5, seed: 32);
        const double perplexity = 12;
        int k = TSne.NeighborCount(perplexity, 200);

        using var pool = new WorkerPool(2);
        (int[] neighbors, double[] conditional) = TSneAffinities.NearestNeighbors(data, 200, 10, TSneDistance.Euclidean, perplexity, k, pool, CancellationToken.None);

        k.Should().Be(37);
        var asDouble = Array.ConvertAll(data, v => (double)v);
        for (int i = 0; i < 200; i++)
        {
            Entropy(conditional.AsSpan(i * k, k)).Should().BeApproximately(Math.Log(perplexity), 1e-3);
            neighbors.AsSpan(i * k, k).ToArray().Should().Equal(ProjectionTestData.NearestNeighbors(asDouble, 10, i, k));
        }
    }

    [Fact]
    public void AllPairs_Result_IsSymmetricWithoutDiagonalAndSumsToOne()
    {
        (float[] data, _) = ProjectionTestData.Clusters(3, 20, 6, 3, seed: 33);

        using var pool = new WorkerPool(2);
        TSneSparseAffinities p = TSneAffinities.AllPairs(data, 60, 6, TSneDistance.Euclidean, 8, pool, CancellationToken.None);

        p.Values.Sum().Should().BeApproximately(1, 1e-12);
        var dense = new double[60, 60];
        for (int i = 0; i < 60; i++)
        {
            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                p.Columns[e].Should().NotBe(i);
                dense[i, p.Columns[e]] = p.Values[e];
            }
        }

        for (int i = 0; i < 60; i++)
        {
            for (int j = 0; j < i; j++)
            {
                dense[i, j].Should().Be(dense[j, i]);
            }
        }
    }

    [Fact]
    public void AllPairs_FarClusters_DropsNegligibleAffinities()
    {
        // Two clusters 1000 apart: every cross-cluster conditional affinity is below 10⁻¹², so none is stored.
        (float[] data, int[] labels) = ProjectionTestData.Clusters(2, 15, 3, 1000, seed: 34);

        using var pool = new WorkerPool(1);
        TSneSparseAffinities p = TSneAffinities.AllPairs(data, 30, 3, TSneDistance.Euclidean, 4, pool, CancellationToken.None);

        for (int i = 0; i < 30; i++)
        {
            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                labels[p.Columns[e]].Should().Be(labels[i]);
            }
        }
    }

    [Fact]
    public void Symmetrize_HandExample_AveragesBothDirectionsAndNormalises()
    {
        // 3 points, k = 1: 0→1 (1.0), 1→0 (1.0), 2→1 (1.0). C + Cᵀ: (0,1) 2, (1,2) 1 each way; total 6.
        TSneSparseAffinities p = TSneAffinities.Symmetrize([1, 0, 1], [1.0, 1.0, 1.0], 3, 1);

        p.RowOffsets.Should().Equal(0, 1, 3, 4);
        p.Columns.Should().Equal(1, 0, 2, 1);
        p.Values.Should().Equal(2.0 / 6, 2.0 / 6, 1.0 / 6, 1.0 / 6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(TSneAffinities.SymmetrizeRowsPerBlock)]
    [InlineData(40)]
    [InlineData(1000)]
    public void SymmetrizeSortedRows_RandomSparseRows_EqualsSymmetrizeBitForBit(int rowsPerBlock)
    {
        // Rows of different lengths (one empty, one full), most pairs stored in one direction only; Cᵀ gathered in
        // blocks of one row, of a number that does not divide n, of the default, of all rows and of more than n.
        const int n = 40;
        var random = new SeededRandom(35, 0);
        var rowColumns = new int[n][];
        var rowValues = new double[n][];
        var offsets = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            double keep = i == 3 ? 0 : i == 4 ? 1 : random.NextDouble();
            rowColumns[i] = Enumerable.Range(0, n).Where(j => j != i && random.NextDouble() < keep).ToArray();
            rowValues[i] = rowColumns[i].Select(_ => random.NextExponential()).ToArray();
            offsets[i + 1] = offsets[i] + rowColumns[i].Length;
        }

        TSneSparseAffinities merged = TSneAffinities.SymmetrizeSortedRows(rowColumns, rowValues, n, rowsPerBlock: rowsPerBlock);
        TSneSparseAffinities sorted = TSneAffinities.Symmetrize(offsets, rowColumns.SelectMany(c => c).ToArray(), rowValues.SelectMany(v => v).ToArray(), n);

        merged.RowOffsets.Should().Equal(sorted.RowOffsets);
        merged.Columns.Should().Equal(sorted.Columns);
        merged.Values.Should().Equal(sorted.Values);
        merged.Values.Sum().Should().BeApproximately(1, 1e-12);
    }

    [Fact]
    public void Distance_CosineWithZeroVector_IsOneNotNaN()
    {
        float[] x = TSneAffinities.PrepareData([0, 0, 0, 3, 4, 0, 6, 8, 0, -3, -4, 0], 4, 3, TSneDistance.Cosine);

        TSneAffinities.Distance(x.AsSpan(0, 3), x.AsSpan(3, 3), TSneDistance.Cosine).Should().Be(1);
        TSneAffinities.Distance(x.AsSpan(0, 3), x.AsSpan(0, 3), TSneDistance.Cosine).Should().Be(1);
        TSneAffinities.Distance(x.AsSpan(3, 3), x.AsSpan(6, 3), TSneDistance.Cosine).Should().BeApproximately(0, 1e-6);
        TSneAffinities.Distance(x.AsSpan(3, 3), x.AsSpan(9, 3), TSneDistance.Cosine).Should().BeApproximately(2, 1e-6);
    }

    [Fact]
    public void Distance_Euclidean_IsSquared()
    {
        float[] x = [0, 0, 3, 4];

        TSneAffinities.Distance(x.AsSpan(0, 2), x.AsSpan(2, 2), TSneDistance.Euclidean).Should().BeApproximately(25, 1e-5);
    }

    private static double Entropy(ReadOnlySpan<double> probabilities)
    {
        double h = 0;
        foreach (double p in probabilities)
        {
            h -= p > 0 ? p * Math.Log(p) : 0;
        }

        return h;
    }
}
