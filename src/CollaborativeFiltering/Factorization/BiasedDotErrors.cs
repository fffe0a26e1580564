using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The train and validation error passes that the SGD trainers with biases share (biased SGD, SVD++):
/// users cut into chunks of about <see cref="ChunkRatings"/> ratings, one parallel task per chunk, and each
/// chunk's sum of squared errors of μ + b_u + b_i + ⟨x_u, v_i⟩ over padded rows. The summation order is
/// fixed by the chunks, so the sums are the same for any thread count.
/// </summary>
internal static class BiasedDotErrors
{
    /// <summary>Ratings per chunk, about.</summary>
    public const int ChunkRatings = 16_384;

    /// <summary>Cuts users into consecutive chunks of about <see cref="ChunkRatings"/> ratings; the chunk bounds as row indices, from 0 to the row count.</summary>
    public static int[] Chunks(int[] offsets)
    {
        int rows = offsets.Length - 1;
        var bounds = new List<int> { 0 };
        int start = 0;
        for (int r = 0; r < rows; r++)
        {
            if (offsets[r + 1] - offsets[start] >= ChunkRatings)
            {
                bounds.Add(r + 1);
                start = r + 1;
            }
        }

        if (bounds[^1] != rows)
        {
            bounds.Add(rows);
        }

        return [.. bounds];
    }

    /// <summary>
    /// Σ (r − ŷ)² over the ratings of users <c>[from, to)</c> of user-major <paramref name="rows"/> (a view's members read in place), with
    /// ŷ = μ + b_u + b_i + ⟨users row u, items row i⟩ on rows of <paramref name="stride"/> floats, clamped into
    /// <paramref name="clamp"/> when given. With <paramref name="userSlots"/> and <paramref name="itemSlots"/>, user u's row and
    /// bias are at position <c>userSlots[u]</c> of <paramref name="users"/> and <paramref name="userBiases"/> (likewise items);
    /// the summation order is the same either way.
    /// </summary>
    public static double Sse(ReadOnlySpan<float> users, ReadOnlySpan<float> items, int stride, float mean, float[] userBiases, float[] itemBiases,
        RatingRows rows, int from, int to, RatingRange? clamp, int[]? userSlots = null, int[]? itemSlots = null)
    {
        return userSlots is null || itemSlots is null
            ? Sse(users, items, stride, mean, userBiases, itemBiases, rows, from, to, clamp, default(Identity))
            : Sse(users, items, stride, mean, userBiases, itemBiases, rows, from, to, clamp, new Slots(userSlots, itemSlots));
    }

    private interface IRowMap
    {
        int User(int u);

        int Item(int i);
    }

    private static double Sse<TMap>(ReadOnlySpan<float> users, ReadOnlySpan<float> items, int stride, float mean, float[] userBiases, float[] itemBiases,
        RatingRows rows, int from, int to, RatingRange? clamp, TMap map)
        where TMap : struct, IRowMap
    {
        int[] itemIndices = rows.Columns;
        float[] values = rows.Values;
        bool clamped = clamp.HasValue;
        float low = clamp.GetValueOrDefault().Min, high = clamp.GetValueOrDefault().Max;
        double sse = 0;
        int current = -1;
        ReadOnlySpan<float> x = default;
        float userPart = 0;
        foreach ((int r, int p) in rows.MemberEntries(from, to))
        {
            if (r != current)
            {
                current = r;
                int row = map.User(r);
                x = users.Slice(row * stride, stride);
                userPart = mean + userBiases[row];
            }

            int i = map.Item(itemIndices[p]);
            float prediction = userPart + itemBiases[i] + RowKernels.Dot(x, items.Slice(i * stride, stride));
            if (clamped)
            {
                prediction = Math.Clamp(prediction, low, high);
            }

            double e = values[p] - prediction;
            sse += e * e;
        }

        return sse;
    }

    private readonly struct Identity : IRowMap
    {
        public int User(int u) => u;

        public int Item(int i) => i;
    }

    private readonly struct Slots(int[] userSlots, int[] itemSlots) : IRowMap
    {
        public int User(int u) => userSlots[u];

        public int Item(int i) => itemSlots[i];
    }
}
