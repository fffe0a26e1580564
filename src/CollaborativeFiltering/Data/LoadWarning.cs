using System.Globalization;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Something a loader accepted but a user should know, in a <see cref="LoadReport"/> (and logged as
/// a warning): where it first happened, how often, and what it was.
/// </summary>
/// <param name="Kind">What was accepted.</param>
/// <param name="Source">The file's path, or the name a stream was given.</param>
/// <param name="LineNumber">The 1-based line of the first occurrence.</param>
/// <param name="Column">The 1-based column (field) of the first occurrence.</param>
/// <param name="Count">How many values (or ratings) of this file it concerns.</param>
/// <param name="Message">What the first occurrence was and what the loader did, without the location.</param>
public sealed record LoadWarning(LoadWarningKind Kind, string Source, int LineNumber, int Column, int Count, string Message)
{
    /// <summary>"u.item, line 1373, column 3: …", as a <see cref="RatingsFormatException"/> message reads.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Source}, line {LineNumber}, column {Column}: {Message}");
}
