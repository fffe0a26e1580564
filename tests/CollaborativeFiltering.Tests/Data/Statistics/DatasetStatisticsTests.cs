using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public partial class DatasetStatisticsTests
{
    private const double Tol = 1e-12;

    /// <summary>
    /// Users u1..u4 (u4 without ratings), items a..d (d without ratings):
    /// u1: a 5, b 3, c 4;  u2: a 4, b 2;  u3: a 1.
    /// </summary>
    private static RatingsDataset Small()
    {
        var items = new IdMap(["a", "b", "c", "d"]);
        var infos = new[]
        {
            new ItemInfo("a", "Alpha (1995)", null, 1995, ["Action", "Comedy"]),
            new ItemInfo("b", "Beta (1996)", null, 1996, ["Comedy"]),
            new ItemInfo("c", "Gamma (1997)", null, 1997, []),
            new ItemInfo("d", "Delta (1998)", null, 1998, ["Drama", "Comedy"]),
        };
        var catalog = new Catalog(new IdMap(["u1", "u2", "u3", "u4"]), items, itemInfos: infos, genres: ["Action", "Adventure", "Comedy", "Drama"]);
        return new RatingsDatasetBuilder(catalog)
            .Add("u1", "a", 5).Add("u1", "b", 3).Add("u1", "c", 4)
            .Add("u2", "a", 4).Add("u2", "b", 2)
            .Add("u3", "a", 1)
            .Build();
    }

    [Fact]
    public void UserAndItemRatingCounts_HandComputed()
    {
        var ds = Small();
        DatasetStatistics.UserRatingCounts(ds).Should().Equal(3, 2, 1, 0);
        DatasetStatistics.ItemRatingCounts(ds).Should().Equal(3, 2, 1, 0);
    }

    [Fact]
    public void UserMeanRatings_HandComputed_NaNForUserWithoutRatings()
    {
        var means = DatasetStatistics.UserMeanRatings(Small());
        means.Should().HaveCount(4);
        means[0].Should().BeApproximately(4.0, Tol);
        means[1].Should().BeApproximately(3.0, Tol);
        means[2].Should().BeApproximately(1.0, Tol);
        double.IsNaN(means[3]).Should().BeTrue();
    }

    [Fact]
    public void ItemMeanRatings_HandComputed_NaNForItemWithoutRatings()
    {
        var means = DatasetStatistics.ItemMeanRatings(Small());
        means[0].Should().BeApproximately(10.0 / 3, Tol);
        means[1].Should().BeApproximately(2.5, Tol);
        means[2].Should().BeApproximately(4.0, Tol);
        double.IsNaN(means[3]).Should().BeTrue();
    }

    [Fact]
    public void GlobalMean_HandComputed()
    {
        DatasetStatistics.GlobalMean(Small()).Should().BeApproximately(19.0 / 6, Tol);
    }

    [Fact]
    public void GlobalMean_EmptyDataset_ThrowsNamingDataset()
    {
        FluentActions.Invoking(() => DatasetStatistics.GlobalMean(RatingsDataset.Empty(Catalog.Sequential(1, 1))))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("dataset");
    }

    [Fact]
    public void Describe_OneToFourAndTen_MatchesPandas()
    {
        // pandas.Series([1, 2, 3, 4, 10]).describe()
        var s = DatasetStatistics.Describe([10.0, 1, 4, 3, 2]);
        s.Count.Should().Be(5);
        s.Mean.Should().BeApproximately(4.0, Tol);
        s.StandardDeviation.Should().BeApproximately(Math.Sqrt(12.5), Tol);
        s.StandardDeviation.Should().BeApproximately(3.5355339, 1e-7);
        s.Min.Should().Be(1);
        s.Percentile25.Should().BeApproximately(2, Tol);
        s.Median.Should().BeApproximately(3, Tol);
        s.Percentile75.Should().BeApproximately(4, Tol);
        s.Max.Should().Be(10);
    }

    [Fact]
    public void Describe_FourValues_InterpolatesPercentilesLinearly()
    {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25]
        var s = DatasetStatistics.Describe([4.0, 3, 2, 1]);
        s.Percentile25.Should().BeApproximately(1.75, Tol);
        s.Median.Should().BeApproximately(2.5, Tol);
        s.Percentile75.Should().BeApproximately(3.25, Tol);
        s.StandardDeviation.Should().BeApproximately(Math.Sqrt(5.0 / 3), Tol);
    }

    [Fact]
    public void Describe_SkipsNaNsLikePandas()
    {
        var s = DatasetStatistics.Describe([double.NaN, 1, double.NaN, 3]);
        s.Count.Should().Be(2);
        s.Mean.Should().BeApproximately(2, Tol);
        s.StandardDeviation.Should().BeApproximately(Math.Sqrt(2), Tol);
        s.Percentile25.Should().BeApproximately(1.5, Tol);
        s.Median.Should().BeApproximately(2, Tol);
        s.Percentile75.Should().BeApproximately(2.5, Tol);
        s.Min.Should().Be(1);
        s.Max.Should().Be(3);
    }

    [Fact]
    public void Describe_SingleValue_StdIsNaN()
    {
        var s = DatasetStatistics.Describe([7.5]);
        s.Count.Should().Be(1);
        s.Mean.Should().Be(7.5);
        double.IsNaN(s.StandardDeviation).Should().BeTrue();
        s.Min.Should().Be(7.5);
        s.Percentile25.Should().Be(7.5);
        s.Median.Should().Be(7.5);
        s.Percentile75.Should().Be(7.5);
        s.Max.Should().Be(7.5);
    }

    [Fact]
    public void Describe_EmptyOrAllNaN_ThrowsNamingValues()
    {
        FluentActions.Invoking(() => DatasetStatistics.Describe(ReadOnlySpan<double>.Empty))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("values");
        FluentActions.Invoking(() => DatasetStatistics.Describe([double.NaN, double.NaN]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("values");
        FluentActions.Invoking(() => DatasetStatistics.Describe(ReadOnlySpan<int>.Empty))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("values");
    }

    [Fact]
    public void Describe_Ints_UserRatingCounts()
    {
        // counts 3, 2, 1, 0
        var s = DatasetStatistics.Describe(DatasetStatistics.UserRatingCounts(Small()));
        s.Count.Should().Be(4);
        s.Mean.Should().BeApproximately(1.5, Tol);
        s.StandardDeviation.Should().BeApproximately(Math.Sqrt(5.0 / 3), Tol);
        s.Min.Should().Be(0);
        s.Percentile25.Should().BeApproximately(0.75, Tol);
        s.Median.Should().BeApproximately(1.5, Tol);
        s.Percentile75.Should().BeApproximately(2.25, Tol);
        s.Max.Should().Be(3);
    }

    [Fact]
    public void Describe_Floats_RatingValues()
    {
        // ratings 5, 3, 4, 4, 2, 1 -> sorted 1 2 3 4 4 5
        var s = DatasetStatistics.Describe(Small().ByUser.Values);
        s.Count.Should().Be(6);
        s.Mean.Should().BeApproximately(19.0 / 6, Tol);
        s.Percentile25.Should().BeApproximately(2.25, Tol); // position 1.25
        s.Median.Should().BeApproximately(3.5, Tol); // position 2.5
        s.Percentile75.Should().BeApproximately(4, Tol); // position 3.75 between 4 and 4
        s.StandardDeviation.Should().BeApproximately(Math.Sqrt(390.0 / 36 / 5), Tol); // deviations 11, -1, 5, 5, -7, -13 sixths
    }

    [Fact]
    public void Summary_ToString_UsesInvariantDigitsPandasLabelsAndFourSignificantDigits()
    {
        DatasetStatistics.Describe([1.5, 2.5]).ToString()
            .Should().Be("count=2, mean=2, std=0.7071, min=1.5, 25%=1.75, 50%=2, 75%=2.25, max=2.5");
    }

    [Fact]
    public void MostRated_SortsByCountThenIndex_SkipsUnratedItems()
    {
        var top = DatasetStatistics.MostRated(Small(), 10);

        top.Select(s => s.Id).Should().Equal("a", "b", "c");
        top[0].Should().Be(new ItemRatingSummary(I(0), "a", "Alpha (1995)", 3, top[0].MeanRating));
        top[0].MeanRating.Should().BeApproximately(10.0 / 3, Tol);
        top[1].RatingCount.Should().Be(2);
        top[1].MeanRating.Should().BeApproximately(2.5, Tol);
        DatasetStatistics.MostRated(Small(), 2).Select(s => s.Title).Should().Equal("Alpha (1995)", "Beta (1996)");
    }

    private static RatingsDataset Ties()
    {
        // items x, y, z, w: x has one 4; y and z two 4s each; w two ratings averaging 3
        return new RatingsDatasetBuilder()
            .Add("1", "x", 4)
            .Add("1", "y", 4).Add("2", "y", 4)
            .Add("2", "w", 2).Add("3", "w", 4)
            .Add("1", "z", 4).Add("3", "z", 4)
            .Build();
    }

    [Fact]
    public void MostRated_EqualCounts_SmallerIndexFirst_TitleFallsBackToId()
    {
        var top = DatasetStatistics.MostRated(Ties(), 3);
        top.Select(s => s.Id).Should().Equal("y", "w", "z");
        top.Select(s => s.Title).Should().Equal("y", "w", "z");
    }

    [Fact]
    public void BestRated_SortsByMeanThenCountThenIndex()
    {
        var best = DatasetStatistics.BestRated(Ties(), 1, 10);
        best.Select(s => s.Id).Should().Equal("y", "z", "x", "w");
        best[3].MeanRating.Should().BeApproximately(3, Tol);
    }

    [Fact]
    public void BestRated_MinimumCount_FiltersItems()
    {
        DatasetStatistics.BestRated(Ties(), 2, 10).Select(s => s.Id).Should().Equal("y", "z", "w");
        DatasetStatistics.BestRated(Small(), 2, 10).Select(s => s.Id).Should().Equal("a", "b");
        DatasetStatistics.BestRated(Small(), 1, 1).Select(s => s.Id).Should().Equal("c");
        DatasetStatistics.BestRated(Small(), 4, 10).Should().BeEmpty();
    }

    [Fact]
    public void MostAndBestRated_NonPositiveArguments_ThrowNamingThem()
    {
        var ds = Small();
        FluentActions.Invoking(() => DatasetStatistics.MostRated(ds, 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("count");
        FluentActions.Invoking(() => DatasetStatistics.BestRated(ds, 0, 5)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("minimumCount");
        FluentActions.Invoking(() => DatasetStatistics.BestRated(ds, 21, -1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("count");
    }

    [Fact]
    public void GenreOccurrences_CountsItemsInVocabularyOrder()
    {
        DatasetStatistics.GenreOccurrences(Small().Catalog).Should().Equal(
            new GenreCount("Action", 1),
            new GenreCount("Adventure", 0),
            new GenreCount("Comedy", 3),
            new GenreCount("Drama", 1));
    }

    [Fact]
    public void GenreOccurrences_NoVocabulary_OrderOfFirstAppearance()
    {
        var catalog = new Catalog(IdMap.Sequential(1), new IdMap(["a", "b"]), itemInfos:
        [
            new ItemInfo("a", "A", null, null, ["Drama", "War"]),
            new ItemInfo("b", "B", null, null, ["War", "Comedy"]),
        ]);
        DatasetStatistics.GenreOccurrences(catalog).Should().Equal(
            new GenreCount("Drama", 1), new GenreCount("War", 2), new GenreCount("Comedy", 1));
    }

    [Fact]
    public void GenreOccurrences_GenreMissingFromVocabulary_AppendedAfterIt()
    {
        var catalog = new Catalog(IdMap.Sequential(1), new IdMap(["a"]),
            itemInfos: [new ItemInfo("a", "A", null, null, ["Noir", "Drama"])], genres: ["Drama"]);
        DatasetStatistics.GenreOccurrences(catalog).Should().Equal(new GenreCount("Drama", 1), new GenreCount("Noir", 1));
    }

    [Fact]
    public void GenreOccurrences_NoMetadata_Empty()
    {
        DatasetStatistics.GenreOccurrences(Catalog.Sequential(2, 2)).Should().BeEmpty();
    }
}
