using System.Numerics;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Projection;

namespace CollaborativeFiltering.Tests.Projection;

public sealed class TSneGradientTests
{
    [Fact]
    public void Compute_ExactTinyProblem_MatchesCentralDifferencesOfKl()
    {
        (TSneSparseAffinities p, double[] x, double[] y) = TinyProblem();
        using var pool = new WorkerPool(1);
        var gradient = TSneGradient.ExactInDouble(p, pool); // the formula to 1e-12 and finite differences need double on every instruction set
        var gx = new double[6];
        var gy = new double[6];

        gradient.Compute(x, y, 1, gx, gy);

        for (int i = 0; i < 6; i++)
        {
            gx[i].Should().BeApproximately(CentralDifference(gradient, x, y, x, i), 1e-6, "∂C/∂x_{0}", i);
            gy[i].Should().BeApproximately(CentralDifference(gradient, x, y, y, i), 1e-6, "∂C/∂y_{0}", i);
        }

        Math.Abs(gx[0]).Should().BeGreaterThan(1e-3, "the check must not pass on a zero gradient");
    }

    [Fact]
    public void Compute_Exaggerated_MatchesCentralDifferencesOfExaggeratedObjective()
    {
        // With P scaled by α the step follows ∂/∂y [−α·Σ p_ij·ln w_ij + ln Z].
        (TSneSparseAffinities p, double[] x, double[] y) = TinyProblem();
        const double alpha = 4;
        using var pool = new WorkerPool(1);
        var gradient = TSneGradient.ExactInDouble(p, pool); // the formula to 1e-12 and finite differences need double on every instruction set
        var gx = new double[6];
        var gy = new double[6];

        gradient.Compute(x, y, alpha, gx, gy);

        const double h = 1e-6;
        for (int i = 0; i < 6; i++)
        {
            foreach ((double[] coordinate, double[] g) in new[] { (x, gx), (y, gy) })
            {
                double saved = coordinate[i];
                coordinate[i] = saved + h;
                double plus = ExaggeratedObjective(p, x, y, alpha);
                coordinate[i] = saved - h;
                double minus = ExaggeratedObjective(p, x, y, alpha);
                coordinate[i] = saved;
                g[i].Should().BeApproximately((plus - minus) / (2 * h), 1e-6);
            }
        }
    }

