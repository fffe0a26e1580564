using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization.Als;

/// <summary>
/// Register kernels for implicit ALS's conjugate-gradient solve (<see cref="ImplicitAlsTraining"/>): the two
/// sums over a row's items, the initial residual r += Σ [c − (c − 1)·⟨y, x⟩]·y and the product
/// Ap += Σ (c − 1)·⟨y, p⟩·y, with the d-float accumulator held in registers across all of the row's items
/// and stored once. The generic loop they replace (<see cref="RowKernels.Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// then <see cref="RowKernels.MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
/// into the accumulator in memory, per four items) loaded and stored the accumulator for every four items,
/// and the conjugate-gradient sums were most of an implicit fit's time. Each width is written out through
/// <see cref="RowWidthKernels.IRowWidth"/> (a loop over the width, or helpers taking the accumulators by
/// reference, made the JIT spill them, as in the full-batch trainer's row kernels), and every element follows
/// exactly the old loop's operations in the same order, so the results are the same bits.
/// </summary>
internal static class ImplicitAlsKernels
{
    /// <summary>
    /// Whether rows of <paramref name="d"/> floats have these kernels: the widths of
    /// <see cref="RowWidthKernels.HasRowKernels"/> (whole 256-bit vectors, 8 to 64 floats, with FMA). The
    /// factor rows are compact (stride d), so other widths keep the generic loop.
    /// </summary>
    public static bool HasRowKernels(int d) => RowWidthKernels.HasRowKernels(d);

    /// <summary>
    /// <paramref name="acc"/> += Σ_k coef_k·y_k over the <paramref name="count"/> items of a row (y_k the row
    /// of <paramref name="other"/> at <c>columns[k]·d</c>, w_k = α·values[k]), where coef_k = (1 + w_k) − w_k·⟨v, y_k⟩
    /// when <paramref name="residual"/> (the initial residual, v = x) and coef_k = w_k·⟨v, y_k⟩ otherwise
    /// (the product Ap, v = p). Items go four at a time, the rest one at a time, as the generic loop takes them.
    /// </summary>
    /// <param name="d">The row width; <see cref="HasRowKernels"/> must hold.</param>
    /// <param name="residual">Whether this is the initial residual's sum (else the product's).</param>
    /// <param name="v">The d floats of x or p.</param>
    /// <param name="other">The first float of the fixed side's factors (rows of stride d).</param>
    /// <param name="columns">The row's item indices.</param>
    /// <param name="values">The row's values, one per item.</param>
    /// <param name="count">The row's items.</param>
    /// <param name="alpha">α of c = 1 + α·r.</param>
    /// <param name="acc">The d floats of the accumulator, read once and written once.</param>
    /// <param name="coefficients">4 floats of scratch that the 256-bit kernels write each group of four items' coefficients to (see the kernel).</param>
    public static void Accumulate(int d, bool residual, ref float v, ref float other, ref int columns, ref float values, int count, float alpha, ref float acc, ref float coefficients)
    {
        Debug.Assert(HasRowKernels(d));
        if (residual)
        {
            Accumulate<RowWidthKernels.Yes>(d, ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients);
        }
        else
        {
            Accumulate<RowWidthKernels.No>(d, ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients);
        }
    }

    /// <summary>The kernel of the width <paramref name="d"/>, for the residual's or the product's sum.</summary>
    private static void Accumulate<TResidual>(int d, ref float v, ref float other, ref int columns, ref float values, int count, float alpha, ref float acc, ref float coefficients)
        where TResidual : struct, RowWidthKernels.IFlag
    {
        switch (d / 8)
        {
            case 1: Accumulate<RowWidthKernels.Vectors1, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
            case 2: Accumulate<RowWidthKernels.Vectors2, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
            case 3: Accumulate<RowWidthKernels.Vectors3, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
            case 4: Accumulate<RowWidthKernels.Vectors4, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
            case 5: Accumulate<RowWidthKernels.Vectors5, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
            case 6: Accumulate<RowWidthKernels.Vectors6, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
            case 7: Accumulate<RowWidthKernels.Vectors7, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
            default: Accumulate<RowWidthKernels.Vectors8, TResidual>(ref v, ref other, ref columns, ref values, count, alpha, ref acc, ref coefficients); break;
        }
    }

