using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Reliability;

/// <summary>
/// Issue 10, point 8: the writers of several files leave the complete new set or the complete old
/// set, never a mix, and no temporary file.
/// </summary>
public sealed class MultiFileWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-multifile-" + Guid.NewGuid().ToString("N"));

    public MultiFileWriterTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RatingsDataset Data(int seed) => SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 12, Items = 15, Ratings = 100, MinRatingsPerUser = 3, Seed = seed }).Dataset;

    [Fact]
    public void WriteFactorsCsv_SecondFileFails_FirstFileKeepsItsOldContent()
    {
        var model = new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 1 }).Fit(Data(1));
        string users = Path.Combine(_directory, "users.csv");
        File.WriteAllText(users, "old users");

        var act = () => EmbeddingExport.WriteFactorsCsv(model, users, Path.Combine(_directory, "missing", "items.csv"));

        act.Should().Throw<DirectoryNotFoundException>();
        File.ReadAllText(users).Should().Be("old users", "the set is written to temporary files first and moved only when complete");
        Directory.GetFiles(_directory).Select(Path.GetFileName).Should().Equal("users.csv");
    }

    [Fact]
    public void Write100K_MoveOfAFileFails_PutsTheWholeOldSetBack()
    {
        MovieLensWriter.Write100K(Data(1), _directory);
        Dictionary<string, byte[]> old = Directory.GetFiles(_directory).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        File.Delete(Path.Combine(_directory, "u.genre"));
        Directory.CreateDirectory(Path.Combine(_directory, "u.genre")); // this move cannot replace a directory
        old.Remove("u.genre");

        var act = () => MovieLensWriter.Write100K(Data(2), _directory);

        act.Should().Throw<IOException>();
        foreach ((string name, byte[] bytes) in old)
        {
            File.ReadAllBytes(Path.Combine(_directory, name)).Should().Equal(bytes, $"{name} must be the old one again");
        }

        Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName).Order().Should().Equal(old.Keys.Append("u.genre").Order(), "no temporary or backup file is left");
    }

    [Fact]
    public void WriteLatest_Cancelled_ChangesNothing()
    {
        MovieLensWriter.WriteLatest(Data(1), _directory);
        byte[] ratings = File.ReadAllBytes(Path.Combine(_directory, "ratings.csv"));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        FluentActions.Invoking(() => MovieLensWriter.WriteLatest(Data(2), _directory, cancellationToken: cts.Token)).Should().Throw<OperationCanceledException>();

        File.ReadAllBytes(Path.Combine(_directory, "ratings.csv")).Should().Equal(ratings);
        Directory.GetFiles(_directory).Select(Path.GetFileName).Order().Should().Equal("movies.csv", "ratings.csv");
    }

    [Fact]
    public void WriteProjectorFiles_Twice_ReplacesBothAndLeavesNoTemporaryFile()
    {
        var first = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [1f], [1f, 2f]);
        var second = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 2), 1, [1f], [3f, 4f]);

        EmbeddingExport.WriteProjectorFiles(first, _directory);
        EmbeddingExport.WriteProjectorFiles(second, _directory);

        File.ReadAllText(Path.Combine(_directory, "vectors.tsv")).Should().Be("3\n4\n");
        Directory.GetFiles(_directory).Select(Path.GetFileName).Order().Should().Equal("metadata.tsv", "vectors.tsv");
    }
}
