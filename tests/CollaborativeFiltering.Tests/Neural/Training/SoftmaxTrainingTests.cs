using CollaborativeFiltering.Data;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Neural.Training;

namespace CollaborativeFiltering.Tests.Neural;

public sealed class SoftmaxTrainingTests
{
    [Fact]
    public void Step_AfterWarmUp_AllocatesNothing()
    {
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { UseGenres = true, UseReleaseYears = true, UseItemBiases = true, MaxDegreeOfParallelism = 1 };
        using var trainer = new SoftmaxTraining(train, null, options, SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth));
        for (int i = 0; i < 3; i++)
        {
            trainer.Step();
        }

        AllocationWindows.Measure(10, _ => trainer.Step()).ShouldHaveACleanWindow("a step");
    }

    [Fact]
    public void Step_WithInputDropout_DropsAboutThatShareOfTheInputs()
    {
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with { InputDropout = 0.5, BatchSize = train.UserCount };
        using var trainer = new SoftmaxTraining(train, null, options, SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth));

        trainer.Step();

        (int kept, int available) = trainer.InputCounts();
        ((double)kept / available).Should().BeInRange(0.45, 0.55);
    }

    [Theory]
    [InlineData(null, 10.0)]
    [InlineData(4.0, 4.0)]
    [InlineData(1.0, 1.0)]
    public void Step_Adagrad_DenseLayersStepAtTheirScaleAndEmbeddingsAtTheFullRate(double? denseWeightScale, double scale)
    {
        RatingsDataset train = SoftmaxTestData.SmallSplit().Train;
        SoftmaxOptions options = SoftmaxTestData.FastOptions() with
        {
            Optimizer = SoftmaxOptimizer.Adagrad,
            LearningRate = 8,
            DenseWeightScale = denseWeightScale,
            InputDropout = 0,
            BatchSize = 8,
        };
        int[] users = [0, 1, 2, 3, 4, 5, 6, 7];
        int[] skips = [0, 1, 0, 2, 1, 0, 3, 1];
        var features = SoftmaxFeatures.Create(train.Catalog, options.YearBucketWidth);
        using var capture = new SoftmaxTraining(train, null, options, features, captureGradients: true);
        using var trainer = new SoftmaxTraining(train, null, options, features);
        capture.Step(users, skips);
        float[] w0 = (float[])trainer.GetValues("W0").Clone(), c1 = (float[])trainer.GetValues("c1").Clone(), v = (float[])trainer.GetValues("V").Clone();

        trainer.Step(users, skips);

        // Adagrad from a = 0.1: the first step is lr·g/√(0.1 + g²); at scale s, (lr/s)·g/√(0.1·s² + g²).
        ExpectStep(w0, capture.GetGradient("W0"), trainer.GetValues("W0"), 8 / scale, 0.1 * scale * scale);
        ExpectStep(c1, capture.GetGradient("c1"), trainer.GetValues("c1"), 8 / scale, 0.1 * scale * scale);
        ExpectStep(v, capture.GetGradient("V"), trainer.GetValues("V"), 8, 0.1);
    }

    private static void ExpectStep(float[] before, float[] gradient, float[] after, double learningRate, double initialAccumulator)
    {
        gradient.Should().Contain(g => Math.Abs(g) > 1e-4, "the check needs steps that are not zero");
        for (int i = 0; i < before.Length; i++)
        {
            double g = gradient[i];
            double expected = before[i] - (learningRate * g / Math.Sqrt(initialAccumulator + (g * g)));
            after[i].Should().BeApproximately((float)expected, (float)(1e-5 * (1 + Math.Abs(expected))), "element {0}", i);
        }
    }
}
