namespace CollaborativeFiltering.Data;

/// <summary>The kinds of <see cref="LoadWarning"/>.</summary>
public enum LoadWarningKind
{
    /// <summary>Metadata values (a release date, an age, a genre flag, an occupation code) could not be used and were recorded as unknown (<see cref="MovieLensLoadOptions.StrictMetadata"/> is off).</summary>
    UnknownMetadataValues = 0,

    /// <summary>Ratings naming a user or item missing from the metadata were skipped (<see cref="UnknownIdPolicy.Skip"/>).</summary>
    RatingsSkipped = 1,
}
