using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>MovieLens 100k loading; the other releases, detection and errors live in the other parts of this class.</summary>
public partial class MovieLensLoaderTests
{
    internal static readonly string[] GenreNames100K =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    // Tab-separated user, item, rating, timestamp.
    internal const string UData =
        "1\t1\t5\t874965758\n" +
        "1\t2\t3\t876893171\n" +
        "2\t1\t4\t888550871\n" +
        "3\t3\t2\t889237455\n";

    internal const string UUser =
        "1|24|M|technician|85711\n" +
        "2|53|F|other|94043\n" +
        "3|23|M|writer|32067\n";

    internal static string UGenre => string.Concat(GenreNames100K.Select((g, i) => $"{g}|{i}\n")) + "\n";

    internal static string UItem =>
        ItemLine("1", "Toy Story (1995)", "01-Jan-1995", "Animation", "Children's", "Comedy") +
        ItemLine("2", "GoldenEye (1995)", "01-Jan-1995", "Action", "Adventure", "Thriller") +
        ItemLine("3", "Caf\u00e9 Noir (1994)", "", "Film-Noir") +
        ItemLine("4", "unknown", "", "unknown");

    internal static string ItemLine(string id, string title, string date, params string[] genres) =>
        $"{id}|{title}|{date}||http://us.imdb.com/M/title-exact?x|" +
        string.Join("|", GenreNames100K.Select(g => genres.Contains(g) ? "1" : "0")) + "\n";

    /// <summary>Writes the 100k files into a fresh temporary folder (Latin-1).</summary>
    internal static TempDir Write100K(bool genre = true, bool item = true, bool user = true, string data = UData)
    {
        var dir = new TempDir();
        dir.Write("u.data", data);
        if (genre)
        {
            dir.Write("u.genre", UGenre);
        }

        if (item)
        {
            dir.Write("u.item", UItem);
        }

        if (user)
        {
            dir.Write("u.user", UUser);
        }

        return dir;
    }

    internal static float ValueOf(RatingsDataset ds, string user, string item)
    {
        ds.ByUser.TryGetValue(ds.Catalog.Users.IndexOf(user), ds.Catalog.Items.IndexOf(item), out float v).Should().BeTrue();
        return v;
    }

    internal static long? TimestampOf(RatingsDataset ds, string user, string item)
    {
        int u = ds.Catalog.Users.IndexOf(user), i = ds.Catalog.Items.IndexOf(item);
        foreach (Rating r in ds)
        {
            if (r.User.Value == u && r.Item.Value == i)
            {
                return r.Timestamp;
            }
        }

        throw new InvalidOperationException("no such rating");
    }

    [Fact]
    public void Load100K_FullRelease_UsesMetadataCatalogue()
    {
        using TempDir dir = Write100K();

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        ds.Count.Should().Be(4);
        ds.UserCount.Should().Be(3);
        ds.ItemCount.Should().Be(4, "item 4 is listed in u.item though nobody rated it");
        ds.Catalog.Users.Ids.Should().Equal("1", "2", "3");
        ds.Catalog.Items.Ids.Should().Equal("1", "2", "3", "4");
        ValueOf(ds, "2", "1").Should().Be(4f);
        ValueOf(ds, "3", "3").Should().Be(2f);
        ds.ByItem.GetRowLength(ds.Catalog.Items.IndexOf("4")).Should().Be(0);
    }

    [Fact]
    public void Load100K_Timestamps_AreKeptByDefaultAndDroppedOnRequest()
    {
        using TempDir dir = Write100K();

        RatingsDataset kept = MovieLens.Load100K(dir.Path);
        RatingsDataset dropped = MovieLens.Load100K(dir.Path, new MovieLensLoadOptions { KeepTimestamps = false });

        kept.HasTimestamps.Should().BeTrue();
        TimestampOf(kept, "1", "2").Should().Be(876893171L);
        dropped.HasTimestamps.Should().BeFalse();
        TimestampOf(dropped, "1", "2").Should().BeNull();
    }

