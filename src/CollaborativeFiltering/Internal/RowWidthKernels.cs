using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Dot products compiled per row width, for rows of 8·<c>TRow.Vectors</c> floats (8 to 64; <see cref="IRowWidth"/>,
/// <see cref="Vectors1"/> to <see cref="Vectors8"/>): <see cref="RowKernels"/>' Dot4 and DotLane written out as
/// straight-line code with the same bits, so that a caller's loop over a row's ratings keeps its own vectors in
/// registers. The full-batch trainer's row kernels, the biased error pass and implicit ALS's conjugate gradient
/// are built on them; <see cref="IFlag"/> gives such kernels their compile-time switches.
/// </summary>
internal static class RowWidthKernels
{
    /// <summary>A row length the register-accumulating row kernels are compiled for: <see cref="Vectors"/> 256-bit vectors (8 to 64 floats).</summary>
    internal interface IRowWidth
    {
        /// <summary>The 256-bit vectors of a row, 1 to 8.</summary>
        static abstract int Vectors { get; }
    }

    /// <summary>A compile-time flag of a row kernel instantiation (<see cref="Yes"/>, <see cref="No"/>): the untaken branch vanishes, and with it any register pressure it would add to the loop.</summary>
    internal interface IFlag
    {
        /// <summary>The flag.</summary>
        static abstract bool Value { get; }
    }

    /// <summary>Whether rows of <paramref name="stride"/> floats have register-accumulating row kernels (the full-batch trainer's user and item passes, the biased error pass, implicit ALS's conjugate gradient): a multiple of 8 up to 64, with FMA.</summary>
    public static bool HasRowKernels(int stride) => Fma.IsSupported && Vector256.IsHardwareAccelerated && stride % 8 == 0 && stride is >= 8 and <= 64;

    /// <summary>
    /// <see cref="RowKernels.Dot4(ref float, ref float, ref float, ref float, ref float, int)"/> for rows of
    /// n = 8·<c>TRow.Vectors</c> floats, unrolled: the same loads, multiply-adds, tail mask and reduction in the
    /// same order (512-bit accumulators where <see cref="RowKernels"/> uses them, n ≥ 16), so the same bits,
    /// but straight-line code. The row kernels call it inside their rating loop: an inner loop there (the
    /// general Dot4's, over n) made the JIT keep the row's accumulators on the stack, stored and reloaded
    /// for every group of four ratings, and a thread whose stack put those slots across a cache line ran
    /// the user pass at half speed. The biased error pass (<c>BiasedDotErrors</c>) and implicit ALS's conjugate
    /// gradient (<c>ImplicitAlsKernels</c>) take a row's items four at a time through it too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Dot4<TRow>(ref float x, ref float y0, ref float y1, ref float y2, ref float y3)
        where TRow : struct, IRowWidth
    {
        if (Vector512.IsHardwareAccelerated && TRow.Vectors >= 2)
        {
            Vector512<float> xv = Vector512.LoadUnsafe(ref x);
            Vector512<float> a0 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y0), Vector512<float>.Zero);
            Vector512<float> a1 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y1), Vector512<float>.Zero);
            Vector512<float> a2 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y2), Vector512<float>.Zero);
            Vector512<float> a3 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y3), Vector512<float>.Zero);
            if (TRow.Vectors >= 4)
            {
                xv = Vector512.LoadUnsafe(ref x, 16);
                a0 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y0, 16), a0);
                a1 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y1, 16), a1);
                a2 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y2, 16), a2);
                a3 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y3, 16), a3);
            }

            if (TRow.Vectors >= 6)
            {
                xv = Vector512.LoadUnsafe(ref x, 32);
                a0 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y0, 32), a0);
                a1 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y1, 32), a1);
                a2 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y2, 32), a2);
                a3 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y3, 32), a3);
            }

            if (TRow.Vectors >= 8)
            {
                xv = Vector512.LoadUnsafe(ref x, 48);
                a0 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y0, 48), a0);
                a1 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y1, 48), a1);
                a2 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y2, 48), a2);
                a3 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y3, 48), a3);
            }

            if (TRow.Vectors % 2 == 1)
            {
                nuint o = (nuint)((TRow.Vectors * 8) - 16);
                Vector512<float> mask = Vector512.Create(Vector256<float>.Zero, Vector256<float>.AllBitsSet); // TailMask512(8), a constant: no static field load (and class-init check) in the loop
                xv = Vector512.LoadUnsafe(ref x, o) & mask;
                a0 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y0, o) & mask, a0);
                a1 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y1, o) & mask, a1);
                a2 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y2, o) & mask, a2);
                a3 = RowKernels.FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref y3, o) & mask, a3);
            }

            return RowKernels.Reduce4(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper());
        }

        Vector256<float> x8 = Vector256.LoadUnsafe(ref x);
        Vector256<float> b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0), Vector256<float>.Zero);
        Vector256<float> b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1), Vector256<float>.Zero);
        Vector256<float> b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2), Vector256<float>.Zero);
        Vector256<float> b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3), Vector256<float>.Zero);
        if (TRow.Vectors > 1)
        {
            x8 = Vector256.LoadUnsafe(ref x, 8);
            b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0, 8), b0);
            b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1, 8), b1);
            b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2, 8), b2);
            b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3, 8), b3);
        }

        if (TRow.Vectors > 2)
        {
            x8 = Vector256.LoadUnsafe(ref x, 16);
            b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0, 16), b0);
            b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1, 16), b1);
            b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2, 16), b2);
            b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3, 16), b3);
        }

        if (TRow.Vectors > 3)
        {
            x8 = Vector256.LoadUnsafe(ref x, 24);
            b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0, 24), b0);
            b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1, 24), b1);
            b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2, 24), b2);
            b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3, 24), b3);
        }

        if (TRow.Vectors > 4)
        {
            x8 = Vector256.LoadUnsafe(ref x, 32);
            b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0, 32), b0);
            b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1, 32), b1);
            b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2, 32), b2);
            b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3, 32), b3);
        }

        if (TRow.Vectors > 5)
        {
            x8 = Vector256.LoadUnsafe(ref x, 40);
            b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0, 40), b0);
            b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1, 40), b1);
            b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2, 40), b2);
            b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3, 40), b3);
        }

        if (TRow.Vectors > 6)
        {
            x8 = Vector256.LoadUnsafe(ref x, 48);
            b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0, 48), b0);
            b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1, 48), b1);
            b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2, 48), b2);
            b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3, 48), b3);
        }

        if (TRow.Vectors > 7)
        {
            x8 = Vector256.LoadUnsafe(ref x, 56);
            b0 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y0, 56), b0);
            b1 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y1, 56), b1);
            b2 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y2, 56), b2);
            b3 = RowKernels.FusedMultiplyAdd(x8, Vector256.LoadUnsafe(ref y3, 56), b3);
        }

        return RowKernels.Reduce4(b0, b1, b2, b3);
    }

    /// <summary>
    /// <see cref="RowKernels.DotLane"/> for rows of 8·<c>TRow.Vectors</c> floats, unrolled as
    /// <see cref="Dot4{TRow}"/>: one lane of it, bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotLane<TRow>(ref float x, ref float y)
        where TRow : struct, IRowWidth
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
                Vector512<float> mask = Vector512.Create(Vector256<float>.Zero, Vector256<float>.AllBitsSet); // TailMask512(8), a constant: no static field load (and class-init check) in the loop
                a = RowKernels.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, o) & mask, Vector512.LoadUnsafe(ref y, o) & mask, a);
            }

            return RowKernels.ReduceLane(a.GetLower() + a.GetUpper());
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

        return RowKernels.ReduceLane(b);
    }

    /// <summary>g + b0·y0[k..k+8) + b1·y1[k..k+8) + b2·y2[k..k+8) + b3·y3[k..k+8), one chain in that order (<see cref="RowKernels.MultiplyAdd4(float, ref float, float, ref float, float, ref float, float, ref float, ref float, int)"/>'s order for each element): the row kernels' multiply-add of four rows into one accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> MultiplyAdd4(Vector256<float> b0, ref float y0, Vector256<float> b1, ref float y1, Vector256<float> b2, ref float y2, Vector256<float> b3, ref float y3, nuint k, Vector256<float> g)
    {
        g = RowKernels.FusedMultiplyAdd(b0, Vector256.LoadUnsafe(ref y0, k), g);
        g = RowKernels.FusedMultiplyAdd(b1, Vector256.LoadUnsafe(ref y1, k), g);
        g = RowKernels.FusedMultiplyAdd(b2, Vector256.LoadUnsafe(ref y2, k), g);
        return RowKernels.FusedMultiplyAdd(b3, Vector256.LoadUnsafe(ref y3, k), g);
    }

    /// <summary>The 512-bit twin of <see cref="MultiplyAdd4(Vector256{float}, ref float, Vector256{float}, ref float, Vector256{float}, ref float, Vector256{float}, ref float, nuint, Vector256{float})"/>: g + b0·y0[k..k+16) + … + b3·y3[k..k+16), one chain in that order for each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> MultiplyAdd4(Vector512<float> b0, ref float y0, Vector512<float> b1, ref float y1, Vector512<float> b2, ref float y2, Vector512<float> b3, ref float y3, nuint k, Vector512<float> g)
    {
        g = RowKernels.FusedMultiplyAdd(b0, Vector512.LoadUnsafe(ref y0, k), g);
        g = RowKernels.FusedMultiplyAdd(b1, Vector512.LoadUnsafe(ref y1, k), g);
        g = RowKernels.FusedMultiplyAdd(b2, Vector512.LoadUnsafe(ref y2, k), g);
        return RowKernels.FusedMultiplyAdd(b3, Vector512.LoadUnsafe(ref y3, k), g);
    }

    /// <summary>The flag set.</summary>
    internal readonly struct Yes : IFlag
    {
        /// <inheritdoc/>
        public static bool Value => true;
    }

    /// <summary>The flag clear.</summary>
    internal readonly struct No : IFlag
    {
        /// <inheritdoc/>
        public static bool Value => false;
    }

    /// <summary>1 256-bit vector (8 floats).</summary>
    internal readonly struct Vectors1 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 1;
    }

    /// <summary>2 256-bit vectors (16 floats).</summary>
    internal readonly struct Vectors2 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 2;
    }

    /// <summary>3 256-bit vectors (24 floats).</summary>
    internal readonly struct Vectors3 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 3;
    }

    /// <summary>4 256-bit vectors (32 floats).</summary>
    internal readonly struct Vectors4 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 4;
    }

    /// <summary>5 256-bit vectors (40 floats).</summary>
    internal readonly struct Vectors5 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 5;
    }

    /// <summary>6 256-bit vectors (48 floats).</summary>
    internal readonly struct Vectors6 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 6;
    }

    /// <summary>7 256-bit vectors (56 floats).</summary>
    internal readonly struct Vectors7 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 7;
    }

    /// <summary>8 256-bit vectors (64 floats).</summary>
    internal readonly struct Vectors8 : IRowWidth
    {
        /// <inheritdoc/>
        public static int Vectors => 8;
    }
}
