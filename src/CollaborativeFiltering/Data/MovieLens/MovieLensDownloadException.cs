namespace CollaborativeFiltering.Data;

/// <summary>
/// A MovieLens archive could not be downloaded, or what arrived failed verification: an HTTP status other
/// than success, a body shorter or longer than its <c>Content-Length</c>, a SHA-256 mismatch, a file that
/// is not a zip archive, an archive without one of the variant's expected files, or an entry whose path
/// would escape the extraction folder. The message names the URL and what was expected. Nothing is left
/// in the cache when this is thrown.
/// </summary>
public sealed class MovieLensDownloadException : IOException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MovieLensDownloadException()
        : base("The MovieLens archive could not be downloaded or failed verification.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MovieLensDownloadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MovieLensDownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about one archive address.</summary>
    /// <param name="message">What went wrong; should name <paramref name="address"/>.</param>
    /// <param name="address">The URL of the archive, or <see langword="null"/> when not known.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public MovieLensDownloadException(string message, Uri? address, Exception? innerException = null)
        : base(message, innerException)
    {
        Address = address;
    }

    /// <summary>The URL of the archive the problem concerns, or <see langword="null"/> when not known.</summary>
    public Uri? Address { get; }
}