    [Fact]
    public void KullbackLeibler_TinyProblem_MatchesDirectFormula()
    {
        (TSneSparseAffinities p, double[] x, double[] y) = TinyProblem();
        using var pool = new WorkerPool(1);
        var gradient = TSneGradient.ExactInDouble(p, pool); // the formula to 1e-12 and finite differences need double on every instruction set

        double kl = gradient.KullbackLeibler(x, y);

        double z = 0;
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                z += i == j ? 0 : W(x, y, i, j);
            }
        }

        double expected = 0;
        for (int i = 0; i < 6; i++)
        {
            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                double pij = p.Values[e];
                expected += pij * Math.Log(pij / (W(x, y, i, p.Columns[e]) / z));
            }
        }

        kl.Should().BeApproximately(expected, 1e-12);
        kl.Should().BePositive();
    }

    [Fact]
    public void Compute_ExactFloatLanes_AgreeWithDoubleWithinFloatRounding()
    {
        // The production kernel sums the repulsion in float SIMD lanes once n reaches the vector
        // width (4 with SSE, 8 with AVX2): within float rounding of the double formula on any instruction set.
        (TSneSparseAffinities p, double[] x, double[] y, int n) = MediumProblem(duplicates: false);
        using var pool = new WorkerPool(1);
        var lanes = TSneGradient.Exact(p, pool);
        var exact = TSneGradient.ExactInDouble(p, pool);
        double[] gx = new double[n], gy = new double[n], ex = new double[n], ey = new double[n];

        lanes.Compute(x, y, 1, gx, gy);
        exact.Compute(x, y, 1, ex, ey);

        RelativeError(gx, gy, ex, ey).Should().BeLessThan(1e-5);
    }

    // With θ = 0 Barnes–Hut equals the exact gradient up to rounding: the exact kernel runs in float SIMD
    // lanes (double accumulation), Barnes–Hut is all double. Duplicate points (zero distances) must not
    // break the tree. With θ = 0.5 it is an approximation, close to exact.
    [Theory]
    [InlineData(false, 2, 0.0, 1e-6, 1e-5)]
    [InlineData(true, 1, 0.0, 1e-6, 1e-5)]
    [InlineData(false, 1, 0.5, 0.01, 0.05)]
    public void Compute_BarnesHut_MatchesExactWithinTolerance(bool duplicates, int threads, double theta, double zTolerance, double gradientTolerance)
    {
        (TSneSparseAffinities p, double[] x, double[] y, int n) = MediumProblem(duplicates);
        using var pool = new WorkerPool(threads);
        var exact = TSneGradient.Exact(p, pool);
        var barnesHut = TSneGradient.BarnesHut(p, theta, pool);
        var ex = new double[n];
        var ey = new double[n];
        var bx = new double[n];
        var by = new double[n];

        double exactZ = exact.Compute(x, y, 1, ex, ey);
        double barnesHutZ = barnesHut.Compute(x, y, 1, bx, by);

        barnesHutZ.Should().BeApproximately(exactZ, zTolerance * exactZ);
        RelativeError(bx, by, ex, ey).Should().BeLessThan(gradientTolerance);
    }

    [Fact]
    public void Compute_ExactSimdKernel_MatchesDoubleScalarTwin()
    {
        (TSneSparseAffinities p, double[] x, double[] y, int n) = MediumProblem(duplicates: false);
        using var pool = new WorkerPool(2);
        var gradient = TSneGradient.Exact(p, pool);
        var gx = new double[n];
        var gy = new double[n];

        gradient.Compute(x, y, 1, gx, gy);

        for (int i = 0; i < n; i++)
        {
            (double z, _, _, double rx, double ry) = gradient.RowTerms(i);
            gradient.ExactRepulsionScalar(i, out double sz, out double srx, out double sry);
            double repulsion = Math.Sqrt((srx * srx) + (sry * sry));
            z.Should().BeApproximately(sz, 1e-5 * sz);
            rx.Should().BeApproximately(srx, 1e-5 * repulsion);
            ry.Should().BeApproximately(sry, 1e-5 * repulsion);
        }
    }

    [Fact]
    public void Compute_DenseAffinities_SumTheAttractionInTheAllPairsPassWithinFloatRoundingOfTheDoubleSum()
    {
        // Cosine distances at perplexity 30 keep every pair (as on the notebook's movie embeddings), so P is dense and the
        // exact gradient sums the attraction from a float copy of P in the repulsion's float lanes: each row's attraction must
        // be the double sum over the stored entries to float rounding, and Z and the repulsion unchanged.
        (TSneSparseAffinities p, double[] x, double[] y, int n) = DenseProblem();
        using var pool = new WorkerPool(1);
        var dense = TSneGradient.Exact(p, pool);
        var sparse = TSneGradient.ExactWithSparseAttraction(p, pool);

        dense.HasDenseAttraction.Should().Be(Vector.IsHardwareAccelerated, "every pair is kept, so P is dense wherever the float lanes run");
        sparse.HasDenseAttraction.Should().BeFalse();
        double[] gx = new double[n], gy = new double[n], sx = new double[n], sy = new double[n];
        double denseZ = dense.Compute(x, y, 12, gx, gy);
        double sparseZ = sparse.Compute(x, y, 12, sx, sy);

        denseZ.Should().Be(sparseZ);
        for (int i = 0; i < n; i++)
        {
            (double z, double ax, double ay, double rx, double ry) = dense.RowTerms(i);
            (double sz, double sax, double say, double srx, double sry) = sparse.RowTerms(i);
            (z, rx, ry).Should().Be((sz, srx, sry), "row {0}'s repulsion is the same pass", i);
            double attraction = Math.Sqrt((sax * sax) + (say * say));
            attraction.Should().BePositive();
            ax.Should().BeApproximately(sax, 1e-5 * attraction, "row {0}", i);
            ay.Should().BeApproximately(say, 1e-5 * attraction, "row {0}", i);
        }

        RelativeError(gx, gy, sx, sy).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Compute_DenseAffinitiesAnyThreadCount_GivesTheSameBits()
    {
        (TSneSparseAffinities p, double[] x, double[] y, int n) = DenseProblem();
        using var one = new WorkerPool(1);
        using var two = new WorkerPool(2);
        double[] ax = new double[n], ay = new double[n], bx = new double[n], by = new double[n];

        double oneZ = TSneGradient.Exact(p, one).Compute(x, y, 1, ax, ay);
        double twoZ = TSneGradient.Exact(p, two).Compute(x, y, 1, bx, by);

        twoZ.Should().Be(oneZ);
        bx.Should().Equal(ax);
        by.Should().Equal(ay);
    }

    [Fact]
    public void Exact_SparseAffinities_KeepTheGatheredDoubleAttraction()
    {
        // Under a third of the pairs stored: a dense copy would take more memory than the entries.
        var p = new TSneSparseAffinities(9, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 0, 3, 2, 5, 4, 7, 6, 0], [.. Enumerable.Repeat(1.0 / 9, 9)]);
        using var pool = new WorkerPool(1);

        TSneGradient.IsDense(p).Should().BeFalse();
        TSneGradient.Exact(p, pool).HasDenseAttraction.Should().BeFalse();
        TSneGradient.IsDense(new TSneSparseAffinities(9, p.RowOffsets, new int[27], new double[27])).Should().BeTrue("27 of 81 pairs is a third");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Compute_AttractionOfFourRowsAtOnce_EqualsTheRowByRowSumBitForBit(int threads)
    {
        // Rows of different lengths (0 to 20 entries, so the four-row kernel's lanes end at different places) and a last
        // block whose row count is not a multiple of four: each row's attractive sums must be the scalar definition's exactly.
        const int n = 71;
        var random = new SeededRandom(5, 0);
        var offsets = new int[n + 1];
        var columns = new List<int>();
        var values = new List<double>();
        for (int i = 0; i < n; i++)
        {
            int length = (int)(random.NextDouble() * 21);
            for (int j = 0; j < n && columns.Count - offsets[i] < length; j++)
            {
                if (j != i && random.NextDouble() < 0.4)
                {
                    columns.Add(j);
                    values.Add(random.NextDouble() * 1e-3);
                }
            }

            offsets[i + 1] = columns.Count;
        }

        var p = new TSneSparseAffinities(n, offsets, [.. columns], [.. values]);
        double[] x = [.. Enumerable.Range(0, n).Select(_ => random.NextGaussian() * 10)];
        double[] y = [.. Enumerable.Range(0, n).Select(_ => random.NextGaussian() * 10)];
        using var pool = new WorkerPool(threads);
        var gradient = TSneGradient.Exact(p, pool);
        gradient.HasDenseAttraction.Should().BeFalse("about a tenth of the pairs are stored");

        gradient.Compute(x, y, 1, new double[n], new double[n]);

        for (int i = 0; i < n; i++)
        {
            (_, double ax, double ay, _, _) = gradient.RowTerms(i);
            (double sx, double sy) = gradient.AttractionScalar(i);
            ax.Should().Be(sx, "row {0}", i);
            ay.Should().Be(sy, "row {0}", i);
        }

        Enumerable.Range(0, n).Count(i => gradient.RowTerms(i).AttractX != 0).Should().BeGreaterThan(n / 2, "the check must not pass on empty rows");
    }

    [Fact]
    public void AllPairs_TinyProblem_KeepsEveryPairAndSumsToOne()
    {
        (TSneSparseAffinities p, _, _) = TinyProblem();

        p.RowOffsets.Should().Equal(0, 5, 10, 15, 20, 25, 30);
        p.Values.Sum().Should().BeApproximately(1, 1e-12);
    }

    private static (TSneSparseAffinities P, double[] X, double[] Y) TinyProblem()
    {
        float[] data = [0, 0, 0, 1, 0.2f, -0.5f, 0.3f, 2, 1, -1, 0.4f, 0.8f, 2, 2, 2, 0.5f, -1.5f, 0.2f];
        using var pool = new WorkerPool(1);
        TSneSparseAffinities p = TSneAffinities.AllPairs(data, 6, 3, TSneDistance.Euclidean, 1.5, pool, CancellationToken.None);
        double[] x = [0.3, -0.8, 1.1, 0.2, -0.4, 0.9];
        double[] y = [-0.6, 0.5, 0.7, -1.2, 0.1, 0.4];
        return (p, x, y);
    }

    private static (TSneSparseAffinities P, double[] X, double[] Y, int N) MediumProblem(bool duplicates)
    {
        const int n = 150;
        (float[] data, _) = ProjectionTestData.Clusters(3, 50, 5, 4, seed: 21);
        using var pool = new WorkerPool(2);
        TSneSparseAffinities p = TSneAffinities.AllPairs(data, n, 5, TSneDistance.Euclidean, 10, pool, CancellationToken.None);
        var random = new SeededRandom(22, 0);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            int source = duplicates && i % 3 == 0 ? Math.Max(0, i - 1) : i;
            if (source != i)
            {
                x[i] = x[source];
                y[i] = y[source];
                continue;
            }

            x[i] = 5 * random.NextGaussian();
            y[i] = 5 * random.NextGaussian();
        }

        return (p, x, y, n);
    }

    /// <summary>150 Gaussian points in 5 dimensions, cosine distance, perplexity 30: every off-diagonal pair kept.</summary>
    private static (TSneSparseAffinities P, double[] X, double[] Y, int N) DenseProblem()
    {
        const int n = 150;
        var random = new SeededRandom(23, 0);
        float[] data = [.. Enumerable.Range(0, n * 5).Select(_ => (float)random.NextGaussian())];
        using var pool = new WorkerPool(2);
        float[] prepared = TSneAffinities.PrepareData(data, n, 5, TSneDistance.Cosine);
        TSneSparseAffinities p = TSneAffinities.AllPairs(prepared, n, 5, TSneDistance.Cosine, 30, pool, CancellationToken.None);
        p.Values.Length.Should().Be(n * (n - 1));
        double[] x = [.. Enumerable.Range(0, n).Select(_ => 5 * random.NextGaussian())];
        double[] y = [.. Enumerable.Range(0, n).Select(_ => 5 * random.NextGaussian())];
        return (p, x, y, n);
    }

    private static double CentralDifference(TSneGradient gradient, double[] x, double[] y, double[] coordinate, int i)
    {
        const double h = 1e-6;
        double saved = coordinate[i];
        coordinate[i] = saved + h;
        double plus = gradient.KullbackLeibler(x, y);
        coordinate[i] = saved - h;
        double minus = gradient.KullbackLeibler(x, y);
        coordinate[i] = saved;
        return (plus - minus) / (2 * h);
    }

    private static double ExaggeratedObjective(TSneSparseAffinities p, double[] x, double[] y, double alpha)
    {
        int n = x.Length;
        double z = 0, attraction = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                z += i == j ? 0 : W(x, y, i, j);
            }

            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                attraction -= alpha * p.Values[e] * Math.Log(W(x, y, i, p.Columns[e]));
            }
        }

        return attraction + Math.Log(z);
    }

    private static double RelativeError(double[] ax, double[] ay, double[] bx, double[] by)
    {
        double error = 0, norm = 0;
        for (int i = 0; i < ax.Length; i++)
        {
            error += ((ax[i] - bx[i]) * (ax[i] - bx[i])) + ((ay[i] - by[i]) * (ay[i] - by[i]));
            norm += (bx[i] * bx[i]) + (by[i] * by[i]);
        }

        return Math.Sqrt(error / norm);
    }

    private static double W(double[] x, double[] y, int i, int j)
    {
        double dx = x[i] - x[j];
        double dy = y[i] - y[j];
        return 1 / (1 + (dx * dx) + (dy * dy));
    }
}
