using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The train and validation error passes that the SGD trainers with biases share (biased SGD, SVD++):
/// users cut into chunks of about <see cref="ChunkRatings"/> ratings, one parallel task per chunk, and each
/// chunk's sum of squared errors of μ + b_u + b_i + ⟨x_u, v_i⟩ over padded rows, a user's items four at a time
/// through the full-batch row kernels where the stride has them. The summation order is fixed by the chunks,
/// so the sums are the same for any thread count.
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
    /// the summation order is the same either way: each squared error is added, in double, in rating order.
    /// </summary>
    /// <remarks>
    /// Where the stride has the full-batch trainer's register-accumulating row kernels (<see cref="RowWidthKernels.HasRowKernels"/>:
    /// 8 to 64 floats with FMA), a user's ratings are taken four at a time by <see cref="RowWidthKernels.Dot4{TRow}"/>, the user
    /// row shared and one reduction for the four, the last one to three by <see cref="RowWidthKernels.DotLane{TRow}"/>, whose bits
    /// are those of a Dot4 lane: so a rating's error does not depend on its slot among four, and a view's rows give the bits of
    /// its own CSR's. Other strides (wider rows, no FMA, no SIMD) take the generic loop, one <see cref="RowKernels.Dot"/> per rating;
    /// the two round the dot products differently, so they agree to float precision, not bit for bit.
    /// </remarks>
    public static double Sse(ReadOnlySpan<float> users, ReadOnlySpan<float> items, int stride, float mean, float[] userBiases, float[] itemBiases,
        RatingRows rows, int from, int to, RatingRange? clamp, int[]? userSlots = null, int[]? itemSlots = null)
    {
        return userSlots is null || itemSlots is null
            ? Sse(users, items, stride, mean, userBiases, itemBiases, rows, from, to, clamp, default(Identity))
            : Sse(users, items, stride, mean, userBiases, itemBiases, rows, from, to, clamp, new Slots(userSlots, itemSlots));
    }

    /// <summary>The slots of users' and items' rows and biases (<see cref="Identity"/>, <see cref="Slots"/>).</summary>
    private interface IRowMap
    {
        /// <summary>The position of user <paramref name="u"/>'s row and bias.</summary>
        int User(int u);

        /// <summary>The position of item <paramref name="i"/>'s row and bias.</summary>
        int Item(int i);
    }

    /// <summary><see cref="Sse(ReadOnlySpan{float}, ReadOnlySpan{float}, int, float, float[], float[], RatingRows, int, int, RatingRange?, int[], int[])"/> through <paramref name="map"/>: the row kernel of the stride's width, else the generic loop.</summary>
    private static double Sse<TMap>(ReadOnlySpan<float> users, ReadOnlySpan<float> items, int stride, float mean, float[] userBiases, float[] itemBiases,
        RatingRows rows, int from, int to, RatingRange? clamp, TMap map)
        where TMap : struct, IRowMap
    {
        if (!RowWidthKernels.HasRowKernels(stride))
        {
            return Generic(users, items, stride, mean, userBiases, itemBiases, rows, from, to, clamp, map);
        }

        return clamp is { } range
            ? ByWidth<TMap, RowWidthKernels.Yes>(users, items, stride, mean, userBiases, itemBiases, rows, from, to, range.Min, range.Max, map)
            : ByWidth<TMap, RowWidthKernels.No>(users, items, stride, mean, userBiases, itemBiases, rows, from, to, 0, 0, map);
    }

    /// <summary>The row kernel of the stride's width (see <see cref="RowWidthKernels.HasRowKernels"/>), clamping or not.</summary>
    private static double ByWidth<TMap, TClamp>(ReadOnlySpan<float> users, ReadOnlySpan<float> items, int stride, float mean, float[] userBiases, float[] itemBiases,
        RatingRows rows, int from, int to, float low, float high, TMap map)
        where TMap : struct, IRowMap
        where TClamp : struct, RowWidthKernels.IFlag
    {
        return (stride / 8) switch
        {
            1 => Rows<TMap, TClamp, RowWidthKernels.Vectors1>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
            2 => Rows<TMap, TClamp, RowWidthKernels.Vectors2>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
            3 => Rows<TMap, TClamp, RowWidthKernels.Vectors3>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
            4 => Rows<TMap, TClamp, RowWidthKernels.Vectors4>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
            5 => Rows<TMap, TClamp, RowWidthKernels.Vectors5>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
            6 => Rows<TMap, TClamp, RowWidthKernels.Vectors6>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
            7 => Rows<TMap, TClamp, RowWidthKernels.Vectors7>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
            _ => Rows<TMap, TClamp, RowWidthKernels.Vectors8>(users, items, mean, userBiases, itemBiases, rows, from, to, low, high, map),
        };
    }

    /// <summary>
    /// The row kernel's pass over users [from, to): each user's member ratings as contiguous columns and values, the CSR's own
    /// slices when the rows are not a view, else the members gathered into rented arrays as long as the chunk's longest row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Rows<TMap, TClamp, TRow>(ReadOnlySpan<float> users, ReadOnlySpan<float> items, float mean, float[] userBiases, float[] itemBiases,
        RatingRows rows, int from, int to, float low, float high, TMap map)
        where TMap : struct, IRowMap
        where TClamp : struct, RowWidthKernels.IFlag
        where TRow : struct, RowWidthKernels.IRowWidth
    {
        int stride = TRow.Vectors * 8;
        ref float userBase = ref MemoryMarshal.GetReference(users);
        ref float itemBase = ref MemoryMarshal.GetReference(items);
        ref float itemBiasBase = ref MemoryMarshal.GetArrayDataReference(itemBiases);
        int[] sourceOffsets = rows.SourceOffsets;
        double sse = 0;
        if (!rows.IsView)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(rows.Columns);
            ref float values = ref MemoryMarshal.GetArrayDataReference(rows.Values);
            for (int r = from; r < to; r++)
            {
                int start = sourceOffsets[r], count = sourceOffsets[r + 1] - start;
                if (count > 0)
                {
                    int row = map.User(r);
                    Debug.Assert((long)(row + 1) * stride <= users.Length);
                    sse = User<TMap, TClamp, TRow>(ref Unsafe.Add(ref userBase, (nint)row * stride), mean + userBiases[row], ref itemBase, ref itemBiasBase,
                        ref Unsafe.Add(ref columns, start), ref Unsafe.Add(ref values, start), count, low, high, map, sse);
                }
            }

            return sse;
        }

        int[] offsets = rows.Offsets, sourceColumns = rows.Columns;
        float[] sourceValues = rows.Values;
        int longest = 0;
        for (int r = from; r < to; r++)
        {
            longest = Math.Max(longest, offsets[r + 1] - offsets[r]);
        }

        // Rented and given back without a try/finally: an array that an exception keeps from the pool costs nothing, while a
        // protected region would make the JIT keep the sum and the user's part on the stack, written at every change.
        int[] gatheredColumns = ArrayPool<int>.Shared.Rent(longest);
        float[] gatheredValues = ArrayPool<float>.Shared.Rent(longest);
        for (int r = from; r < to; r++)
        {
            int count = 0;
            foreach (int p in rows.MemberPositions(sourceOffsets[r], sourceOffsets[r + 1]))
            {
                gatheredColumns[count] = sourceColumns[p];
                gatheredValues[count] = sourceValues[p];
                count++;
            }

            if (count > 0)
            {
                int row = map.User(r);
                Debug.Assert((long)(row + 1) * stride <= users.Length);
                sse = User<TMap, TClamp, TRow>(ref Unsafe.Add(ref userBase, (nint)row * stride), mean + userBiases[row], ref itemBase, ref itemBiasBase,
                    ref MemoryMarshal.GetArrayDataReference(gatheredColumns), ref MemoryMarshal.GetArrayDataReference(gatheredValues), count, low, high, map, sse);
            }
        }

        ArrayPool<int>.Shared.Return(gatheredColumns);
        ArrayPool<float>.Shared.Return(gatheredValues);
        return sse;
    }

    /// <summary>
    /// <paramref name="sse"/> plus the squared errors of one user's <paramref name="count"/> ratings (items
    /// <paramref name="columns"/>, values <paramref name="values"/>), the user row <paramref name="x"/> and
    /// <paramref name="userPart"/> = μ + b_u: four items at a time through <see cref="RowWidthKernels.Dot4{TRow}"/>
    /// (straight-line code, so the loop holds no inner loop and no call and the JIT keeps its vectors in registers),
    /// the rest through <see cref="RowWidthKernels.DotLane{TRow}"/>. A group's predictions are the same float operations
    /// as a single rating's, (μ + b_u + b_i) + dot, clamped as <see cref="Math.Clamp(float, float, float)"/> does (NaN stays
    /// NaN), and its errors are widened and added one at a time, so every rating adds the bits it would add alone.
    /// Called once per user, not inlined: inlined into the pass, the loop shared the registers with the view's
    /// member enumerator and kept the group's row addresses on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double User<TMap, TClamp, TRow>(ref float x, float userPart, ref float itemBase, ref float itemBiases, ref int columns, ref float values, int count,
        float low, float high, TMap map, double sse)
        where TMap : struct, IRowMap
        where TClamp : struct, RowWidthKernels.IFlag
        where TRow : struct, RowWidthKernels.IRowWidth
    {
        int stride = TRow.Vectors * 8;
        Vector128<float> user = Vector128.Create(userPart), lowest = Vector128.Create(low), highest = Vector128.Create(high);
        int k = 0;
        for (; k <= count - 4; k += 4)
        {
            int i0 = map.Item(Unsafe.Add(ref columns, k)), i1 = map.Item(Unsafe.Add(ref columns, k + 1));
            int i2 = map.Item(Unsafe.Add(ref columns, k + 2)), i3 = map.Item(Unsafe.Add(ref columns, k + 3));
            Vector128<float> dots = RowWidthKernels.Dot4<TRow>(ref x, ref Unsafe.Add(ref itemBase, (nint)i0 * stride), ref Unsafe.Add(ref itemBase, (nint)i1 * stride),
                ref Unsafe.Add(ref itemBase, (nint)i2 * stride), ref Unsafe.Add(ref itemBase, (nint)i3 * stride));
            Vector128<float> biases = Vector128.Create(Unsafe.Add(ref itemBiases, i0), Unsafe.Add(ref itemBiases, i1), Unsafe.Add(ref itemBiases, i2), Unsafe.Add(ref itemBiases, i3));
            Vector128<float> predictions = user + biases + dots;
            if (TClamp.Value)
            {
                // Math.Clamp's comparisons, lane by lane: a NaN prediction fails both and stays NaN.
                predictions = Vector128.ConditionalSelect(Vector128.LessThan(predictions, lowest), lowest, predictions);
                predictions = Vector128.ConditionalSelect(Vector128.GreaterThan(predictions, highest), highest, predictions);
            }

            // The float subtraction, then exact widening: each lane is the scalar path's e.
            Vector256<double> e = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref values, (nuint)k) - predictions);
            Vector256<double> squares = e * e;
            sse += squares.GetElement(0);
            sse += squares.GetElement(1);
            sse += squares.GetElement(2);
            sse += squares.GetElement(3);
        }

        for (; k < count; k++)
        {
            int i = map.Item(Unsafe.Add(ref columns, k));
            float prediction = userPart + Unsafe.Add(ref itemBiases, i) + RowWidthKernels.DotLane<TRow>(ref x, ref Unsafe.Add(ref itemBase, (nint)i * stride));
            if (TClamp.Value)
            {
                prediction = Math.Clamp(prediction, low, high);
            }

            double e = Unsafe.Add(ref values, k) - prediction;
            sse += e * e;
        }

        return sse;
    }

    /// <summary>The generic loop, for strides without row kernels: the member entries in order, one <see cref="RowKernels.Dot"/> per rating.</summary>
    private static double Generic<TMap>(ReadOnlySpan<float> users, ReadOnlySpan<float> items, int stride, float mean, float[] userBiases, float[] itemBiases,
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

    /// <summary>Rows and biases at the users' and items' own indices.</summary>
    private readonly struct Identity : IRowMap
    {
        /// <inheritdoc/>
        public int User(int u) => u;

        /// <inheritdoc/>
        public int Item(int i) => i;
    }

    /// <summary>Rows and biases at the slots the trainer stores them in (biased SGD's group-major order).</summary>
    private readonly struct Slots(int[] userSlots, int[] itemSlots) : IRowMap
    {
        /// <inheritdoc/>
        public int User(int u) => userSlots[u];

        /// <inheritdoc/>
        public int Item(int i) => itemSlots[i];
    }
}
