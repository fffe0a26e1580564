using System.Globalization;

namespace CollaborativeFiltering;

/// <summary>
/// A saved model, or a dataset cache (<see cref="RatingsDatasetCache.Open"/>), cannot be read: it
/// is not such a file, it is truncated or corrupted (a checksum does not match), its contents are
/// inconsistent, or it was written by a newer version of the library. Derives from
/// <see cref="FormatException"/>, like <see cref="Data.RatingsFormatException"/>, so one
/// <c>catch (FormatException)</c> covers every malformed input. The message names the file (or
/// stream), the byte offset when it is known, and what was expected, e.g.
/// <c>model.cfm, byte 40: format version 2 is newer than this library supports (1); upgrade CollaborativeFiltering.</c>
/// </summary>
public sealed class ModelFormatException : FormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ModelFormatException()
        : base("The data is not a valid CollaborativeFiltering model.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception located in a model file.</summary>
    /// <param name="source">The file path, or a description of the stream.</param>
    /// <param name="offset">The 0-based byte offset the problem was found at, or -1 when it concerns the whole file.</param>
    /// <param name="problem">What was expected and what was found.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="problem"/> is <see langword="null"/>.</exception>
    public ModelFormatException(string source, long offset, string problem, Exception? innerException = null)
        : base(Format(source, offset, problem), innerException)
    {
        FilePath = source;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file path or stream description the problem is in, or <see langword="null"/>.</summary>
    public string? FilePath { get; }

    /// <summary>The 0-based byte offset the problem was found at; -1 when not tied to an offset.</summary>
    public long Offset { get; } = -1;

    /// <summary>What was expected and what was found, without the location.</summary>
    public string? Problem { get; }

    private static string Format(string source, long offset, string problem)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(problem);
        return offset < 0
            ? $"{source}: {problem}"
            : string.Create(CultureInfo.InvariantCulture, $"{source}, byte {offset}: {problem}");
    }
}
