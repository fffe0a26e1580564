using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A user's dense, 0-based position in a <see cref="Catalog"/> (0 to N − 1): what models, scores and
/// neighbours are indexed by. It is not the user's id in the files — <see cref="Catalog.GetUserIndex"/>
/// and <see cref="Catalog.GetUserId"/> translate — and it has its own type so that neither an id that
/// looks like a number nor an item's index can be passed where a user's index is expected:
/// <c>model.Predict(1, 50)</c> does not compile; <c>model.Predict(new UserIndex(0), new ItemIndex(49))</c>
/// or <c>model.Predict("1", "50")</c> say which is meant.
/// </summary>
public readonly record struct UserIndex
{
    /// <summary>Wraps a dense position.</summary>
    /// <param name="value">The position, zero or greater (whether it is below N is checked where it is used).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public UserIndex(int value)
    {
        if (value < 0)
        {
            ThrowHelper.ArgumentOutOfRangeMessage(nameof(value), value, string.Create(CultureInfo.InvariantCulture, $"A UserIndex (a user's dense 0-based position, not an id) must be zero or greater; it was {value}."));
        }
        Value = value;
    }

    /// <summary>The position, 0-based.</summary>
    public int Value { get; }

    /// <summary>"user index 3": says that the number is a position, not an id.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => "user index " + Value.ToString(CultureInfo.InvariantCulture);
}
