using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>The 1M writer, the ratings-only writer in each layout, and each irregularity written on request, read back by the loaders.</summary>
public sealed partial class MovieLensWriterTests
{
    private static readonly MovieLensWriterOptions Everything = MovieLensWriterOptions.RealShaped with
    {
        Utf8 = true,
        ByteOrderMark = true,
        CrLf = true,
        NoneMovieFirstLine = true,
        UnlistedMovieRating = true,
    };

    private static SyntheticData Synthetic(int items = 300, bool halfStars = false) =>
        SyntheticDataset.Generate(new SyntheticOptions { Users = 100, Items = items, Ratings = 4_000, MinRatingsPerUser = 10, HalfStars = halfStars, Seed = 5 });

    private string Text(string file, Encoding? encoding = null) => (encoding ?? Encoding.Latin1).GetString(File.ReadAllBytes(Path.Combine(_root, file)));

    [Fact]
    public void Write1M_TwoUsersThreeItems_WritesTheThreeFilesByteForByte()
    {
        MovieLensWriter.Write1M(Tiny(), _root);

        Text("ratings.dat").Should().Be(
            "1::10::4::874965758\n" +
            "1::30::3.5::874965759\n" +
            "2::10::1::888550872\n" +
            "2::20::5::888550871\n");
        File.ReadAllBytes(Path.Combine(_root, "movies.dat")).Should().Equal(Encoding.Latin1.GetBytes(
            "10::Toy Story (1995)::Animation|Children's|Comedy\n" +
            "20::Café, \"Quoted\" (1996)::\n" +
            "30::Heat (1995)::Action|Crime|Thriller\n"));
        Text("users.dat").Should().Be(
            "1::M::18::0::85711\n" +
            "2::F::50::0::94043\n",
            "ages as their bracket's code; 'technician' is not a 1M occupation (it has 'technician/engineer'), 'other' is code 0");
        Directory.GetFiles(_root).Select(Path.GetFileName).Should().BeEquivalentTo("ratings.dat", "movies.dat", "users.dat");
    }

    [Fact]
    public void Write1M_ThenLoad1M_RoundTripsRatingsTimestampsMoviesAndUserCodes()
    {
        RatingsDataset original = Synthetic(items: 120).Dataset;

        MovieLensWriter.Write1M(original, _root);
        RatingsDataset loaded = MovieLens.Load1M(_root, new MovieLensLoadOptions { StrictMetadata = true });

        AssertSameRatings(loaded, original);
        loaded.Timestamps.ToArray().Should().Equal(original.Timestamps.ToArray());
        loaded.Catalog.ItemInfos.Select(i => $"{i.Id}|{i.Title}|{i.Year}|{string.Join(",", i.Genres)}")
            .Should().Equal(original.Catalog.ItemInfos.Select(i => $"{i.Id}|{i.Title}|{i.Year}|{string.Join(",", i.Genres)}"));
        loaded.Catalog.UserInfos.Select(u => (u.Id, u.Sex, u.ZipCode)).Should().Equal(original.Catalog.UserInfos.Select(u => (u.Id, u.Sex, u.ZipCode)));
        loaded.Catalog.UserInfos.Select(u => u.Age).Should().BeSubsetOf([1, 18, 25, 35, 45, 50, 56]);
        loaded.Catalog.UserInfos.Zip(original.Catalog.UserInfos).Should().OnlyContain(p => p.First.Occupation == p.Second.Occupation || p.First.Occupation == "other");
    }

    [Theory]
    [InlineData(MovieLensFormat.Ml100K, "7\tb\t2\t0\n7\ta\t4.5\t0\n")]
    [InlineData(MovieLensFormat.Ml1M, "7::b::2::0\n7::a::4.5::0\n")]
    [InlineData(MovieLensFormat.Latest, "userId,movieId,rating,timestamp\n7,b,2.0,0\n7,a,4.5,0\n")]
    public void WriteRatings_EachLayout_WritesItsRatingsFile(MovieLensFormat format, string expected)
    {
        RatingsDataset ds = new RatingsDatasetBuilder().Add("7", "b", 2f).Add("7", "a", 4.5f).Build();
        string path = Path.Combine(_root, "part");

        MovieLensWriter.WriteRatings(ds, path, format);

        Text("part").Should().Be(expected);
    }

    [Fact]
    public void WriteRatings_CrLfAndUtf8WithMark_ApplyToTheRatingsFile()
    {
        RatingsDataset ds = new RatingsDatasetBuilder().Add("7", "b", 2f).Build();

        MovieLensWriter.WriteRatings(ds, Path.Combine(_root, "u1.base"), MovieLensFormat.Ml100K, new MovieLensWriterOptions { CrLf = true, Utf8 = true, ByteOrderMark = true });

        File.ReadAllBytes(Path.Combine(_root, "u1.base")).Should().Equal([0xEF, 0xBB, 0xBF, .. "7\tb\t2\t0\r\n"u8.ToArray()]);
    }

