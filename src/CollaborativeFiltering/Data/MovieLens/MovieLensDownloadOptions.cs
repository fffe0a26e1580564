using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Where and how <see cref="MovieLens.DownloadAsync(MovieLensVariant, MovieLensDownloadOptions, IProgress{DownloadProgress}?, CancellationToken)"/>
/// fetches an archive. Immutable; the dictionary is copied when set, and <see cref="Validate"/>
/// (called by the download before any request) checks every option.
/// </summary>
public sealed record MovieLensDownloadOptions
{
    /// <summary>The address GroupLens serves the MovieLens archives from: <c>https://files.grouplens.org/datasets/movielens/</c>.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://files.grouplens.org/datasets/movielens/", UriKind.Absolute);

    /// <summary>The default for <see cref="Timeout"/>: 100 seconds, as <see cref="HttpClient.Timeout"/>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly Uri _baseAddress = DefaultBaseAddress;
    private readonly IReadOnlyDictionary<MovieLensVariant, string>? _expectedSha256;

    /// <summary>
    /// The folder the archive names are resolved against (<c>ml-100k.zip</c>, <c>ml-1m.zip</c>,
    /// <c>ml-latest-small.zip</c>); <see cref="DefaultBaseAddress"/> by default. A trailing <c>/</c> is
    /// added when missing, so <c>http://host/movielens</c> and <c>http://host/movielens/</c> are the same.
    /// </summary>
    public Uri BaseAddress
    {
        get => _baseAddress;
        init => _baseAddress = value is { IsAbsoluteUri: true, Query.Length: 0, Fragment.Length: 0 } && !value.AbsolutePath.EndsWith('/')
            ? new Uri(value.AbsoluteUri + "/", UriKind.Absolute)
            : value;
    }

    /// <summary>
    /// The client to send the request with, or <see langword="null"/> (the default) to use a private one
    /// for the call. A client passed here stays the caller's: it is never disposed, and its own
    /// <see cref="HttpClient.Timeout"/> applies in addition to <see cref="Timeout"/>. Its
    /// <see cref="HttpClient.BaseAddress"/> is ignored; <see cref="BaseAddress"/> decides the URL.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// The largest archive accepted, in bytes (default 64 MiB; the releases' archives are 1 to 6 MB:
    /// ml-1m.zip, the largest, is 5,917,549 bytes). A body announced or found larger, with or without
    /// a <c>Content-Length</c>, ends the download with <see cref="MovieLensDownloadException"/>.
    /// </summary>
    public long MaxDownloadBytes { get; init; } = 64L << 20;

    /// <summary>
    /// The largest file the archive may extract to, in bytes (default 256 MiB; the largest file of the
    /// releases, ml-1m's ratings.dat, is 24,594,131 bytes). Checked against each entry's declared size
    /// before extracting and against the bytes actually written while extracting (a "zip bomb" is
    /// stopped at the limit), with <see cref="MovieLensDownloadException"/>.
    /// </summary>
    public long MaxEntryBytes { get; init; } = 256L << 20;

    /// <summary>
    /// The most bytes the whole archive may extract to (default 1 GiB; the releases extract to 3 to
    /// 25 MB: ml-100k about 16 MB, ml-1m about 25 MB), checked like <see cref="MaxEntryBytes"/>.
    /// </summary>
    public long MaxExtractedBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The longest the whole download may take, from the request to the last extracted file
    /// (transfer, verification and extraction); 100 seconds by default,
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit. When it runs out the
    /// download throws <see cref="TimeoutException"/> naming the URL and this value, and leaves nothing in the cache.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>
    /// The cache folder the archives are extracted under (one sub-folder per variant), or
    /// <see langword="null"/> (the default) for <see cref="MovieLens.DefaultCacheDirectory"/>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// SHA-256 digests (64 hexadecimal digits, either case) that override the built-in ones per variant,
    /// or <see langword="null"/> (the default) for the built-in ones only. Built in are the digests of the
    /// frozen releases <see cref="MovieLensVariant.Ml100K"/> and <see cref="MovieLensVariant.Ml1M"/>;
    /// <see cref="MovieLensVariant.LatestSmall"/> has none. An empty string turns the check off for its variant.
    /// The dictionary is copied when set.
    /// </summary>
    public IReadOnlyDictionary<MovieLensVariant, string>? ExpectedSha256
    {
        get => _expectedSha256;
        init => _expectedSha256 = value is null ? null : new ReadOnlyDictionary<MovieLensVariant, string>(value.ToDictionary(p => p.Key, p => p.Value?.ToUpperInvariant()!));
    }

    /// <summary>Throws naming the first invalid option (<see cref="MovieLens.DownloadAsync(MovieLensVariant, MovieLensDownloadOptions, IProgress{DownloadProgress}?, CancellationToken)"/> calls it before any request).</summary>
    /// <exception cref="ArgumentNullException"><see cref="BaseAddress"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="BaseAddress"/> is not an absolute <c>http</c> or <c>https</c> address or has a query or fragment; <see cref="CacheDirectory"/> is empty; or <see cref="ExpectedSha256"/> has a value that is neither empty nor 64 hexadecimal digits, or a key that is not a defined <see cref="MovieLensVariant"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxDownloadBytes"/>, <see cref="MaxEntryBytes"/> or <see cref="MaxExtractedBytes"/> is not positive, or <see cref="Timeout"/> is zero, negative (other than <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>) or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public void Validate()
    {
        Uri? address = BaseAddress;
        ArgumentNullException.ThrowIfNull(address, nameof(BaseAddress));
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            ThrowHelper.Argument(nameof(BaseAddress), $"{nameof(BaseAddress)} must be an absolute http or https address; it was '{address}'.");
        }

        if (address.Query.Length > 0 || address.Fragment.Length > 0)
        {
            ThrowHelper.Argument(nameof(BaseAddress), $"{nameof(BaseAddress)} must not have a query or fragment; it was '{address}'.");
        }

        Positive(MaxDownloadBytes, nameof(MaxDownloadBytes));
        Positive(MaxEntryBytes, nameof(MaxEntryBytes));
        Positive(MaxExtractedBytes, nameof(MaxExtractedBytes));
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan && (Timeout <= TimeSpan.Zero || Timeout > MaxTimeout))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Timeout), Timeout, "positive and at most int.MaxValue milliseconds, or Timeout.InfiniteTimeSpan");
        }

        if (CacheDirectory is not null && string.IsNullOrWhiteSpace(CacheDirectory))
        {
            ThrowHelper.Argument(nameof(CacheDirectory), $"{nameof(CacheDirectory)} must be null or a path; it was empty.");
        }

        if (ExpectedSha256 is { } digests)
        {
            foreach (var (variant, digest) in digests)
            {
                if (!Enum.IsDefined(variant))
                {
                    ThrowHelper.Argument(nameof(ExpectedSha256), string.Create(CultureInfo.InvariantCulture, $"{nameof(ExpectedSha256)} has a key that is not a MovieLensVariant: {(int)variant}."));
                }

                if (digest is null || (digest.Length != 0 && !Sha256Hex.IsValid(digest)))
                {
                    ThrowHelper.Argument(nameof(ExpectedSha256), $"{nameof(ExpectedSha256)}[{variant}] must be 64 hexadecimal digits or empty; it was '{digest}'.");
                }
            }
        }
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "a positive number of bytes");
        }
    }
}
