using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Reliability;

/// <summary>
/// Issue 10, point 2: no option or parameter value can crash the process. Each case below crashed
/// (access violation, SIGSEGV), overflowed or ran out of memory before; each is now an
/// <see cref="ArgumentOutOfRangeException"/> naming the option, raised before any work.
/// </summary>
public sealed class SizeLimitsTests
{
    private static RatingsDataset Small() => SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 20, Items = 30, Ratings = 300, MinRatingsPerUser = 5, Seed = 1 }).Dataset;

    [Theory]
    [InlineData(65_536)]
    [InlineData(46_341)]
    [InlineData(int.MaxValue)]
    public void Factorizers_DimensionsBeyondTheLimit_ThrowNamingDimensions(int d)
    {
        Action[] constructions =
        [
            () => _ = new AlsFactorizer(new AlsOptions { Dimensions = d, Iterations = 1 }),
            () => _ = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = d, Iterations = 1 }),
            () => _ = new RegularizedFactorizer(new RegularizedOptions { Dimensions = d, Iterations = 1 }),
            () => _ = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = d, Iterations = 1 }),
            () => _ = new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = d, Iterations = 1 }),
            () => _ = new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = d, Iterations = 1 }),
            () => _ = new BprFactorizer(new BprOptions { Dimensions = d, Iterations = 1 }),
            () => _ = new SoftmaxTrainer(new SoftmaxOptions { Dimensions = d, Iterations = 1 }),
        ];

        foreach (Action construct in constructions)
        {
            construct.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Dimensions");
        }
    }

    [Fact]
    public void Factorizers_TablesLongerThanAnArray_ThrowNamingDimensionsBeforeAllocating()
    {
        // 600,000 users × d = 4,096 floats exceed the largest .NET array; one rating is enough to ask.
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(600_000, 2));
        RatingsDataset wide = builder.Add("1", "1", 4f).Build();
        IMatrixFactorizer[] factorizers =
        [
            new AlsFactorizer(new AlsOptions { Dimensions = 4096, Iterations = 1 }),
            new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 4096, Iterations = 1 }),
            new RegularizedFactorizer(new RegularizedOptions { Dimensions = 4096, Iterations = 1 }),
            new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 4096, Iterations = 1 }),
            new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4096, Iterations = 1 }),
            new BprFactorizer(new BprOptions { Dimensions = 4096, Iterations = 1 }),
        ];

        foreach (IMatrixFactorizer factorizer in factorizers)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            FluentActions.Invoking(() => factorizer.Fit(wide)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Dimensions");
            (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(64 << 20, "{0} must check before it allocates", factorizer.GetType().Name);
        }
    }

    [Fact]
    public void AllOptions_MaxDegreeOfParallelismHuge_ThrowsNamingIt()
    {
        FluentActions.Invoking(() => new AlsFactorizer(new AlsOptions { MaxDegreeOfParallelism = int.MaxValue }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDegreeOfParallelism");
        FluentActions.Invoking(() => new SoftmaxTrainer(new SoftmaxOptions { MaxDegreeOfParallelism = 1025 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDegreeOfParallelism");
        FluentActions.Invoking(() => new CollaborativeFiltering.Projection.TSne(new CollaborativeFiltering.Projection.TSneOptions { MaxDegreeOfParallelism = int.MaxValue }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDegreeOfParallelism");
        new AlsFactorizer(new AlsOptions { MaxDegreeOfParallelism = 1024 }).Options.MaxDegreeOfParallelism.Should().Be(1024);
    }

    [Fact]
    public void Softmax_HiddenLayersWhoseWeightsExceedAnArray_ThrowsNamingHiddenLayerSizes()
    {
        var options = new SoftmaxOptions { HiddenLayerSizes = [65_536, 65_536], Iterations = 1 };

        FluentActions.Invoking(() => new SoftmaxTrainer(options).Fit(Small()))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("HiddenLayerSizes");
    }

    [Fact]
    public void Softmax_ReleaseYearsSpanningBillionsOfBuckets_ThrowsNamingYearBucketWidth()
    {
        var catalog = new Catalog(IdMap.Sequential(2), IdMap.Sequential(2), null,
            [new ItemInfo("1", "Old", null, 0, []), new ItemInfo("2", "Far", null, 2_000_000_000, [])]);
        RatingsDataset data = new RatingsDatasetBuilder(catalog).Add("1", "1", 4).Add("1", "2", 3).Add("2", "1", 5).Build();
        var options = new SoftmaxOptions { UseReleaseYears = true, YearBucketWidth = 1, Iterations = 1, BatchSize = 2 };

        FluentActions.Invoking(() => new SoftmaxTrainer(options).Fit(data))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("YearBucketWidth");
        new SoftmaxTrainer(options with { YearBucketWidth = 100_000_000 }).Fit(data).ItemCount.Should().Be(2, "wide buckets make few of them");
    }

    [Fact]
    public void DelimitedRatings_HugeColumn_ThrowsNamingTheColumn()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("1,2,3\n"));

        FluentActions.Invoking(() => DelimitedRatingsReader.Read(stream, "x.csv", new DelimitedRatingsOptions { UserColumn = int.MaxValue }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("UserColumn");
        FluentActions.Invoking(() => DelimitedRatingsReader.Read(stream, "x.csv", new DelimitedRatingsOptions { TimestampColumn = DelimitedRatingsOptions.MaxColumn + 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("TimestampColumn");
    }

    [Fact]
    public void IdMapSequential_LastIdBeyondIntMax_ThrowsNamingFirst()
    {
        FluentActions.Invoking(() => IdMap.Sequential(3, int.MaxValue)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("first");
        IdMap.Sequential(1, int.MaxValue).Ids.Should().Equal(int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        IdMap.Sequential(2, int.MinValue).Ids[1].Should().Be("-2147483647");
    }

    [Fact]
    public void CatalogueCoverage_HugeItemCount_AllocatesForTheInputOnly()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();

        RankingMetrics.CatalogueCoverage([1, -1, 1, 7], int.MaxValue).Should().Be(2.0 / int.MaxValue);
        RankingMetrics.CatalogueCoverage([2_000_000_000], int.MaxValue).Should().Be(1.0 / int.MaxValue);

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void RecommendAll_KAsLargeAsAnInt_CapsAtTheCatalogue()
    {
        var model = new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 1 }).Fit(Small());

        TopKRecommendations all = Recommender.RecommendAll(model, int.MaxValue);

        all.K.Should().Be(model.ItemCount);
        Recommender.Recommend(model, U(0), int.MaxValue).Should().HaveCount(model.ItemCount);
    }

    [Fact]
    public void KFold_AsManyFoldsAsRatings_ThrowsNamingFoldsBeforeCopyingTheDataset()
    {
        // Each fold holds all 100,000 ratings: 100,000 folds would need hundreds of GB.
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Seed = 1 }).Dataset;

        FluentActions.Invoking(() => DatasetSplitter.KFold(data, data.Count, seed: 1))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("folds");
        FluentActions.Invoking(() => CrossValidation.Run(new AlsFactorizer(), data, data.Count, seed: 1))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("folds");
    }
}