    [Fact]
    public void Write100K_OneDigitDaysAndGenreFileEmptyLastLine_AsInTheRelease()
    {
        MovieLensWriter.Write100K(Tiny(), _root, new MovieLensWriterOptions { OneDigitDays = true, GenreFileEndsWithEmptyLine = true });

        Text("u.item").Split('\n')[0].Should().StartWith("10|Toy Story (1995)|1-Jan-1995|");
        Text("u.item").Split('\n')[2].Should().StartWith("30|Heat (1995)|15-Dec-1995|");
        Text("u.genre").Should().EndWith("War|17\nWestern|18\n\n");
    }

    [Fact]
    public void Write100K_Utf8WithByteOrderMarkAndCrLf_AsCopiesSavedByAnEditor()
    {
        MovieLensWriter.Write100K(Tiny(), _root, new MovieLensWriterOptions { Utf8 = true, ByteOrderMark = true, CrLf = true });

        byte[] item = File.ReadAllBytes(Path.Combine(_root, "u.item"));
        item.AsSpan(0, 3).ToArray().Should().Equal(0xEF, 0xBB, 0xBF);
        Encoding.UTF8.GetString(item, 3, item.Length - 3).Should().Contain("20|Café, \"Quoted\" (1996)|").And.EndWith("|0\r\n");
        Text("u.data").Should().Contain("\r\n").And.NotContain("\r\r");
        RatingsDataset loaded = MovieLens.Load100K(_root);
        loaded.Catalog.ItemInfos[1].Title.Should().Be("Café, \"Quoted\" (1996)");
        loaded.LoadReport!.Files.Should().OnlyContain(f => f.Encoding == "UTF-8", "every file carries the mark");
    }

    [Fact]
    public void Write100K_ByteOrderMarkWithoutUtf8_WritesLatin1WithoutMark()
    {
        MovieLensWriter.Write100K(Tiny(), _root, new MovieLensWriterOptions { ByteOrderMark = true });

        File.ReadAllBytes(Path.Combine(_root, "u.item"))[0].Should().Be((byte)'1');
        File.ReadAllBytes(Path.Combine(_root, "u.item")).Should().Contain(0xE9);
    }

    [Fact]
    public void Write1M_NoneMovieFirstLine_StartsMoviesDatWithMovieZero()
    {
        MovieLensWriter.Write1M(Tiny(), _root, new MovieLensWriterOptions { NoneMovieFirstLine = true });

        Text("movies.dat").Should().StartWith("0::None::None\n10::Toy Story (1995)::");
        MovieLens.Load1M(_root).ItemCount.Should().Be(4);
    }

