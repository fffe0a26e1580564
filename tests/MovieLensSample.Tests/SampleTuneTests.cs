namespace MovieLensSample.Tests;

/// <summary>The tune command on the small synthetic set: the trial table, and with a test set the retrained best options' errors in train's format.</summary>
public sealed class SampleTuneTests : IDisposable
{
    private readonly string _directory = SampleRunner.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("als", "Regularization", "RMSE")]
    [InlineData("biased", "LearningRate", "RMSE")]
    [InlineData("implicit-als", "Alpha", "recall@10")]
    public async Task Tune_WithHoldout_PrintsEveryTrialThenTheRetrainedBestOptionsErrors(string model, string parameter, string objective)
    {
        var (exitCode, output) = await SampleRunner.RunAsync("tune", "--synthetic", "--quick", "--model", model, "--holdout", "0.1", "--out", _directory);

        exitCode.Should().Be(0, output);
        output.Should().Contain("Hyper-parameter search (successive halving, 9 draws").And.Contain(objective);
        string[] header = SampleRunner.Lines(output).First(l => l.StartsWith("#  rung", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        header.Should().Contain(parameter);
        output.Should().MatchRegex(@"\nBest: #\d+, ");
        var errors = SampleRunner.Table(output, $"Errors of the tuned {model} model");
        errors[0].Should().Equal("model", "iterations", "train MSE", "test MSE", "time"); // train's errors table
        errors[1][0].Should().Be($"tuned {model}");
    }

    [Fact]
    public async Task Tune_WithoutATestSet_PrintsOnlyTheTrials()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("tune", "--synthetic", "--quick", "--model", "als", "--out", _directory);

        exitCode.Should().Be(0, output);
        output.Should().Contain("searching on all").And.Contain("Best: #");
        output.Should().NotContain("Errors of the tuned");
    }

    [Fact]
    public async Task Tune_NotebookModel_FailsNamingTheModelsItSearches()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("tune", "--synthetic", "--quick", "--model", "regularized", "--out", _directory);

        exitCode.Should().NotBe(0);
        output.Should().Contain("tune searches biased, als, implicit-als and softmax");
    }
}
