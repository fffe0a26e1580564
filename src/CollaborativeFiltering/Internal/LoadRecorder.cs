using System.Globalization;
using CollaborativeFiltering.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Follows one load: decides what an unusable metadata value means (an error when strict, else an
/// unknown value counted for the file's one warning), logs each file read with its encoding, and
/// collects the <see cref="LoadReport"/>.
/// </summary>
internal sealed class LoadRecorder
{
    private readonly ILogger _logger;
    private readonly List<LoadedFile> _files = [];
    private readonly List<LoadWarning> _warnings = [];

    // The current metadata file's unusable values: how many, and the first one.
    private int _unusable;
    private int _firstLine;
    private int _firstColumn;
    private string _firstProblem = string.Empty;

    /// <summary>Creates a recorder.</summary>
    /// <param name="logger">Receives the messages; <see langword="null"/> for none.</param>
    /// <param name="strictMetadata">Whether an unusable metadata value is an error.</param>
    public LoadRecorder(ILogger? logger, bool strictMetadata)
    {
        _logger = logger ?? NullLogger.Instance;
        StrictMetadata = strictMetadata;
    }

    /// <summary>Whether an unusable metadata value is an error.</summary>
    public bool StrictMetadata { get; }

    /// <summary>The logger messages go to.</summary>
    public ILogger Logger => _logger;

    /// <summary>
    /// A metadata value at <paramref name="column"/> of the reader's current line cannot be used:
    /// throws when strict; otherwise counts it (the caller records the field as unknown).
    /// </summary>
    /// <param name="reader">The metadata file.</param>
    /// <param name="column">The 1-based field.</param>
    /// <param name="problem">What was expected and what was found.</param>
    /// <exception cref="RatingsFormatException"><see cref="StrictMetadata"/> is set.</exception>
    public void Unusable(LineReader reader, int column, string problem)
    {
        if (StrictMetadata)
        {
            reader.Fail(column, problem);
        }

        if (_unusable++ == 0)
        {
            _firstLine = reader.LineNumber;
            _firstColumn = column;
            _firstProblem = problem;
        }
    }

    /// <summary>Records a file read to its end: logs it with its encoding, and turns its unusable metadata values into one warning.</summary>
    /// <param name="reader">The file, read to its end.</param>
    /// <param name="records">The records it gave.</param>
    /// <param name="contents">What they are: "ratings", "items", "users" or "genres".</param>
    public void FileRead(LineReader reader, int records, string contents)
    {
        _files.Add(new LoadedFile(reader.Source, reader.EncodingName, reader.LinesRead, records, contents));
        Log.EncodingChosen(_logger, reader.Source, reader.EncodingName, reader.EncodingReason);
        Log.FileRead(_logger, reader.Source, records, contents, reader.LinesRead, reader.EncodingName);
        if (_unusable > 0)
        {
            string message = string.Create(CultureInfo.InvariantCulture,
                $"{_unusable} metadata value(s) of this file could not be used and were recorded as unknown; the first: {_firstProblem}");
            _warnings.Add(new LoadWarning(LoadWarningKind.UnknownMetadataValues, reader.Source, _firstLine, _firstColumn, _unusable, message));
            Log.UnknownMetadataValues(_logger, reader.Source, _unusable, _firstLine, _firstColumn, _firstProblem);
            _unusable = 0;
        }
    }

    /// <summary>Records ratings skipped in a ratings file for naming ids missing from the catalogue.</summary>
    /// <param name="source">The file.</param>
    /// <param name="skipped">The count and the first one.</param>
    public void Skipped(string source, in SkippedRatings skipped)
    {
        if (skipped.Count == 0)
        {
            return;
        }

        string message = string.Create(CultureInfo.InvariantCulture,
            $"{skipped.Count} rating(s) of this file name an id missing from the catalogue and were skipped; the first: {skipped.FirstProblem}");
        _warnings.Add(new LoadWarning(LoadWarningKind.RatingsSkipped, source, skipped.FirstLine, skipped.FirstColumn, skipped.Count, message));
        Log.RatingsSkipped(_logger, source, skipped.Count, skipped.FirstLine, skipped.FirstColumn, skipped.FirstProblem);
    }

    /// <summary>Logs a dataset built from what was read.</summary>
    /// <param name="dataset">The dataset.</param>
    public void Loaded(RatingsDataset dataset) => Log.DatasetLoaded(_logger, dataset.Count, dataset.UserCount, dataset.ItemCount);

    /// <summary>The report of everything recorded so far.</summary>
    /// <returns>The report.</returns>
    public LoadReport Report() => new(_files, _warnings);
}

/// <summary>Ratings a ratings file skipped under <see cref="UnknownIdPolicy.Skip"/>: how many, and where and what the first was.</summary>
/// <param name="Count">The number skipped.</param>
/// <param name="FirstLine">The first one's line.</param>
/// <param name="FirstColumn">The first one's unknown id's column.</param>
/// <param name="FirstProblem">What the first one named.</param>
internal readonly record struct SkippedRatings(int Count, int FirstLine, int FirstColumn, string FirstProblem);
