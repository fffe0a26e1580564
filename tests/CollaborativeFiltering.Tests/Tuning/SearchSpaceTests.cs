using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Tuning;

namespace CollaborativeFiltering.Tests.Tuning;

public sealed class SearchSpaceTests
{
    [Fact]
    public void With_ReturnsANewSpace_AndLeavesTheOriginal()
    {
        var empty = new SearchSpace<AlsOptions>(new AlsOptions());
        SearchSpace<AlsOptions> one = empty.With("Regularization", ParameterRange.LogUniform(0.01, 1), (o, x) => o with { Regularization = x });

        empty.Parameters.Should().BeEmpty();
        empty.GridSize.Should().Be(1);
        one.Parameters.Select(p => p.Name).Should().Equal("Regularization");
    }

    [Fact]
    public void GridSize_IsTheProductOfTheGridSizes()
    {
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(new AlsOptions())
            .WithInteger("Dimensions", ParameterRange.Choice(8, 16), (o, d) => o with { Dimensions = d })
            .With("Regularization", ParameterRange.LogUniform(0.01, 1, gridPoints: 5), (o, x) => o with { Regularization = x });

        space.GridSize.Should().Be(10);
    }

    [Fact]
    public void Apply_AppliesEveryValueInOrder_RoundingIntegers()
    {
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(new AlsOptions { Iterations = 7 })
            .WithInteger("Dimensions", ParameterRange.Uniform(4, 40), (o, d) => o with { Dimensions = d })
            .With("Regularization", ParameterRange.Uniform(0.01, 1), (o, x) => o with { Regularization = x });

        AlsOptions options = space.Apply([12.6, 0.25]);

        options.Dimensions.Should().Be(13);
        options.Regularization.Should().Be(0.25);
        options.Iterations.Should().Be(7, "the base options carry what is not searched");
        space.Normalize(0, 12.6).Should().Be(13);
        space.Normalize(1, 0.123).Should().Be(0.123);
    }

    [Fact]
    public void With_DuplicateOrEmptyName_Throws()
    {
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(new AlsOptions())
            .With("Regularization", ParameterRange.Uniform(0.01, 1), (o, x) => o with { Regularization = x });

        FluentActions.Invoking(() => space.With("Regularization", ParameterRange.Uniform(0.01, 1), (o, x) => o))
            .Should().Throw<ArgumentException>().WithParameterName("name").WithMessage("*already has a parameter named 'Regularization'*");
        FluentActions.Invoking(() => space.With(" ", ParameterRange.Uniform(0.01, 1), (o, x) => o))
            .Should().Throw<ArgumentException>().WithParameterName("name");
    }

    [Fact]
    public void Constructor_InvalidBaseOptions_ThrowsNamingTheOption()
    {
        FluentActions.Invoking(() => new SearchSpace<AlsOptions>(new AlsOptions { Regularization = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(AlsOptions.Regularization));
    }

    [Fact]
    public void ToString_ListsTheParametersAndRanges()
    {
        SearchSpaces.Als().ToString().Should().Be("AlsOptions: Dimensions: {16, 32, 48, 64}; Regularization: log-uniform [0.06, 0.25]; RegularizationExponent: uniform [0.25, 1]");
    }

    [Fact]
    public void DefaultSpaces_StartFromTheTrainersDefaults()
    {
        SearchSpaces.BiasedSgd().BaseOptions.Should().Be(new BiasedSgdOptions());
        SearchSpaces.Als().BaseOptions.Should().Be(new AlsOptions());
        SearchSpaces.ImplicitAls().BaseOptions.Should().Be(new ImplicitAlsOptions());
        SearchSpaces.Softmax().BaseOptions.Should().BeEquivalentTo(new CollaborativeFiltering.Neural.SoftmaxOptions());
        SearchSpaces.BiasedSgd().Parameters.Select(p => p.Name).Should().Equal("Dimensions", "Regularization", "LearningRate", "InitStdDev");
    }
}
