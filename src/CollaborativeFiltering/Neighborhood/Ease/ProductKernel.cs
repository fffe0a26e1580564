using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollaborativeFiltering.Neighborhood.Ease;

/// <summary>
/// The one micro-kernel of EASE's inversion (<see cref="SymmetricSweep"/>): a tile of <see cref="Rows"/>
/// rows of C gets the product of the matching rows of L with B added, in double,
/// <c>C[i, j] += Σ_t L[i, t]·B[t, j]</c> for t = 0 … depth−1, with every element a chain of fused
/// multiply-adds in t order. In the library's SIMD style a struct per vector width implements
/// <see cref="IProductKernel"/> (<see cref="Width512"/>, <see cref="Width256"/>) and <see cref="Scalar"/>
/// is their twin: since each element's chain is the same, all three agree bit for bit.
/// </summary>
internal static class ProductKernel
{
    /// <summary>Rows of C per tile.</summary>
    public const int Rows = 4;

    /// <summary>The kernel of one vector width: a tile of <see cref="Rows"/> × <see cref="Columns"/> elements.</summary>
    internal interface IProductKernel
    {
        /// <summary>Columns of C per tile (two vectors).</summary>
        static abstract int Columns { get; }

        /// <summary>
        /// C[r, j] += Σ_t L[r, t]·B[t, j] for r &lt; <see cref="Rows"/>, j &lt; <see cref="Columns"/>; C, L and B
        /// start at the tile's first element, with row strides <paramref name="cStride"/>,
        /// <paramref name="lStride"/> and <paramref name="bStride"/>.
        /// </summary>
        static abstract void Multiply(ref double c, int cStride, ref double l, int lStride, ref double b, int bStride, int depth);
    }

