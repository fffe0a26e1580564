namespace CollaborativeFiltering.Data;

/// <summary>What a loader does with a rating whose user or item id is missing from the catalogue it reads against (the release's metadata files, or a given <see cref="Catalog"/>).</summary>
public enum UnknownIdPolicy
{
    /// <summary>The rating is an error: <see cref="RatingsFormatException"/> naming the file, line, column and id.</summary>
    Reject = 0,

    /// <summary>The rating is skipped; the count, with the first one's line, is logged as a warning and reported in <see cref="LoadReport.SkippedRatings"/>.</summary>
    Skip = 1,
}
