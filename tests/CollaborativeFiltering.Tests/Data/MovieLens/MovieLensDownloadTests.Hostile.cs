using System.IO.Compression;
using System.Text;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>Issue 10, point 6: what a hostile server or archive can do ends as a MovieLensDownloadException naming the problem, and leaves nothing in the cache.</summary>
public sealed partial class MovieLensDownloadTests
{
    [Fact]
    public async Task DownloadAsync_FlippedByteInsideAnEntrysData_FailsItsCrc32()
    {
        byte[] zip = StoredZip(("ml-100k/u.data", UData), ("ml-100k/u.item", UItem), ("ml-100k/u.user", UUser));
        zip[FindLocalHeaderData(zip, "ml-100k/u.data") + 2] ^= 0x01; // '\t' becomes '\b': still bytes, still "extracts"
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("'ml-100k/u.data' is corrupt").And.Contain("CRC-32");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_EntryLargerThanMaxEntryBytes_IsRejected()
    {
        byte[] zip = Ml100KZip(fillerBytes: 50_000);
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        var options = Options(server, zip) with { MaxEntryBytes = 10_000 };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("filler.bin").And.Contain("MaxEntryBytes");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_ArchiveLargerThanMaxExtractedBytes_IsRejected()
    {
        byte[] zip = Ml100KZip(fillerBytes: 50_000);
        await using var server = new LoopbackHttpServer(Respond.With(zip));
        var options = Options(server, zip) with { MaxExtractedBytes = 40_000 };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("MaxExtractedBytes");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_BodyWithoutContentLengthBeyondTheCap_IsStopped()
    {
        byte[] body = new byte[200_000];
        await using var server = new LoopbackHttpServer(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nConnection: close\r\n\r\n"), ct);
            await stream.WriteAsync(body, ct);
        });
        var options = Options(server, null) with { MaxDownloadBytes = 50_000 };

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, options, null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("MaxDownloadBytes");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_ContentLengthBeyondTheCap_IsRejectedBeforeTheBody()
    {
        byte[] zip = Ml100KZip();
        await using var server = new LoopbackHttpServer(Respond.With(zip, announcedLength: 10_000_000_000));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("10000000000").And.Contain("MaxDownloadBytes");
        Listing(_cache).Should().BeEmpty();
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/ml-100k.zip")]
    [InlineData("file:///etc/passwd")]
    public async Task DownloadAsync_RedirectToANonHttpScheme_IsReportedAsADownloadFailure(string location)
    {
        await using var server = new LoopbackHttpServer(async (stream, ct) =>
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct));

        // The library's own client follows redirects itself and names the one it refuses ...
        var own = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, null) with { HttpClient = null }, null, CancellationToken.None);
        (await own.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("302").And.Contain($"'{location}'");

        // ... a caller's client follows them its own way; whatever it throws is still a download failure.
        var callers = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, null), null, CancellationToken.None);
        await callers.Should().ThrowAsync<MovieLensDownloadException>();

        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_MalformedRedirect_IsReportedAsADownloadFailure()
    {
        await using var server = new LoopbackHttpServer(async (stream, ct) =>
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 301 Moved\r\nLocation: http://[::1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct));

        foreach (HttpClient? client in new[] { _client, null })
        {
            var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, null) with { HttpClient = client }, null, CancellationToken.None);

            await act.Should().ThrowAsync<MovieLensDownloadException>();
        }

        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public async Task DownloadAsync_FileNestedUnderAnotherFilesName_IsRejected()
    {
        byte[] zip = Zip(("ml-100k/u.data", UData), ("ml-100k/u.item", UItem), ("ml-100k/u.user", UUser), ("ml-100k/u.data/evil", "x"));
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("'ml-100k/u.data/evil' lies under 'ml-100k/u.data', which is a file");
        Listing(_cache).Should().BeEmpty();
    }

    [Theory]
    [InlineData(300, 1)]
    [InlineData(10, 40)]
    public async Task DownloadAsync_OverLongOrOverDeepEntryName_IsRejected(int segmentLength, int depth)
    {
        string name = "ml-100k/" + string.Join("/", Enumerable.Repeat(new string('a', segmentLength), depth)) + ".txt";
        byte[] zip = Zip(("ml-100k/u.data", UData), ("ml-100k/u.item", UItem), ("ml-100k/u.user", UUser), (name, "x"));
        await using var server = new LoopbackHttpServer(Respond.With(zip));

        var act = () => MovieLens.DownloadAsync(MovieLensVariant.Ml100K, Options(server, zip), null, CancellationToken.None);

        (await act.Should().ThrowAsync<MovieLensDownloadException>()).Which.Message.Should().Contain("at most 200 characters and 8 folders");
        Listing(_cache).Should().BeEmpty();
    }

    [Fact]
    public void Options_LimitsNotPositive_ThrowNamingThem()
    {
        FluentActions.Invoking(() => new MovieLensDownloadOptions { MaxDownloadBytes = 0 }.Validate()).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDownloadBytes");
        FluentActions.Invoking(() => new MovieLensDownloadOptions { MaxEntryBytes = -1 }.Validate()).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxEntryBytes");
        FluentActions.Invoking(() => new MovieLensDownloadOptions { MaxExtractedBytes = long.MinValue }.Validate()).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxExtractedBytes");
        new MovieLensDownloadOptions().MaxEntryBytes.Should().Be(256L << 20);
    }

    /// <summary>A zip whose entries are stored uncompressed, so that a flipped data byte still extracts.</summary>
    private static byte[] StoredZip(params (string Name, string Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(archive.CreateEntry(name, CompressionLevel.NoCompression).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }
        }

        return stream.ToArray();
    }
}
