using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>Each user's relevant test items (ascending): all test items, or those rated at least a threshold.</summary>
internal sealed class RelevantItems
{
    private readonly int[] _offsets;
    private readonly int[] _items;

    private RelevantItems(int[] offsets, int[] items)
    {
        _offsets = offsets;
        _items = items;
    }

    public int UserCount => _offsets.Length - 1;

    public ReadOnlySpan<int> Get(int user) => _items.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]);

    /// <summary>Validates the test set and threshold and collects the relevant items.</summary>
    /// <exception cref="ArgumentException">The test set is empty, or no rating reaches the threshold.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not finite.</exception>
    public static RelevantItems Create(RatingsDataset test, float? relevanceThreshold)
    {
        if (relevanceThreshold is { } t && !float.IsFinite(t))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(relevanceThreshold), t, "a finite rating, or null for every test rating to be relevant");
        }

        if (test.Count == 0)
        {
            ThrowHelper.Argument(nameof(test), "The test set is empty; at least one held-out rating is needed to define relevant items.");
        }

        // Through the row source: a test split is read in place, never materialised.
        RatingRows rows = test.UserRows;
        if (relevanceThreshold is null && !rows.IsView)
        {
            return new RelevantItems(rows.Offsets, rows.Columns);
        }

        int[] offsets = rows.SourceOffsets, items = rows.Columns;
        float[] values = rows.Values;
        var keptOffsets = new int[offsets.Length];
        var kept = new List<int>(test.Count);
        float threshold = relevanceThreshold.GetValueOrDefault();
        for (int u = 0; u < test.UserCount; u++)
        {
            for (int p = offsets[u]; p < offsets[u + 1]; p++)
            {
                if (rows.IsMember(p) && (relevanceThreshold is null || values[p] >= threshold))
                {
                    kept.Add(items[p]);
                }
            }

            keptOffsets[u + 1] = kept.Count;
        }

        if (kept.Count == 0)
        {
            ThrowHelper.Argument(nameof(relevanceThreshold), $"No test rating is at least relevanceThreshold ({threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}), so no user has a relevant item.");
        }

        return new RelevantItems(keptOffsets, kept.ToArray());
    }
}
