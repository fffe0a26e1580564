using System.Globalization;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A ratings or metadata file is not in the expected format. The message names the file, the
/// 1-based line and column, and what was expected, e.g.
/// <c>u.data, line 12, column 3: expected a finite number for the rating, found 'abc'.</c>
/// </summary>
public sealed class RatingsFormatException : FormatException
{
    /// <summary>Creates an exception with a message only.</summary>
    public RatingsFormatException()
        : base("The ratings data is not in the expected format.")
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    /// <param name="message">What is wrong.</param>
    public RatingsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RatingsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception located in a file.</summary>
    /// <param name="source">The file name or path (or a stream's description).</param>
    /// <param name="lineNumber">The 1-based line, or 0 when the problem concerns the whole file.</param>
    /// <param name="column">The 1-based column (field), or 0 when the problem concerns the whole line.</param>
    /// <param name="problem">What was expected and what was found.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RatingsFormatException(string source, int lineNumber, int column, string problem, Exception? innerException = null)
        : base(Format(source, lineNumber, column, problem), innerException)
    {
        FilePath = source;
        LineNumber = lineNumber;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file name or path the problem is in, or <see langword="null"/>.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line number, or 0 when not tied to a line.</summary>
    public int LineNumber { get; }

    /// <summary>The 1-based column (field number), or 0 when not tied to a column.</summary>
    public int Column { get; }

    /// <summary>What was expected and what was found, without the location.</summary>
    public string? Problem { get; }

    private static string Format(string source, int lineNumber, int column, string problem)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(problem);
        // Conditionals rather than a positional pattern: the formatter (IDE0055) wants "( <= 0, _)".
        return lineNumber <= 0 ? $"{source}: {problem}"
            : column <= 0 ? string.Create(CultureInfo.InvariantCulture, $"{source}, line {lineNumber}: {problem}")
            : string.Create(CultureInfo.InvariantCulture, $"{source}, line {lineNumber}, column {column}: {problem}");
    }
}
