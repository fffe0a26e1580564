using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Short-vector float kernels on embedding rows of length d (typically 8 to 256), the per-rating work
/// of the factorizers: ⟨x, y⟩ (<see cref="Dot"/>), y += a·x (<see cref="MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/>),
/// four dot products sharing the loads of x (<see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>)
/// and four multiply-adds into one row (<see cref="MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>).
/// Written in the library's one SIMD style (that of TensorPrimitives and the SGD kernels): each vector
/// width is a struct implementing <see cref="IRowKernels"/> (<see cref="Scalar"/>, <see cref="Width256"/>,
/// <see cref="Width512"/>), chosen once per call (here by the row length: 512-bit vectors for rows of 16
/// or more where the hardware accelerates them, else 256-bit ones for rows of 8 or more, else scalar),
/// or once per block by a caller generic over the kernel. The vector paths end rows with an
/// overlapping masked tail so that no element counts twice; <see cref="Scalar"/> is the twin the tests
/// compare every path against.
/// </summary>
/// <remarks>
/// The operation order of each kernel depends only on the length and the machine, never on the
/// caller's thread, so results are reproducible. The vector and scalar paths round differently (the
/// vector paths sum 8 or 16 partial sums and use fused multiply-add where available): they agree to
/// float precision, not bit for bit.
/// </remarks>
internal static class RowKernels
{
    /// <summary>Lane masks: loading 8 (16) ints at offset r of the 16- (32-) entry table gives lanes k ≥ 8 − r (16 − r) set.</summary>
    private static readonly int[] TailMaskTable = [0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1];

