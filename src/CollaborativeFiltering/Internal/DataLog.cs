using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Internal;

/// <summary>Log messages of the data loaders (<c>MovieLens</c>, <c>DelimitedRatingsReader</c>): event ids 2000–2099.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, EventName = "FileRead", Level = LogLevel.Information,
        Message = "{Source}: read {Records} {Contents} from {Lines} lines ({Encoding})")]
    public static partial void FileRead(ILogger logger, string source, int records, string contents, int lines, string encoding);

    [LoggerMessage(EventId = 2001, EventName = "EncodingChosen", Level = LogLevel.Debug,
        Message = "{Source}: decoded as {Encoding}: {Reason}")]
    public static partial void EncodingChosen(ILogger logger, string source, string encoding, string reason);

    [LoggerMessage(EventId = 2002, EventName = "UnknownMetadataValues", Level = LogLevel.Warning,
        Message = "{Source}: {Count} metadata value(s) could not be used and are recorded as unknown; the first, at line {LineNumber}, column {Column}: {Problem} (set StrictMetadata to make this an error)")]
    public static partial void UnknownMetadataValues(ILogger logger, string source, int count, int lineNumber, int column, string problem);

    [LoggerMessage(EventId = 2003, EventName = "RatingsSkipped", Level = LogLevel.Warning,
        Message = "{Source}: skipped {Count} rating(s) naming an id missing from the catalogue; the first, at line {LineNumber}, column {Column}: {Problem}")]
    public static partial void RatingsSkipped(ILogger logger, string source, int count, int lineNumber, int column, string problem);

    [LoggerMessage(EventId = 2004, EventName = "DatasetLoaded", Level = LogLevel.Information,
        Message = "Loaded {Ratings} ratings over {Users} users × {Items} items")]
    public static partial void DatasetLoaded(ILogger logger, int ratings, int users, int items);
}
