using System.Globalization;
using CollaborativeFiltering.Data;

namespace MovieLensSample.Tests;

/// <summary>
/// The sample on MovieLens directories shaped like the real releases, written by the library's
/// writer with every irregularity on (the official files' and those of circulating copies: UTF-8
/// re-encoding, byte-order marks, CRLF, an appended rating of an unlisted movie, the 1M's "0::None"
/// line): explore, train on predefined train/test files, and the whole walkthrough.
/// </summary>
public sealed class SampleRealFilesTests(SampleRealFilesTests.Directories dirs) : IClassFixture<SampleRealFilesTests.Directories>
{
    private static readonly MovieLensWriterOptions Everything = MovieLensWriterOptions.RealShaped with
    {
        Utf8 = true,
        ByteOrderMark = true,
        CrLf = true,
        NoneMovieFirstLine = true,
        UnlistedMovieRating = true,
    };

    /// <summary>One real-shaped folder per release (with train/test files), written once from the small synthetic set; deleted afterwards.</summary>
    public sealed class Directories : IDisposable
    {
        public Directories()
        {
            Data = SyntheticDataGenerator.Generate(DataSource_SyntheticOptions()).Dataset;
            Split = DatasetSplitter.RandomHoldout(Data, 0.2, 3);
            Directory.CreateDirectory(Ml100K);
            Directory.CreateDirectory(Ml1M);
            Directory.CreateDirectory(Latest);
            MovieLensWriter.Write100K(Data, Ml100K, Everything);
            MovieLensWriter.WriteRatings(Split.Train, Path.Combine(Ml100K, "u1.base"), MovieLensFormat.Ml100K, Everything);
            MovieLensWriter.WriteRatings(Split.Test, Path.Combine(Ml100K, "u1.test"), MovieLensFormat.Ml100K, Everything);
            MovieLensWriter.Write1M(Data, Ml1M, Everything);
            MovieLensWriter.WriteLatest(Data, Latest, Everything);
            MovieLensWriter.WriteRatings(Split.Train, Path.Combine(Latest, "train.csv"), MovieLensFormat.Latest, Everything);
            MovieLensWriter.WriteRatings(Split.Test, Path.Combine(Latest, "test.csv"), MovieLensFormat.Latest, Everything);
        }

        public string Root { get; } = SampleRunner.TempDirectory();

        public string Ml100K => Path.Combine(Root, "ml-100k");

        public string Ml1M => Path.Combine(Root, "ml-1m");

        public string Latest => Path.Combine(Root, "ml-latest-small");

        public string Out => Path.Combine(Root, "out");

        public RatingsDataset Data { get; }

        public DatasetSplit Split { get; }

        public void Dispose() => Directory.Delete(Root, recursive: true);

        private static SyntheticOptions DataSource_SyntheticOptions() => Inputs.DataSource.SyntheticOptionsFor(quick: true, seed: 11);
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Explore_RealShaped100KDirectory_LoadsEveryIrregularityAndWarnsOfTheSkippedRating()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("explore", "--data", dirs.Ml100K, "--out", dirs.Out);

        exitCode.Should().Be(0, output);
        output.Should().Contain($"Data: MovieLens 100k files in {dirs.Ml100K}");
        output.Should().Contain($"{N(dirs.Data.UserCount)} users, {N(dirs.Data.ItemCount)} movies, {N(dirs.Data.Count)} ratings");
        output.Should().Contain("warning:").And.Contain("u.data, line").And.Contain("1 rating(s) of this file name an id missing from the catalogue and were skipped");
        SampleRunner.Table(output, "Genre occurrences").Skip(1).Select(r => r[0]).Should().Contain("unknown");
    }

    [Fact]
    public async Task Train_RealShaped100KTrainAndTestFiles_TrainsOnThem()
    {
        var (exitCode, output) = await SampleRunner.RunAsync(
            "train", "--data", dirs.Ml100K, "--train-file", "u1.base", "--test-file", "u1.test", "--model", "biased", "--dimensions", "8", "--quick", "--out", dirs.Out);

        exitCode.Should().Be(0, output);
        output.Should().Contain($"{N(dirs.Split.Train.Count)} training and {N(dirs.Split.Test.Count)} test ratings");
        var (header, rows) = SampleRunner.KeyedTable(output, "Errors of the biased model");
        SampleRunner.Number(rows["biased"][Array.IndexOf(header, "test MSE")]).Should().BeInRange(0.25, 2.56);
    }

    [Fact]
    public async Task Walkthrough_RealShaped100KDirectory_RunsEverySection()
    {
        string outDir = Path.Combine(dirs.Root, "walkthrough");

        var (exitCode, output) = await SampleRunner.RunAsync("--data", dirs.Ml100K, "--quick", "--out", outDir);

        exitCode.Should().Be(0, output);
        string[] sections = ["── Exploring the data", "── The plain model", "── The regularized model", "── t-SNE map", "── Recommendations from the regularized model", "── Comparing the models"];
        sections.Select(s => output.IndexOf(s, StringComparison.Ordinal)).Should().NotContain(-1).And.BeInAscendingOrder();
        output.Should().Contain($"MovieLens 100k files in {dirs.Ml100K}");
        SampleRunner.PngSize(Path.Combine(outDir, "tsne-movies.png")).Width.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Explore_RealShaped1MDirectory_ReadsTheNoneMovieAndUtf8Copies()
    {
        var (exitCode, output) = await SampleRunner.RunAsync("explore", "--data", dirs.Ml1M, "--out", dirs.Out);

        exitCode.Should().Be(0, output);
        output.Should().Contain("MovieLens 1M/10M files in");
        output.Should().Contain($"{N(dirs.Data.UserCount)} users, {N(dirs.Data.ItemCount + 1)} movies, {N(dirs.Data.Count)} ratings", "the 0::None line is a movie");
    }

    [Fact]
    public async Task Train_RealShapedLatestTrainAndTestCsv_TrainsOnThem()
    {
        var (exitCode, output) = await SampleRunner.RunAsync(
            "train", "--data", dirs.Latest, "--train-file", "train.csv", "--test-file", "test.csv", "--model", "als", "--quick", "--out", dirs.Out);

        exitCode.Should().Be(0, output);
        output.Should().Contain($"{N(dirs.Split.Train.Count)} training and {N(dirs.Split.Test.Count)} test ratings");
    }

    [Fact]
    public async Task Explore_LatestDirectoryWithStrictlyBadRatings_FailsWithOneLineNamingTheLine()
    {
        string bad = Path.Combine(dirs.Root, "bad-latest");
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, "ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.0,1\n1,2,four,2\n");

        var (exitCode, output) = await SampleRunner.RunAsync("explore", "--data", bad, "--out", dirs.Out);

        exitCode.Should().Be(1);
        output.Should().Contain("ratings.csv, line 3, column 3: expected a finite number for the rating, found 'four'.");
    }
}
