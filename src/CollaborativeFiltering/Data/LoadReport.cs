using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace CollaborativeFiltering.Data;

/// <summary>
/// What a loader read to build a dataset: each file with its encoding and counts, the ratings it
/// skipped and the warnings it gave (the same warnings are logged through the loader's
/// <c>ILogger</c>). Found on <see cref="RatingsDataset.LoadReport"/> of a dataset returned by
/// <see cref="MovieLens"/> or <see cref="DelimitedRatingsReader"/>; immutable.
/// </summary>
public sealed class LoadReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="files">The files read, in the order they were read.</param>
    /// <param name="warnings">The warnings, at most one per file and kind.</param>
    /// <exception cref="ArgumentNullException">An argument or an entry is <see langword="null"/>.</exception>
    public LoadReport(IEnumerable<LoadedFile> files, IEnumerable<LoadWarning> warnings)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(warnings);
        Files = Freeze(files, nameof(files));
        Warnings = Freeze(warnings, nameof(warnings));
        foreach (LoadWarning warning in Warnings)
        {
            if (warning.Kind == LoadWarningKind.RatingsSkipped)
            {
                SkippedRatings += warning.Count;
            }
            else
            {
                UnknownMetadataValues += warning.Count;
            }
        }
    }

    /// <summary>The files read (metadata first, then ratings), in the order they were read.</summary>
    public IReadOnlyList<LoadedFile> Files { get; }

    /// <summary>The warnings: one per file that had metadata values recorded as unknown, one per ratings file that had ratings skipped.</summary>
    public IReadOnlyList<LoadWarning> Warnings { get; }

    /// <summary>The ratings skipped because they name a user or item missing from the metadata (<see cref="UnknownIdPolicy.Skip"/>); 0 otherwise.</summary>
    public int SkippedRatings { get; }

    /// <summary>The metadata values (dates, ages, genre flags, occupation codes) that could not be used and were recorded as unknown.</summary>
    public int UnknownMetadataValues { get; }

    /// <summary>One line per file, then one per warning.</summary>
    /// <returns>The report as text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (LoadedFile file in Files)
        {
            text.AppendLine(file.ToString());
        }

        foreach (LoadWarning warning in Warnings)
        {
            text.Append("warning: ").AppendLine(warning.ToString());
        }

        return text.ToString().TrimEnd();
    }

    private static ReadOnlyCollection<T> Freeze<T>(IEnumerable<T> source, string paramName)
        where T : class
    {
        T[] copy = [.. source];
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] is null)
            {
                throw new ArgumentNullException(paramName, string.Create(CultureInfo.InvariantCulture, $"Entry {i} of {paramName} is null."));
            }
        }

        return new ReadOnlyCollection<T>(copy);
    }
}
