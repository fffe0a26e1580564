using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Models;

/// <summary>
/// What a model keeps of its training set besides its parameters: every user's and item's number of
/// training ratings (their support) and the mean training rating. Scoring uses the counts (support-aware
/// ranking, minimum support) and the factorization models use them to recognise users and items they
/// never saw (support 0) and predict them a documented fallback. Immutable once built.
/// </summary>
internal sealed class TrainingSupport
{
    public TrainingSupport(int[] userCounts, int[] itemCounts, float mean)
    {
        UserCounts = userCounts;
        ItemCounts = itemCounts;
        Mean = mean;
    }

    /// <summary>N counts: each user's number of training ratings.</summary>
    public int[] UserCounts { get; }

    /// <summary>M counts: each item's number of training ratings.</summary>
    public int[] ItemCounts { get; }

    /// <summary>The mean training rating (0 for an empty set), accumulated in double.</summary>
    public float Mean { get; }

    /// <summary>The counts and mean of a training set.</summary>
    public static TrainingSupport Of(RatingsDataset train) =>
        new(Counts(train.UserRows.Offsets), MemberItemCounts(train), train.Count == 0 ? 0 : (float)(train.UserRows.Sum() / train.Count));

    /// <summary>The per-item counts of users' item lists (a user-major CSR's columns), for models that keep those lists.</summary>
    public static int[] ItemCountsOf(ReadOnlySpan<int> items, int itemCount)
    {
        var counts = new int[itemCount];
        foreach (int item in items)
        {
            counts[item]++;
        }

        return counts;
    }

    /// <summary>Each item's number of ratings: the item-major offsets, or for a view a count over its user-major members (so that a trainer needing no item-major side never builds one).</summary>
    private static int[] MemberItemCounts(RatingsDataset train)
    {
        RatingRows users = train.UserRows;
        if (!users.IsView)
        {
            return Counts(train.ItemRows.Offsets);
        }

        var counts = new int[train.ItemCount];
        int[] items = users.Columns;
        foreach (int p in users.MemberPositions())
        {
            counts[items[p]]++;
        }

        return counts;
    }

    private static int[] Counts(ReadOnlySpan<int> offsets)
    {
        var counts = new int[offsets.Length - 1];
        for (int r = 0; r < counts.Length; r++)
        {
            counts[r] = offsets[r + 1] - offsets[r];
        }

        return counts;
    }
}
