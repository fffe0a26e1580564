using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

// Downloading part of MovieLens (the class's XML documentation lives in MovieLens.cs).
// DownloadAsync fetches a release from GroupLens once and keeps it extracted in a per-user cache
// (DefaultCacheDirectory); later calls, and TryGetCached, find it there without touching the network.
// The archive is streamed to a temporary file in the cache folder, checked (HTTP status, Content-Length,
// SHA-256 where one is known, zip structure, the variant's expected files, no entry escaping the folder),
// extracted into a temporary sibling folder, marked complete (marker written last) and only then moved
// into place, so a failed, corrupt or cancelled download leaves nothing behind and a variant folder in the
// cache is either complete or absent. Concurrent downloads of one variant into one cache are safe:
// whichever finishes first is kept and the others use it.
public static partial class MovieLens
{
    /// <summary>The file written into an extracted folder last, after every other file is complete.</summary>
    internal const string CompleteMarkerFileName = ".download-complete";

    private const string PartialSuffix = ".partial";
    private const int DownloadBufferSize = 81920;
    private const long UnknownLengthReportStep = 64 * 1024;
    private static readonly TimeSpan StalePartialAge = TimeSpan.FromDays(1);

    private static readonly string UserAgentVersion = typeof(MovieLens).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// The per-user cache folder used when no cache folder is given:
    /// <c>%LOCALAPPDATA%\CollaborativeFiltering\movielens</c> on Windows;
    /// <c>$XDG_CACHE_HOME/CollaborativeFiltering/movielens</c> elsewhere when <c>XDG_CACHE_HOME</c> is set to an
    /// absolute path, otherwise <c>~/.cache/CollaborativeFiltering/movielens</c>. When no home folder is known
    /// it falls back to the temporary folder. Read on every access (the environment may change); the folder
    /// is not created until something is downloaded.
    /// </summary>
    public static string DefaultCacheDirectory => ResolveDefaultCacheDirectory(
        OperatingSystem.IsWindows(),
        Environment.GetEnvironmentVariable,
        OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) : string.Empty,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>
    /// Finds an already downloaded and completely extracted release in the cache, without any network access.
    /// </summary>
    /// <param name="variant">The release.</param>
    /// <param name="cacheDirectory">The cache folder, or <see langword="null"/> for <see cref="DefaultCacheDirectory"/>.</param>
    /// <param name="directory">When this returns <see langword="true"/>, the folder holding the extracted files (e.g. <c>&lt;cache&gt;/ml-100k</c>); otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the folder exists, carries the completion marker and holds the variant's expected files.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="variant"/> is not a defined <see cref="MovieLensVariant"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="cacheDirectory"/> is empty, white space or not a valid path.</exception>
    public static bool TryGetCached(MovieLensVariant variant, string? cacheDirectory, [NotNullWhen(true)] out string? directory)
    {
        var info = MovieLensVariantInfo.Get(variant, nameof(variant));
        string candidate = Path.Combine(ResolveCacheRoot(cacheDirectory, nameof(cacheDirectory)), info.FolderName);
        directory = IsComplete(candidate, info) ? candidate : null;
        return directory is not null;
    }

