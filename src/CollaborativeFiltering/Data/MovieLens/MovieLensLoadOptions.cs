using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>How the <see cref="MovieLens"/> loaders build a dataset. Immutable; validated when a loader starts, before any file is read.</summary>
public sealed record MovieLensLoadOptions
{
    /// <summary>The defaults: duplicates rejected, timestamps kept.</summary>
    public static MovieLensLoadOptions Default { get; } = new();

    /// <summary>What to do when a (user, item) pair is rated on more than one line; default <see cref="DuplicatePolicy.Reject"/> (an error naming both lines).</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Reject;

    /// <summary>Whether the ratings' timestamps are stored in the dataset (<see cref="RatingsDataset.Timestamps"/>); default <see langword="true"/>. They are validated either way.</summary>
    public bool KeepTimestamps { get; init; } = true;

    /// <summary>Throws when an option is out of range.</summary>
    internal void Validate()
    {
        if (!Enum.IsDefined(Duplicates))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Duplicates), Duplicates, "Reject, KeepLast or Average");
        }
    }
}
