using CollaborativeFiltering.Internal;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Data;

/// <summary>How the <see cref="MovieLens"/> loaders build a dataset. Immutable; validated when a loader starts, before any file is read.</summary>
public sealed record MovieLensLoadOptions
{
    /// <summary>The defaults: duplicates rejected, timestamps kept, lenient metadata, unknown ids rejected, no logging.</summary>
    public static MovieLensLoadOptions Default { get; } = new();

    /// <summary>What to do when a (user, item) pair is rated on more than one line; default <see cref="DuplicatePolicy.Reject"/> (an error naming both lines).</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Reject;

    /// <summary>Whether the ratings' timestamps are stored in the dataset (<see cref="RatingsDataset.Timestamps"/>); default <see langword="true"/>. They are validated either way.</summary>
    public bool KeepTimestamps { get; init; } = true;

    /// <summary>
    /// Whether a metadata value the loader cannot use is an error. Default <see langword="false"/>:
    /// a release date, an age, a genre flag or an occupation code that cannot be read (e.g. a date
    /// in another format, an age that is not a whole number, a 1M age that is not one of its codes)
    /// is recorded as unknown for that field (<see langword="null"/>; a genre flag as not set), and
    /// each metadata file with such values gives one warning naming the file, the first value's line
    /// and column, and the count (logged through <see cref="Logger"/> and listed in
    /// <see cref="RatingsDataset.LoadReport"/>). <see langword="true"/>: the first such value throws
    /// <see cref="RatingsFormatException"/> naming file, line and column. Ratings are strict either
    /// way, and so is the shape of a metadata file (its field count, its ids).
    /// </summary>
    public bool StrictMetadata { get; init; }

    /// <summary>
    /// What a rating whose user or item is missing from the release's metadata file gets; default
    /// <see cref="UnknownIdPolicy.Reject"/> (an error naming file, line, column and id).
    /// <see cref="UnknownIdPolicy.Skip"/> skips such ratings, with the count in a warning and in
    /// <see cref="LoadReport.SkippedRatings"/> (copies of ml-latest-small that circulate carry one such line).
    /// A side without a metadata file takes its ids from the ratings, so nothing is unknown there.
    /// </summary>
    public UnknownIdPolicy UnknownIds { get; init; } = UnknownIdPolicy.Reject;

    /// <summary>
    /// Receives what was read: each file with its counts (information), the encoding chosen for it
    /// and why (debug), and warnings (unusable metadata values, skipped ratings);
    /// <see langword="null"/> (the default) for none.
    /// </summary>
    public ILogger? Logger { get; init; }

    /// <summary>Throws when an option is out of range.</summary>
    internal void Validate()
    {
        if (!Enum.IsDefined(Duplicates))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Duplicates), Duplicates, "Reject, KeepLast or Average");
        }

        if (!Enum.IsDefined(UnknownIds))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(UnknownIds), UnknownIds, "Reject or Skip");
        }
    }

    /// <summary>The settings of the ratings lines.</summary>
    internal RatingsReadSettings RatingsSettings => new(Duplicates, UnknownIds, KeepTimestamps);

    /// <summary>A recorder for one load with these options.</summary>
    internal LoadRecorder CreateRecorder() => new(Logger, StrictMetadata);
}
