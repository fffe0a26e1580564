using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neural;

namespace CollaborativeFiltering.Tests.Neural;

public sealed class SoftmaxTrainerTests
{
    [Fact]
    public void Step_AfterWarmUp_AllocatesNothing()
    {
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { UseGenres = true, UseReleaseYears = true, UseItemBiases = true, MaxDegreeOfParallelism = 1 };
        using var trainer = new SoftmaxTrainer(train, null, options, SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth));
        for (int i = 0; i < 3; i++)
        {
            trainer.Step();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            trainer.Step();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Step_WithInputDropout_DropsAboutThatShareOfTheInputs()
    {
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { InputDropout = 0.5, BatchSize = train.UserCount };
        using var trainer = new SoftmaxTrainer(train, null, options, SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth));

        trainer.Step();

        (int kept, int available) = trainer.InputCounts();
        ((double)kept / available).Should().BeInRange(0.45, 0.55);
    }
}
