using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>Training and test files of any release over one catalogue, from a folder or from streams.</summary>
public partial class MovieLensLoaderTests
{
    private static MemoryStream Latin1(string text) => new(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void LoadSplit_Streams100K_ShareTheMetadataCatalogueAndMatchTheFolderLoad()
    {
        using TempDir dir = WriteRealShaped100K();
        string[] lines = RealShapedUData.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string train = string.Join("\n", lines[..6]) + "\n", test = string.Join("\n", lines[6..]) + "\n";
        dir.Write("u1.base", train);
        dir.Write("u1.test", test);
        DatasetSplit fromFolder = MovieLens.LoadSplit(dir.Path, "u1.base", "u1.test");

        DatasetSplit fromStreams = MovieLens.LoadSplit(MovieLensFormat.Ml100K, Latin1(train), Latin1(test), Latin1(RealShapedUItem), Latin1(RealShapedUUser));

        fromStreams.Test.Catalog.Should().BeSameAs(fromStreams.Train.Catalog);
        fromStreams.Train.Should().Equal(fromFolder.Train);
        fromStreams.Test.Should().Equal(fromFolder.Test);
        fromStreams.Train.Catalog.ItemInfos.Should().Equal(fromFolder.Train.Catalog.ItemInfos, (a, b) => a.Title == b.Title && a.ReleaseDate == b.ReleaseDate);
        fromStreams.Train.Catalog.Genres.Should().Equal(GenreNames100K, "streams have no u.genre: the release's 19 genres");
    }

    [Fact]
    public void LoadSplit_StreamsWithoutMetadata_CatalogueIsTrainIdsThenNewTestIds()
    {
        DatasetSplit split = MovieLens.LoadSplit(MovieLensFormat.Ml100K, Latin1("1\t10\t4\t1\n2\t20\t3\t2\n"), Latin1("3\t30\t5\t3\n1\t20\t2\t4\n"));

        split.Train.Catalog.Users.Ids.Should().Equal("1", "2", "3");
        split.Train.Catalog.Items.Ids.Should().Equal("10", "20", "30");
        (split.Train.Count, split.Test.Count).Should().Be((2, 2));
    }

    [Fact]
    public void LoadSplit_StreamErrors_NameTheTrainingOrTestRatings()
    {
        Action act = () => MovieLens.LoadSplit(MovieLensFormat.Ml100K, Latin1("1\t10\t4\t1\n"), Latin1("3\t30\tx\t3\n"));

        act.Should().Throw<RatingsFormatException>().Which.Message.Should().StartWith("test ratings, line 1, column 3:");
    }

    [Fact]
    public void LoadSplit_StreamsLatestWithUsers_ThrowsNamingUsers()
    {
        Action act = () => MovieLens.LoadSplit(MovieLensFormat.Latest, Latin1("x"), Latin1("x"), users: Latin1("x"));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("users");
    }

    [Fact]
    public void LoadSplit_UndefinedFormat_ThrowsNamingIt()
    {
        Action act = () => MovieLens.LoadSplit((MovieLensFormat)9, Latin1("x"), Latin1("x"));

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("format");
    }

    [Fact]
    public void LoadSplit_FolderOfThe1MRelease_ReadsTheFilesInItsLayout()
    {
        using TempDir dir = WriteRealShaped1M();
        string[] lines = RealShapedRatingsDat.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        dir.Write("train.dat", string.Join("\n", lines[..3]) + "\n");
        dir.Write("test.dat", lines[3] + "\n");

        DatasetSplit split = MovieLens.LoadSplit(dir.Path, "train.dat", "test.dat");

        (split.Train.Count, split.Test.Count).Should().Be((3, 1));
        split.Train.ItemCount.Should().Be(4);
        split.Train.Catalog.UserInfos[0].Occupation.Should().Be("K-12 student");
    }

    [Fact]
    public void LoadSplit_FolderOfTheLatestRelease_ReadsCsvWithHeaders()
    {
        using TempDir dir = WriteRealShapedLatest();
        string[] lines = RealShapedRatingsCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        dir.Write("train.csv", string.Join("\n", lines[..6]) + "\n", Utf8NoBom);
        dir.Write("test.csv", lines[0] + "\n" + string.Join("\n", lines[6..]) + "\n", Utf8NoBom);

        DatasetSplit split = MovieLens.LoadSplit(dir.Path, "train.csv", "test.csv");

        (split.Train.Count, split.Test.Count).Should().Be((5, 4));
        split.Train.ItemCount.Should().Be(10);
        split.Test.Catalog.Should().BeSameAs(split.Train.Catalog);
    }

    [Fact]
    public void LoadSplit_FolderWithOnlySplitFiles_PicksTheLayoutByExtension()
    {
        using var dir = new TempDir();
        dir.Write("a.csv", "userId,movieId,rating,timestamp\n1,1,4.0,1\n");
        dir.Write("b.csv", "userId,movieId,rating,timestamp\n2,1,3.5,2\n");

        DatasetSplit split = MovieLens.LoadSplit(dir.Path, "a.csv", "b.csv");

        split.Test.Catalog.Users.Ids.Should().Equal("1", "2");
    }
}