    /// <summary>
    /// <see cref="Accumulate(int, bool, ref float, ref float, ref int, ref float, int, float, ref float, ref float)"/> for rows of
    /// 8·<c>TRow.Vectors</c> floats. Four items: the dots are <see cref="RowWidthKernels.Dot4{TRow}"/>'s (the bits of
    /// <see cref="RowKernels.Dot4(ref float, ref float, ref float, ref float, ref float, int)"/>), the coefficients the
    /// generic loop's expressions, and each accumulator lane takes fused multiply-adds with y0, y1, y2, y3 in that order
    /// (<see cref="RowKernels.MultiplyAdd4(float, ref float, float, ref float, float, ref float, float, ref float, ref float, int)"/>'s
    /// chain). One item: the dot is <see cref="Dot{TRow}"/>'s (the bits of <see cref="RowKernels.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>),
    /// then one fused multiply-add per lane (<see cref="RowKernels.MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/>'s).
    /// Branches on <c>TRow.Vectors</c> and <c>TResidual.Value</c> are constants of each instantiation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate<TRow, TResidual>(ref float v, ref float other, ref int columns, ref float values, int count, float alpha, ref float acc, ref float coefficients)
        where TRow : struct, RowWidthKernels.IRowWidth
        where TResidual : struct, RowWidthKernels.IFlag
    {
        int stride = TRow.Vectors * 8;
        Vector256<float> g0 = Vector256.LoadUnsafe(ref acc), g1 = default, g2 = default, g3 = default, g4 = default, g5 = default, g6 = default, g7 = default;
        if (TRow.Vectors > 1)
        {
            g1 = Vector256.LoadUnsafe(ref acc, 8);
        }

        if (TRow.Vectors > 2)
        {
            g2 = Vector256.LoadUnsafe(ref acc, 16);
        }

        if (TRow.Vectors > 3)
        {
            g3 = Vector256.LoadUnsafe(ref acc, 24);
        }

        if (TRow.Vectors > 4)
        {
            g4 = Vector256.LoadUnsafe(ref acc, 32);
        }

        if (TRow.Vectors > 5)
        {
            g5 = Vector256.LoadUnsafe(ref acc, 40);
        }

        if (TRow.Vectors > 6)
        {
            g6 = Vector256.LoadUnsafe(ref acc, 48);
        }

        if (TRow.Vectors > 7)
        {
            g7 = Vector256.LoadUnsafe(ref acc, 56);
        }

        int k = 0;
        for (; k <= count - 4; k += 4)
        {
            ref float y0 = ref Unsafe.Add(ref other, Unsafe.Add(ref columns, k) * stride);
            ref float y1 = ref Unsafe.Add(ref other, Unsafe.Add(ref columns, k + 1) * stride);
            ref float y2 = ref Unsafe.Add(ref other, Unsafe.Add(ref columns, k + 2) * stride);
            ref float y3 = ref Unsafe.Add(ref other, Unsafe.Add(ref columns, k + 3) * stride);
            Vector128<float> dot = RowWidthKernels.Dot4<TRow>(ref v, ref y0, ref y1, ref y2, ref y3);
            Vector128<float> w = Vector128.LoadUnsafe(ref values, (nuint)k) * alpha;
            Vector128<float> coef = TResidual.Value ? (Vector128<float>.One + w) - (w * dot) : w * dot;
            if (!Vector512.IsHardwareAccelerated)
            {
                // A store to memory between the dots and the multiply-adds: without it the JIT reuses the dots'
                // 256-bit loads of y for the multiply-adds (CSE), and at d = 64 on AVX2 (16 registers) kept the 28
                // it could not hold on the stack, a store and a reload each per four items. With 512-bit vectors
                // the dots' loads are 512-bit, so there is nothing to reuse.
                coef.StoreUnsafe(ref coefficients);
            }

            Vector256<float> b0 = Vector256.Create(coef.GetElement(0)), b1 = Vector256.Create(coef.GetElement(1)), b2 = Vector256.Create(coef.GetElement(2)), b3 = Vector256.Create(coef.GetElement(3));
            g0 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 0, g0);
            if (TRow.Vectors > 1)
            {
                g1 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 8, g1);
            }

