using System.Runtime.CompilerServices;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// A bounded min-heap of (score, index) pairs kept in two caller-owned spans, so that the k best of a
/// stream are selected in O(n log k) without allocating. "Better" means a higher score, and for equal
/// scores a lower index, so selections are deterministic. The root holds the worst kept entry.
/// NaN and −∞ scores are never kept.
/// </summary>
internal static class TopK
{
    /// <summary>Whether (<paramref name="score"/>, <paramref name="index"/>) ranks before (<paramref name="otherScore"/>, <paramref name="otherIndex"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBetter(float score, int index, float otherScore, int otherIndex) =>
        score > otherScore || (score == otherScore && index < otherIndex);

    /// <summary>The score a candidate must exceed to enter: the root's score when full, else −∞ (+∞ for a zero capacity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Threshold(ReadOnlySpan<float> scores, int count) =>
        count < scores.Length ? float.NegativeInfinity : count == 0 ? float.PositiveInfinity : scores[0];

    /// <summary>Offers a candidate; keeps it when the heap is not full or it is better than the worst kept entry.</summary>
    /// <param name="scores">Heap scores; its length is the capacity k.</param>
    /// <param name="indices">Heap indices, same length.</param>
    /// <param name="count">Entries in use; updated.</param>
    /// <param name="score">The candidate's score.</param>
    /// <param name="index">The candidate's index.</param>
    /// <returns><see langword="true"/> when kept.</returns>
    public static bool Offer(Span<float> scores, Span<int> indices, ref int count, float score, int index)
    {
        if (!(score > float.NegativeInfinity))
        {
            return false; // NaN or −∞
        }

        int capacity = scores.Length;
        if (count < capacity)
        {
            // Sift up: parent must be worse than or equal to child (root = worst).
            int i = count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!IsBetter(scores[parent], indices[parent], score, index))
                {
                    break;
                }

                scores[i] = scores[parent];
                indices[i] = indices[parent];
                i = parent;
            }

            scores[i] = score;
            indices[i] = index;
            return true;
        }

        if (capacity == 0 || !IsBetter(score, index, scores[0], indices[0]))
        {
            return false;
        }

        SiftDown(scores, indices, capacity, score, index);
        return true;
    }

    /// <summary>
    /// Selects the best entries of a dense score array into the heap spans and sorts them best first,
    /// skipping <paramref name="skip"/> (−1 for none) and every index in <paramref name="excludedAscending"/>
    /// (a merge walk: the list must be ascending).
    /// </summary>
    /// <returns>The number of entries selected.</returns>
    public static int Select(ReadOnlySpan<float> values, ReadOnlySpan<int> excludedAscending, int skip, Span<float> scores, Span<int> indices)
    {
        int count = 0;
        int cursor = 0;
        float threshold = float.NegativeInfinity;
        for (int j = 0; j < values.Length; j++)
        {
            float s = values[j];
            if (!(s > threshold) || j == skip)
            {
                continue;
            }

            while (cursor < excludedAscending.Length && excludedAscending[cursor] < j)
            {
                cursor++;
            }

            if (cursor < excludedAscending.Length && excludedAscending[cursor] == j)
            {
                continue;
            }

            Offer(scores, indices, ref count, s, j);
            threshold = Threshold(scores, count);
        }

        SortBestFirst(scores, indices, count);
        return count;
    }

    /// <summary>Sorts the <paramref name="count"/> kept entries in place, best first (score descending, index ascending).</summary>
    public static void SortBestFirst(Span<float> scores, Span<int> indices, int count)
    {
        // Heap sort on a min-heap of "worst at root": moving the root to the end yields best-first order.
        for (int end = count - 1; end > 0; end--)
        {
            float s = scores[end];
            int ix = indices[end];
            scores[end] = scores[0];
            indices[end] = indices[0];
            SiftDown(scores, indices, end, s, ix);
        }
    }

    /// <summary>Places (<paramref name="score"/>, <paramref name="index"/>) at the root of a heap of <paramref name="size"/> entries and sifts it down.</summary>
    private static void SiftDown(Span<float> scores, Span<int> indices, int size, float score, int index)
    {
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= size)
            {
                break;
            }

            int right = child + 1;
            if (right < size && IsBetter(scores[child], indices[child], scores[right], indices[right]))
            {
                child = right; // the worse of the two children
            }

            if (!IsBetter(score, index, scores[child], indices[child]))
            {
                break;
            }

            scores[i] = scores[child];
            indices[i] = indices[child];
            i = child;
        }

        scores[i] = score;
        indices[i] = index;
    }
}
