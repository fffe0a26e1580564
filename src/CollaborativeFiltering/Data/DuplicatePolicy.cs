namespace CollaborativeFiltering.Data;

/// <summary>What to do when the same (user, item) pair is rated more than once.</summary>
public enum DuplicatePolicy
{
    /// <summary>Refuse the data: a loader throws <see cref="RatingsFormatException"/> naming both lines; the builder throws <see cref="InvalidOperationException"/>.</summary>
    Reject = 0,

    /// <summary>Keep the rating added last (the later line of a file), with its timestamp.</summary>
    KeepLast = 1,

    /// <summary>Keep the arithmetic mean of all the pair's ratings, with the latest timestamp.</summary>
    Average = 2,
}