            if (TRow.Vectors > 2)
            {
                g2 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 16, g2);
            }

            if (TRow.Vectors > 3)
            {
                g3 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 24, g3);
            }

            if (TRow.Vectors > 4)
            {
                g4 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 32, g4);
            }

            if (TRow.Vectors > 5)
            {
                g5 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 40, g5);
            }

            if (TRow.Vectors > 6)
            {
                g6 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 48, g6);
            }

            if (TRow.Vectors > 7)
            {
                g7 = RowWidthKernels.MultiplyAdd4(b0, ref y0, b1, ref y1, b2, ref y2, b3, ref y3, 56, g7);
            }
        }

        for (; k < count; k++)
        {
            ref float y = ref Unsafe.Add(ref other, Unsafe.Add(ref columns, k) * stride);
            float w = alpha * Unsafe.Add(ref values, k);
            float dot = Dot<TRow>(ref v, ref y);
            float c = TResidual.Value ? (1f + w) - (w * dot) : w * dot;
            if (!Vector512.IsHardwareAccelerated)
            {
                coefficients = c; // as above: the dot's loads of y are not kept for the multiply-adds
            }

            Vector256<float> b = Vector256.Create(c);
            g0 = RowKernels.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref y), g0);
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

        g0.StoreUnsafe(ref acc);
        if (TRow.Vectors > 1)
        {
            g1.StoreUnsafe(ref acc, 8);
        }

        if (TRow.Vectors > 2)
        {
            g2.StoreUnsafe(ref acc, 16);
        }

        if (TRow.Vectors > 3)
        {
            g3.StoreUnsafe(ref acc, 24);
        }

        if (TRow.Vectors > 4)
        {
            g4.StoreUnsafe(ref acc, 32);
        }

        if (TRow.Vectors > 5)
        {
            g5.StoreUnsafe(ref acc, 40);
        }

        if (TRow.Vectors > 6)
        {
            g6.StoreUnsafe(ref acc, 48);
        }

        if (TRow.Vectors > 7)
        {
            g7.StoreUnsafe(ref acc, 56);
        }
    }

    /// <summary>
    /// <see cref="RowKernels.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> for rows of 8·<c>TRow.Vectors</c> floats,
    /// unrolled (an inner loop in the item loop would cost the accumulators their registers): the same loads,
    /// multiply-add chain, tail (x alone masked) and final <see cref="Vector256.Sum{T}(Vector256{T})"/>, so the same
    /// bits. That is the generic loop's dot for a row's last items, not <see cref="RowKernels.DotLane"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TRow>(ref float x, ref float y)
        where TRow : struct, RowWidthKernels.IRowWidth
    {
        if (Vector512.IsHardwareAccelerated && TRow.Vectors >= 2)
        {
            Vector512<float> a = RowKernels.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x), Vector512.LoadUnsafe(ref y), Vector512<float>.Zero);

            if (TRow.Vectors >= 4)
            {
                a = RowKernels.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, 16), Vector512.LoadUnsafe(ref y, 16), a);
            }

            if (TRow.Vectors >= 6)
            {
                a = RowKernels.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, 32), Vector512.LoadUnsafe(ref y, 32), a);
            }

            if (TRow.Vectors >= 8)
            {
                a = RowKernels.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, 48), Vector512.LoadUnsafe(ref y, 48), a);
            }

            if (TRow.Vectors % 2 == 1)
            {
                nuint o = (nuint)((TRow.Vectors * 8) - 16);
                Vector512<float> mask = Vector512.Create(Vector256<float>.Zero, Vector256<float>.AllBitsSet); // Width512.Dot's tail mask for 8 floats left, as a constant
                a = RowKernels.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, o) & mask, Vector512.LoadUnsafe(ref y, o), a);
            }

            return Vector256.Sum(a.GetLower() + a.GetUpper());
        }

        Vector256<float> b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x), Vector256.LoadUnsafe(ref y), Vector256<float>.Zero);

        if (TRow.Vectors > 1)
        {
            b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, 8), Vector256.LoadUnsafe(ref y, 8), b);
        }

        if (TRow.Vectors > 2)
        {
            b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, 16), Vector256.LoadUnsafe(ref y, 16), b);
        }

        if (TRow.Vectors > 3)
        {
            b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, 24), Vector256.LoadUnsafe(ref y, 24), b);
        }

        if (TRow.Vectors > 4)
        {
            b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, 32), Vector256.LoadUnsafe(ref y, 32), b);
        }

        if (TRow.Vectors > 5)
        {
            b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, 40), Vector256.LoadUnsafe(ref y, 40), b);
        }

        if (TRow.Vectors > 6)
        {
            b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, 48), Vector256.LoadUnsafe(ref y, 48), b);
        }

        if (TRow.Vectors > 7)
        {
            b = RowKernels.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, 56), Vector256.LoadUnsafe(ref y, 56), b);
        }

        return Vector256.Sum(b);
    }
}
