namespace CollaborativeFiltering.Tests.Training;

public sealed class TrainingDivergedExceptionTests
{
    [Theory]
    [InlineData(0.005f, "0.005", "0.0005")]
    [InlineData(20f, "20", "2")]
    [InlineData(1e30f, "1E+30", "1E+29")]
    public void Constructor_SinglePrecisionLearningRate_NamesItAsTheUserWroteIt(float learningRate, string written, string suggested)
    {
        // The trainers' options hold single-precision rates; widened to double, 0.005f prints 0.004999999888241291.
        var exception = new TrainingDivergedException(iteration: 8, loss: double.NaN, learningRate: learningRate);

        exception.Message.Should().Be($"Training diverged at iteration 8: the loss became NaN with learning rate {written}. Try a smaller learning rate (for example {suggested}).");
        exception.Iteration.Should().Be(8);
    }

    [Fact]
    public void Constructor_NoLearningRate_SuggestsRegularization()
    {
        var exception = new TrainingDivergedException(iteration: 3, loss: double.PositiveInfinity, learningRate: double.NaN);

        exception.Message.Should().Be("Training diverged at iteration 3: the loss became Infinity. Try stronger regularization or a smaller initial scale.");
    }
}