    /// <summary>
    /// Downloads a MovieLens release from GroupLens into a cache folder and extracts it, or returns the
    /// cached copy without any network access when it is already there.
    /// </summary>
    /// <param name="variant">The release.</param>
    /// <param name="cacheDirectory">The cache folder, or <see langword="null"/> for <see cref="DefaultCacheDirectory"/>.</param>
    /// <param name="progress">Receives <see cref="DownloadProgress"/> reports while downloading, or <see langword="null"/>. Nothing is reported for a cache hit.</param>
    /// <param name="cancellationToken">Cancels the download; nothing is left in the cache.</param>
    /// <returns>The folder holding the extracted files, e.g. <c>&lt;cache&gt;/ml-100k</c>.</returns>
    /// <remarks>
    /// The archive is streamed to a temporary file in the cache folder and checked before use (HTTP status,
    /// <c>Content-Length</c>, the built-in SHA-256 of the frozen releases, zip structure, the variant's
    /// expected files, no entry escaping the folder), extracted into a temporary sibling folder, marked
    /// complete and only then moved into place: a failed, corrupt or cancelled download leaves nothing
    /// behind, and concurrent callers share whichever complete folder lands first.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="variant"/> is not a defined <see cref="MovieLensVariant"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="cacheDirectory"/> is empty, white space or not a valid path.</exception>
    /// <exception cref="MovieLensDownloadException">The request failed or what arrived failed verification (see the exception's description); or the target folder exists but was not completed by this library.</exception>
    /// <exception cref="TimeoutException">The transfer took longer than <see cref="MovieLensDownloadOptions.DefaultTimeout"/>; the message names the URL.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">The cache folder could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache folder may not be written.</exception>
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "New API: the options overload takes progress and cancellation explicitly so that DownloadAsync(variant, null) stays unambiguous.")]
    public static Task<string> DownloadAsync(
        MovieLensVariant variant,
        string? cacheDirectory = null,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var info = MovieLensVariantInfo.Get(variant, nameof(variant));
        string cacheRoot = ResolveCacheRoot(cacheDirectory, nameof(cacheDirectory));
        return DownloadCoreAsync(variant, info, cacheRoot, new MovieLensDownloadOptions(), progress, cancellationToken);
    }

    /// <summary>
    /// Downloads a MovieLens release into a cache folder and extracts it, as
    /// <see cref="DownloadAsync(MovieLensVariant, string?, IProgress{DownloadProgress}?, CancellationToken)"/>,
    /// with the address, client, timeout, cache folder and checksums taken from <paramref name="options"/>.
    /// </summary>
    /// <param name="variant">The release.</param>
    /// <param name="options">Where and how to download.</param>
    /// <param name="progress">Receives <see cref="DownloadProgress"/> reports while downloading, or <see langword="null"/>. Nothing is reported for a cache hit.</param>
    /// <param name="cancellationToken">Cancels the download (<see cref="CancellationToken.None"/> for none); nothing is left in the cache.</param>
    /// <returns>The folder holding the extracted files, e.g. <c>&lt;cache&gt;/ml-100k</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or its <see cref="MovieLensDownloadOptions.BaseAddress"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="variant"/> is not a defined <see cref="MovieLensVariant"/>, or an option of <paramref name="options"/> is out of range (<see cref="MovieLensDownloadOptions.Validate"/>).</exception>
    /// <exception cref="ArgumentException"><see cref="MovieLensDownloadOptions.CacheDirectory"/> is not a valid path, or another option is invalid (<see cref="MovieLensDownloadOptions.Validate"/>).</exception>
    /// <exception cref="MovieLensDownloadException">The request failed (the server could not be reached, answered other than with success, or redirected to an address that is not http or https) or what arrived failed verification: a body shorter or longer than its <c>Content-Length</c> or larger than <see cref="MovieLensDownloadOptions.MaxDownloadBytes"/>, a SHA-256 other than the expected one, not a zip archive, a zip without one of the variant's expected files, an entry whose path escapes the folder, lies under another file's name or is too long or deep, an entry whose data does not match its CRC-32, or one that extracts beyond <see cref="MovieLensDownloadOptions.MaxEntryBytes"/> (all entries: <see cref="MovieLensDownloadOptions.MaxExtractedBytes"/>); or the target folder exists but was not completed by this library.</exception>
    /// <exception cref="TimeoutException">The download (transfer, verification and extraction) took longer than <see cref="MovieLensDownloadOptions.Timeout"/> (or the transfer longer than the caller's <see cref="HttpClient.Timeout"/>); the message names the URL and the limit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">The cache folder could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache folder may not be written.</exception>
    public static Task<string> DownloadAsync(
        MovieLensVariant variant,
        MovieLensDownloadOptions options,
        IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var info = MovieLensVariantInfo.Get(variant, nameof(variant));
        string cacheRoot = ResolveCacheRoot(options.CacheDirectory, nameof(options));
        return DownloadCoreAsync(variant, info, cacheRoot, options, progress, cancellationToken);
    }

    /// <summary>The default cache folder for the given platform facts; separated out for tests.</summary>
    internal static string ResolveDefaultCacheDirectory(bool isWindows, Func<string, string?> getEnvironmentVariable, string localApplicationData, string userProfile)
    {
        string root;
        if (isWindows)
        {
            root = !string.IsNullOrEmpty(localApplicationData) ? localApplicationData : Path.GetTempPath();
        }
        else
        {
            string? xdg = getEnvironmentVariable("XDG_CACHE_HOME");
            root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg
                : !string.IsNullOrEmpty(userProfile) ? Path.Combine(userProfile, ".cache")
                : Path.GetTempPath();
        }

        return Path.Combine(root, "CollaborativeFiltering", "movielens");
    }

    /// <summary>Whether <paramref name="directory"/> carries the completion marker and the variant's expected files.</summary>
    internal static bool IsComplete(string directory, MovieLensVariantInfo info)
    {
        if (!File.Exists(Path.Combine(directory, CompleteMarkerFileName)))
        {
            return false;
        }

        foreach (var file in info.RequiredFiles)
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                return false;
            }
        }

        return true;
    }

    private static string ResolveCacheRoot(string? cacheDirectory, string paramName)
    {
        if (cacheDirectory is null)
        {
            return Path.GetFullPath(DefaultCacheDirectory);
        }

        if (string.IsNullOrWhiteSpace(cacheDirectory))
        {
            ThrowHelper.Argument(paramName, $"{paramName}: the cache directory must be null or a path; it was empty.");
        }

        try
        {
            return Path.GetFullPath(cacheDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{paramName}: '{cacheDirectory}' is not a valid path ({ex.Message}).", paramName, ex);
        }
    }

    private static async Task<string> DownloadCoreAsync(
        MovieLensVariant variant,
        MovieLensVariantInfo info,
        string cacheRoot,
        MovieLensDownloadOptions options,
        IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        string finalDirectory = Path.Combine(cacheRoot, info.FolderName);
        if (IsComplete(finalDirectory, info))
        {
            return finalDirectory;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var address = new Uri(options.BaseAddress, info.ArchiveName);
        string? expectedSha256 = options.ExpectedSha256 is { } overrides && overrides.TryGetValue(variant, out var configured)
            ? (configured.Length == 0 ? null : configured)
            : info.Sha256;

        bool createdRoot = !Directory.Exists(cacheRoot);
        Directory.CreateDirectory(cacheRoot);
        string id = Guid.NewGuid().ToString("N");
        string tempFile = Path.Combine(cacheRoot, $".{info.FolderName}-{id}.zip{PartialSuffix}");
        string tempDirectory = Path.Combine(cacheRoot, $".{info.FolderName}-{id}{PartialSuffix}");
        bool succeeded = false;
        using var timeout = new CancellationTokenSource();
        if (options.Timeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(options.Timeout);
        }

        try
        {
            RemoveEmptyOrRejectForeign(finalDirectory, address);
            SweepStalePartials(cacheRoot, info.FolderName);

            var (received, total, sha256) = await DownloadToFileAsync(address, tempFile, options, timeout, progress, cancellationToken).ConfigureAwait(false);

            progress?.Report(new DownloadProgress(received, total, DownloadStage.Verifying));
            if (expectedSha256 is not null && !string.Equals(sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new MovieLensDownloadException(
                    $"{address}: the SHA-256 of the download is {sha256}; expected {expectedSha256.ToUpperInvariant()}. The file is corrupt or not the expected release.",
                    address);
            }

            progress?.Report(new DownloadProgress(received, total, DownloadStage.Extracting));
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    SafeZipExtractor.VerifyAndExtract(tempFile, tempDirectory, info, address, options.MaxEntryBytes, options.MaxExtractedBytes, linked.Token);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
                {
                    throw TimedOut(address, options, "extracting the archive", ex);
                }
            }

            AtomicFile.TryDelete(tempFile); // at once, so the zip is gone before Completed is reported; `finally` covers failures
            WriteMarker(tempDirectory, address, received, sha256);
            cancellationToken.ThrowIfCancellationRequested();
            MoveIntoPlace(tempDirectory, finalDirectory, cacheRoot, info, address);
            succeeded = true;
            progress?.Report(new DownloadProgress(received, total, DownloadStage.Completed));
            return finalDirectory;
        }
        finally
        {
            AtomicFile.TryDelete(tempFile);
            TryDeleteDirectory(tempDirectory);
            if (!succeeded && createdRoot)
            {
                TryDeleteEmptyDirectory(cacheRoot);
            }
        }
    }

    /// <summary>
    /// Streams the archive to <paramref name="path"/>, hashing it on the way, and maps transport failures,
    /// time-outs and cancellation to the documented exceptions.
    /// </summary>
    private static async Task<(long Received, long? Total, string Sha256)> DownloadToFileAsync(
        Uri address,
        string path,
        MovieLensDownloadOptions options,
        CancellationTokenSource timeout,
        IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        HttpClient? owned = options.HttpClient is null ? CreateClient() : null;
        HttpClient client = options.HttpClient ?? owned!;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await TransferAsync(client, address, path, options.MaxDownloadBytes, progress, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not MovieLensDownloadException
            && (ex is OperationCanceledException || cancellationToken.IsCancellationRequested || timeout.IsCancellationRequested))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"Downloading {address} was cancelled.", ex, cancellationToken);
            }

            string limit = timeout.IsCancellationRequested
                ? string.Create(CultureInfo.InvariantCulture, $"{options.Timeout.TotalSeconds:0.###} s ({nameof(MovieLensDownloadOptions)}.{nameof(MovieLensDownloadOptions.Timeout)})")
                : string.Create(CultureInfo.InvariantCulture, $"{client.Timeout.TotalSeconds:0.###} s (the HttpClient's Timeout)");
            throw new TimeoutException($"Downloading {address} did not complete within {limit}.", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or UriFormatException or InvalidOperationException or NotSupportedException or ArgumentException
            || (ex is IOException && ex is not MovieLensDownloadException))
        {
            // What a hostile or broken server can cause in the HTTP stack (a malformed redirect, a bad
            // header, a reset connection) is a failed download, reported as one.
            throw new MovieLensDownloadException($"Downloading {address} failed: {ex.Message}", address, ex);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static async Task<(long Received, long? Total, string Sha256)> TransferAsync(
        HttpClient client,
        Uri address,
        string path,
        long maxBytes,
        IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await GetFollowingRedirectsAsync(client, address, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string redirect = response.Headers.Location is { } location
                ? $" It redirects to '{location}', which is not an http or https address this download follows."
                : string.Empty;
            throw new MovieLensDownloadException(
                string.Create(CultureInfo.InvariantCulture, $"GET {address} answered {(int)response.StatusCode} {response.ReasonPhrase}; expected a success status (200 OK).{redirect}"),
                address);
        }

        long? total = response.Content.Headers.ContentLength;
        if (total > maxBytes)
        {
            throw new MovieLensDownloadException(
                string.Create(CultureInfo.InvariantCulture, $"{address}: the body announces {total} bytes; at most {maxBytes} are accepted (MaxDownloadBytes)."),
                address);
        }

        progress?.Report(new DownloadProgress(0, total));
        long step = total is > 0 ? Math.Max(total.Value / 100, 1) : UnknownLengthReportStep;
        long received = 0;
        long lastReported = 0;
        long nextReport = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(DownloadBufferSize);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await body.ReadAsync(buffer.AsMemory(0, DownloadBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        received += read;
                        if (received > maxBytes)
                        {
                            throw new MovieLensDownloadException(
                                string.Create(CultureInfo.InvariantCulture, $"{address}: the body is longer than {maxBytes} bytes (MaxDownloadBytes); the download is stopped."),
                                address);
                        }

                        if (received > total)
                        {
                            throw new MovieLensDownloadException(
                                string.Create(CultureInfo.InvariantCulture, $"{address}: the body is longer than its Content-Length of {total} bytes."),
                                address);
                        }

                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        if (received >= nextReport)
                        {
                            progress?.Report(new DownloadProgress(received, total));
                            lastReported = received;
                            nextReport = received + step;
                        }
                    }

                    await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (total is { } expected && received != expected)
        {
            throw new MovieLensDownloadException(
                string.Create(CultureInfo.InvariantCulture, $"{address}: the download is truncated: received {received} bytes; Content-Length announced {expected}."),
                address);
        }

        if (received != lastReported)
        {
            progress?.Report(new DownloadProgress(received, total));
        }

        return (received, total, Convert.ToHexString(hash.GetHashAndReset()));
    }

    /// <summary>The most redirects followed, as browsers and HttpClient's own default (50) allow far more than a file server needs.</summary>
    private const int MaxRedirects = 10;

    /// <summary>
    /// Sends the GET and follows redirects (only to http and https addresses, at most
    /// <see cref="MaxRedirects"/>); a redirect elsewhere is returned as it is, for the caller to report.
    /// A caller's own client may follow redirects itself; then its answer is used as it is.
    /// </summary>
    private static async Task<HttpResponseMessage> GetFollowingRedirectsAsync(HttpClient client, Uri address, CancellationToken cancellationToken)
    {
        Uri current = address;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (client.DefaultRequestHeaders.UserAgent.Count == 0)
            {
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("CollaborativeFiltering", UserAgentVersion));
            }

            HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }

            Uri next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                return response; // reported by the caller, naming the address
            }

            response.Dispose();
            if (hop == MaxRedirects)
            {
                throw new MovieLensDownloadException(string.Create(CultureInfo.InvariantCulture, $"GET {address} was redirected more than {MaxRedirects} times; the last address was {next}."), address);
            }

            current = next;
        }
    }

    private static TimeoutException TimedOut(Uri address, MovieLensDownloadOptions options, string stage, Exception inner) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"Downloading {address} did not complete within {options.Timeout.TotalSeconds:0.###} s ({nameof(MovieLensDownloadOptions)}.{nameof(MovieLensDownloadOptions.Timeout)}); it ran out while {stage}."), inner);

    private static HttpClient CreateClient() =>
        new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, AllowAutoRedirect = false }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private static void WriteMarker(string directory, Uri address, long length, string sha256)
    {
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"source={address}\nbytes={length}\nsha256={sha256}\ncompleted={DateTimeOffset.UtcNow:O}\n");
        using var file = new FileStream(Path.Combine(directory, CompleteMarkerFileName), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Write(System.Text.Encoding.UTF8.GetBytes(text));
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Moves the finished temporary folder to its final name. When another caller got there first with a
    /// complete folder, that one is kept; a damaged folder of ours (marker present, a file missing) is replaced once.
    /// </summary>
    private static void MoveIntoPlace(string temporary, string final, string cacheRoot, MovieLensVariantInfo info, Uri address)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Move(temporary, final);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (IsComplete(final, info))
                {
                    return;
                }

                if (attempt == 0 && File.Exists(Path.Combine(final, CompleteMarkerFileName)))
                {
                    string aside = Path.Combine(cacheRoot, $".{info.FolderName}-{Guid.NewGuid():N}.stale{PartialSuffix}");
                    try
                    {
                        Directory.Move(final, aside);
                    }
                    catch (Exception moveEx) when (moveEx is IOException or UnauthorizedAccessException)
                    {
                        // Another caller may have moved it already; the retry decides.
                    }

                    TryDeleteDirectory(aside);
                    continue;
                }

                throw new MovieLensDownloadException($"{address}: could not move the extracted files into '{final}': {ex.Message}", address, ex);
            }
        }
    }

    /// <summary>
    /// An existing target folder without the completion marker was not made by this library (or is
    /// empty): an empty one is removed, anything else is left alone and reported.
    /// </summary>
    private static void RemoveEmptyOrRejectForeign(string final, Uri address)
    {
        if (!Directory.Exists(final) || File.Exists(Path.Combine(final, CompleteMarkerFileName)))
        {
            return;
        }

        try
        {
            Directory.Delete(final, recursive: false);
        }
        catch (IOException ex) when (Directory.Exists(final))
        {
            throw new MovieLensDownloadException(
                $"'{final}' exists but is not a download this library completed (it has no '{CompleteMarkerFileName}' file), so it is left untouched; delete it or choose another cache directory.",
                address,
                ex);
        }
    }

    /// <summary>Removes temporary files and folders of this variant that a killed process left more than a day ago.</summary>
    private static void SweepStalePartials(string cacheRoot, string folderName)
    {
        DateTime cutoff = DateTime.UtcNow - StalePartialAge;
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(cacheRoot, $".{folderName}-*{PartialSuffix}"))
            {
                if (Directory.Exists(entry))
                {
                    if (Directory.GetLastWriteTimeUtc(entry) < cutoff)
                    {
                        TryDeleteDirectory(entry);
                    }
                }
                else if (File.GetLastWriteTimeUtc(entry) < cutoff)
                {
                    AtomicFile.TryDelete(entry);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort only.
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the name is unique and marked as partial; a later download sweeps it.
        }
    }

    private static void TryDeleteEmptyDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not empty (another caller uses it) or already gone.
        }
    }
}
