using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;
using static CollaborativeFiltering.Internal.RowWidthKernels;

namespace CollaborativeFiltering.Factorization.FullBatch;

/// <summary>
/// The full-batch trainer's own kernels, on rows of the padded stride d: a row's gradient step
/// (<see cref="Step"/>), rows of the Gram matrix XᵀX (<see cref="GramRows"/>) and rows times it
/// (<see cref="MultiplyRows"/>), in the library's SIMD style (<see cref="RowKernels"/>'s): each width is a
/// struct implementing <see cref="IFullBatchKernels"/>, <see cref="Width256"/> for rows of 8 or more where
/// 256-bit vectors are accelerated (with 512-bit Gram and x·G tiles where those are), else the scalar twin <see cref="Scalar"/> that the tests compare it
/// against. The per-rating dot products and multiply-adds are <see cref="RowKernels"/>'.
/// </summary>
internal static class FullBatchKernels
{

    /// <summary>The kernels of one width.</summary>
    internal interface IFullBatchKernels
    {
        /// <summary>One gradient step of a row: <c>destination = x − (a·data + b·x + c·gravity)</c>; <paramref name="destination"/> must not overlap the inputs.</summary>
        static abstract void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> data, ReadOnlySpan<float> gravity, float a, float b, float c, Span<float> destination);

        /// <summary>Rows [a0, a1) of G = XᵀX (at least from column <c>a0 &amp; ~7</c> on: the upper part).</summary>
        static abstract void GramRows(ReadOnlySpan<float> x, int rows, int d, int a0, int a1, Span<float> gram);