    [Fact]
    public void Write1M_NoneMovieFirstLineWithAnItemZero_ThrowsNamingTheOption()
    {
        RatingsDataset ds = new RatingsDatasetBuilder().Add("1", "0", 3f).Build();

        FluentActions.Invoking(() => MovieLensWriter.Write1M(ds, _root, new MovieLensWriterOptions { NoneMovieFirstLine = true }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("NoneMovieFirstLine"));
        Directory.GetFileSystemEntries(_root).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Ends with a colon:")]
    [InlineData("Two::colons")]
    public void Write1M_TitleThatWouldRunIntoTheSeparator_ThrowsNamingTheItem(string title)
    {
        var catalog = new Catalog(new IdMap(["u"]), new IdMap(["m1"]), null, [new ItemInfo("m1", title, null, null, [])]);
        RatingsDataset ds = new RatingsDatasetBuilder(catalog).Add("u", "m1", 4f).Build();

        FluentActions.Invoking(() => MovieLensWriter.Write1M(ds, _root)).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "dataset" && e.Message.Contains("title of item 'm1'"));
        Directory.GetFileSystemEntries(_root).Should().BeEmpty();
    }

    [Fact]
    public void WriteLatest_UnlistedMovieRating_AppendsARatingOfAMovieMissingFromMoviesCsv()
    {
        MovieLensWriter.WriteLatest(Tiny(), _root, new MovieLensWriterOptions { UnlistedMovieRating = true });

        Text("ratings.csv", Encoding.UTF8).Should().EndWith("2,20,5.0,888550871\n1,999999,5.0,888550872\n");
        FluentActions.Invoking(() => MovieLens.LoadLatest(_root)).Should().Throw<RatingsFormatException>().Which.LineNumber.Should().Be(6);
        MovieLens.LoadLatest(_root, new MovieLensLoadOptions { UnknownIds = UnknownIdPolicy.Skip }).LoadReport!.SkippedRatings.Should().Be(1);
    }

    [Fact]
    public void Write100K_ContentIrregularities_TouchTheDocumentedPositions()
    {
        RatingsDataset original = Synthetic().Dataset;
        IReadOnlyList<ItemInfo> items = original.Catalog.ItemInfos;

        MovieLensWriter.Write100K(original, _root, MovieLensWriterOptions.RealShaped);
        RatingsDataset loaded = MovieLens.Load100K(_root);

        string Title(int position) => loaded.Catalog.ItemInfos[position - 1].Title;
        string Original(int position) => items[position - 1].Title;
        Title(3).Should().Be(Original(3) + " ");
        Title(5).Should().Be(Original(4));
        Title(7).Should().Be("Caf\u00e9 " + Original(7));
        Title(187).Should().Be("Mis\u00e9rables " + Original(187));
        Title(9).Should().Be(Original(9).Replace(" (", ", The \"Director's Cut\" (", StringComparison.Ordinal));
        Title(11).Should().Be(Original(11)[..Original(11).LastIndexOf(" (", StringComparison.Ordinal)]);
        Title(141).Should().Be(Original(141) + " (V)");
        Title(267).Should().Be("unknown");
        loaded.Catalog.ItemInfos[266].Should().BeEquivalentTo(new { ReleaseDate = (DateOnly?)null, Year = (int?)null, Genres = new[] { "unknown" } });
        Enumerable.Range(1, 300).Except([3, 5, 7, 9, 11, 95, 141, 185, 187, 189, 267, 271, 275]).Where(p => Title(p) != Original(p)).Should().BeEmpty();
        loaded.Catalog.UserInfos[1].ZipCode.Should().MatchRegex("^[A-Z][0-9][A-Z][0-9][A-Z]$");
        loaded.Catalog.UserInfos[3].ZipCode.Should().MatchRegex("^[0-9]{5}-[0-9]{4}$");
        loaded.Catalog.UserInfos[0].ZipCode.Should().Be(original.Catalog.UserInfos[0].ZipCode);
        File.ReadAllText(Path.Combine(_root, "u.item"), Encoding.Latin1).Should().MatchRegex(@"\|[1-9]-[A-Z][a-z]{2}-[0-9]{4}\|", "days 1 to 9 have one digit");
    }

    [Fact]
    public void Write100K_RealShaped_LoadsBackTheSameRatingsWithoutAWarning()
    {
        RatingsDataset original = Synthetic().Dataset;

        MovieLensWriter.Write100K(original, _root, MovieLensWriterOptions.RealShaped);
        RatingsDataset loaded = MovieLens.Load100K(_root, new MovieLensLoadOptions { StrictMetadata = true });

        AssertSameRatings(loaded, original);
        loaded.Timestamps.ToArray().Should().Equal(original.Timestamps.ToArray());
        loaded.LoadReport!.Warnings.Should().BeEmpty();
        loaded.Catalog.ItemInfos.Where(i => i.Title != "unknown").Select(i => i.ReleaseDate)
            .Should().Equal(original.Catalog.ItemInfos.Where((_, k) => k != 266).Select(i => i.ReleaseDate), "one-digit days read back as the same dates");
    }

    [Fact]
    public void Write1M_EverythingOn_LoadsWithTheNoneMovieAndUtf8Titles()
    {
        RatingsDataset original = Synthetic().Dataset;

        MovieLensWriter.Write1M(original, _root, Everything);
        RatingsDataset loaded = MovieLens.Load1M(_root, new MovieLensLoadOptions { UnknownIds = UnknownIdPolicy.Skip });

        loaded.Count.Should().Be(original.Count);
        loaded.ItemCount.Should().Be(original.ItemCount + 1);
        loaded.Catalog.ItemInfos[0].Title.Should().Be("None");
        loaded.Catalog.ItemInfos[7].Title.Should().StartWith("Caf\u00e9 ");
        loaded.LoadReport!.SkippedRatings.Should().Be(1);
        loaded.LoadReport.Files.Select(f => f.Encoding).Should().OnlyContain(e => e == "UTF-8");
    }

    [Fact]
    public void WriteLatest_EverythingOn_LoadsWithQuotedAndAccentedTitles()
    {
        RatingsDataset original = Synthetic(halfStars: true).Dataset;

        MovieLensWriter.WriteLatest(original, _root, Everything);
        RatingsDataset loaded = MovieLens.LoadLatest(_root, new MovieLensLoadOptions { UnknownIds = UnknownIdPolicy.Skip });

        loaded.Count.Should().Be(original.Count);
        loaded.Catalog.ItemInfos[8].Title.Should().Contain(", The \"Director's Cut\" (");
        loaded.Catalog.ItemInfos[10].Year.Should().BeNull();
        loaded.Catalog.ItemInfos[2].Title.Should().EndWith(") ");
        Text("movies.csv", Encoding.UTF8).Should().Contain(",\"Synthetic Movie 9, The \"\"Director's Cut\"\" (");
        loaded.LoadReport!.SkippedRatings.Should().Be(1);
    }
}
