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
    [InlineData("--ordinal", "train", "--synthetic", "--model", "bayesian-fm", "--ordinal")]
    [InlineData("--burn-in", "train", "--synthetic", "--model", "bpmf", "--iterations", "10", "--burn-in", "10")]
    [InlineData("--shrinkage", "train", "--synthetic", "--model", "als", "--shrinkage", "10")]
    [InlineData("--dimensions", "train", "--synthetic", "--model", "ease", "--dimensions", "8")]
    [InlineData("--measure", "neighbors", "--synthetic", "--quick", "--model", "item-knn", "--measure", "cosine")]
    [InlineData("project", "project", "--synthetic", "--quick", "--model", "ease")]
    public async Task Run_BadArguments_ExitsNonZeroWithOneLine(string named, params string[] args)
    {
        var (exitCode, output) = await SampleRunner.RunAsync(args);

        exitCode.Should().NotBe(0);
        SampleRunner.Lines(output).Should().ContainSingle().Which.Should().StartWith("error:").And.ContainEquivalentOf(named);
    }

    [Theory]
    [InlineData("--iterations must be a whole number ≥ 1, got -5", "train", "--iterations", "-5")]
    [InlineData("--iterations must be a whole number, got 'abc'", "train", "--iterations", "abc")]
    [InlineData("--dimensions must be in [1, 4096], got 0", "neighbors", "--dimensions", "0")]
    [InlineData("--learning-rate must be a number > 0, got -1", "train", "--model", "softmax", "--learning-rate", "-1")]
    [InlineData("--regularization must be a number > 0, got 0", "train", "--model", "als", "--regularization", "0")]
    [InlineData("--threads must be -1 (one per processor) or a whole number in [1, 1024], got 0", "train", "--threads", "0")]
    [InlineData("--batch-size must be a whole number ≥ 1, got 0", "train", "--model", "softmax", "--batch-size", "0")]
    [InlineData("--input-dropout must be in [0, 1), got 1", "train", "--model", "softmax", "--input-dropout", "1")]
    [InlineData("--holdout must be a fraction strictly between 0 and 1, got 1.5", "train", "--holdout", "1.5")]
    [InlineData("--holdout must be a number, got 'x'", "train", "--holdout=x")]
    [InlineData("--top must be a whole number ≥ 1, got 0", "recommend", "--user", "1", "--top", "0")]
    [InlineData("--top must be a whole number ≥ 1, got 0", "--top", "0")]
    [InlineData("--perplexity must be a finite number, at least 1, got 0.5", "project", "--perplexity", "0.5")]
    [InlineData("--tsne-iterations must be a whole number ≥ 1, got 0", "project", "--tsne-iterations", "0")]
    public async Task Run_OptionOutOfRange_ExitsTwoWithOneLineNamingTheOptionBeforeLoading(string expected, params string[] args)
    {
        // No --synthetic and no --data: were anything loaded, the sample would look for the cache or download first.
        var (exitCode, output) = await SampleRunner.RunAsync(args);

        exitCode.Should().Be(2, output);
        SampleRunner.Lines(output).Should().Equal("error: " + expected);
    }

    [Theory]
    [InlineData("--title: no movie title contains 'No Such Movie'.", "neighbors", "--title", "No Such Movie")]
    [InlineData("--id: the movie id 'nope' is not in the data.", "neighbors", "--id", "nope")]
    [InlineData("--rate: no movie title contains 'No Such Movie'.", "recommend", "--rate", "No Such Movie=4")]
    [InlineData("--user: the user id 'nobody' is not in the data.", "recommend", "--user", "nobody")]
    [InlineData("--title: no movie title contains 'No Such Movie'.", "--title", "No Such Movie")]
    [InlineData("--rate: no movie title contains 'No Such Movie'.", "--rate", "No Such Movie=4")]
    public async Task Run_UnknownTitleOrId_ExitsTwoRightAfterLoadingBeforeTraining(string expected, params string[] args)
    {
        string[] command = args[0].StartsWith('-') ? [] : [args[0]];
        var (exitCode, output) = await SampleRunner.RunAsync([.. command, "--synthetic", "--quick", .. args.Skip(command.Length)]);

        exitCode.Should().Be(2, output);
        string[] lines = SampleRunner.Lines(output);
        lines[^1].Should().Be("error: " + expected);
        output.Should().NotContain("Training").And.NotContain("MSE").And.NotContain("Exploration", "the walkthrough checks its options before exploring");
    }

    [Theory]
    [InlineData("9")]
    [InlineData("-3")]
    [InlineData("0.5")]
    public async Task Run_RateOutsideTheDataRange_ExitsTwoNamingValueAndRange(string rating)
    {
        string title = SampleRunner.QuickSynthetic().Catalog.ItemInfos[0].Title;
        var (exitCode, output) = await SampleRunner.RunAsync("recommend", "--synthetic", "--quick", "--rate", $"{title}={rating}");

        exitCode.Should().Be(2, output);
        SampleRunner.Lines(output)[^1].Should().Be($"error: --rate: {rating} for '{title}' is outside the data's rating range [1, 5].");
        output.Should().NotContain("MSE");
    }

    [Fact]
    public async Task Run_Help_ListsEveryCommand()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("--help");

        exitCode.Should().Be(0);
        output.Should().ContainAll("explore", "train", "neighbors", "recommend", "project", "export", "--data", "--out", "--seed", "--quick", "--title", "--rate",
            "GLOBAL OPTIONS", "--model", "--save", "--load", "train --help");
    }

    [Theory]
    [InlineData("neighbors", "--title", "NEIGHBORS OPTIONS")]
    [InlineData("recommend", "--rate", "RECOMMEND OPTIONS")]
    [InlineData("project", "--perplexity", "PROJECT OPTIONS")]
    [InlineData("export", "--format", "EXPORT OPTIONS")]
    [InlineData("train", "--model", "MODEL OPTIONS")]
    public async Task Run_CommandHelp_ListsItsOwnOptionsFirstAndTheGlobalOnesLast(string command, string own, string section)
    {
        var (exitCode, output) = await SampleRunner.RunAsync(command, "--help");

        exitCode.Should().Be(0, output);
        int first = output.IndexOf(section, StringComparison.Ordinal);
        first.Should().BePositive(output);
        output.IndexOf(own, first, StringComparison.Ordinal).Should().BeLessThan(output.IndexOf("--iterations", first, StringComparison.Ordinal) is var i and >= 0 && command != "train" ? i : int.MaxValue);
        output.IndexOf("GLOBAL OPTIONS", StringComparison.Ordinal).Should().BeGreaterThan(output.IndexOf(own, first, StringComparison.Ordinal));
        output.IndexOf("--data <DIR>", StringComparison.Ordinal).Should().BeGreaterThan(output.IndexOf("GLOBAL OPTIONS", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("train", "--model", "--dimensions", "--iterations", "--learning-rate", "--init-stddev", "--regularization", "--gravity", "--alpha", "--holdout", "--train-file", "--test-file", "--save", "--load")]
    [InlineData("train", "softmax", "--hidden", "--optimizer", "adagrad", "--batch-size", "--input-dropout", "--genres", "--years")]
    [InlineData("train", "bpmf", "bayesian-fm", "--burn-in", "--ordinal", "--blocks", "implicit", "userinfo", "iteminfo", "time")]
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
