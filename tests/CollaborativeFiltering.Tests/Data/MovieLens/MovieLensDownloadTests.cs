using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public sealed partial class MovieLensDownloadTests : IDisposable
{
    private const string UData = "1\t1\t5\t874965758\n2\t1\t3\t876893171\n1\t2\t4\t878542960\n";
    private const string UItem = "1|Toy Story (1995)|01-Jan-1995||http://example.invalid/1|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n2|GoldenEye (1995)|01-Jan-1995||http://example.invalid/2|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n";
    private const string UUser = "1|24|M|technician|85711\n2|53|F|other|94043\n";

    private readonly string _root;
    private readonly string _cache;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false });

    public MovieLensDownloadTests()
    {
        _root = Path.Combine(Path.GetTempPath(), "cf-download-tests-" + Guid.NewGuid().ToString("N"));
        _cache = Path.Combine(_root, "cache");
        Directory.CreateDirectory(_cache);
    }

    public void Dispose()
    {
        _client.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    // ---------------------------------------------------------------- success and reuse

    [Fact]
    public async Task DownloadAsync_ValidArchive_ExtractsFilesIntoVariantFolder()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        string dir = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        dir.Should().Be(Path.Combine(_cache, "ml-100k"));
        File.ReadAllText(Path.Combine(dir, "u.data")).Should().Be(UData);
        File.ReadAllText(Path.Combine(dir, "u.item")).Should().Be(UItem);
        File.ReadAllText(Path.Combine(dir, "u.user")).Should().Be(UUser);
        File.ReadAllText(Path.Combine(dir, "README")).Should().Be("fake");
        File.ReadAllText(Path.Combine(dir, MovieLens.CompleteMarkerFileName)).Should().Contain("sha256=" + Sha256(zip));
        server.Paths.Should().Equal("/movielens/ml-100k.zip");
        Listing(_cache).Should().Equal("ml-100k");
    }

    [Fact]
    public async Task DownloadAsync_SecondCall_ReturnsCacheWithoutAnyRequest()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        string first = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);
        var reports = new List<DownloadProgress>();

        string second = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), new SyncProgress(reports.Add), CancellationToken.None);
        string third = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, _cache);

        second.Should().Be(first);
        third.Should().Be(first);
        server.RequestCount.Should().Be(1);
        reports.Should().BeEmpty();
        MovieLens.TryGetCached(MovieLensVariant.Ml100K, _cache, out var cached).Should().BeTrue();
        cached.Should().Be(first);
    }

    [Fact]
    public async Task DownloadAsync_Progress_ReportsBytesThenStagesInOrder()
    {
        byte[] zip = Ml100KZip(fillerBytes: 200_000);
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        var reports = new List<DownloadProgress>();

        await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), new SyncProgress(reports.Add), CancellationToken.None);

        reports[0].Should().Be(new DownloadProgress(0, zip.Length, DownloadStage.Downloading));
        reports.Should().OnlyContain(r => r.TotalBytes == zip.Length);
        reports.Select(r => r.BytesReceived).Should().BeInAscendingOrder();
        reports.Count(r => r.Stage == DownloadStage.Downloading).Should().BeInRange(3, 102, "one report per percent at most, more than one while streaming");
        reports.Where(r => r.Stage != DownloadStage.Downloading).Should().Equal(
            new DownloadProgress(zip.Length, zip.Length, DownloadStage.Verifying),
            new DownloadProgress(zip.Length, zip.Length, DownloadStage.Extracting),
            new DownloadProgress(zip.Length, zip.Length, DownloadStage.Completed));
        reports.Last(r => r.Stage == DownloadStage.Downloading).BytesReceived.Should().Be(zip.Length);
        reports[^1].Fraction.Should().Be(1d);
    }

    [Fact]
    public async Task DownloadAsync_ArchiveWithFilesAtTopLevel_ExtractsIntoVariantFolder()
    {
        byte[] zip = Zip(("u.data", UData), ("u.item", UItem), ("u.user", UUser));
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        string dir = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        File.ReadAllText(Path.Combine(dir, "u.user")).Should().Be(UUser);
        Listing(dir).Should().BeEquivalentTo(MovieLens.CompleteMarkerFileName, "u.data", "u.item", "u.user");
    }

    [Theory]
    [InlineData(MovieLensVariant.Ml1M, "ml-1m", "ratings.dat", "movies.dat", "users.dat")]
    [InlineData(MovieLensVariant.LatestSmall, "ml-latest-small", "ratings.csv", "movies.csv", "links.csv")]
    public async Task DownloadAsync_OtherVariants_UseTheirArchiveAndFolderNames(MovieLensVariant variant, string folder, string a, string b, string c)
    {
        byte[] zip = Zip(($"{folder}/{a}", "a"), ($"{folder}/{b}", "b"), ($"{folder}/{c}", "c"));
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        string dir = await MovieLens.DownloadAsync(variant, Options(server, zip, variant), null, CancellationToken.None);

        dir.Should().Be(Path.Combine(_cache, folder));
        server.Paths.Should().Equal($"/movielens/{folder}.zip");
        File.ReadAllText(Path.Combine(dir, b)).Should().Be("b");
    }

    [Fact]
    public async Task DownloadAsync_LatestSmallWithoutChecksum_IsAccepted()
    {
        byte[] zip = Zip(("ml-latest-small/ratings.csv", "userId,movieId,rating,timestamp\n"), ("ml-latest-small/movies.csv", "movieId,title,genres\n"));
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        var options = new MovieLensDownloadOptions { BaseAddress = server.BaseAddress, HttpClient = _client, CacheDirectory = _cache };

        string dir = await MovieLens.DownloadAsync(MovieLensVariant.LatestSmall, options, null, CancellationToken.None);

        File.Exists(Path.Combine(dir, "ratings.csv")).Should().BeTrue();
    }

    [Fact]
    public async Task DownloadAsync_CallerOwnedHttpClient_IsNotDisposed()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        byte[] again = await _client.GetByteArrayAsync(new Uri(server.BaseAddress, "ml-100k.zip"));

        again.Should().Equal(zip);
        server.RequestCount.Should().Be(2);
    }

    [Fact]
    public async Task DownloadAsync_ConcurrentCallers_ShareOneCompleteFolder()
    {
        byte[] zip = Ml100KZip(fillerBytes: 100_000);
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        string[] dirs = await Task.WhenAll(
            MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None),
            MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None),
            MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None));

        dirs.Should().AllBe(Path.Combine(_cache, "ml-100k"));
        File.ReadAllText(Path.Combine(dirs[0], "u.data")).Should().Be(UData);
        Listing(_cache).Should().Equal("ml-100k");
        server.RequestCount.Should().BeInRange(1, 3);
    }

    [Fact]
    public async Task DownloadAsync_EmptyFolderInPlace_IsReplaced()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        Directory.CreateDirectory(Path.Combine(_cache, "ml-100k"));

        string dir = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        File.ReadAllText(Path.Combine(dir, "u.data")).Should().Be(UData);
    }

    [Fact]
    public async Task DownloadAsync_CachedFolderMissingAFile_IsDownloadedAgain()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        string dir = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);
        File.Delete(Path.Combine(dir, "u.user"));
        MovieLens.TryGetCached(MovieLensVariant.Ml100K, _cache, out _).Should().BeFalse();

        string again = await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        again.Should().Be(dir);
        File.ReadAllText(Path.Combine(dir, "u.user")).Should().Be(UUser);
        server.RequestCount.Should().Be(2);
        Listing(_cache).Should().Equal("ml-100k");
    }

    // ---------------------------------------------------------------- failures leave nothing behind

    [Fact]
    public async Task DownloadAsync_NotFound_ThrowsNamingStatusAndUrl()
    {
        await using var server = new LoopbackHttpServer(Respond.Status(404, "Not Found"));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, null), null, CancellationToken.None);

        var ex = (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which;
        ex.Message.Should().Contain("404").And.Contain(server.BaseAddress + "ml-100k.zip");
        ex.Address.Should().Be(new Uri(server.BaseAddress, "ml-100k.zip"));
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_NotAZip_ThrowsAndLeavesNothing()
    {
        byte[] garbage = RandomBytes(5000, seed: 3);
        await using var server = new LoopbackHttpServer(Respond.With(garbage));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, garbage), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("not a valid zip archive");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_CorruptEntryData_ThrowsAndLeavesNothing()
    {
        byte[] zip = Zip(("ml-100k/u.data", UData), ("ml-100k/u.item", UItem), ("ml-100k/u.user", UUser), ("ml-100k/big", new string('x', 20_000)));
        int dataStart = FindLocalHeaderData(zip, "ml-100k/big");
        for (int i = dataStart; i < dataStart + 40; i++)
        {
            zip[i] ^= 0x5A;
        }

        await using var server = new LoopbackHttpServer(Respond.With(zip));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("'ml-100k/big' is corrupt");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_BodyShorterThanContentLength_ThrowsAndLeavesNothing()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip, announcedLength: zip.Length + 100));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("ml-100k.zip");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_ChecksumMismatch_ThrowsNamingBothDigests()
    {
        byte[] zip = Ml100KZip();
        string wrong = new('0', 64);
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        var options = Options(server, zip) with { ExpectedSha256 = new Dictionary<MovieLensVariant, string> { [MovieLensVariant.Ml100K] = wrong } };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain(Sha256(zip)).And.Contain(wrong);
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_FakeArchiveAgainstBuiltInChecksum_IsRejected()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        var options = new MovieLensDownloadOptions { BaseAddress = server.BaseAddress, HttpClient = _client, CacheDirectory = _cache };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message
            .Should().Contain("50D2A982C66986937BEB9FFB3AA76EFE955BF3D5C6B761F4E3A7CD717C6A3229");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_ArchiveMissingExpectedFile_ThrowsNamingIt()
    {
        byte[] zip = Zip(("ml-100k/u.data", UData), ("ml-100k/u.item", UItem));
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("no 'u.user'");
        Listing(_cache).Should().BeEmpty();
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("ml-100k/../../evil")]
    [InlineData("..\\evil")]
    [InlineData("/tmp/evil")]
    [InlineData("C:/evil")]
    public async Task DownloadAsync_EntryEscapingTheFolder_IsRejectedBeforeAnythingIsWritten(string entryName)
    {
        byte[] zip = Zip(("ml-100k/u.data", UData), ("ml-100k/u.item", UItem), ("ml-100k/u.user", UUser), (entryName, "pwned"));
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain($"'{entryName}'").And.Contain("outside");
        Listing(_cache).Should().BeEmpty();
        Listing(_root).Should().Equal("cache");
    }

    [Fact]
    public async Task DownloadAsync_CancelledMidDownload_ThrowsAndLeavesNothing()
    {
        byte[] zip = Ml100KZip(fillerBytes: 64_000);
        await using var server = new LoopbackHttpServer(Respond.FirstChunkThenStall(zip, 1024));
        using var cts = new CancellationTokenSource();
        var reports = new List<DownloadProgress>();
        var progress = new SyncProgress(p =>
        {
            reports.Add(p);
            if (p.BytesReceived > 0)
            {
                cts.Cancel();
            }
        });

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), progress, cts.Token);

        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(cts.Token);
        reports.Should().Contain(r => r.BytesReceived > 0 && r.BytesReceived < zip.Length);
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_AlreadyCancelled_ThrowsWithoutRequest()
    {
        await using var server = new LoopbackHttpServer(Respond.With(Ml100KZip()));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, null), null, new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
        server.RequestCount.Should().Be(0);
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_ServerNeverAnswers_ThrowsTimeoutNamingUrlAndLimit()
    {
        await using var server = new LoopbackHttpServer(Respond.Stall());
        var options = Options(server, null) with { Timeout = TimeSpan.FromMilliseconds(150) };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        (await act.Should().ThrowAsync<TimeoutException>()).Which.Message
            .Should().Contain(server.BaseAddress + "ml-100k.zip").And.Contain("0.15 s").And.Contain("MovieLensDownloadOptions.Timeout");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_ConnectionRefused_ThrowsNamingUrl()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new MovieLensDownloadOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/movielens"),
            CacheDirectory = _cache,
            ExpectedSha256 = new Dictionary<MovieLensVariant, string> { [MovieLensVariant.Ml100K] = string.Empty },
        };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        var ex = (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which;
        ex.Message.Should().Contain($"http://127.0.0.1:{port}/movielens/ml-100k.zip");
        ex.InnerException.Should().BeOfType<HttpRequestException>();
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_FailureInNewCacheFolder_RemovesTheFolderItCreated()
    {
        string fresh = Path.Combine(_root, "fresh");
        await using var server = new LoopbackHttpServer(Respond.Status(404, "Not Found"));
        var options = Options(server, null) with { CacheDirectory = fresh };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        await act.Should().ThrowAsync<MovieLensDownloadException>();
        Directory.Exists(fresh).Should().BeFalse();
    }

    [Fact]
    public async Task DownloadAsync_ForeignFolderInPlace_ThrowsAndLeavesItUntouched()
    {
        string foreign = Path.Combine(_cache, "ml-100k");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "mine.txt"), "keep");
        await using var server = new LoopbackHttpServer(Respond.With(Ml100KZip()));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, null), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain(foreign).And.Contain("left untouched");
        File.ReadAllText(Path.Combine(foreign, "mine.txt")).Should().Be("keep");
        server.RequestCount.Should().Be(0);
        Listing(_cache).Should().Equal("ml-100k");
    }

    [Fact]
    public async Task DownloadAsync_StalePartialFromKilledProcess_IsSwept()
    {
        string stale = Path.Combine(_cache, ".ml-100k-0123456789abcdef.partial");
        string recent = Path.Combine(_cache, ".ml-100k-fedcba9876543210.zip.partial");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "u.data"), "half");
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));
        File.WriteAllText(recent, "in progress elsewhere");
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        await MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        Listing(_cache).Should().BeEquivalentTo("ml-100k", Path.GetFileName(recent));
    }

    // ---------------------------------------------------------------- arguments, options, cache location

    [Fact]
    public async Task DownloadAsync_UndefinedVariant_ThrowsNamingParameter()
    {
        var act = () => MovieLens.DownloadAsync((MovieLensVariant)7, _cache);

        (await act.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("variant");
    }

    [Fact]
    public async Task DownloadAsync_BlankCacheDirectory_ThrowsNamingParameter()
    {
        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, "  ");

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("cacheDirectory");
    }

    [Fact]
    public async Task DownloadAsync_NullOptions_Throws()
    {
        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, (MovieLensDownloadOptions)null!, null, CancellationToken.None);

        (await act.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("options");
    }

    [Fact]
    public void Options_Defaults_AreGroupLensAndHundredSeconds()
    {
        var options = new MovieLensDownloadOptions();

        options.BaseAddress.Should().Be(new Uri("https://files.grouplens.org/datasets/movielens/"));
        options.Timeout.Should().Be(TimeSpan.FromSeconds(100));
        options.HttpClient.Should().BeNull();
        options.CacheDirectory.Should().BeNull();
        options.ExpectedSha256.Should().BeNull();
    }

    [Fact]
    public void Options_BaseAddressWithoutTrailingSlash_IsTreatedAsFolder()
    {
        var options = new MovieLensDownloadOptions { BaseAddress = new Uri("http://127.0.0.1:1/data/movielens") };

        options.BaseAddress.AbsoluteUri.Should().Be("http://127.0.0.1:1/data/movielens/");
    }

    [Theory]
    [InlineData("ftp://example.invalid/movielens/")]
    [InlineData("http://example.invalid/movielens/?x=1")]
    public void Options_UnsupportedBaseAddress_ThrowsNamingOption(string address)
    {
        var act = () => new MovieLensDownloadOptions { BaseAddress = new Uri(address) }.Validate();

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("BaseAddress");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Options_NonPositiveTimeout_ThrowsNamingOption(int milliseconds)
    {
        var act = () => new MovieLensDownloadOptions { Timeout = TimeSpan.FromMilliseconds(milliseconds) }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Timeout");
    }

    [Fact]
    public async Task DownloadAsync_InvalidOptions_ThrowsBeforeAnyRequest()
    {
        var options = new MovieLensDownloadOptions { BaseAddress = new Uri("ftp://example.invalid/movielens/"), CacheDirectory = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")) };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("BaseAddress");
        Directory.Exists(options.CacheDirectory).Should().BeFalse();
    }

    [Fact]
    public void Options_InfiniteTimeout_IsAccepted()
    {
        new MovieLensDownloadOptions { Timeout = Timeout.InfiniteTimeSpan }.Timeout.Should().Be(Timeout.InfiniteTimeSpan);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void Options_MalformedSha256_ThrowsNamingOption(string digest)
    {
        var act = () => new MovieLensDownloadOptions { ExpectedSha256 = new Dictionary<MovieLensVariant, string> { [MovieLensVariant.Ml1M] = digest } }.Validate();

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ExpectedSha256");
    }

    [Fact]
    public void Options_ExpectedSha256_IsCopiedWhenSet()
    {
        var source = new Dictionary<MovieLensVariant, string> { [MovieLensVariant.Ml1M] = new string('a', 64) };
        var options = new MovieLensDownloadOptions { ExpectedSha256 = source };

        source[MovieLensVariant.Ml1M] = new string('b', 64);

        options.ExpectedSha256![MovieLensVariant.Ml1M].Should().Be(new string('A', 64));
    }

    [Fact]
    public void TryGetCached_NothingThere_ReturnsFalseWithoutCreatingAnything()
    {
        string missing = Path.Combine(_root, "nowhere");

        MovieLens.TryGetCached(MovieLensVariant.Ml1M, missing, out var dir).Should().BeFalse();

        dir.Should().BeNull();
        Directory.Exists(missing).Should().BeFalse();
    }

    [Fact]
    public void TryGetCached_FolderWithoutMarker_ReturnsFalse()
    {
        string folder = Path.Combine(_cache, "ml-1m");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "ratings.dat", "movies.dat", "users.dat" })
        {
            File.WriteAllText(Path.Combine(folder, name), "x");
        }

        MovieLens.TryGetCached(MovieLensVariant.Ml1M, _cache, out _).Should().BeFalse();

        File.WriteAllText(Path.Combine(folder, MovieLens.CompleteMarkerFileName), "done");
        MovieLens.TryGetCached(MovieLensVariant.Ml1M, _cache, out var dir).Should().BeTrue();
        dir.Should().Be(folder);
    }

    [Fact]
    public void ResolveDefaultCacheDirectory_UnixWithAbsoluteXdg_UsesIt()
    {
        string result = MovieLens.ResolveDefaultCacheDirectory(false, Env(("XDG_CACHE_HOME", "/var/cache/me")), string.Empty, "/home/me");

        result.Should().Be(Path.Combine("/var/cache/me", "CollaborativeFiltering", "movielens"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/cache")]
    public void ResolveDefaultCacheDirectory_UnixWithoutUsableXdg_UsesHomeDotCache(string? xdg)
    {
        string result = MovieLens.ResolveDefaultCacheDirectory(false, Env(("XDG_CACHE_HOME", xdg)), string.Empty, "/home/me");

        result.Should().Be(Path.Combine("/home/me", ".cache", "CollaborativeFiltering", "movielens"));
    }

    [Fact]
    public void ResolveDefaultCacheDirectory_Windows_UsesLocalAppDataAndIgnoresXdg()
    {
        string result = MovieLens.ResolveDefaultCacheDirectory(true, Env(("XDG_CACHE_HOME", "/var/cache/me")), @"C:\Users\me\AppData\Local", @"C:\Users\me");

        result.Should().Be(Path.Combine(@"C:\Users\me\AppData\Local", "CollaborativeFiltering", "movielens"));
    }

    [Fact]
    public void DefaultCacheDirectory_IsAnAbsoluteMovieLensFolder()
    {
        string dir = MovieLens.DefaultCacheDirectory;

        Path.IsPathRooted(dir).Should().BeTrue();
        dir.Should().EndWith(Path.Combine("CollaborativeFiltering", "movielens"));
    }

    // ---------------------------------------------------------------- helpers

    private MovieLensDownloadOptions Options(LoopbackHttpServer server, byte[]? zip, MovieLensVariant variant = MovieLensVariant.Ml100K) => new()
    {
        BaseAddress = server.BaseAddress,
        HttpClient = _client,
        CacheDirectory = _cache,
        Timeout = TimeSpan.FromSeconds(20),
        ExpectedSha256 = new Dictionary<MovieLensVariant, string> { [variant] = zip is null ? string.Empty : Sha256(zip) },
    };

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables) =>
        name => Array.Find(variables, v => v.Name == name).Value;

    private static string[] Listing(string directory)
    {
        var names = Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Select(n => n!).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    private static string Sha256(byte[] data) => Convert.ToHexString(SHA256.HashData(data));

    private static byte[] Ml100KZip(int fillerBytes = 0)
    {
        var entries = new List<(string, string)>
        {
            ("ml-100k/u.data", UData),
            ("ml-100k/u.item", UItem),
            ("ml-100k/u.user", UUser),
            ("ml-100k/README", "fake"),
        };
        return Zip(fillerBytes > 0 ? RandomBytes(fillerBytes, seed: 1) : null, [.. entries]);
    }

    private static byte[] Zip(params (string Name, string Content)[] entries) => Zip(null, entries);

    private static byte[] Zip(byte[]? filler, params (string Name, string Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(archive.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }

            if (filler is not null)
            {
                using var entry = archive.CreateEntry("ml-100k/filler.bin", CompressionLevel.NoCompression).Open();
                entry.Write(filler);
            }
        }

        return stream.ToArray();
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Offset of an entry's data in a zip written by <see cref="Zip(ValueTuple{string, string}[])"/> (local header without extra field).</summary>
    private static int FindLocalHeaderData(byte[] zip, string name)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        for (int i = 0; i + 30 + nameBytes.Length <= zip.Length; i++)
        {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4B && zip[i + 2] == 0x03 && zip[i + 3] == 0x04
                && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
            {
                int nameLength = zip[i + 26] | (zip[i + 27] << 8);
                int extraLength = zip[i + 28] | (zip[i + 29] << 8);
                return i + 30 + nameLength + extraLength;
            }
        }

        throw new InvalidOperationException("entry not found");
    }

    private sealed class SyncProgress(Action<DownloadProgress> onReport) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => onReport(value);
    }

    /// <summary>Raw HTTP/1.1 responses written straight to the connection.</summary>
    private static class Respond
    {
        public static Func<Stream, CancellationToken, Task> With(byte[] body, long? announcedLength = null) => async (stream, ct) =>
        {
            await WriteHeadAsync(stream, 200, "OK", announcedLength ?? body.Length, ct);
            await stream.WriteAsync(body, ct);
        };

        public static Func<Stream, CancellationToken, Task> Status(int code, string reason) => async (stream, ct) =>
        {
            byte[] body = Encoding.ASCII.GetBytes(reason);
            await WriteHeadAsync(stream, code, reason, body.Length, ct);
            await stream.WriteAsync(body, ct);
        };

        /// <summary>Sends the headers and the first <paramref name="chunk"/> bytes, then waits until the server stops.</summary>
        public static Func<Stream, CancellationToken, Task> FirstChunkThenStall(byte[] body, int chunk) => async (stream, ct) =>
        {
            await WriteHeadAsync(stream, 200, "OK", body.Length, ct);
            await stream.WriteAsync(body.AsMemory(0, chunk), ct);
            await stream.FlushAsync(ct);
            await WaitForStopAsync(ct);
        };

        /// <summary>Reads the request and never answers until the server stops.</summary>
        public static Func<Stream, CancellationToken, Task> Stall() => (_, ct) => WaitForStopAsync(ct);

        private static Task WaitForStopAsync(CancellationToken ct)
        {
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ct.Register(() => stopped.TrySetResult());
            return stopped.Task;
        }

        private static async Task WriteHeadAsync(Stream stream, int code, string reason, long length, CancellationToken ct)
        {
            string head = $"HTTP/1.1 {code} {reason}\r\nContent-Type: application/zip\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
        }
    }

    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 (port chosen by the OS): one request per connection, answered
    /// by a handler that writes the raw response. Counts requests; stops every connection when disposed.
    /// </summary>
    private sealed class LoopbackHttpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Func<Stream, CancellationToken, Task> _handler;
        private readonly ConcurrentQueue<string> _paths = new();
        private readonly ConcurrentBag<Task> _connections = [];
        private readonly Task _acceptLoop;

        public LoopbackHttpServer(Func<Stream, CancellationToken, Task> handler)
        {
            _handler = handler;
            _listener.Start();
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/movielens/");
            _acceptLoop = AcceptLoopAsync();
        }

        public Uri BaseAddress { get; }

        public int RequestCount => _paths.Count;

        public IReadOnlyList<string> Paths => [.. _paths];

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
            await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(5));
            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _connections.Add(ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    string? path = await ReadRequestPathAsync(stream, _stop.Token);
                    if (path is null)
                    {
                        return;
                    }

                    _paths.Enqueue(path);
                    await _handler(stream, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    client.Client.Shutdown(SocketShutdown.Send);
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The client went away or the server is stopping.
                }
            }
        }

        private static async Task<string?> ReadRequestPathAsync(Stream stream, CancellationToken ct)
        {
            var head = new List<byte>(512);
            var buffer = new byte[1024];
            while (head.Count < 16 * 1024)
            {
                int read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    return null;
                }

                head.AddRange(buffer.AsSpan(0, read));
                string text = Encoding.ASCII.GetString(head.ToArray());
                if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    string[] requestLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                    return requestLine.Length >= 2 ? requestLine[1] : null;
                }
            }

            return null;
        }
    }
}
