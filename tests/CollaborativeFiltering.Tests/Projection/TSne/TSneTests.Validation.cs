using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Projection;

namespace CollaborativeFiltering.Tests.Projection;

public sealed partial class TSneTests
{
    public static TheoryData<TSneOptions, string> InvalidOptions => new()
    {
        { new TSneOptions { Perplexity = 0.5 }, nameof(TSneOptions.Perplexity) },
        { new TSneOptions { Perplexity = double.NaN }, nameof(TSneOptions.Perplexity) },
        { new TSneOptions { Perplexity = double.PositiveInfinity }, nameof(TSneOptions.Perplexity) },
        { new TSneOptions { EarlyExaggeration = 0.9 }, nameof(TSneOptions.EarlyExaggeration) },
        { new TSneOptions { Iterations = 0 }, nameof(TSneOptions.Iterations) },
        { new TSneOptions { EarlyExaggerationIterations = -1 }, nameof(TSneOptions.EarlyExaggerationIterations) },
        { new TSneOptions { Iterations = 100, EarlyExaggerationIterations = 101 }, nameof(TSneOptions.EarlyExaggerationIterations) },
        { new TSneOptions { LearningRate = 0 }, nameof(TSneOptions.LearningRate) },
        { new TSneOptions { LearningRate = double.NaN }, nameof(TSneOptions.LearningRate) },
        { new TSneOptions { InitialMomentum = 1 }, nameof(TSneOptions.InitialMomentum) },
        { new TSneOptions { FinalMomentum = -0.1 }, nameof(TSneOptions.FinalMomentum) },
        { new TSneOptions { Distance = (TSneDistance)7 }, nameof(TSneOptions.Distance) },
        { new TSneOptions { Theta = 1.5 }, nameof(TSneOptions.Theta) },
        { new TSneOptions { Theta = double.NaN }, nameof(TSneOptions.Theta) },
        { new TSneOptions { Method = (TSneMethod)9 }, nameof(TSneOptions.Method) },
        { new TSneOptions { Initialization = (TSneInitialization)3 }, nameof(TSneOptions.Initialization) },
        { new TSneOptions { MaxDegreeOfParallelism = 0 }, nameof(TSneOptions.MaxDegreeOfParallelism) },
        { new TSneOptions { MaxDegreeOfParallelism = -2 }, nameof(TSneOptions.MaxDegreeOfParallelism) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_InvalidOption_ThrowsNamingIt(TSneOptions options, string option)
    {
        Action act = () => _ = new TSne(options);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == option && e.Message.StartsWith(option + " must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_Defaults_AreScikitLearns()
    {
        var options = new TSne().Options;

        options.Should().Be(new TSneOptions());
        options.Perplexity.Should().Be(30);
        options.EarlyExaggeration.Should().Be(12);
        options.EarlyExaggerationIterations.Should().Be(250);
        options.Iterations.Should().Be(1000);
        options.LearningRate.Should().BeNull();
        options.InitialMomentum.Should().Be(0.5);
        options.FinalMomentum.Should().Be(0.8);
        options.Theta.Should().Be(0.5);
        options.Method.Should().Be(TSneMethod.Auto);
        options.Distance.Should().Be(TSneDistance.Euclidean);
        options.Initialization.Should().Be(TSneInitialization.Pca);
    }

    [Fact]
    public void Project_OnePoint_ThrowsNamingRows()
    {
        Action act = () => new TSne().Project(new float[3], 1, 3);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("rows");
    }

    [Fact]
    public void ProjectItems_OneItemOrNull_ThrowsNamingModel()
    {
        FactorizationModel model = FactorizationModel.FromEmbeddings(new Catalog(IdMap.Sequential(1), IdMap.Sequential(1)), 2, [1, 2], [3, 4]);

        Action oneItem = () => new TSne().ProjectItems(model);
        Action none = () => new TSne().ProjectItems(null!);

        oneItem.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("model");
        none.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("model");
    }

    [Fact]
    public void Project_InfiniteValue_ThrowsNamingData()
    {
        float[] data = [1, 2, 3, float.PositiveInfinity, 5, 6];

        Action act = () => new TSne().Project(data, 3, 2);

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "data" && e.Message.Contains("row 1, column 1"));
    }

    [Fact]
    public void Project_ExtremeLearningRate_ThrowsDivergedNamingLearningRate()
    {
        // Two far-apart pairs: a huge step overflows the coordinates.
        float[] data = [0, 0, 0.1f, 0, 1000, 0, 1000.1f, 0];

        Action act = () => new TSne(new TSneOptions { LearningRate = 1e308, Method = TSneMethod.Exact, Initialization = TSneInitialization.Random, Iterations = 50, EarlyExaggerationIterations = 10 }).Project(data, 4, 2);

        act.Should().Throw<InvalidOperationException>().Where(e => e.Message.Contains(nameof(TSneOptions.LearningRate)));
    }
}