    private static readonly int[] TailMaskTable512 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];

    /// <summary>The row kernels of one vector width, on references to rows of n floats (the caller guarantees the rows exist and n suits the width).</summary>
    internal interface IRowKernels
    {
        /// <summary>⟨x, y⟩ over n elements.</summary>
        static abstract float Dot(ref float x, ref float y, int n);

        /// <summary>y += a·x over n elements.</summary>
        static abstract void MultiplyAdd(float a, ref float x, ref float y, int n);

        /// <summary>⟨x, y0⟩ … ⟨x, y3⟩ over n elements.</summary>
        static abstract Vector128<float> Dot4(ref float x, ref float y0, ref float y1, ref float y2, ref float y3, int n);

        /// <summary>y += e0·x0 + e1·x1 + e2·x2 + e3·x3 over n elements.</summary>
        static abstract void MultiplyAdd4(float e0, ref float x0, float e1, ref float x1, float e2, ref float x2, float e3, ref float x3, ref float y, int n);
    }

    /// <summary>Whether <see cref="Width256"/> may run on this machine (rows of 8 or more).</summary>
    public static bool Is256Supported => Vector256.IsHardwareAccelerated && Avx.IsSupported;

    /// <summary>Whether <see cref="Width512"/> may run on this machine (rows of 16 or more).</summary>
    public static bool Is512Supported => Vector512.IsHardwareAccelerated && Avx.IsSupported;

    // ------------------------------------------------------------------ dispatch by length

    /// <summary>⟨x, y⟩ over <c>x.Length</c> elements; <paramref name="y"/> is at least as long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Debug.Assert(y.Length >= x.Length);
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            return Width512.Dot(ref rx, ref ry, n);
        }

        return Vector256.IsHardwareAccelerated && n >= 8 ? Width256.Dot(ref rx, ref ry, n) : Scalar.Dot(ref rx, ref ry, n);
    }

    /// <summary><c>y += a·x</c> over <c>x.Length</c> elements; <paramref name="y"/> is at least as long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        Debug.Assert(y.Length >= x.Length);
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Width512.MultiplyAdd(a, ref rx, ref ry, n);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Width256.MultiplyAdd(a, ref rx, ref ry, n);
        }
        else
        {
            Scalar.MultiplyAdd(a, ref rx, ref ry, n);
        }
    }

    /// <summary>
    /// The four dot products ⟨x, y0⟩ … ⟨x, y3⟩ over <c>x.Length</c> elements, sharing the loads of
    /// <paramref name="x"/> and reducing the four accumulators together (three horizontal adds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Dot4(ReadOnlySpan<float> x, ReadOnlySpan<float> y0, ReadOnlySpan<float> y1, ReadOnlySpan<float> y2, ReadOnlySpan<float> y3)
    {
        int n = x.Length;
        if (y0.Length < n || y1.Length < n || y2.Length < n || y3.Length < n)
        {
            ThrowHelper.Argument(nameof(y0), "Every y row must be at least as long as x.");
        }

        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float r0 = ref MemoryMarshal.GetReference(y0), r1 = ref MemoryMarshal.GetReference(y1), r2 = ref MemoryMarshal.GetReference(y2), r3 = ref MemoryMarshal.GetReference(y3);
        return Avx.IsSupported && n >= 8 ? Dot4(ref rx, ref r0, ref r1, ref r2, ref r3, n) : Scalar.Dot4(ref rx, ref r0, ref r1, ref r2, ref r3, n);
    }

    /// <summary>
    /// <see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// on references to rows of <paramref name="n"/> ≥ 8 floats (unchecked: the caller guarantees the
    /// rows exist); requires AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Dot4(ref float x, ref float y0, ref float y1, ref float y2, ref float y3, int n)
    {
        Debug.Assert(Avx.IsSupported && n >= 8);
        return Vector512.IsHardwareAccelerated && n >= 16 ? Width512.Dot4(ref x, ref y0, ref y1, ref y2, ref y3, n) : Width256.Dot4(ref x, ref y0, ref y1, ref y2, ref y3, n);
    }

    /// <summary>
    /// ⟨x, y⟩ over <paramref name="n"/> floats, bit for bit as one lane of
    /// <see cref="Dot4(ref float, ref float, ref float, ref float, ref float, int)"/> computes it (where AVX
    /// and n ≥ 8 make that the vector kernel; else <see cref="Scalar"/>'s left-to-right sum, as the span
    /// overload of Dot4 does): the same width, the same multiply-add chain per vector lane, the same
    /// reduction. Symmetric: <c>DotLane(x, y) == DotLane(y, x)</c> bit for bit, and lane k of
    /// <c>Dot4(x, y0 … y3)</c> equals <c>DotLane(x, y_k)</c> whatever the other rows, because each lane
    /// runs fused multiply-adds FMA(x_i, y_i, acc) (one rounding of the exact x_i·y_i + acc, so the operand
    /// order does not matter), the tail masks both operands, and each accumulator is reduced on its own in
    /// a fixed order ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) (512 bits: the two halves added
    /// first). NaN payloads aside, a dot product does not depend on which of its rows was the shared one,
    /// nor on its slot among four: what lets the full-batch item pass recompute the user pass's residuals.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotLane(ref float x, ref float y, int n)
    {
        if (!Avx.IsSupported || n < 8)
        {
            return Scalar.Dot(ref x, ref y, n);
        }

        return Vector512.IsHardwareAccelerated && n >= 16 ? Width512.DotLane(ref x, ref y, n) : Width256.DotLane(ref x, ref y, n);
    }

    /// <summary>
    /// <c>y += e0·x0 + e1·x1 + e2·x2 + e3·x3</c> over <c>y.Length</c> elements, loading and storing
    /// <paramref name="y"/> once; the x rows are at least as long as <paramref name="y"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd4(float e0, ReadOnlySpan<float> x0, float e1, ReadOnlySpan<float> x1, float e2, ReadOnlySpan<float> x2, float e3, ReadOnlySpan<float> x3, Span<float> y)
    {
        int n = y.Length;
        if (x0.Length < n || x1.Length < n || x2.Length < n || x3.Length < n)
        {
            ThrowHelper.Argument(nameof(x0), "Every x row must be at least as long as y.");
        }

        ref float r0 = ref MemoryMarshal.GetReference(x0), r1 = ref MemoryMarshal.GetReference(x1), r2 = ref MemoryMarshal.GetReference(x2), r3 = ref MemoryMarshal.GetReference(x3);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            MultiplyAdd4(e0, ref r0, e1, ref r1, e2, ref r2, e3, ref r3, ref ry, n);
        }
        else
        {
            Scalar.MultiplyAdd4(e0, ref r0, e1, ref r1, e2, ref r2, e3, ref r3, ref ry, n);
        }
    }

    /// <summary>
    /// <see cref="MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
    /// on references to rows of <paramref name="n"/> ≥ 8 floats (unchecked: the caller guarantees the
    /// rows exist); requires Vector256 acceleration.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd4(float e0, ref float x0, float e1, ref float x1, float e2, ref float x2, float e3, ref float x3, ref float y, int n)
    {
        Debug.Assert(Vector256.IsHardwareAccelerated && n >= 8);
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Width512.MultiplyAdd4(e0, ref x0, e1, ref x1, e2, ref x2, e3, ref x3, ref y, n);
        }
        else
        {
            Width256.MultiplyAdd4(e0, ref x0, e1, ref x1, e2, ref x2, e3, ref x3, ref y, n);
        }
    }

    // ------------------------------------------------------------------ one width, on spans (tests and benchmarks)

    /// <summary>⟨x, y⟩ with the kernels of <typeparamref name="TKernels"/>.</summary>
    public static float Dot<TKernels>(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        where TKernels : struct, IRowKernels =>
        TKernels.Dot(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), x.Length);

    /// <summary><c>y += a·x</c> with the kernels of <typeparamref name="TKernels"/>.</summary>
    public static void MultiplyAdd<TKernels>(float a, ReadOnlySpan<float> x, Span<float> y)
        where TKernels : struct, IRowKernels =>
        TKernels.MultiplyAdd(a, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), x.Length);

    /// <summary>Four dot products with the kernels of <typeparamref name="TKernels"/>.</summary>
    public static Vector128<float> Dot4<TKernels>(ReadOnlySpan<float> x, ReadOnlySpan<float> y0, ReadOnlySpan<float> y1, ReadOnlySpan<float> y2, ReadOnlySpan<float> y3)
        where TKernels : struct, IRowKernels =>
        TKernels.Dot4(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y0), ref MemoryMarshal.GetReference(y1), ref MemoryMarshal.GetReference(y2), ref MemoryMarshal.GetReference(y3), x.Length);

    /// <summary>Four multiply-adds with the kernels of <typeparamref name="TKernels"/>.</summary>
    public static void MultiplyAdd4<TKernels>(float e0, ReadOnlySpan<float> x0, float e1, ReadOnlySpan<float> x1, float e2, ReadOnlySpan<float> x2, float e3, ReadOnlySpan<float> x3, Span<float> y)
        where TKernels : struct, IRowKernels =>
        TKernels.MultiplyAdd4(e0, ref MemoryMarshal.GetReference(x0), e1, ref MemoryMarshal.GetReference(x1), e2, ref MemoryMarshal.GetReference(x2), e3, ref MemoryMarshal.GetReference(x3), ref MemoryMarshal.GetReference(y), y.Length);

    // ------------------------------------------------------------------ the widths

    /// <summary>The scalar twin: left-to-right float sums.</summary>
    internal readonly struct Scalar : IRowKernels
    {
        /// <inheritdoc/>
        public static float Dot(ref float x, ref float y, int n)
        {
            float sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += Unsafe.Add(ref x, k) * Unsafe.Add(ref y, k);
            }

            return sum;
        }

        /// <inheritdoc/>
        public static void MultiplyAdd(float a, ref float x, ref float y, int n)
        {
            for (int k = 0; k < n; k++)
            {
                Unsafe.Add(ref y, k) += a * Unsafe.Add(ref x, k);
            }
        }

        /// <inheritdoc/>
        public static Vector128<float> Dot4(ref float x, ref float y0, ref float y1, ref float y2, ref float y3, int n) =>
            Vector128.Create(Dot(ref x, ref y0, n), Dot(ref x, ref y1, n), Dot(ref x, ref y2, n), Dot(ref x, ref y3, n));

        /// <inheritdoc/>
        public static void MultiplyAdd4(float e0, ref float x0, float e1, ref float x1, float e2, ref float x2, float e3, ref float x3, ref float y, int n)
        {
            for (int k = 0; k < n; k++)
            {
                Unsafe.Add(ref y, k) += (e0 * Unsafe.Add(ref x0, k)) + (e1 * Unsafe.Add(ref x1, k)) + (e2 * Unsafe.Add(ref x2, k)) + (e3 * Unsafe.Add(ref x3, k));
            }
        }
    }

    /// <summary>256-bit vectors; rows of 8 or more, AVX for <see cref="Dot4"/>.</summary>
    internal readonly struct Width256 : IRowKernels
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Dot(ref float rx, ref float ry, int n)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                acc = FusedMultiplyAdd(Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i), acc);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 8);
                acc = FusedMultiplyAdd(Vector256.LoadUnsafe(ref rx, o) & TailMask(n - i), Vector256.LoadUnsafe(ref ry, o), acc);
            }

            return Vector256.Sum(acc);
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void MultiplyAdd(float a, ref float rx, ref float ry, int n)
        {
            Vector256<float> va = Vector256.Create(a);
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }

            if (i < n)
            {
                // Overlapping tail: lanes already updated above keep their value.
                nuint o = (nuint)(n - 8);
                Vector256<float> old = Vector256.LoadUnsafe(ref ry, o);
                Vector256<float> updated = FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref rx, o), old);
                Vector256.ConditionalSelect(TailMask(n - i), updated, old).StoreUnsafe(ref ry, o);
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Dot4(ref float rx, ref float r0, ref float r1, ref float r2, ref float r3, int n)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                nuint k = (nuint)i;
                Vector256<float> xv = Vector256.LoadUnsafe(ref rx, k);
                a0 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r0, k), a0);
                a1 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r1, k), a1);
                a2 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r2, k), a2);
                a3 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r3, k), a3);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 8);
                // Both operands masked, so that a lane's chain is symmetric in x and y_k (see DotLane).
                Vector256<float> mask = TailMask(n - i);
                Vector256<float> xv = Vector256.LoadUnsafe(ref rx, o) & mask;
                a0 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r0, o) & mask, a0);
                a1 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r1, o) & mask, a1);
                a2 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r2, o) & mask, a2);
                a3 = FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref r3, o) & mask, a3);
            }

            return Reduce4(a0, a1, a2, a3);
        }

        /// <summary>⟨x, y⟩ as one lane of <see cref="Dot4"/> (see <see cref="RowKernels.DotLane"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float DotLane(ref float rx, ref float ry, int n)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                acc = FusedMultiplyAdd(Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i), acc);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 8);
                Vector256<float> mask = TailMask(n - i);
                acc = FusedMultiplyAdd(Vector256.LoadUnsafe(ref rx, o) & mask, Vector256.LoadUnsafe(ref ry, o) & mask, acc);
            }

            return ReduceLane(acc);
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void MultiplyAdd4(float e0, ref float r0, float e1, ref float r1, float e2, ref float r2, float e3, ref float r3, ref float ry, int n)
        {
            Vector256<float> v0 = Vector256.Create(e0), v1 = Vector256.Create(e1), v2 = Vector256.Create(e2), v3 = Vector256.Create(e3);
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                nuint k = (nuint)i;
                Vector256<float> g = Vector256.LoadUnsafe(ref ry, k);
                g = FusedMultiplyAdd(v0, Vector256.LoadUnsafe(ref r0, k), g);
                g = FusedMultiplyAdd(v1, Vector256.LoadUnsafe(ref r1, k), g);
                g = FusedMultiplyAdd(v2, Vector256.LoadUnsafe(ref r2, k), g);
                g = FusedMultiplyAdd(v3, Vector256.LoadUnsafe(ref r3, k), g);
                g.StoreUnsafe(ref ry, k);
            }

            if (i < n)
            {
                // Overlapping tail: the x lanes already handled above are masked to 0, so those y lanes
                // get ±0 added (unchanged); the others follow the same multiply-add chain as the body.
                nuint o = (nuint)(n - 8);
                Vector256<float> mask = TailMask(n - i);
                Vector256<float> g = Vector256.LoadUnsafe(ref ry, o);
                g = FusedMultiplyAdd(v0, Vector256.LoadUnsafe(ref r0, o) & mask, g);
                g = FusedMultiplyAdd(v1, Vector256.LoadUnsafe(ref r1, o) & mask, g);
                g = FusedMultiplyAdd(v2, Vector256.LoadUnsafe(ref r2, o) & mask, g);
                g = FusedMultiplyAdd(v3, Vector256.LoadUnsafe(ref r3, o) & mask, g);
                g.StoreUnsafe(ref ry, o);
            }
        }
    }

    /// <summary>512-bit vectors; rows of 16 or more.</summary>
    internal readonly struct Width512 : IRowKernels
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Dot(ref float rx, ref float ry, int n)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                acc = FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i), acc);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 16);
                acc = FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, o) & TailMask512(n - i), Vector512.LoadUnsafe(ref ry, o), acc);
            }

            return Vector256.Sum(acc.GetLower() + acc.GetUpper());
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void MultiplyAdd(float a, ref float rx, ref float ry, int n)
        {
            Vector512<float> va = Vector512.Create(a);
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 16);
                Vector512<float> old = Vector512.LoadUnsafe(ref ry, o);
                Vector512<float> updated = FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref rx, o), old);
                Vector512.ConditionalSelect(TailMask512(n - i), updated, old).StoreUnsafe(ref ry, o);
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Dot4(ref float rx, ref float r0, ref float r1, ref float r2, ref float r3, int n)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                nuint k = (nuint)i;
                Vector512<float> xv = Vector512.LoadUnsafe(ref rx, k);
                a0 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r0, k), a0);
                a1 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r1, k), a1);
                a2 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r2, k), a2);
                a3 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r3, k), a3);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 16);
                Vector512<float> mask = TailMask512(n - i);
                Vector512<float> xv = Vector512.LoadUnsafe(ref rx, o) & mask;
                a0 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r0, o) & mask, a0);
                a1 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r1, o) & mask, a1);
                a2 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r2, o) & mask, a2);
                a3 = FusedMultiplyAdd(xv, Vector512.LoadUnsafe(ref r3, o) & mask, a3);
            }

            return Reduce4(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper());
        }

        /// <summary>⟨x, y⟩ as one lane of <see cref="Dot4"/> (see <see cref="RowKernels.DotLane"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float DotLane(ref float rx, ref float ry, int n)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                acc = FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i), acc);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 16);
                Vector512<float> mask = TailMask512(n - i);
                acc = FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, o) & mask, Vector512.LoadUnsafe(ref ry, o) & mask, acc);
            }

            return ReduceLane(acc.GetLower() + acc.GetUpper());
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void MultiplyAdd4(float e0, ref float r0, float e1, ref float r1, float e2, ref float r2, float e3, ref float r3, ref float ry, int n)
        {
            Vector512<float> v0 = Vector512.Create(e0), v1 = Vector512.Create(e1), v2 = Vector512.Create(e2), v3 = Vector512.Create(e3);
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                nuint k = (nuint)i;
                Vector512<float> g = Vector512.LoadUnsafe(ref ry, k);
                g = FusedMultiplyAdd(v0, Vector512.LoadUnsafe(ref r0, k), g);
                g = FusedMultiplyAdd(v1, Vector512.LoadUnsafe(ref r1, k), g);
                g = FusedMultiplyAdd(v2, Vector512.LoadUnsafe(ref r2, k), g);
                g = FusedMultiplyAdd(v3, Vector512.LoadUnsafe(ref r3, k), g);
                g.StoreUnsafe(ref ry, k);
            }

            if (i < n)
            {
                nuint o = (nuint)(n - 16);
                Vector512<float> mask = TailMask512(n - i);
                Vector512<float> g = Vector512.LoadUnsafe(ref ry, o);
                g = FusedMultiplyAdd(v0, Vector512.LoadUnsafe(ref r0, o) & mask, g);
                g = FusedMultiplyAdd(v1, Vector512.LoadUnsafe(ref r1, o) & mask, g);
                g = FusedMultiplyAdd(v2, Vector512.LoadUnsafe(ref r2, o) & mask, g);
                g = FusedMultiplyAdd(v3, Vector512.LoadUnsafe(ref r3, o) & mask, g);
                g.StoreUnsafe(ref ry, o);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>a·b + c, fused where the hardware can.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>a·b + c, fused where the hardware can.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>[Σa0, Σa1, Σa2, Σa3]: hadd(hadd(a0, a1), hadd(a2, a3)) holds, per 128-bit half, the half-sums in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Reduce4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        Vector256<float> sums = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        return sums.GetLower() + sums.GetUpper();
    }

    /// <summary>Σa in <see cref="Reduce4"/>'s order for one accumulator: lane 0 of Reduce4(a, a, a, a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ReduceLane(Vector256<float> a)
    {
        Vector256<float> pairs = Avx.HorizontalAdd(a, a);
        Vector256<float> sums = Avx.HorizontalAdd(pairs, pairs);
        return (sums.GetLower() + sums.GetUpper()).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMask512(int remaining)
    {
        Debug.Assert(remaining is > 0 and < 16);
        return Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(TailMaskTable512), (nuint)remaining).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask(int remaining)
    {
        Debug.Assert(remaining is > 0 and < 8);
        return Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(TailMaskTable), (nuint)remaining).AsSingle();
    }
}