    /// <summary>Adds the product to a whole row range [<paramref name="row0"/>, <paramref name="row1"/>) × [<paramref name="column0"/>, <paramref name="column1"/>) with the widest kernel the hardware runs; the ranges are multiples of <see cref="Rows"/> and of 16 columns.</summary>
    public static void Multiply(Span<double> c, int cStride, ReadOnlySpan<double> l, int lStride, ReadOnlySpan<double> b, int bStride, int depth, int row0, int row1, int column0, int column1)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Run<Width512>(c, cStride, l, lStride, b, bStride, depth, row0, row1, column0, column1);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<Width256>(c, cStride, l, lStride, b, bStride, depth, row0, row1, column0, column1);
        }
        else
        {
            Run<Scalar>(c, cStride, l, lStride, b, bStride, depth, row0, row1, column0, column1);
        }
    }

    /// <summary>The same with a chosen kernel (the tests run every width the machine has).</summary>
    internal static void Run<TKernel>(Span<double> c, int cStride, ReadOnlySpan<double> l, int lStride, ReadOnlySpan<double> b, int bStride, int depth, int row0, int row1, int column0, int column1)
        where TKernel : IProductKernel
    {
        if (row1 <= row0 || column1 <= column0 || depth <= 0)
        {
            return;
        }

        if (row0 < 0 || column0 < 0 || (row1 - row0) % Rows != 0 || (column1 - column0) % TKernel.Columns != 0
            || ((long)(row1 - 1) * cStride) + column1 > c.Length || ((long)(row1 - 1) * lStride) + depth > l.Length
            || ((long)(depth - 1) * bStride) + column1 > b.Length)
        {
            Internal.ThrowHelper.Argument(nameof(c), "The kernel's ranges do not fit its spans.");
        }

        ref double c0 = ref MemoryMarshal.GetReference(c);
        ref double l0 = ref MemoryMarshal.GetReference(l);
        ref double b0 = ref MemoryMarshal.GetReference(b);
        for (int i = row0; i < row1; i += Rows)
        {
            ref double li = ref Unsafe.Add(ref l0, (nint)i * lStride);
            for (int j = column0; j < column1; j += TKernel.Columns)
            {
                TKernel.Multiply(ref Unsafe.Add(ref c0, ((nint)i * cStride) + j), cStride, ref li, lStride, ref Unsafe.Add(ref b0, j), bStride, depth);
            }
        }
    }

    /// <summary>The 512-bit kernel: 4 rows × 16 columns in eight accumulators.</summary>
    internal readonly struct Width512 : IProductKernel
    {
        /// <inheritdoc/>
        public static int Columns => 16;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Multiply(ref double c, int cStride, ref double l, int lStride, ref double b, int bStride, int depth)
        {
            ref double c1 = ref Unsafe.Add(ref c, cStride);
            ref double c2 = ref Unsafe.Add(ref c1, cStride);
            ref double c3 = ref Unsafe.Add(ref c2, cStride);
            Vector512<double> a00 = Vector512.LoadUnsafe(ref c), a01 = Vector512.LoadUnsafe(ref c, 8);
            Vector512<double> a10 = Vector512.LoadUnsafe(ref c1), a11 = Vector512.LoadUnsafe(ref c1, 8);
            Vector512<double> a20 = Vector512.LoadUnsafe(ref c2), a21 = Vector512.LoadUnsafe(ref c2, 8);
            Vector512<double> a30 = Vector512.LoadUnsafe(ref c3), a31 = Vector512.LoadUnsafe(ref c3, 8);
            ref double l1 = ref Unsafe.Add(ref l, lStride);
            ref double l2 = ref Unsafe.Add(ref l1, lStride);
            ref double l3 = ref Unsafe.Add(ref l2, lStride);
            ref double bt = ref b;
            for (int t = 0; t < depth; t++)
            {
                Vector512<double> b0 = Vector512.LoadUnsafe(ref bt), b1 = Vector512.LoadUnsafe(ref bt, 8);
                bt = ref Unsafe.Add(ref bt, bStride);
                var x = Vector512.Create(Unsafe.Add(ref l, t));
                a00 = Vector512.FusedMultiplyAdd(x, b0, a00);
                a01 = Vector512.FusedMultiplyAdd(x, b1, a01);
                x = Vector512.Create(Unsafe.Add(ref l1, t));
                a10 = Vector512.FusedMultiplyAdd(x, b0, a10);
                a11 = Vector512.FusedMultiplyAdd(x, b1, a11);
                x = Vector512.Create(Unsafe.Add(ref l2, t));
                a20 = Vector512.FusedMultiplyAdd(x, b0, a20);
                a21 = Vector512.FusedMultiplyAdd(x, b1, a21);
                x = Vector512.Create(Unsafe.Add(ref l3, t));
                a30 = Vector512.FusedMultiplyAdd(x, b0, a30);
                a31 = Vector512.FusedMultiplyAdd(x, b1, a31);
            }

            a00.StoreUnsafe(ref c);
            a01.StoreUnsafe(ref c, 8);
            a10.StoreUnsafe(ref c1);
            a11.StoreUnsafe(ref c1, 8);
            a20.StoreUnsafe(ref c2);
            a21.StoreUnsafe(ref c2, 8);
            a30.StoreUnsafe(ref c3);
            a31.StoreUnsafe(ref c3, 8);
        }
    }

    /// <summary>The 256-bit kernel: 4 rows × 8 columns in eight accumulators.</summary>
    internal readonly struct Width256 : IProductKernel
    {
        /// <inheritdoc/>
        public static int Columns => 8;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Multiply(ref double c, int cStride, ref double l, int lStride, ref double b, int bStride, int depth)
        {
            ref double c1 = ref Unsafe.Add(ref c, cStride);
            ref double c2 = ref Unsafe.Add(ref c1, cStride);
            ref double c3 = ref Unsafe.Add(ref c2, cStride);
            Vector256<double> a00 = Vector256.LoadUnsafe(ref c), a01 = Vector256.LoadUnsafe(ref c, 4);
            Vector256<double> a10 = Vector256.LoadUnsafe(ref c1), a11 = Vector256.LoadUnsafe(ref c1, 4);
            Vector256<double> a20 = Vector256.LoadUnsafe(ref c2), a21 = Vector256.LoadUnsafe(ref c2, 4);
            Vector256<double> a30 = Vector256.LoadUnsafe(ref c3), a31 = Vector256.LoadUnsafe(ref c3, 4);
            ref double l1 = ref Unsafe.Add(ref l, lStride);
            ref double l2 = ref Unsafe.Add(ref l1, lStride);
            ref double l3 = ref Unsafe.Add(ref l2, lStride);
            ref double bt = ref b;
            for (int t = 0; t < depth; t++)
            {
                Vector256<double> b0 = Vector256.LoadUnsafe(ref bt), b1 = Vector256.LoadUnsafe(ref bt, 4);
                bt = ref Unsafe.Add(ref bt, bStride);
                var x = Vector256.Create(Unsafe.Add(ref l, t));
                a00 = Vector256.FusedMultiplyAdd(x, b0, a00);
                a01 = Vector256.FusedMultiplyAdd(x, b1, a01);
                x = Vector256.Create(Unsafe.Add(ref l1, t));
                a10 = Vector256.FusedMultiplyAdd(x, b0, a10);
                a11 = Vector256.FusedMultiplyAdd(x, b1, a11);
                x = Vector256.Create(Unsafe.Add(ref l2, t));
                a20 = Vector256.FusedMultiplyAdd(x, b0, a20);
                a21 = Vector256.FusedMultiplyAdd(x, b1, a21);
                x = Vector256.Create(Unsafe.Add(ref l3, t));
                a30 = Vector256.FusedMultiplyAdd(x, b0, a30);
                a31 = Vector256.FusedMultiplyAdd(x, b1, a31);
            }

            a00.StoreUnsafe(ref c);
            a01.StoreUnsafe(ref c, 4);
            a10.StoreUnsafe(ref c1);
            a11.StoreUnsafe(ref c1, 4);
            a20.StoreUnsafe(ref c2);
            a21.StoreUnsafe(ref c2, 4);
            a30.StoreUnsafe(ref c3);
            a31.StoreUnsafe(ref c3, 4);
        }
    }

    /// <summary>The scalar twin (16 columns per tile, so that it covers the same ranges as the widest kernel).</summary>
    internal readonly struct Scalar : IProductKernel
    {
        /// <inheritdoc/>
        public static int Columns => 16;

        /// <inheritdoc/>
        public static void Multiply(ref double c, int cStride, ref double l, int lStride, ref double b, int bStride, int depth)
        {
            for (int r = 0; r < Rows; r++)
            {
                ref double cr = ref Unsafe.Add(ref c, (nint)r * cStride);
                ref double lr = ref Unsafe.Add(ref l, (nint)r * lStride);
                for (int j = 0; j < Columns; j++)
                {
                    double acc = Unsafe.Add(ref cr, j);
                    for (int t = 0; t < depth; t++)
                    {
                        acc = Math.FusedMultiplyAdd(Unsafe.Add(ref lr, t), Unsafe.Add(ref b, ((nint)t * bStride) + j), acc);
                    }

                    Unsafe.Add(ref cr, j) = acc;
                }
            }
        }
    }
}
