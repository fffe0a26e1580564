using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Projection;
using CollaborativeFiltering.Tests.Factorization;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tests.Projection;

public sealed partial class TSneTests
{
    // 5 clusters × 60 points in 20-D, centres ~ N(0, 10²) (≈ 63 apart) and unit spread inside (≈ 6 across).
    private static readonly (float[] Data, int[] Labels) FiveClusters = ProjectionTestData.Clusters(5, 60, 20, 10, seed: 3);

    // The first 100 points of FiveClusters: 20 per cluster.
    private static readonly float[] Hundred = FiveClusters.Data[..(100 * 20)];

    private static TSneOptions Short => new() { Iterations = 200, EarlyExaggerationIterations = 100, MaxDegreeOfParallelism = 2 };

    [Theory]
    [InlineData(TSneMethod.Exact)]
    [InlineData(TSneMethod.BarnesHut)]
    public void Project_FiveSeparatedClusters_KeepsClustersApart(TSneMethod method)
    {
        TSneProjection map = new TSne(Short with { Method = method, Iterations = 150, EarlyExaggerationIterations = 50 }).Project(FiveClusters.Data, 300, 20);

        // Measured: purity 1.000 and preservation ≈ 0.47–0.49 for both methods.
        map.Method.Should().Be(method);
        ProjectionTestData.NeighborPurity(map.Coordinates, 2, FiveClusters.Labels, 5).Should().BeGreaterThanOrEqualTo(0.99);
        ProjectionTestData.NeighborPreservation(FiveClusters.Data, 20, map.Coordinates, 10).Should().BeGreaterThanOrEqualTo(0.4);
        map.KullbackLeiblerDivergence.Should().BeInRange(0, 1);
        map.Coordinates.ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void Project_CosineDistance_IgnoresNormsWhereEuclideanDoesNot()
    {
        // Group 0 ≈ e1, group 1 ≈ 10·e1 (same direction, ten times the norm), group 2 ≈ e2; 40 points each.
        var random = new SeededRandom(4, 0);
        var data = new float[120 * 10];
        var groups = new int[120];
        for (int i = 0; i < 120; i++)
        {
            int g = i % 3;
            groups[i] = g;
            double scale = g == 1 ? 10 : 1;
            int axis = g == 2 ? 1 : 0;
            for (int j = 0; j < 10; j++)
            {
                data[(i * 10) + j] = (float)(scale * ((j == axis ? 1 : 0) + (0.1 * random.NextGaussian())));
            }
        }

        int[] directions = Array.ConvertAll(groups, g => g == 2 ? 1 : 0);
        TSneOptions options = Short with { Iterations = 150, EarlyExaggerationIterations = 50 };

        TSneProjection cosine = new TSne(options with { Distance = TSneDistance.Cosine }).Project(data, 120, 10);
        TSneProjection euclidean = new TSne(options with { Distance = TSneDistance.Euclidean }).Project(data, 120, 10);

        ProjectionTestData.NeighborPurity(cosine.Coordinates, 2, directions, 5).Should().BeGreaterThanOrEqualTo(0.95);
        ProjectionTestData.NeighborPurity(cosine.Coordinates, 2, groups, 5).Should().BeLessThan(0.8, "groups 0 and 1 are one cluster for the cosine distance");
        ProjectionTestData.NeighborPurity(euclidean.Coordinates, 2, groups, 5).Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Theory]
    [InlineData(TSneMethod.Exact)]
    [InlineData(TSneMethod.BarnesHut)]
    public void Project_CosineWithZeroVectors_GivesFiniteMap(TSneMethod method)
    {
        (float[] data, _) = ProjectionTestData.Clusters(3, 20, 8, 5, seed: 8);
        Array.Clear(data, 0, 8);
        Array.Clear(data, 5 * 8, 8);
        Array.Clear(data, 9 * 8, 8);

        TSneProjection map = new TSne(Short with { Distance = TSneDistance.Cosine, Method = method, Iterations = 100, EarlyExaggerationIterations = 50 }).Project(data, 60, 8);

        map.Coordinates.ToArray().Should().OnlyContain(v => double.IsFinite(v));
        double.IsFinite(map.KullbackLeiblerDivergence).Should().BeTrue();
    }

    [Theory]
    [InlineData(TSneMethod.Exact, TSneInitialization.Pca)]
    [InlineData(TSneMethod.BarnesHut, TSneInitialization.Pca)]
    [InlineData(TSneMethod.BarnesHut, TSneInitialization.Random)]
    public void Project_SameSeedAnyThreadCount_GivesIdenticalMaps(TSneMethod method, TSneInitialization initialization)
    {
        TSneOptions options = Short with { Method = method, Initialization = initialization, Iterations = 80, EarlyExaggerationIterations = 40, Perplexity = 10, Seed = 17 };

        double[] first = new TSne(options).Project(Hundred, 100, 20).Coordinates.ToArray();
        double[] again = new TSne(options).Project(Hundred, 100, 20).Coordinates.ToArray();
        double[] oneThread = new TSne(options with { MaxDegreeOfParallelism = 1 }).Project(Hundred, 100, 20).Coordinates.ToArray();

        again.Should().Equal(first);
        oneThread.Should().Equal(first);
    }

    [Fact]
    public void Project_RandomInitializationOtherSeed_GivesAnotherMap()
    {
        TSneOptions options = Short with { Initialization = TSneInitialization.Random, Iterations = 20, EarlyExaggerationIterations = 10 };

        double[] a = new TSne(options with { Seed = 1 }).Project(Hundred, 100, 20).Coordinates.ToArray();
        double[] b = new TSne(options with { Seed = 2 }).Project(Hundred, 100, 20).Coordinates.ToArray();

        a.Should().NotEqual(b);
    }

    [Fact]
    public void Project_Defaults_ResolveAutoMethodAndLearningRate()
    {
        TSneProjection small = new TSne(Short with { Iterations = 10, EarlyExaggerationIterations = 5 }).Project(FiveClusters.Data, 300, 20);

        small.Method.Should().Be(TSneMethod.Exact);
        small.LearningRate.Should().Be(50);
        small.EffectivePerplexity.Should().Be(30);
        small.Rows.Should().Be(300);
        small.Coordinates.Length.Should().Be(600);
        small.GetCoordinates(4).ToArray().Should().Equal(small.Coordinates[8], small.Coordinates[9]);
        new TSne(Short with { Iterations = 1, EarlyExaggerationIterations = 1, EarlyExaggeration = 1 }).Project(FiveClusters.Data, 300, 20)
            .LearningRate.Should().Be(75, "auto = max(N / EarlyExaggeration / 4, 50) = 300 / 1 / 4");
        new TSne(Short with { Iterations = 1, EarlyExaggerationIterations = 1, LearningRate = 321 }).Project(Hundred, 100, 20)
            .LearningRate.Should().Be(321);
    }

    [Theory]
    [InlineData(2, 1.0)]
    [InlineData(10, 3.0)]
    [InlineData(31, 10.0)]
    public void Project_FewPoints_ClampsPerplexity(int rows, double expected)
    {
        (float[] data, _) = ProjectionTestData.Clusters(1, rows, 3, 1, seed: 2);

        TSneProjection map = new TSne(new TSneOptions { Perplexity = 30, Iterations = 20, EarlyExaggerationIterations = 10 }).Project(data, rows, 3);

        map.EffectivePerplexity.Should().Be(expected);
        map.Coordinates.ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void Project_DuplicatePointsBarnesHut_GivesFiniteMap()
    {
        var data = new float[100 * 3];
        for (int i = 0; i < 100; i++)
        {
            data[i * 3] = i % 4; // 4 distinct positions, 25 copies each
        }

        TSneProjection map = new TSne(Short with { Method = TSneMethod.BarnesHut, Perplexity = 5, Iterations = 100, EarlyExaggerationIterations = 50 }).Project(data, 100, 3);

        map.Coordinates.ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void Project_Progress_ReportsEveryIteration()
    {
        var progress = new RecordingProgress();

        new TSne(Short with { Iterations = 30, EarlyExaggerationIterations = 10 }).Project(Hundred, 100, 20, progress);

        progress.Values.Should().Equal(Enumerable.Range(1, 30));
    }

    [Fact]
    public void Project_CancelledBeforeStart_Throws()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();

        Action act = () => new TSne(Short).Project(Hundred, 100, 20, cancellationToken: source.Token);

        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Project_CancelledDuringIterations_StopsAtNextIteration()
    {
        using var source = new CancellationTokenSource();
        var progress = new RecordingProgress(5, source);

        Action act = () => new TSne(Short).Project(Hundred, 100, 20, progress, source.Token);

        act.Should().Throw<OperationCanceledException>();
        progress.Values.Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public void ProjectItems_Model_MapsItemEmbeddings()
    {
        (float[] data, _) = ProjectionTestData.Clusters(2, 10, 4, 5, seed: 6);
        var catalog = new Catalog(IdMap.Sequential(1), IdMap.Sequential(20));
        FactorizationModel model = FactorizationModel.FromEmbeddings(catalog, 4, new float[4], data);
        TSne tsne = new(Short with { Iterations = 50, EarlyExaggerationIterations = 20 });

        TSneProjection viaModel = tsne.ProjectItems(model);

        viaModel.Coordinates.ToArray().Should().Equal(tsne.Project(data, 20, 4).Coordinates.ToArray());
    }

    private sealed class RecordingProgress(int cancelAt = 0, CancellationTokenSource? source = null) : IProgress<int>
    {
        public List<int> Values { get; } = [];

        public void Report(int value)
        {
            Values.Add(value);
            if (value == cancelAt)
            {
                source!.Cancel();
            }
        }
    }

    [Fact]
    public void Project_WithLogger_LogsEachPhase()
    {
        var logger = new ListLogger();
        TSneOptions options = Short with { Method = TSneMethod.BarnesHut, Iterations = 250, EarlyExaggerationIterations = 50 };

        TSneProjection map = new TSne(options, logger).Project(Hundred, 100, 20);

        // Start, affinities, end of exaggeration (50), progress at 100 and 200, completion.
        logger.Events.Select(e => e.Id).Should().Equal(7300, 7301, 7302, 7303, 7303, 7304);
        logger.Events.Select(e => e.Level).Should().Equal(
            LogLevel.Information, LogLevel.Information, LogLevel.Debug, LogLevel.Debug, LogLevel.Debug, LogLevel.Information);
        logger.Events[0].Message.Should().StartWith("t-SNE: mapping 100 points of 20 dimensions (Euclidean distance), BarnesHut gradient, perplexity ")
            .And.Contain("250 iterations of which 50 exaggerated");
        logger.Events[1].Message.Should().StartWith("t-SNE: input affinities of 100 points computed in ");
        logger.Events[2].Message.Should().StartWith("t-SNE: early exaggeration ended after iteration 50; KL divergence ");
        logger.Events[3].Message.Should().StartWith("t-SNE: iteration 100/250; KL divergence ");
        logger.Events[4].Message.Should().StartWith("t-SNE: iteration 200/250; KL divergence ");
        logger.Events[5].Message.Should().StartWith("t-SNE: 250 iterations in ").And.EndWith("KL divergence " + Display.Number(map.KullbackLeiblerDivergence));
    }

    [Fact]
    public void Project_Cancelled_LogsTheCancellation()
    {
        using var cts = new CancellationTokenSource();
        var logger = new ListLogger();
        var progress = new CancelAt(cts, 30);

        var act = () => new TSne(Short, logger).Project(Hundred, 100, 20, progress, cts.Token);

        act.Should().Throw<OperationCanceledException>();
        logger.Events.Select(e => e.Id).Should().Equal(7300, 7301, 7305);
        logger.Events[^1].Message.Should().Be("t-SNE: cancelled after 30 iterations");
    }

    private sealed class CancelAt(CancellationTokenSource source, int iteration) : IProgress<int>
    {
        public void Report(int value)
        {
            if (value == iteration)
            {
                source.Cancel();
            }
        }
    }
}
