using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Which columns of a Parquet file hold the ratings, chosen by name (as Spark, pandas and DuckDB
/// write them), for <see cref="ParquetRatingsReader"/>. Ids may be integer or string columns; ratings
/// float, double or integer columns; timestamps integer columns (Unix seconds) or Parquet timestamps.
/// Other columns are ignored.
/// </summary>
public sealed record ParquetRatingsOptions
{
    /// <summary>The default names: <c>user</c>, <c>item</c>, <c>rating</c>, and <c>timestamp</c> when present.</summary>
    public static ParquetRatingsOptions Default { get; } = new();

    /// <summary>The column of user ids. Default <c>"user"</c> (Spark ALS's <c>userCol</c> default).</summary>
    public string UserColumn { get; init; } = "user";

    /// <summary>The column of item ids. Default <c>"item"</c> (Spark ALS's <c>itemCol</c> default).</summary>
    public string ItemColumn { get; init; } = "item";

    /// <summary>The column of ratings. Default <c>"rating"</c> (Spark ALS's <c>ratingCol</c> default).</summary>
    public string RatingColumn { get; init; } = "rating";

    /// <summary>
    /// The column of timestamps, read when the file has it; <see langword="null"/> never reads one.
    /// Default <c>"timestamp"</c>.
    /// </summary>
    public string? TimestampColumn { get; init; } = "timestamp";

    /// <summary>What to do with a (user, item) pair rated more than once. Default <see cref="DuplicatePolicy.Reject"/>.</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Reject;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentNullException">A column name is <see langword="null"/> (other than <see cref="TimestampColumn"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column name is empty, two columns share a name, or <see cref="Duplicates"/> is not a defined value; the message names the option.</exception>
    public void Validate()
    {
        CheckName(UserColumn, nameof(UserColumn));
        CheckName(ItemColumn, nameof(ItemColumn));
        CheckName(RatingColumn, nameof(RatingColumn));
        if (TimestampColumn is not null)
        {
            CheckName(TimestampColumn, nameof(TimestampColumn));
        }

        Distinct(ItemColumn, nameof(ItemColumn), UserColumn, nameof(UserColumn));
        Distinct(RatingColumn, nameof(RatingColumn), UserColumn, nameof(UserColumn));
        Distinct(RatingColumn, nameof(RatingColumn), ItemColumn, nameof(ItemColumn));
        if (TimestampColumn is not null)
        {
            Distinct(TimestampColumn, nameof(TimestampColumn), UserColumn, nameof(UserColumn));
            Distinct(TimestampColumn, nameof(TimestampColumn), ItemColumn, nameof(ItemColumn));
            Distinct(TimestampColumn, nameof(TimestampColumn), RatingColumn, nameof(RatingColumn));
        }

        if (!Enum.IsDefined(Duplicates))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Duplicates), Duplicates, "Reject, KeepLast or Average");
        }
    }

    private static void CheckName(string name, string option)
    {
        if (name is null)
        {
            throw new ArgumentNullException(option, $"{option} must name a column; it was null.");
        }

        if (name.Length == 0)
        {
            ThrowHelper.ArgumentOutOfRange(option, "''", "a column name, not empty");
        }
    }

    private static void Distinct(string name, string option, string other, string otherOption)
    {
        if (string.Equals(name, other, StringComparison.Ordinal))
        {
            ThrowHelper.ArgumentOutOfRange(option, $"'{name}'", $"a column other than {otherOption}'s");
        }
    }
}