    [Fact]
    public void Load100K_Items_HaveTitlesGenresDatesAndYears()
    {
        using TempDir dir = Write100K();

        Catalog c = MovieLens.Load100K(dir.Path).Catalog;

        c.Genres.Should().Equal(GenreNames100K);
        ItemInfo toy = c.ItemInfos[0];
        toy.Should().BeEquivalentTo(new { Id = "1", Title = "Toy Story (1995)", ReleaseDate = (DateOnly?)new DateOnly(1995, 1, 1), Year = (int?)1995 });
        toy.Genres.Should().Equal("Animation", "Children's", "Comedy");
        c.ItemInfos[1].Genres.Should().Equal("Action", "Adventure", "Thriller");

        ItemInfo cafe = c.ItemInfos[2];
        cafe.Title.Should().Be("Caf\u00e9 Noir (1994)", "u.item is Latin-1");
        cafe.ReleaseDate.Should().BeNull();
        cafe.Year.Should().Be(1994, "the year falls back to the title's suffix");

        ItemInfo unknown = c.ItemInfos[3];
        unknown.Year.Should().BeNull();
        unknown.Genres.Should().Equal("unknown");
    }

    [Fact]
    public void Load100K_Users_HaveAgeSexOccupationZip()
    {
        using TempDir dir = Write100K();

        Catalog c = MovieLens.Load100K(dir.Path).Catalog;

        c.UserInfos.Should().HaveCount(3);
        c.UserInfos[1].Should().Be(new UserInfo("2", 53, "F", "other", "94043"));
        c.UserInfos[2].Occupation.Should().Be("writer");
    }

    [Fact]
    public void Load100K_GenreFile_NamesTheFlagColumns()
    {
        using TempDir dir = Write100K();
        dir.Write("u.genre", UGenre.Replace("Children's|4", "Kids|4", StringComparison.Ordinal));

        Catalog c = MovieLens.Load100K(dir.Path).Catalog;

        c.Genres[4].Should().Be("Kids");
        c.ItemInfos[0].Genres.Should().Equal("Animation", "Kids", "Comedy");
    }

    [Fact]
    public void Load100K_NoGenreFile_UsesTheReleaseGenreList()
    {
        using TempDir dir = Write100K(genre: false);

        Catalog c = MovieLens.Load100K(dir.Path).Catalog;

        c.Genres.Should().Equal(GenreNames100K);
        c.ItemInfos[0].Genres.Should().Equal("Animation", "Children's", "Comedy");
    }

    [Fact]
    public void Load100K_OnlyRatings_CatalogueComesFromRatingsInOrderOfAppearance()
    {
        using TempDir dir = Write100K(genre: false, item: false, user: false, data: "7\t30\t4\t1\n5\t10\t2\t2\n7\t10\t3\t3\n");

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        ds.Catalog.Users.Ids.Should().Equal("7", "5");
        ds.Catalog.Items.Ids.Should().Equal("30", "10");
        ds.Catalog.ItemInfos.Should().BeEmpty();
        ValueOf(ds, "7", "10").Should().Be(3f);
    }

    [Fact]
    public void Load100K_ItemsWithoutUsersFile_KeepsAllItemsAndTakesUsersFromRatings()
    {
        using TempDir dir = Write100K(user: false, data: "9\t2\t4\t1\n8\t4\t1\t2\n");

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        ds.Catalog.Users.Ids.Should().Equal("9", "8");
        ds.Catalog.Items.Ids.Should().Equal("1", "2", "3", "4");
        ds.Catalog.ItemInfos.Should().HaveCount(4);
        ds.Catalog.UserInfos.Should().BeEmpty();
        ValueOf(ds, "8", "4").Should().Be(1f);
        ValueOf(ds, "9", "2").Should().Be(4f);
    }

    [Fact]
    public void Load100K_Streams_MatchTheFolderLoad()
    {
        using var data = new MemoryStream(Encoding.Latin1.GetBytes(UData));
        using var items = new MemoryStream(Encoding.Latin1.GetBytes(UItem));
        using var users = new MemoryStream(Encoding.Latin1.GetBytes(UUser));

        RatingsDataset ds = MovieLens.Load100K(data, items, users);

        ds.Count.Should().Be(4);
        ds.ItemCount.Should().Be(4);
        ds.UserCount.Should().Be(3);
        ValueOf(ds, "1", "1").Should().Be(5f);
        ds.Catalog.ItemInfos[2].Title.Should().Be("Caf\u00e9 Noir (1994)");
        data.CanRead.Should().BeTrue("the caller keeps owning the streams");
    }