        /// <summary><c>t = x·G</c> for <paramref name="rows"/> rows of length d and a d×d <paramref name="gram"/>.</summary>
        static abstract void MultiplyRows(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> gram, Span<float> t);
    }

    /// <summary>
    /// One gradient step of a row: <c>destination = x − (a·data + b·x + c·gravity)</c>, i.e.
    /// <c>x − η·∂L/∂x</c> with a = η·2/|Ω|, b = η·2λ_r/(N or M), c = η·2λ_g/(N·M).
    /// <paramref name="destination"/> must not overlap the inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> data, ReadOnlySpan<float> gravity, float a, float b, float c, Span<float> destination)
    {
        int n = x.Length;
        Debug.Assert(data.Length >= n && gravity.Length >= n && destination.Length >= n);
        if (!Vector256.IsHardwareAccelerated || n < Vector256<float>.Count)
        {
            Scalar.Step(x, data, gravity, a, b, c, destination);
        }
        else
        {
            Width256.Step(x, data, gravity, a, b, c, destination);
        }
    }

    /// <summary>The gradient alone: <c>destination = a·data + b·x + c·gravity</c> (used to check gradients).</summary>
    public static void Gradient(ReadOnlySpan<float> x, ReadOnlySpan<float> data, ReadOnlySpan<float> gravity, float a, float b, float c, Span<float> destination)
    {
        for (int k = 0; k < x.Length; k++)
        {
            destination[k] = (a * data[k]) + (b * x[k]) + (c * gravity[k]);
        }
    }

    /// <summary>
    /// Rows [a0, a1) of the Gram matrix G = XᵀX of the <paramref name="rows"/>×d row-major
    /// <paramref name="x"/>, at least from column <c>a0 &amp; ~7</c> onwards (the upper part; call
    /// <see cref="MirrorUpper"/> once every row is done). Each entry is one multiply-add chain over
    /// the rows of X in index order, so G[a, b] and G[b, a] are equal bit for bit and do not depend
    /// on how rows of G are shared out. Register-blocked: four rows of G × 16 columns are accumulated
    /// in registers over all rows of X.
    /// </summary>
    public static void GramRows(ReadOnlySpan<float> x, int rows, int d, int a0, int a1, Span<float> gram)
    {
        Debug.Assert(x.Length >= rows * d && gram.Length >= d * d && 0 <= a0 && a0 <= a1 && a1 <= d);
        if (!Vector256.IsHardwareAccelerated || d < Vector256<float>.Count)
        {
            Scalar.GramRows(x, rows, d, a0, a1, gram);
        }
        else
        {
            Width256.GramRows(x, rows, d, a0, a1, gram);
        }
    }

    /// <summary>
    /// <c>t = x·G</c> for <paramref name="rows"/> row-major rows of length d and a d×d row-major
    /// <paramref name="gram"/>: t[r, c] = Σ_a x[r, a]·G[a, c], one multiply-add chain over a in order
    /// per entry (so a row's result does not depend on the rows around it). Register-blocked: four
    /// rows × 16 columns at a time.
    /// </summary>
    public static void MultiplyRows(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> gram, Span<float> t)
    {
        Debug.Assert(x.Length >= rows * d && gram.Length >= d * d && t.Length >= rows * d);
        if (!Vector256.IsHardwareAccelerated || d < Vector256<float>.Count)
        {
            Scalar.MultiplyRows(x, rows, d, gram, t);
        }
        else
        {
            Width256.MultiplyRows(x, rows, d, gram, t);
        }
    }

    /// <summary>
    /// The user pass over one row of stride <paramref name="stride"/> (see <see cref="HasRowKernels"/>): for
    /// each rating p in [p, pe) the residual e = ⟨x, V_j⟩ − A_ij (stored at p when <paramref name="storeResiduals"/>),
    /// and Σ e·V_j written to <paramref name="data"/> (with <paramref name="continued"/>, added to the sum
    /// <paramref name="data"/> holds, in the same chain: the row's ratings of the earlier item slices); adds
    /// each e² to <paramref name="sse"/> in rating order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UserRow(int stride, ref float x, ref float vBase, ref int items, ref float values, ref float residuals, int p, int pe, ref float data, ref double sse, bool storeResiduals = true, bool continued = false)
    {
        if (continued)
        {
            UserRow<Yes>(stride, ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse, storeResiduals);
        }
        else
        {
            UserRow<No>(stride, ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse, storeResiduals);
        }
    }

    /// <summary>The row kernel of the stride's width, starting from <paramref name="data"/> or from zero, with or without the residual stores.</summary>
    private static void UserRow<TContinue>(int stride, ref float x, ref float vBase, ref int items, ref float values, ref float residuals, int p, int pe, ref float data, ref double sse, bool storeResiduals)
        where TContinue : struct, IFlag
    {
        if (storeResiduals)
        {
            UserRow<Yes, TContinue>(stride, ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse);
        }
        else
        {
            UserRow<No, TContinue>(stride, ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse);
        }
    }

    /// <summary>The row kernel of the stride's width.</summary>
    private static void UserRow<TStore, TContinue>(int stride, ref float x, ref float vBase, ref int items, ref float values, ref float residuals, int p, int pe, ref float data, ref double sse)
        where TStore : struct, IFlag
        where TContinue : struct, IFlag
    {
        // Even widths go to the 512-bit kernels where those are accelerated, chosen here so that the 256-bit kernels
        // of those widths are never compiled there (see UserRow<TRow, TStore, TContinue>).
        if (Vector512.IsHardwareAccelerated && (stride / 8) % 2 == 0)
        {
            switch (stride / 8)
            {
                case 2: UserRow512<Vectors2, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
                case 4: UserRow512<Vectors4, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
                case 6: UserRow512<Vectors6, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
                default: UserRow512<Vectors8, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            }

            return;
        }

        switch (stride / 8)
        {
            case 1: UserRow<Vectors1, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            case 2: UserRow<Vectors2, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            case 3: UserRow<Vectors3, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            case 4: UserRow<Vectors4, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            case 5: UserRow<Vectors5, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            case 6: UserRow<Vectors6, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            case 7: UserRow<Vectors7, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
            default: UserRow<Vectors8, TStore, TContinue>(ref x, ref vBase, ref items, ref values, ref residuals, p, pe, ref data, ref sse); break;
        }
    }

    /// <summary>
    /// The item pass over one row of stride <paramref name="stride"/> (see <see cref="HasRowKernels"/>), or its
    /// ratings by one user slice: Σ e·U_i over the ratings [q, qe) into <paramref name="data"/> (with
    /// <paramref name="continued"/>, added to the sum <paramref name="data"/> holds, in the same chain: the row's
    /// earlier slices), e read through <paramref name="link"/>, or, when <paramref name="recompute"/>, recomputed
    /// from the row <paramref name="v"/> (V_j) and the item-major <paramref name="values"/> by <see cref="Residuals4"/>
    /// and <see cref="Residual"/>: the same bits as the user pass stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ItemRow(int stride, ref float uBase, ref int users, ref int link, ref float residuals, int q, int qe, ref float data, bool recompute, ref float v, ref float values, bool continued = false)
    {
        if (continued)
        {
            ItemRow<Yes>(stride, ref uBase, ref users, ref link, ref residuals, q, qe, ref data, recompute, ref v, ref values);
        }
        else
        {
            ItemRow<No>(stride, ref uBase, ref users, ref link, ref residuals, q, qe, ref data, recompute, ref v, ref values);
        }
    }

    /// <summary>The row kernel of the stride's width, starting from <paramref name="data"/> or from zero, gathering or recomputing the residuals.</summary>
    private static void ItemRow<TContinue>(int stride, ref float uBase, ref int users, ref int link, ref float residuals, int q, int qe, ref float data, bool recompute, ref float v, ref float values)
        where TContinue : struct, IFlag
    {
        if (recompute)
        {
            ItemRow<Yes, TContinue>(stride, ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values);
        }
        else
        {
            ItemRow<No, TContinue>(stride, ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values);
        }
    }

    /// <summary>The row kernel of the stride's width.</summary>
    private static void ItemRow<TRecompute, TContinue>(int stride, ref float uBase, ref int users, ref int link, ref float residuals, int q, int qe, ref float data, ref float v, ref float values)
        where TRecompute : struct, IFlag
        where TContinue : struct, IFlag
    {
        // As in the user pass: even widths to the 512-bit kernels where those are accelerated.
        if (Vector512.IsHardwareAccelerated && (stride / 8) % 2 == 0)
        {
            switch (stride / 8)
            {
                case 2: ItemRow512<Vectors2, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
                case 4: ItemRow512<Vectors4, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
                case 6: ItemRow512<Vectors6, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
                default: ItemRow512<Vectors8, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            }

            return;
        }

        switch (stride / 8)
        {
            case 1: ItemRow<Vectors1, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            case 2: ItemRow<Vectors2, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            case 3: ItemRow<Vectors3, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            case 4: ItemRow<Vectors4, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            case 5: ItemRow<Vectors5, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            case 6: ItemRow<Vectors6, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            case 7: ItemRow<Vectors7, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
            default: ItemRow<Vectors8, TRecompute, TContinue>(ref uBase, ref users, ref link, ref residuals, q, qe, ref data, ref v, ref values); break;
        }
    }

    /// <summary>
    /// <see cref="UserRow(int, ref float, ref float, ref int, ref float, ref float, int, int, ref float, ref double, bool, bool)"/> for rows of
    /// <c>TRow.Vectors</c> 256-bit vectors. Σ e·V_j stays in registers across the row's ratings instead of
    /// going through memory for every group of four (a store and a reload on the critical path of the
    /// accumulation chain). Each lane follows exactly the multiply-add chain of
    /// <see cref="RowKernels.MultiplyAdd4(float, ref float, float, ref float, float, ref float, float, ref float, ref float, int)"/>
    /// and <see cref="RowKernels.MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/> (a lane's chain does not depend on
    /// the vector width), and the residuals are
    /// <see cref="RowKernels.Dot4(ref float, ref float, ref float, ref float, ref float, int)"/>'s (a row's last
    /// ratings <see cref="RowKernels.DotLane"/>'s, the same bits; computed by their unrolled twins
    /// <see cref="Dot4{TRow}"/> and <see cref="DotLane{TRow}"/>, so that the loop holds no inner loop and no
    /// call, and the JIT keeps the accumulators in registers), so the result is bit-identical to the
    /// trainer's generic loop. Branches on <c>TRow.Vectors</c> and <c>TStore.Value</c> are constants of each
    /// instantiation: the unused accumulators and the untaken branch vanish. Where 512-bit vectors are accelerated,
    /// the width's switch sends rows of an even number of 256-bit vectors to <see cref="UserRow512{TRow, TStore, TContinue}"/>
    /// instead (the same bits), so that this kernel is not compiled there: a test of <c>TRow.Vectors</c> here would only be
    /// folded after the whole 256-bit body had been imported and inlined, which cost a fit's first step 4–7 ms a kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UserRow<TRow, TStore, TContinue>(ref float x, ref float vBase, ref int items, ref float values, ref float residuals, int p, int pe, ref float data, ref double sse)
        where TRow : struct, IRowWidth
        where TStore : struct, IFlag
        where TContinue : struct, IFlag
    {
        int stride = TRow.Vectors * 8;
        Vector256<float> g0 = Vector256<float>.Zero, g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0;
        if (TContinue.Value)
        {
            (g0, g1, g2, g3, g4, g5, g6, g7) = Resume<TRow>(ref data);
        }

        double sum = sse;
        for (; p <= pe - 4; p += 4)
        {
            ref float y0 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p) * stride);
            ref float y1 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p + 1) * stride);
            ref float y2 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p + 2) * stride);
            ref float y3 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p + 3) * stride);
            (float e0, float e1, float e2, float e3, double squares) = UserResiduals4<TRow, TStore>(ref x, ref y0, ref y1, ref y2, ref y3, ref values, ref residuals, p);
            if (!TStore.Value)
            {
                SeparateLoads(ref data, e0); // the residuals' store does it otherwise
            }

            sum += squares;
            Vector256<float> b0 = Vector256.Create(e0), b1 = Vector256.Create(e1), b2 = Vector256.Create(e2), b3 = Vector256.Create(e3);
            g0 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 0, g0);
            if (TRow.Vectors > 1)
            {
                g1 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 8, g1);
            }

            if (TRow.Vectors > 2)
            {
                g2 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 16, g2);
            }

            if (TRow.Vectors > 3)
            {
                g3 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 24, g3);
            }

            if (TRow.Vectors > 4)
            {
                g4 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 32, g4);
            }

            if (TRow.Vectors > 5)
            {
                g5 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 40, g5);
            }

            if (TRow.Vectors > 6)
            {
                g6 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 48, g6);
            }

            if (TRow.Vectors > 7)
            {
                g7 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 56, g7);
            }
        }

        for (; p < pe; p++)
        {
            ref float y = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p) * stride);
            float e = UserResidual<TRow, TStore>(ref x, ref y, ref values, ref residuals, p);
            if (!TStore.Value)
            {
                SeparateLoads(ref data, e);
            }

            sum += (double)e * e;
            Vector256<float> b = Vector256.Create(e);
            g0 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 0), g0);
            if (TRow.Vectors > 1)
            {
                g1 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 8), g1);
            }

            if (TRow.Vectors > 2)
            {
                g2 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 16), g2);
            }

            if (TRow.Vectors > 3)
            {
                g3 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 24), g3);
            }

            if (TRow.Vectors > 4)
            {
                g4 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 32), g4);
            }

            if (TRow.Vectors > 5)
            {
                g5 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 40), g5);
            }

            if (TRow.Vectors > 6)
            {
                g6 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 48), g6);
            }

            if (TRow.Vectors > 7)
            {
                g7 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 56), g7);
            }
        }

        sse = sum;
        Store<TRow>(ref data, g0, g1, g2, g3, g4, g5, g6, g7);
    }

    /// <summary>
    /// <see cref="ItemRow(int, ref float, ref int, ref int, ref float, int, int, ref float, bool, ref float, ref float, bool)"/> for rows of
    /// <c>TRow.Vectors</c> 256-bit vectors, accumulating in registers (from the row's sum so far with
    /// <typeparamref name="TContinue"/>); bit-identical to the generic loop, as <see cref="UserRow{TRow, TStore, TContinue}"/>,
    /// and like it left out by the width's switch for rows of an even number of vectors where 512-bit vectors are accelerated
    /// (<see cref="ItemRow512{TRow, TRecompute, TContinue}"/> runs them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ItemRow<TRow, TRecompute, TContinue>(ref float uBase, ref int users, ref int link, ref float residuals, int q, int qe, ref float data, ref float v, ref float values)
        where TRow : struct, IRowWidth
        where TRecompute : struct, IFlag
        where TContinue : struct, IFlag
    {
        int stride = TRow.Vectors * 8;
        Vector256<float> g0 = Vector256<float>.Zero, g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0;
        if (TContinue.Value)
        {
            (g0, g1, g2, g3, g4, g5, g6, g7) = Resume<TRow>(ref data);
        }

        for (; q <= qe - 4; q += 4)
        {
            ref float y0 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q) * stride);
            ref float y1 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q + 1) * stride);
            ref float y2 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q + 2) * stride);
            ref float y3 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q + 3) * stride);
            Vector256<float> b0, b1, b2, b3;
            if (TRecompute.Value)
            {
                Vector128<float> e = Dot4<TRow>(ref v, ref y0, ref y1, ref y2, ref y3) - Vector128.LoadUnsafe(ref values, (nuint)q); // Residuals4's bits
                SeparateLoads(ref data, e.ToScalar());
                (b0, b1, b2, b3) = (Vector256.Create(e.GetElement(0)), Vector256.Create(e.GetElement(1)), Vector256.Create(e.GetElement(2)), Vector256.Create(e.GetElement(3)));
            }
            else
            {
                b0 = Vector256.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q)));
                b1 = Vector256.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q + 1)));
                b2 = Vector256.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q + 2)));
                b3 = Vector256.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q + 3)));
            }

            g0 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 0, g0);
            if (TRow.Vectors > 1)
            {
                g1 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 8, g1);
            }

            if (TRow.Vectors > 2)
            {
                g2 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 16, g2);
            }

            if (TRow.Vectors > 3)
            {
                g3 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 24, g3);
            }

            if (TRow.Vectors > 4)
            {
                g4 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 32, g4);
            }

            if (TRow.Vectors > 5)
            {
                g5 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 40, g5);
            }

            if (TRow.Vectors > 6)
            {
                g6 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 48, g6);
            }

            if (TRow.Vectors > 7)
            {
                g7 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 56, g7);
            }
        }

        for (; q < qe; q++)
        {
            ref float y = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q) * stride);
            float e;
            if (TRecompute.Value)
            {
                e = DotLane<TRow>(ref y, ref v) - Unsafe.Add(ref values, q);
                SeparateLoads(ref data, e);
            }
            else
            {
                e = Unsafe.Add(ref residuals, Unsafe.Add(ref link, q));
            }

            Vector256<float> b = Vector256.Create(e);
            g0 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 0), g0);
            if (TRow.Vectors > 1)
            {
                g1 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 8), g1);
            }

            if (TRow.Vectors > 2)
            {
                g2 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 16), g2);
            }

            if (TRow.Vectors > 3)
            {
                g3 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 24), g3);
            }

            if (TRow.Vectors > 4)
            {
                g4 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 32), g4);
            }

            if (TRow.Vectors > 5)
            {
                g5 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 40), g5);
            }

            if (TRow.Vectors > 6)
            {
                g6 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 48), g6);
            }

            if (TRow.Vectors > 7)
            {
                g7 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y, 56), g7);
            }
        }

        Store<TRow>(ref data, g0, g1, g2, g3, g4, g5, g6, g7);
    }

    /// <summary>
    /// <see cref="UserRow{TRow, TStore, TContinue}"/> for rows of an even number of 256-bit vectors where 512-bit vectors
    /// are accelerated: the row's sum in <c>TRow.Vectors / 2</c> 512-bit accumulators. Each lane runs the same chain of
    /// multiply-adds as in the 256-bit kernel, so the bits are the same; the multiply-adds are half as many, and on
    /// rows aligned to 64 bytes no load splits across two cache lines (ML-1M at d = 64: 7.63 -> 6.61 ms a step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UserRow512<TRow, TStore, TContinue>(ref float x, ref float vBase, ref int items, ref float values, ref float residuals, int p, int pe, ref float data, ref double sse)
        where TRow : struct, IRowWidth
        where TStore : struct, IFlag
        where TContinue : struct, IFlag
    {
        int stride = TRow.Vectors * 8;
        Vector512<float> h0 = Vector512<float>.Zero, h1 = h0, h2 = h0, h3 = h0;
        if (TContinue.Value)
        {
            (h0, h1, h2, h3) = Resume512<TRow>(ref data);
        }

        double sum = sse;
        for (; p <= pe - 4; p += 4)
        {
            ref float y0 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p) * stride);
            ref float y1 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p + 1) * stride);
            ref float y2 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p + 2) * stride);
            ref float y3 = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p + 3) * stride);
            (float e0, float e1, float e2, float e3, double squares) = UserResiduals4<TRow, TStore>(ref x, ref y0, ref y1, ref y2, ref y3, ref values, ref residuals, p);
            sum += squares;
            Vector512<float> b0 = Vector512.Create(e0), b1 = Vector512.Create(e1), b2 = Vector512.Create(e2), b3 = Vector512.Create(e3);
            h0 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 0, h0);
            if (TRow.Vectors > 2)
            {
                h1 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 16, h1);
            }

            if (TRow.Vectors > 4)
            {
                h2 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 32, h2);
            }

            if (TRow.Vectors > 6)
            {
                h3 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 48, h3);
            }
        }

        for (; p < pe; p++)
        {
            ref float y = ref Unsafe.Add(ref vBase, Unsafe.Add(ref items, p) * stride);
            float e = UserResidual<TRow, TStore>(ref x, ref y, ref values, ref residuals, p);
            sum += (double)e * e;
            Vector512<float> b = Vector512.Create(e);
            h0 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 0), h0);
            if (TRow.Vectors > 2)
            {
                h1 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 16), h1);
            }

            if (TRow.Vectors > 4)
            {
                h2 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 32), h2);
            }

            if (TRow.Vectors > 6)
            {
                h3 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 48), h3);
            }
        }

        sse = sum;
        Store512<TRow>(ref data, h0, h1, h2, h3);
    }

    /// <summary><see cref="ItemRow{TRow, TRecompute, TContinue}"/> in 512-bit accumulators, as <see cref="UserRow512{TRow, TStore, TContinue}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ItemRow512<TRow, TRecompute, TContinue>(ref float uBase, ref int users, ref int link, ref float residuals, int q, int qe, ref float data, ref float v, ref float values)
        where TRow : struct, IRowWidth
        where TRecompute : struct, IFlag
        where TContinue : struct, IFlag
    {
        int stride = TRow.Vectors * 8;
        Vector512<float> h0 = Vector512<float>.Zero, h1 = h0, h2 = h0, h3 = h0;
        if (TContinue.Value)
        {
            (h0, h1, h2, h3) = Resume512<TRow>(ref data);
        }

        for (; q <= qe - 4; q += 4)
        {
            ref float y0 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q) * stride);
            ref float y1 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q + 1) * stride);
            ref float y2 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q + 2) * stride);
            ref float y3 = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q + 3) * stride);
            Vector512<float> b0, b1, b2, b3;
            if (TRecompute.Value)
            {
                Vector128<float> e = Dot4<TRow>(ref v, ref y0, ref y1, ref y2, ref y3) - Vector128.LoadUnsafe(ref values, (nuint)q);
                (b0, b1, b2, b3) = (Vector512.Create(e.GetElement(0)), Vector512.Create(e.GetElement(1)), Vector512.Create(e.GetElement(2)), Vector512.Create(e.GetElement(3)));
            }
            else
            {
                b0 = Vector512.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q)));
                b1 = Vector512.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q + 1)));
                b2 = Vector512.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q + 2)));
                b3 = Vector512.Create(Unsafe.Add(ref residuals, Unsafe.Add(ref link, q + 3)));
            }

            h0 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 0, h0);
            if (TRow.Vectors > 2)
            {
                h1 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 16, h1);
            }

            if (TRow.Vectors > 4)
            {
                h2 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 32, h2);
            }

            if (TRow.Vectors > 6)
            {
                h3 = MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 48, h3);
            }
        }

        for (; q < qe; q++)
        {
            ref float y = ref Unsafe.Add(ref uBase, Unsafe.Add(ref users, q) * stride);
            Vector512<float> b = Vector512.Create(TRecompute.Value ? DotLane<TRow>(ref y, ref v) - Unsafe.Add(ref values, q) : Unsafe.Add(ref residuals, Unsafe.Add(ref link, q)));
            h0 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 0), h0);
            if (TRow.Vectors > 2)
            {
                h1 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 16), h1);
            }

            if (TRow.Vectors > 4)
            {
                h2 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 32), h2);
            }

            if (TRow.Vectors > 6)
            {
                h3 = RowKernels.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref y, 48), h3);
            }
        }

        Store512<TRow>(ref data, h0, h1, h2, h3);
    }

    /// <summary>
    /// Writes <paramref name="value"/> into <paramref name="data"/>, the row's first value, which the 256-bit row kernel
    /// overwrites with its sum at its end: a store between a group's dot products and its multiply-adds, so that the JIT
    /// reads the group's rows again for the multiply-adds (from L1) instead of taking those loads for repeats of the dot
    /// products' and keeping all 4·<c>Vectors</c> of them live across the residuals. With 16 vector registers (AVX2) it
    /// spilled up to 30 of them to the stack, a store and a reload each, every group of four ratings (two for each of a
    /// row's last ratings, taken one at a time), at 4, 7 and 8 vectors, in the user pass that stores no residuals and in
    /// the item pass that recomputes them. Where the user pass stores its residuals, that store separates the loads
    /// already; the 512-bit kernels have 32 registers and did not spill.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SeparateLoads(ref float data, float value) => data = value;

    /// <summary>
    /// The user pass's residuals of ratings [p, p + 4) of the row <paramref name="x"/> (⟨x, V_j⟩ − A_ij, by
    /// <see cref="Dot4{TRow}"/>), stored at p when <typeparamref name="TStore"/> says so, with the sum of their squares
    /// (lane order): the part of a group of four that <see cref="UserRow{TRow, TStore, TContinue}"/> and
    /// <see cref="UserRow512{TRow, TStore, TContinue}"/> share.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float E0, float E1, float E2, float E3, double Squares) UserResiduals4<TRow, TStore>(ref float x, ref float y0, ref float y1, ref float y2, ref float y3, ref float values, ref float residuals, int p)
        where TRow : struct, IRowWidth
        where TStore : struct, IFlag
    {
        Vector128<float> e = Dot4<TRow>(ref x, ref y0, ref y1, ref y2, ref y3) - Vector128.LoadUnsafe(ref values, (nuint)p);
        if (TStore.Value)
        {
            e.StoreUnsafe(ref residuals, (nuint)p);
        }

        float e0 = e.GetElement(0), e1 = e.GetElement(1), e2 = e.GetElement(2), e3 = e.GetElement(3);
        return (e0, e1, e2, e3, ((double)e0 * e0) + ((double)e1 * e1) + ((double)e2 * e2) + ((double)e3 * e3));
    }

    /// <summary>The user pass's residual of rating p alone (<see cref="DotLane{TRow}"/>, a lane of <see cref="Dot4{TRow}"/>), stored at p when <typeparamref name="TStore"/> says so.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float UserResidual<TRow, TStore>(ref float x, ref float y, ref float values, ref float residuals, int p)
        where TRow : struct, IRowWidth
        where TStore : struct, IFlag
    {
        float e = DotLane<TRow>(ref x, ref y) - Unsafe.Add(ref values, p);
        if (TStore.Value)
        {
            Unsafe.Add(ref residuals, p) = e;
        }

        return e;
    }

    /// <summary>
    /// The item pass's residuals of four ratings of item j by users i0 … i3 (item-major positions
    /// [q, q + 4)): ⟨V_j, U_ik⟩ − A_ikj. <see cref="RowKernels.Dot4(ref float, ref float, ref float, ref float, ref float, int)"/>
    /// with V_j shared gives each lane the bits of <see cref="RowKernels.DotLane"/>(U_ik, V_j), which is what
    /// the user pass computed for that rating (in a group of four or alone, with U_ik shared), and the
    /// subtraction is the same float operation on the same rating: so the residual is the stored one, bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Residuals4(ref float v, ref float u0, ref float u1, ref float u2, ref float u3, ref float values, int q, int stride) =>
        RowKernels.Dot4(ref v, ref u0, ref u1, ref u2, ref u3, stride) - Vector128.LoadUnsafe(ref values, (nuint)q);

    /// <summary>One residual ⟨U_i, V_j⟩ − A_ij as the user pass computes it, see <see cref="Residuals4"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Residual(ref float v, ref float u, float value, int stride) => RowKernels.DotLane(ref u, ref v, stride) - value;

    /// <summary>
    /// A row's sum so far, read from <paramref name="data"/> into <c>TRow.Vectors</c> accumulators (zero beyond them), for a
    /// row kernel that goes on with the chain (the row's ratings of a later slice). Returned, not written through
    /// references: the caller's accumulators must stay unaddressed locals, or the JIT keeps them on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Resume<TRow>(ref float data)
        where TRow : struct, IRowWidth
    {
        Vector256<float> zero = Vector256<float>.Zero;
        return (
            Vector256.LoadUnsafe(ref data, 0),
            TRow.Vectors > 1 ? Vector256.LoadUnsafe(ref data, 8) : zero,
            TRow.Vectors > 2 ? Vector256.LoadUnsafe(ref data, 16) : zero,
            TRow.Vectors > 3 ? Vector256.LoadUnsafe(ref data, 24) : zero,
            TRow.Vectors > 4 ? Vector256.LoadUnsafe(ref data, 32) : zero,
            TRow.Vectors > 5 ? Vector256.LoadUnsafe(ref data, 40) : zero,
            TRow.Vectors > 6 ? Vector256.LoadUnsafe(ref data, 48) : zero,
            TRow.Vectors > 7 ? Vector256.LoadUnsafe(ref data, 56) : zero);
    }

    /// <summary><see cref="Resume{TRow}"/> into <c>TRow.Vectors / 2</c> 512-bit accumulators (zero beyond them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Resume512<TRow>(ref float data)
        where TRow : struct, IRowWidth
    {
        Vector512<float> zero = Vector512<float>.Zero;
        return (
            Vector512.LoadUnsafe(ref data, 0),
            TRow.Vectors > 2 ? Vector512.LoadUnsafe(ref data, 16) : zero,
            TRow.Vectors > 4 ? Vector512.LoadUnsafe(ref data, 32) : zero,
            TRow.Vectors > 6 ? Vector512.LoadUnsafe(ref data, 48) : zero);
    }

    /// <summary>Stores a row's <c>TRow.Vectors / 2</c> 512-bit accumulators at <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512<TRow>(ref float data, Vector512<float> h0, Vector512<float> h1, Vector512<float> h2, Vector512<float> h3)
        where TRow : struct, IRowWidth
    {
        h0.StoreUnsafe(ref data, 0);
        if (TRow.Vectors > 2)
        {
            h1.StoreUnsafe(ref data, 16);
        }

        if (TRow.Vectors > 4)
        {
            h2.StoreUnsafe(ref data, 32);
        }

        if (TRow.Vectors > 6)
        {
            h3.StoreUnsafe(ref data, 48);
        }
    }

    /// <summary>Stores a row's <c>TRow.Vectors</c> accumulators at <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TRow>(ref float data, Vector256<float> g0, Vector256<float> g1, Vector256<float> g2, Vector256<float> g3, Vector256<float> g4, Vector256<float> g5, Vector256<float> g6, Vector256<float> g7)
        where TRow : struct, IRowWidth
    {
        g0.StoreUnsafe(ref data, 0);
        if (TRow.Vectors > 1)
        {
            g1.StoreUnsafe(ref data, 8);
        }

        if (TRow.Vectors > 2)
        {
            g2.StoreUnsafe(ref data, 16);
        }

        if (TRow.Vectors > 3)
        {
            g3.StoreUnsafe(ref data, 24);
        }

        if (TRow.Vectors > 4)
        {
            g4.StoreUnsafe(ref data, 32);
        }

        if (TRow.Vectors > 5)
        {
            g5.StoreUnsafe(ref data, 40);
        }

        if (TRow.Vectors > 6)
        {
            g6.StoreUnsafe(ref data, 48);
        }

        if (TRow.Vectors > 7)
        {
            g7.StoreUnsafe(ref data, 56);
        }
    }

    /// <summary>
    /// Reads one value per 64-byte cache line of <paramref name="values"/>, in order, four lines in flight at a
    /// time, and returns their sum (which the caller keeps, so that the loads stay): brings the lines into this
    /// core's cache as a stream the hardware prefetcher follows.
    /// </summary>
    public static float ReadLines(ReadOnlySpan<float> values)
    {
        const int line = 64 / sizeof(float);
        ref float start = ref MemoryMarshal.GetReference(values);
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i <= values.Length - (4 * line); i += 4 * line)
        {
            s0 += Unsafe.Add(ref start, i);
            s1 += Unsafe.Add(ref start, i + line);
            s2 += Unsafe.Add(ref start, i + (2 * line));
            s3 += Unsafe.Add(ref start, i + (3 * line));
        }

        for (; i < values.Length; i += line)
        {
            s0 += Unsafe.Add(ref start, i);
        }

        return s0 + s1 + s2 + s3;
    }

    /// <summary>Copies the upper triangle of a d×d row-major matrix onto the lower one.</summary>
    public static void MirrorUpper(Span<float> gram, int d)
    {
        for (int a = 1; a < d; a++)
        {
            for (int b = 0; b < a; b++)
            {
                gram[(a * d) + b] = gram[(b * d) + a];
            }
        }
    }

    /// <summary>The scalar twin: plain float loops.</summary>
    internal readonly struct Scalar : IFullBatchKernels
    {
        /// <inheritdoc/>
        public static void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> data, ReadOnlySpan<float> gravity, float a, float b, float c, Span<float> destination)
        {
            for (int k = 0; k < x.Length; k++)
            {
                float g = (a * data[k]) + (b * x[k]) + (c * gravity[k]);
                destination[k] = x[k] - g;
            }
        }

        /// <inheritdoc/>
        public static void GramRows(ReadOnlySpan<float> x, int rows, int d, int a0, int a1, Span<float> gram)
        {
            for (int a = a0; a < a1; a++)
            {
                for (int b = 0; b < d; b++)
                {
                    float sum = 0;
                    for (int r = 0; r < rows; r++)
                    {
                        sum += x[(r * d) + a] * x[(r * d) + b];
                    }

                    gram[(a * d) + b] = sum;
                }
            }
        }

        /// <inheritdoc/>
        public static void MultiplyRows(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> gram, Span<float> t)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < d; c++)
                {
                    float sum = 0;
                    for (int a = 0; a < d; a++)
                    {
                        sum += x[(r * d) + a] * gram[(a * d) + c];
                    }

                    t[(r * d) + c] = sum;
                }
            }
        }
    }

    /// <summary>
    /// 256-bit vectors, register-blocked; rows of 8 or more. Where 512-bit vectors are accelerated, the Gram and
    /// x·G tiles take 32 columns (then the last 24 or 16) in 512-bit vectors first: the same chain per entry, so the
    /// same bits, at twice the multiply-adds per instruction.
    /// </summary>
    internal readonly struct Width256 : IFullBatchKernels
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> data, ReadOnlySpan<float> gravity, float a, float b, float c, Span<float> destination)
        {
            int n = x.Length;
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref float rd = ref MemoryMarshal.GetReference(data);
            ref float rg = ref MemoryMarshal.GetReference(gravity);
            ref float ro = ref MemoryMarshal.GetReference(destination);
            Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b), vc = Vector256.Create(c);
            for (int i = 0; ; i += 8)
            {
                // The last block overlaps the previous one; recomputing the same elements from the
                // same inputs writes the same values.
                nuint k = (nuint)Math.Min(i, n - 8);
                Vector256<float> xv = Vector256.LoadUnsafe(ref rx, k);
                Vector256<float> g = va * Vector256.LoadUnsafe(ref rd, k) + vb * xv + vc * Vector256.LoadUnsafe(ref rg, k);
                (xv - g).StoreUnsafe(ref ro, k);
                if ((int)k == n - 8)
                {
                    break;
                }
            }
        }

        /// <inheritdoc/>
        public static void GramRows(ReadOnlySpan<float> x, int rows, int d, int a0, int a1, Span<float> gram)
        {
            int start = Math.Min(a0 & ~7, d - 8);
            int a = a0;
            for (; a <= a1 - 4; a += 4)
            {
                GramBlock4(x, rows, d, a, start, gram);
            }

            for (; a < a1; a++)
            {
                GramBlock1(x, rows, d, a, start, gram);
            }
        }

        /// <inheritdoc/>
        public static void MultiplyRows(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> gram, Span<float> t)
        {
            int r = 0;
            for (; r <= rows - 4; r += 4)
            {
                MultiplyBlock4(x.Slice(r * d), d, gram, t.Slice(r * d));
            }

            for (; r < rows; r++)
            {
                MultiplyBlock1(x.Slice(r * d, d), d, gram, t.Slice(r * d, d));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MultiplyBlock4(ReadOnlySpan<float> x, int d, ReadOnlySpan<float> gram, Span<float> t)
        {
            ref float x0 = ref MemoryMarshal.GetReference(x);
            ref float x1 = ref Unsafe.Add(ref x0, d);
            ref float x2 = ref Unsafe.Add(ref x1, d);
            ref float x3 = ref Unsafe.Add(ref x2, d);
            ref float rg = ref MemoryMarshal.GetReference(gram);
            ref float rt = ref MemoryMarshal.GetReference(t);
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // 512-bit tiles (the same chain per entry, so the same bits): 32 columns at a time, then the last 24 or 16 in one tile.
                for (; c <= d - 32; c += 32)
                {
                    Tile512<No>(ref Unsafe.Add(ref rg, c), d, ref x0, d, 1, d, ref Unsafe.Add(ref rt, c));
                }

                if (d - c == 24)
                {
                    Tile512<Yes>(ref Unsafe.Add(ref rg, c), d, ref x0, d, 1, d, ref Unsafe.Add(ref rt, c));
                    c = d;
                }
                else if (d - c == 16)
                {
                    Tile512Single(ref Unsafe.Add(ref rg, c), d, ref x0, d, 1, d, ref Unsafe.Add(ref rt, c));
                    c = d;
                }
            }

            for (; c <= d - 16; c += 16)
            {
                Vector256<float> t00 = Vector256<float>.Zero, t01 = t00, t10 = t00, t11 = t00, t20 = t00, t21 = t00, t30 = t00, t31 = t00;
                ref float grow = ref Unsafe.Add(ref rg, c);
                for (int a = 0; a < d; a++, grow = ref Unsafe.Add(ref grow, d))
                {
                    Vector256<float> g0 = Vector256.LoadUnsafe(ref grow);
                    Vector256<float> g1 = Vector256.LoadUnsafe(ref grow, 8);
                    Vector256<float> b0 = Vector256.Create(Unsafe.Add(ref x0, a));
                    Vector256<float> b1 = Vector256.Create(Unsafe.Add(ref x1, a));
                    Vector256<float> b2 = Vector256.Create(Unsafe.Add(ref x2, a));
                    Vector256<float> b3 = Vector256.Create(Unsafe.Add(ref x3, a));
                    t00 = RowKernels.FusedMultiplyAdd(b0, g0, t00);
                    t01 = RowKernels.FusedMultiplyAdd(b0, g1, t01);
                    t10 = RowKernels.FusedMultiplyAdd(b1, g0, t10);
                    t11 = RowKernels.FusedMultiplyAdd(b1, g1, t11);
                    t20 = RowKernels.FusedMultiplyAdd(b2, g0, t20);
                    t21 = RowKernels.FusedMultiplyAdd(b2, g1, t21);
                    t30 = RowKernels.FusedMultiplyAdd(b3, g0, t30);
                    t31 = RowKernels.FusedMultiplyAdd(b3, g1, t31);
                }

                nuint o = (nuint)c, n = (nuint)d;
                t00.StoreUnsafe(ref rt, o);
                t01.StoreUnsafe(ref rt, o + 8);
                t10.StoreUnsafe(ref rt, o + n);
                t11.StoreUnsafe(ref rt, o + n + 8);
                t20.StoreUnsafe(ref rt, o + (2 * n));
                t21.StoreUnsafe(ref rt, o + (2 * n) + 8);
                t30.StoreUnsafe(ref rt, o + (3 * n));
                t31.StoreUnsafe(ref rt, o + (3 * n) + 8);
            }

            while (c < d)
            {
                // An 8-column block; the last one may overlap columns already done and recomputes them identically.
                c = Math.Min(c, d - 8);
                Vector256<float> t0 = Vector256<float>.Zero, t1 = t0, t2 = t0, t3 = t0;
                ref float grow = ref Unsafe.Add(ref rg, c);
                for (int a = 0; a < d; a++, grow = ref Unsafe.Add(ref grow, d))
                {
                    Vector256<float> g0 = Vector256.LoadUnsafe(ref grow);
                    t0 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x0, a)), g0, t0);
                    t1 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x1, a)), g0, t1);
                    t2 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x2, a)), g0, t2);
                    t3 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x3, a)), g0, t3);
                }

                nuint o = (nuint)c, n = (nuint)d;
                t0.StoreUnsafe(ref rt, o);
                t1.StoreUnsafe(ref rt, o + n);
                t2.StoreUnsafe(ref rt, o + (2 * n));
                t3.StoreUnsafe(ref rt, o + (3 * n));
                c += 8;
            }
        }

        /// <summary>
        /// The 512-bit tile both products share: for i in 0..4, out_i = Σ s_i(k)·v(k) over k in [0, <paramref name="count"/>),
        /// one FMA chain per entry in k order, with v(k) the 32 floats (<typeparamref name="TNarrow"/> false: two 512-bit
        /// vectors) or 24 (true: a 512-bit and a 256-bit one) at <paramref name="vectors"/> + k·<paramref name="d"/>, s_i(k) the scalar at
        /// <paramref name="scalars"/> + i·<paramref name="scalarRowStep"/> + k·<paramref name="scalarStep"/>, and out_i
        /// the row at <paramref name="output"/> + i·d. x·G: v(k) is row k of G from column c, s_i(k) = x[r + i, k] (row
        /// step d, step 1), k over d. XᵀX: v(k) is row k of x from column c, s_i(k) = x[k, a0 + i] (row step 1, step d),
        /// k over the rows.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Tile512<TNarrow>(ref float vectors, int d, ref float scalars, int scalarRowStep, int scalarStep, int count, ref float output)
            where TNarrow : IFlag
        {
            ref float s1 = ref Unsafe.Add(ref scalars, scalarRowStep);
            ref float s2 = ref Unsafe.Add(ref s1, scalarRowStep);
            ref float s3 = ref Unsafe.Add(ref s2, scalarRowStep);
            Vector512<float> t00 = Vector512<float>.Zero, t10 = t00, t20 = t00, t30 = t00, t01 = t00, t11 = t00, t21 = t00, t31 = t00;
            Vector256<float> n0 = Vector256<float>.Zero, n1 = n0, n2 = n0, n3 = n0;
            ref float v = ref vectors;
            nint o = 0;
            for (int k = 0; k < count; k++, v = ref Unsafe.Add(ref v, d), o += scalarStep)
            {
                Vector512<float> g0 = Vector512.LoadUnsafe(ref v);
                Vector512<float> b0 = Vector512.Create(Unsafe.Add(ref scalars, o));
                Vector512<float> b1 = Vector512.Create(Unsafe.Add(ref s1, o));
                Vector512<float> b2 = Vector512.Create(Unsafe.Add(ref s2, o));
                Vector512<float> b3 = Vector512.Create(Unsafe.Add(ref s3, o));
                t00 = RowKernels.FusedMultiplyAdd(b0, g0, t00);
                t10 = RowKernels.FusedMultiplyAdd(b1, g0, t10);
                t20 = RowKernels.FusedMultiplyAdd(b2, g0, t20);
                t30 = RowKernels.FusedMultiplyAdd(b3, g0, t30);
                if (TNarrow.Value)
                {
                    Vector256<float> h = Vector256.LoadUnsafe(ref v, 16);
                    n0 = RowKernels.FusedMultiplyAdd(b0.GetLower(), h, n0);
                    n1 = RowKernels.FusedMultiplyAdd(b1.GetLower(), h, n1);
                    n2 = RowKernels.FusedMultiplyAdd(b2.GetLower(), h, n2);
                    n3 = RowKernels.FusedMultiplyAdd(b3.GetLower(), h, n3);
                }
                else
                {
                    Vector512<float> g1 = Vector512.LoadUnsafe(ref v, 16);
                    t01 = RowKernels.FusedMultiplyAdd(b0, g1, t01);
                    t11 = RowKernels.FusedMultiplyAdd(b1, g1, t11);
                    t21 = RowKernels.FusedMultiplyAdd(b2, g1, t21);
                    t31 = RowKernels.FusedMultiplyAdd(b3, g1, t31);
                }
            }

            nuint n = (nuint)d;
            t00.StoreUnsafe(ref output);
            t10.StoreUnsafe(ref output, n);
            t20.StoreUnsafe(ref output, 2 * n);
            t30.StoreUnsafe(ref output, 3 * n);
            if (TNarrow.Value)
            {
                n0.StoreUnsafe(ref output, 16);
                n1.StoreUnsafe(ref output, n + 16);
                n2.StoreUnsafe(ref output, (2 * n) + 16);
                n3.StoreUnsafe(ref output, (3 * n) + 16);
            }
            else
            {
                t01.StoreUnsafe(ref output, 16);
                t11.StoreUnsafe(ref output, n + 16);
                t21.StoreUnsafe(ref output, (2 * n) + 16);
                t31.StoreUnsafe(ref output, (3 * n) + 16);
            }
        }

        /// <summary><see cref="Tile512{TNarrow}"/> for 16 columns, one 512-bit vector per row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Tile512Single(ref float vectors, int d, ref float scalars, int scalarRowStep, int scalarStep, int count, ref float output)
        {
            ref float s1 = ref Unsafe.Add(ref scalars, scalarRowStep);
            ref float s2 = ref Unsafe.Add(ref s1, scalarRowStep);
            ref float s3 = ref Unsafe.Add(ref s2, scalarRowStep);
            Vector512<float> t0 = Vector512<float>.Zero, t1 = t0, t2 = t0, t3 = t0;
            ref float v = ref vectors;
            nint o = 0;
            for (int k = 0; k < count; k++, v = ref Unsafe.Add(ref v, d), o += scalarStep)
            {
                Vector512<float> g0 = Vector512.LoadUnsafe(ref v);
                t0 = RowKernels.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref scalars, o)), g0, t0);
                t1 = RowKernels.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref s1, o)), g0, t1);
                t2 = RowKernels.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref s2, o)), g0, t2);
                t3 = RowKernels.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref s3, o)), g0, t3);
            }

            nuint n = (nuint)d;
            t0.StoreUnsafe(ref output);
            t1.StoreUnsafe(ref output, n);
            t2.StoreUnsafe(ref output, 2 * n);
            t3.StoreUnsafe(ref output, 3 * n);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MultiplyBlock1(ReadOnlySpan<float> x, int d, ReadOnlySpan<float> gram, Span<float> t)
        {
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref float rg = ref MemoryMarshal.GetReference(gram);
            ref float rt = ref MemoryMarshal.GetReference(t);
            for (int c = 0; c < d; c += 8)
            {
                c = Math.Min(c, d - 8);
                Vector256<float> acc = Vector256<float>.Zero;
                ref float grow = ref Unsafe.Add(ref rg, c);
                for (int a = 0; a < d; a++, grow = ref Unsafe.Add(ref grow, d))
                {
                    acc = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref rx, a)), Vector256.LoadUnsafe(ref grow), acc);
                }

                acc.StoreUnsafe(ref rt, (nuint)c);
            }
        }

        /// <summary>G[a0..a0+4, start..d) over all rows: 16 columns at a time, then 8, then an overlapping last 8.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void GramBlock4(ReadOnlySpan<float> x, int rows, int d, int a0, int start, Span<float> gram)
        {
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref float rg = ref MemoryMarshal.GetReference(gram);
            int c = start;
            if (Vector512.IsHardwareAccelerated)
            {
                // 512-bit tiles (the same chain per entry, so the same bits): 32 columns at a time, then the last 24 or 16 in one tile.
                for (; c <= d - 32; c += 32)
                {
                    Tile512<No>(ref Unsafe.Add(ref rx, c), d, ref Unsafe.Add(ref rx, a0), 1, d, rows, ref Unsafe.Add(ref rg, (a0 * d) + c));
                }

                if (d - c == 24)
                {
                    Tile512<Yes>(ref Unsafe.Add(ref rx, c), d, ref Unsafe.Add(ref rx, a0), 1, d, rows, ref Unsafe.Add(ref rg, (a0 * d) + c));
                    c = d;
                }
                else if (d - c == 16)
                {
                    Tile512Single(ref Unsafe.Add(ref rx, c), d, ref Unsafe.Add(ref rx, a0), 1, d, rows, ref Unsafe.Add(ref rg, (a0 * d) + c));
                    c = d;
                }
            }

            for (; c <= d - 16; c += 16)
            {
                Vector256<float> g00 = Vector256<float>.Zero, g01 = g00, g10 = g00, g11 = g00, g20 = g00, g21 = g00, g30 = g00, g31 = g00;
                ref float row = ref rx;
                for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, d))
                {
                    Vector256<float> c0 = Vector256.LoadUnsafe(ref row, (nuint)c);
                    Vector256<float> c1 = Vector256.LoadUnsafe(ref row, (nuint)(c + 8));
                    Vector256<float> b0 = Vector256.Create(Unsafe.Add(ref row, a0));
                    Vector256<float> b1 = Vector256.Create(Unsafe.Add(ref row, a0 + 1));
                    Vector256<float> b2 = Vector256.Create(Unsafe.Add(ref row, a0 + 2));
                    Vector256<float> b3 = Vector256.Create(Unsafe.Add(ref row, a0 + 3));
                    g00 = RowKernels.FusedMultiplyAdd(b0, c0, g00);
                    g01 = RowKernels.FusedMultiplyAdd(b0, c1, g01);
                    g10 = RowKernels.FusedMultiplyAdd(b1, c0, g10);
                    g11 = RowKernels.FusedMultiplyAdd(b1, c1, g11);
                    g20 = RowKernels.FusedMultiplyAdd(b2, c0, g20);
                    g21 = RowKernels.FusedMultiplyAdd(b2, c1, g21);
                    g30 = RowKernels.FusedMultiplyAdd(b3, c0, g30);
                    g31 = RowKernels.FusedMultiplyAdd(b3, c1, g31);
                }

                nuint o = (nuint)((a0 * d) + c);
                g00.StoreUnsafe(ref rg, o);
                g01.StoreUnsafe(ref rg, o + 8);
                g10.StoreUnsafe(ref rg, o + (nuint)d);
                g11.StoreUnsafe(ref rg, o + (nuint)d + 8);
                g20.StoreUnsafe(ref rg, o + (nuint)(2 * d));
                g21.StoreUnsafe(ref rg, o + (nuint)(2 * d) + 8);
                g30.StoreUnsafe(ref rg, o + (nuint)(3 * d));
                g31.StoreUnsafe(ref rg, o + (nuint)(3 * d) + 8);
            }

            while (c < d)
            {
                // An 8-column block; the last one may overlap columns already done and recomputes them identically.
                c = Math.Min(c, d - 8);
                Vector256<float> g0 = Vector256<float>.Zero, g1 = g0, g2 = g0, g3 = g0;
                ref float row = ref rx;
                for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, d))
                {
                    Vector256<float> c0 = Vector256.LoadUnsafe(ref row, (nuint)c);
                    g0 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0)), c0, g0);
                    g1 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0 + 1)), c0, g1);
                    g2 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0 + 2)), c0, g2);
                    g3 = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0 + 3)), c0, g3);
                }

                nuint o = (nuint)((a0 * d) + c);
                g0.StoreUnsafe(ref rg, o);
                g1.StoreUnsafe(ref rg, o + (nuint)d);
                g2.StoreUnsafe(ref rg, o + (nuint)(2 * d));
                g3.StoreUnsafe(ref rg, o + (nuint)(3 * d));
                c += 8;
            }
        }

        /// <summary>G[a, start..d) over all rows, 8 columns at a time (the last block overlapping).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void GramBlock1(ReadOnlySpan<float> x, int rows, int d, int a, int start, Span<float> gram)
        {
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref float rg = ref MemoryMarshal.GetReference(gram);
            for (int c = start; c < d; c += 8)
            {
                c = Math.Min(c, d - 8);
                Vector256<float> g = Vector256<float>.Zero;
                ref float row = ref rx;
                for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, d))
                {
                    g = RowKernels.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a)), Vector256.LoadUnsafe(ref row, (nuint)c), g);
                }

                g.StoreUnsafe(ref rg, (nuint)((a * d) + c));
            }
        }
    }
}
