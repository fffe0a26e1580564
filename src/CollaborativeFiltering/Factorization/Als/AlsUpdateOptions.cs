using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Options of an incremental update (<see cref="AlsFactorizer.Update"/>): how many sweeps over the
/// affected rows, and which existing rows count as affected.
/// </summary>
public sealed record AlsUpdateOptions
{
    /// <summary>The defaults: 2 sweeps, rows re-solved when new ratings are at least 5 % of theirs.</summary>
    public static AlsUpdateOptions Default { get; } = new();

    /// <summary>
    /// Sweeps over the affected rows: each solves the affected users against the item factors, then
    /// the affected items against the user factors; in [1, 100]. Default 2 (the first places new users
    /// and items, the second lets them settle against each other).
    /// </summary>
    public int Sweeps { get; init; } = 2;

    /// <summary>
    /// An existing user or item is re-solved when its new ratings make up at least this share of all
    /// its ratings (old and new); new users and items are always solved. In [0, 1]: 0 re-solves every
    /// row with a new rating. Default 0.05: a row's least-squares solution moves by about the share of
    /// new data in it, so rows under 5 % barely change, and the work of an update stays bounded by
    /// (new ratings) / share rating visits per half-sweep, however large the training set.
    /// </summary>
    public double MinNewShare { get; init; } = 0.05;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Sweeps is < 1 or > 100)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Sweeps), Sweeps, "in [1, 100]");
        }

        if (!(MinNewShare >= 0 && MinNewShare <= 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(MinNewShare), MinNewShare.ToString(CultureInfo.InvariantCulture), "in [0, 1]");
        }
    }
}
