using CollaborativeFiltering.Tuning;

namespace CollaborativeFiltering.Tests.Tuning;

public sealed class SearchStrategyTests
{
    [Fact]
    public void SuccessiveHalving_Defaults_ThreeRungsOfAThirdAndAThird()
    {
        SuccessiveHalvingSearch halving = SearchStrategy.SuccessiveHalving();

        (halving.Trials, halving.ReductionFactor, halving.Rungs).Should().Be((27, 3, 3));
        Enumerable.Range(0, 3).Select(r => halving.Budget(r, 60)).Should().Equal(7, 20, 60);
        Enumerable.Range(0, 3).Select(halving.Survivors).Should().Equal(27, 9, 3);
        halving.ToString().Should().Be("successive halving, 27 draws, factor 3, 3 rungs");
    }

    [Fact]
    public void SuccessiveHalving_SmallBudget_GivesAtLeastOneIteration()
    {
        SearchStrategy.SuccessiveHalving(10, 4, 4).Budget(0, 15).Should().Be(1);
    }

    [Fact]
    public void Factories_InvalidArguments_ThrowNamingThem()
    {
        FluentActions.Invoking(() => SearchStrategy.Random(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("trials");
        FluentActions.Invoking(() => SearchStrategy.SuccessiveHalving(reductionFactor: 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("reductionFactor");
        FluentActions.Invoking(() => SearchStrategy.SuccessiveHalving(rungs: 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("rungs");
    }

    [Fact]
    public void Records_CompareByValue()
    {
        SearchStrategy.Random(5).Should().Be(SearchStrategy.Random(5));
        SearchStrategy.Grid().Should().Be(SearchStrategy.Grid());
        SearchStrategy.SuccessiveHalving(9).Should().NotBe(SearchStrategy.SuccessiveHalving(27));
    }
}
