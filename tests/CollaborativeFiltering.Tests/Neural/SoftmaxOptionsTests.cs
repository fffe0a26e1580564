using CollaborativeFiltering.Neural;

namespace CollaborativeFiltering.Tests.Neural;

public sealed class SoftmaxOptionsTests
{
    [Fact]
    public void Defaults_AreTheCoursesArchitectureBatchAndOptimizerWithInputDropout()
    {
        var options = new SoftmaxOptions();

        options.Dimensions.Should().Be(35);
        options.HiddenLayerSizes.Should().Equal(35);
        options.ItemEmbeddingDimensions.Should().Be(35);
        options.GenreEmbeddingDimensions.Should().Be(3);
        options.YearEmbeddingDimensions.Should().Be(2);
        options.BatchSize.Should().Be(200);
        options.Iterations.Should().Be(3000);
        options.Optimizer.Should().Be(SoftmaxOptimizer.Adagrad);
        options.EffectiveLearningRate.Should().Be(8);
        options.EffectiveDenseWeightScale.Should().Be(10);
        options.InputDropout.Should().Be(0.5);
        options.ShareItemEmbeddings.Should().BeFalse();
        options.UseGenres.Should().BeFalse();
        options.UseReleaseYears.Should().BeFalse();
        options.UseItemBiases.Should().BeFalse();
        options.MaxDegreeOfParallelism.Should().Be(-1);
    }

    [Fact]
    public void EffectiveLearningRate_DependsOnTheOptimizerUnlessSet()
    {
        new SoftmaxOptions { Optimizer = SoftmaxOptimizer.Adagrad }.EffectiveLearningRate.Should().Be(8);
        new SoftmaxOptions { Optimizer = SoftmaxOptimizer.Adam }.EffectiveLearningRate.Should().Be(0.001);
        new SoftmaxOptions { Optimizer = SoftmaxOptimizer.Adagrad, LearningRate = 0.3 }.EffectiveLearningRate.Should().Be(0.3);
        new SoftmaxOptions { LearningRate = 0.01 }.EffectiveLearningRate.Should().Be(0.01);
    }

    [Fact]
    public void EffectiveDenseWeightScale_DependsOnTheOptimizerUnlessSet()
    {
        new SoftmaxOptions { Optimizer = SoftmaxOptimizer.Adagrad }.EffectiveDenseWeightScale.Should().Be(10);
        new SoftmaxOptions { Optimizer = SoftmaxOptimizer.Adam }.EffectiveDenseWeightScale.Should().Be(1);
        new SoftmaxOptions { Optimizer = SoftmaxOptimizer.Adam, DenseWeightScale = 10 }.EffectiveDenseWeightScale.Should().Be(10);
        new SoftmaxOptions { DenseWeightScale = 2.5 }.EffectiveDenseWeightScale.Should().Be(2.5);
    }

    public static TheoryData<string, SoftmaxOptions> InvalidOptions => new()
    {
        { nameof(SoftmaxOptions.Dimensions), new SoftmaxOptions { Dimensions = 0 } },
        { nameof(SoftmaxOptions.Dimensions), new SoftmaxOptions { Dimensions = SoftmaxOptions.MaxLayerSize + 1 } },
        { nameof(SoftmaxOptions.HiddenLayerSizes), new SoftmaxOptions { HiddenLayerSizes = [35, 0] } },
        { nameof(SoftmaxOptions.HiddenLayerSizes), new SoftmaxOptions { HiddenLayerSizes = null! } },
        { nameof(SoftmaxOptions.HiddenLayerSizes), new SoftmaxOptions { HiddenLayerSizes = Enumerable.Repeat(4, SoftmaxOptions.MaxHiddenLayers + 1).ToArray() } },
        { nameof(SoftmaxOptions.ItemEmbeddingDimensions), new SoftmaxOptions { ItemEmbeddingDimensions = -1 } },
        { nameof(SoftmaxOptions.ItemEmbeddingDimensions), new SoftmaxOptions { ShareItemEmbeddings = true, ItemEmbeddingDimensions = 20 } },
        { nameof(SoftmaxOptions.GenreEmbeddingDimensions), new SoftmaxOptions { GenreEmbeddingDimensions = 0 } },
        { nameof(SoftmaxOptions.YearEmbeddingDimensions), new SoftmaxOptions { YearEmbeddingDimensions = 0 } },
        { nameof(SoftmaxOptions.YearBucketWidth), new SoftmaxOptions { YearBucketWidth = 0 } },
        { nameof(SoftmaxOptions.InputDropout), new SoftmaxOptions { InputDropout = 1 } },
        { nameof(SoftmaxOptions.InputDropout), new SoftmaxOptions { InputDropout = double.NaN } },
        { nameof(SoftmaxOptions.BatchSize), new SoftmaxOptions { BatchSize = 0 } },
        { nameof(SoftmaxOptions.Iterations), new SoftmaxOptions { Iterations = 0 } },
        { nameof(SoftmaxOptions.Optimizer), new SoftmaxOptions { Optimizer = (SoftmaxOptimizer)7 } },
        { nameof(SoftmaxOptions.LearningRate), new SoftmaxOptions { LearningRate = 0 } },
        { nameof(SoftmaxOptions.LearningRate), new SoftmaxOptions { LearningRate = double.PositiveInfinity } },
        { nameof(SoftmaxOptions.DenseWeightScale), new SoftmaxOptions { DenseWeightScale = 0 } },
        { nameof(SoftmaxOptions.DenseWeightScale), new SoftmaxOptions { DenseWeightScale = double.NaN } },
        { nameof(SoftmaxOptions.DenseWeightScale), new SoftmaxOptions { DenseWeightScale = double.PositiveInfinity } },
        { nameof(SoftmaxOptions.InitStdDev), new SoftmaxOptions { InitStdDev = -0.1 } },
        { nameof(SoftmaxOptions.ReportInterval), new SoftmaxOptions { ReportInterval = 0 } },
        { nameof(SoftmaxOptions.MaxDegreeOfParallelism), new SoftmaxOptions { MaxDegreeOfParallelism = 0 } },
        { nameof(SoftmaxOptions.MaxDegreeOfParallelism), new SoftmaxOptions { MaxDegreeOfParallelism = -2 } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Recommender_InvalidOption_ThrowsNamingIt(string option, SoftmaxOptions options)
    {
        var act = () => new SoftmaxTrainer(options);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
    }

    [Fact]
    public void HiddenLayerSizes_IsCopiedWhenSet_SoValidatedOptionsCannotChange()
    {
        var sizes = new List<int> { 16, 8 };
        var options = new SoftmaxOptions { HiddenLayerSizes = sizes };
        var trainer = new SoftmaxTrainer(options);

        sizes[1] = -5;
        sizes.Add(4);

        trainer.Options.HiddenLayerSizes.Should().Equal(16, 8);
        ((IList<int>)options.HiddenLayerSizes).IsReadOnly.Should().BeTrue();
    }

    [Fact]
    public void Recommender_HiddenLayerOutOfRange_MessageNamesTheLayer()
    {
        var act = () => new SoftmaxTrainer(new SoftmaxOptions { HiddenLayerSizes = [35, 16, -3] });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*layer 2 has -3*");
    }
}
