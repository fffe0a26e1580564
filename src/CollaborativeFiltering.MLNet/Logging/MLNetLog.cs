using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.MLNet.Logging;

/// <summary>Log messages of the ML.NET integration: event ids 7000–7099.</summary>
internal static partial class MLNetLog
{
    [LoggerMessage(EventId = 7000, EventName = "RowsSkipped", Level = LogLevel.Warning,
        Message = "{Data}: skipped {Skipped} of {Rows} rows whose user key ('{UserColumn}') or item key ('{ItemColumn}') is missing or unknown, or whose label ('{LabelColumn}') is not a finite number")]
    public static partial void RowsSkipped(ILogger logger, string data, long skipped, long rows, string userColumn, string itemColumn, string labelColumn);

    [LoggerMessage(EventId = 7001, EventName = "RatingsRead", Level = LogLevel.Information,
        Message = "{Data}: read {Ratings} ratings over {Users} users × {Items} items")]
    public static partial void RatingsRead(ILogger logger, string data, int ratings, int users, int items);
}