    [Fact]
    public void Load100K_StreamsWithoutMetadata_CatalogueFromRatings()
    {
        using var data = new MemoryStream(Encoding.Latin1.GetBytes(UData));

        RatingsDataset ds = MovieLens.Load100K(data, null, null);

        ds.UserCount.Should().Be(3);
        ds.ItemCount.Should().Be(3);
    }

    [Theory]
    [InlineData(DuplicatePolicy.KeepLast, 3f)]
    [InlineData(DuplicatePolicy.Average, 4f)]
    public void Load100K_DuplicatePolicy_IsApplied(DuplicatePolicy policy, float expected)
    {
        using TempDir dir = Write100K(data: "1\t1\t5\t10\n2\t2\t1\t11\n1\t1\t3\t12\n");

        RatingsDataset ds = MovieLens.Load100K(dir.Path, new MovieLensLoadOptions { Duplicates = policy });

        ds.Count.Should().Be(2);
        ValueOf(ds, "1", "1").Should().Be(expected);
        TimestampOf(ds, "1", "1").Should().Be(12L);
    }

    [Fact]
    public void Load100K_CrLfAndBlankLines_AreAccepted()
    {
        using TempDir dir = Write100K(data: "\r\n1\t1\t5\t874965758\r\n\r\n2\t1\t4\t888550871\r\n   \r\n");

        RatingsDataset ds = MovieLens.Load100K(dir.Path);

        ds.Count.Should().Be(2);
        TimestampOf(ds, "2", "1").Should().Be(888550871L);
    }

    [Fact]
    public void LoadSplit_TrainAndTest_ShareOneCatalogueInstance()
    {
        using TempDir dir = Write100K();
        dir.Write("u1.base", "1\t1\t5\t1\n1\t2\t3\t2\n3\t3\t2\t3\n");
        dir.Write("u1.test", "2\t1\t4\t4\n");

        DatasetSplit split = MovieLens.LoadSplit(dir.Path, "u1.base", "u1.test");

        split.Train.Catalog.Should().BeSameAs(split.Test.Catalog);
        split.Train.Count.Should().Be(3);
        split.Test.Count.Should().Be(1);
        split.Test.UserCount.Should().Be(3);
        split.Test.ItemCount.Should().Be(4);
        split.Train.Catalog.ItemInfos.Should().HaveCount(4);
        ValueOf(split.Test, "2", "1").Should().Be(4f);
    }

    [Fact]
    public void LoadSplit_WithoutMetadata_CatalogueIsTrainIdsThenNewTestIds()
    {
        using TempDir dir = Write100K(genre: false, item: false, user: false);
        dir.Write("u1.base", "5\t50\t5\t1\n6\t60\t3\t2\n");
        dir.Write("u1.test", "7\t50\t4\t4\n5\t70\t1\t5\n");

        DatasetSplit split = MovieLens.LoadSplit(dir.Path, "u1.base", "u1.test");

        split.Train.Catalog.Should().BeSameAs(split.Test.Catalog);
        split.Train.Catalog.Users.Ids.Should().Equal("5", "6", "7");
        split.Train.Catalog.Items.Ids.Should().Equal("50", "60", "70");
        split.Train.UserCount.Should().Be(3);
        ValueOf(split.Train, "6", "60").Should().Be(3f);
        ValueOf(split.Test, "5", "70").Should().Be(1f);
        split.Train.ByUser.GetRowLength(2).Should().Be(0, "user 7 only rates in the test file");
    }

    [Fact]
    public void LoadSplit_MissingTestFile_ThrowsFileNotFoundNamingIt()
    {
        using TempDir dir = Write100K();
        dir.Write("u1.base", UData);

        Action act = () => MovieLens.LoadSplit(dir.Path, "u1.base", "u1.test");

        act.Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("u1.test").And.Contain(dir.Path);
    }

    /// <summary>A unique temporary folder, deleted on dispose.</summary>
    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cf-loaders-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string relativePath, string text, Encoding? encoding = null)
        {
            string full = System.IO.Path.Combine(Path, relativePath);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text, encoding ?? Encoding.Latin1);
            return full;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
