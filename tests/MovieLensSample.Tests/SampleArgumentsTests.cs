namespace MovieLensSample.Tests;

/// <summary>The sample's command line: help, and bad arguments that must exit non-zero with one line and no stack trace.</summary>
public sealed class SampleArgumentsTests
{
    [Theory]
    [InlineData("unknown option", "explore", "--bogus")]
    [InlineData("bogus", "bogus-command")]
    [InlineData("--holdout", "train", "--synthetic", "--holdout", "1.5")]
    [InlineData("--data", "explore", "--data", "/no/such/movielens/dir")]
    [InlineData("--gravity", "train", "--model", "plain", "--gravity", "1")]
    [InlineData("--model", "train", "--model", "svd++")]
    [InlineData("--train-file", "train", "--train-file", "u1.base")]
    [InlineData("--rate", "recommend", "--rate", "Toy Story")]
    [InlineData("--user", "recommend", "--synthetic")]
    [InlineData("--load", "neighbors", "--load", "/no/such/model.cfm")]
    [InlineData("--hidden", "train", "--synthetic", "--model", "softmax", "--hidden", "35,x")]
    [InlineData("--hidden", "train", "--synthetic", "--model", "softmax", "--hidden", "35,0")]
    [InlineData("--hidden", "train", "--synthetic", "--model", "als", "--hidden", "35")]
    [InlineData("--optimizer", "train", "--synthetic", "--model", "softmax", "--optimizer", "sgd")]
    [InlineData("--genres", "train", "--synthetic", "--model", "implicit-als", "--genres")]
    [InlineData("--early-stopping", "train", "--synthetic", "--model", "softmax", "--early-stopping", "3")]
    [InlineData("--format", "export", "--synthetic", "--format", "xml")]
    [InlineData("--blocks", "train", "--synthetic", "--model", "bayesian-fm", "--blocks", "user,genre")]
    [InlineData("--blocks", "train", "--synthetic", "--model", "bpmf", "--blocks", "user")]
    [InlineData("--burn-in", "train", "--synthetic", "--model", "bpmf", "--iterations", "10", "--burn-in", "10")]
    public async Task Run_BadArguments_ExitsNonZeroWithOneLine(string named, params string[] args)
    {
        var (exitCode, output) = await SampleRunner.RunAsync(args);

        exitCode.Should().NotBe(0);
        SampleRunner.Lines(output).Should().ContainSingle().Which.Should().StartWith("error:").And.ContainEquivalentOf(named);
    }

    [Fact]
    public async Task Run_LibraryRejectsAnOption_ExitsOneWithOneErrorLineNamingIt()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("train", "--synthetic", "--quick", "--dimensions", "0");

        exitCode.Should().Be(1);
        string[] lines = SampleRunner.Lines(output);
        lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Contain("Dimensions");
        lines[^1].Should().StartWith("error:");
        output.Should().NotContain(" at MovieLensSample.").And.NotContain(" at CollaborativeFiltering.");
    }

    [Theory]
    [InlineData("BatchSize", "--batch-size", "0")]
    [InlineData("InputDropout", "--input-dropout", "1")]
    [InlineData("LearningRate", "--learning-rate", "-1")]
    public async Task Run_LibraryRejectsASoftmaxOption_ExitsOneWithOneErrorLineNamingIt(string option, params string[] args)
    {
        var (exitCode, output) = await SampleRunner.RunAsync(["train", "--synthetic", "--quick", "--model", "softmax", .. args]);

        exitCode.Should().Be(1);
        string[] lines = SampleRunner.Lines(output);
        lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Contain(option);
        lines[^1].Should().StartWith("error:");
        output.Should().NotContain(" at MovieLensSample.").And.NotContain(" at CollaborativeFiltering.");
    }

    [Fact]
    public async Task Run_UnknownTitle_ExitsOneNamingTheTitle()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("neighbors", "--synthetic", "--quick", "--model", "biased", "--title", "No Such Movie");

        exitCode.Should().Be(1);
        SampleRunner.Lines(output)[^1].Should().StartWith("error:").And.Contain("No Such Movie");
    }

    [Fact]
    public async Task Run_Help_ListsEveryCommand()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("--help");

        exitCode.Should().Be(0);
        output.Should().ContainAll("explore", "train", "neighbors", "recommend", "project", "export", "--data", "--out", "--seed", "--quick", "--title", "--rate");
    }

    [Theory]
    [InlineData("train", "--model", "--dimensions", "--iterations", "--learning-rate", "--init-stddev", "--regularization", "--gravity", "--alpha", "--holdout", "--train-file", "--test-file", "--save", "--load")]
    [InlineData("train", "softmax", "--hidden", "--optimizer", "adagrad", "--batch-size", "--input-dropout", "--genres", "--years")]
    [InlineData("train", "bpmf", "bayesian-fm", "--burn-in", "--blocks", "implicit", "userinfo", "iteminfo", "time")]
    [InlineData("neighbors", "--title", "--id", "--top", "--measure", "--load")]
    [InlineData("recommend", "--user", "--rate", "--top")]
    [InlineData("project", "--method", "--perplexity", "--distance")]
    [InlineData("export", "--format", "--out")]
    public async Task Run_CommandHelp_DocumentsItsOptions(string command, params string[] options)
    {
        var (exitCode, output) = await SampleRunner.RunAsync(command, "--help");

        exitCode.Should().Be(0, output);
        output.Should().ContainAll(options);
    }
}
