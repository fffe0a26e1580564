using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Short-vector float kernels for the factorizers' hot loops (embedding rows of length d, typically
/// 8 to 256). The per-rating kernels (<see cref="Dot"/>, <see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// <see cref="MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/>, <see cref="MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>)
/// use Vector512 for rows of 16 or more where the hardware accelerates it, else Vector256 for rows
/// of 8 or more, with an overlapping masked tail so that no element is counted twice; every kernel
/// has a scalar twin (<c>…Scalar</c>) that the tests compare against and that runs for short rows
/// and on hardware without wide vectors.
/// </summary>
/// <remarks>
/// The operation order of each kernel depends only on the length and the machine, never on the
/// caller's thread, so results are reproducible. The vector and scalar paths round differently (the
/// vector paths sum 8 or 16 partial sums and use fused multiply-add where available): they agree to
/// float precision, not bit for bit.
/// </remarks>
internal static class FactorKernels
{
    /// <summary>Lane masks: loading 8 (16) ints at offset r of the 16- (32-) entry table gives lanes k ≥ 8 − r (16 − r) set.</summary>
    private static readonly int[] TailMaskTable = [0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1];

    private static readonly int[] TailMaskTable512 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];

    /// <summary>Whether the Vector256 paths are used for rows of 8 or more.</summary>
    public static bool IsVectorized => Vector256.IsHardwareAccelerated;

    /// <summary>Whether <see cref="Dot256"/> and the other <c>…256</c> kernels may run on this machine (rows of 8 or more).</summary>
    internal static bool Is256Supported => Vector256.IsHardwareAccelerated && Avx.IsSupported;

    /// <summary>Whether <see cref="Dot512"/> and the other <c>…512</c> kernels may run on this machine (rows of 16 or more).</summary>
    internal static bool Is512Supported => Vector512.IsHardwareAccelerated && Avx.IsSupported;

    // ------------------------------------------------------------------ dot

    /// <summary>⟨x, y⟩ over <c>x.Length</c> elements; <paramref name="y"/> is at least as long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Debug.Assert(y.Length >= x.Length);
        int n = x.Length;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            return Dot512(x, y);
        }

        return Vector256.IsHardwareAccelerated && n >= 8 ? Dot256(x, y) : DotScalar(x, y);
    }

    /// <summary>The Vector256 path of <see cref="Dot"/>; <c>x.Length</c> ≥ 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot256(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        Vector256<float> acc = Vector256<float>.Zero;
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            acc = MultiplyAdd(Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i), acc);
        }

        if (i < n)
        {
            nuint o = (nuint)(n - 8);
            acc = MultiplyAdd(Vector256.LoadUnsafe(ref rx, o) & TailMask(n - i), Vector256.LoadUnsafe(ref ry, o), acc);
        }

        return Vector256.Sum(acc);
    }

    /// <summary>The Vector512 path of <see cref="Dot"/>; <c>x.Length</c> ≥ 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot512(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        Vector512<float> acc = Vector512<float>.Zero;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            acc = MultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i), acc);
        }

        if (i < n)
        {
            nuint o = (nuint)(n - 16);
            acc = MultiplyAdd(Vector512.LoadUnsafe(ref rx, o) & TailMask512(n - i), Vector512.LoadUnsafe(ref ry, o), acc);
        }

        return Vector256.Sum(acc.GetLower() + acc.GetUpper());
    }

    /// <summary>The scalar twin of <see cref="Dot"/>: a left-to-right float sum.</summary>
    public static float DotScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float sum = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sum += x[k] * y[k];
        }

        return sum;
    }

    // ------------------------------------------------------------------ multiply-add

    /// <summary><c>y += a·x</c> over <c>x.Length</c> elements; <paramref name="y"/> is at least as long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        Debug.Assert(y.Length >= x.Length);
        int n = x.Length;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            MultiplyAdd512(a, x, y);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            MultiplyAdd256(a, x, y);
        }
        else
        {
            MultiplyAddScalar(a, x, y);
        }
    }

    /// <summary>The Vector256 path of <see cref="MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/>; <c>x.Length</c> ≥ 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyAdd256(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        Vector256<float> va = Vector256.Create(a);
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            MultiplyAdd(va, Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }

        if (i < n)
        {
            // Overlapping tail: lanes already updated above keep their value.
            nuint o = (nuint)(n - 8);
            Vector256<float> old = Vector256.LoadUnsafe(ref ry, o);
            Vector256<float> updated = MultiplyAdd(va, Vector256.LoadUnsafe(ref rx, o), old);
            Vector256.ConditionalSelect(TailMask(n - i), updated, old).StoreUnsafe(ref ry, o);
        }
    }

    /// <summary>The Vector512 path of <see cref="MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/>; <c>x.Length</c> ≥ 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyAdd512(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        Vector512<float> va = Vector512.Create(a);
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            MultiplyAdd(va, Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }

        if (i < n)
        {
            nuint o = (nuint)(n - 16);
            Vector512<float> old = Vector512.LoadUnsafe(ref ry, o);
            Vector512<float> updated = MultiplyAdd(va, Vector512.LoadUnsafe(ref rx, o), old);
            Vector512.ConditionalSelect(TailMask512(n - i), updated, old).StoreUnsafe(ref ry, o);
        }
    }

    /// <summary>The scalar twin of <see cref="MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void MultiplyAddScalar(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int k = 0; k < x.Length; k++)
        {
            y[k] += a * x[k];
        }
    }

    // ------------------------------------------------------------------ four dots

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

        return Avx.IsSupported && n >= 8
            ? Dot4(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y0), ref MemoryMarshal.GetReference(y1), ref MemoryMarshal.GetReference(y2), ref MemoryMarshal.GetReference(y3), n)
            : Dot4Scalar(x, y0, y1, y2, y3);
    }

    /// <summary>
    /// <see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// on references to rows of <paramref name="n"/> ≥ 8 floats (unchecked: the caller guarantees the
    /// rows exist); requires AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Dot4(ref float x, ref float y0, ref float y1, ref float y2, ref float y3, int n)
    {
        Debug.Assert(Avx.IsSupported && n >= 8);
        return Vector512.IsHardwareAccelerated && n >= 16 ? Dot4_512(ref x, ref y0, ref y1, ref y2, ref y3, n) : Dot4_256(ref x, ref y0, ref y1, ref y2, ref y3, n);
    }

    /// <summary>The Vector256 path of <see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>; <c>x.Length</c> ≥ 8, AVX.</summary>
    internal static Vector128<float> Dot4_256(ReadOnlySpan<float> x, ReadOnlySpan<float> y0, ReadOnlySpan<float> y1, ReadOnlySpan<float> y2, ReadOnlySpan<float> y3) =>
        Dot4_256(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y0), ref MemoryMarshal.GetReference(y1), ref MemoryMarshal.GetReference(y2), ref MemoryMarshal.GetReference(y3), x.Length);

    /// <summary>The Vector512 path of <see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>; <c>x.Length</c> ≥ 16, AVX.</summary>
    internal static Vector128<float> Dot4_512(ReadOnlySpan<float> x, ReadOnlySpan<float> y0, ReadOnlySpan<float> y1, ReadOnlySpan<float> y2, ReadOnlySpan<float> y3) =>
        Dot4_512(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y0), ref MemoryMarshal.GetReference(y1), ref MemoryMarshal.GetReference(y2), ref MemoryMarshal.GetReference(y3), x.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Dot4_256(ref float rx, ref float r0, ref float r1, ref float r2, ref float r3, int n)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            nuint k = (nuint)i;
            Vector256<float> xv = Vector256.LoadUnsafe(ref rx, k);
            a0 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r0, k), a0);
            a1 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r1, k), a1);
            a2 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r2, k), a2);
            a3 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r3, k), a3);
        }

        if (i < n)
        {
            nuint o = (nuint)(n - 8);
            Vector256<float> xv = Vector256.LoadUnsafe(ref rx, o) & TailMask(n - i);
            a0 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r0, o), a0);
            a1 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r1, o), a1);
            a2 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r2, o), a2);
            a3 = MultiplyAdd(xv, Vector256.LoadUnsafe(ref r3, o), a3);
        }

        return Reduce4(a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Dot4_512(ref float rx, ref float r0, ref float r1, ref float r2, ref float r3, int n)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            nuint k = (nuint)i;
            Vector512<float> xv = Vector512.LoadUnsafe(ref rx, k);
            a0 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r0, k), a0);
            a1 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r1, k), a1);
            a2 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r2, k), a2);
            a3 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r3, k), a3);
        }

        if (i < n)
        {
            nuint o = (nuint)(n - 16);
            Vector512<float> xv = Vector512.LoadUnsafe(ref rx, o) & TailMask512(n - i);
            a0 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r0, o), a0);
            a1 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r1, o), a1);
            a2 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r2, o), a2);
            a3 = MultiplyAdd(xv, Vector512.LoadUnsafe(ref r3, o), a3);
        }

        return Reduce4(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper());
    }

    /// <summary>The scalar twin of <see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    public static Vector128<float> Dot4Scalar(ReadOnlySpan<float> x, ReadOnlySpan<float> y0, ReadOnlySpan<float> y1, ReadOnlySpan<float> y2, ReadOnlySpan<float> y3) =>
        Vector128.Create(DotScalar(x, y0), DotScalar(x, y1), DotScalar(x, y2), DotScalar(x, y3));

    // ------------------------------------------------------------------ four multiply-adds

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

        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            MultiplyAdd4(e0, ref MemoryMarshal.GetReference(x0), e1, ref MemoryMarshal.GetReference(x1), e2, ref MemoryMarshal.GetReference(x2), e3, ref MemoryMarshal.GetReference(x3), ref MemoryMarshal.GetReference(y), n);
        }
        else
        {
            MultiplyAdd4Scalar(e0, x0, e1, x1, e2, x2, e3, x3, y);
        }
    }

    /// <summary>
    /// <see cref="MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
    /// on references to rows of <paramref name="n"/> ≥ 8 floats (unchecked: the caller guarantees the
    /// rows exist); requires Vector256 acceleration.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyAdd4(float e0, ref float x0, float e1, ref float x1, float e2, ref float x2, float e3, ref float x3, ref float y, int n)
    {
        Debug.Assert(Vector256.IsHardwareAccelerated && n >= 8);
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            MultiplyAdd4_512(e0, ref x0, e1, ref x1, e2, ref x2, e3, ref x3, ref y, n);
        }
        else
        {
            MultiplyAdd4_256(e0, ref x0, e1, ref x1, e2, ref x2, e3, ref x3, ref y, n);
        }
    }

    /// <summary>The Vector256 path of <see cref="MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>; <c>y.Length</c> ≥ 8.</summary>
    internal static void MultiplyAdd4_256(float e0, ReadOnlySpan<float> x0, float e1, ReadOnlySpan<float> x1, float e2, ReadOnlySpan<float> x2, float e3, ReadOnlySpan<float> x3, Span<float> y) =>
        MultiplyAdd4_256(e0, ref MemoryMarshal.GetReference(x0), e1, ref MemoryMarshal.GetReference(x1), e2, ref MemoryMarshal.GetReference(x2), e3, ref MemoryMarshal.GetReference(x3), ref MemoryMarshal.GetReference(y), y.Length);

    /// <summary>The Vector512 path of <see cref="MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>; <c>y.Length</c> ≥ 16.</summary>
    internal static void MultiplyAdd4_512(float e0, ReadOnlySpan<float> x0, float e1, ReadOnlySpan<float> x1, float e2, ReadOnlySpan<float> x2, float e3, ReadOnlySpan<float> x3, Span<float> y) =>
        MultiplyAdd4_512(e0, ref MemoryMarshal.GetReference(x0), e1, ref MemoryMarshal.GetReference(x1), e2, ref MemoryMarshal.GetReference(x2), e3, ref MemoryMarshal.GetReference(x3), ref MemoryMarshal.GetReference(y), y.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd4_256(float e0, ref float r0, float e1, ref float r1, float e2, ref float r2, float e3, ref float r3, ref float ry, int n)
    {
        Vector256<float> v0 = Vector256.Create(e0), v1 = Vector256.Create(e1), v2 = Vector256.Create(e2), v3 = Vector256.Create(e3);
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            nuint k = (nuint)i;
            Vector256<float> g = Vector256.LoadUnsafe(ref ry, k);
            g = MultiplyAdd(v0, Vector256.LoadUnsafe(ref r0, k), g);
            g = MultiplyAdd(v1, Vector256.LoadUnsafe(ref r1, k), g);
            g = MultiplyAdd(v2, Vector256.LoadUnsafe(ref r2, k), g);
            g = MultiplyAdd(v3, Vector256.LoadUnsafe(ref r3, k), g);
            g.StoreUnsafe(ref ry, k);
        }

        if (i < n)
        {
            // Overlapping tail: the x lanes already handled above are masked to 0, so those y lanes
            // get ±0 added (unchanged); the others follow the same multiply-add chain as the body.
            nuint o = (nuint)(n - 8);
            Vector256<float> mask = TailMask(n - i);
            Vector256<float> g = Vector256.LoadUnsafe(ref ry, o);
            g = MultiplyAdd(v0, Vector256.LoadUnsafe(ref r0, o) & mask, g);
            g = MultiplyAdd(v1, Vector256.LoadUnsafe(ref r1, o) & mask, g);
            g = MultiplyAdd(v2, Vector256.LoadUnsafe(ref r2, o) & mask, g);
            g = MultiplyAdd(v3, Vector256.LoadUnsafe(ref r3, o) & mask, g);
            g.StoreUnsafe(ref ry, o);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd4_512(float e0, ref float r0, float e1, ref float r1, float e2, ref float r2, float e3, ref float r3, ref float ry, int n)
    {
        Vector512<float> v0 = Vector512.Create(e0), v1 = Vector512.Create(e1), v2 = Vector512.Create(e2), v3 = Vector512.Create(e3);
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            nuint k = (nuint)i;
            Vector512<float> g = Vector512.LoadUnsafe(ref ry, k);
            g = MultiplyAdd(v0, Vector512.LoadUnsafe(ref r0, k), g);
            g = MultiplyAdd(v1, Vector512.LoadUnsafe(ref r1, k), g);
            g = MultiplyAdd(v2, Vector512.LoadUnsafe(ref r2, k), g);
            g = MultiplyAdd(v3, Vector512.LoadUnsafe(ref r3, k), g);
            g.StoreUnsafe(ref ry, k);
        }

        if (i < n)
        {
            nuint o = (nuint)(n - 16);
            Vector512<float> mask = TailMask512(n - i);
            Vector512<float> g = Vector512.LoadUnsafe(ref ry, o);
            g = MultiplyAdd(v0, Vector512.LoadUnsafe(ref r0, o) & mask, g);
            g = MultiplyAdd(v1, Vector512.LoadUnsafe(ref r1, o) & mask, g);
            g = MultiplyAdd(v2, Vector512.LoadUnsafe(ref r2, o) & mask, g);
            g = MultiplyAdd(v3, Vector512.LoadUnsafe(ref r3, o) & mask, g);
            g.StoreUnsafe(ref ry, o);
        }
    }

    /// <summary>The scalar twin of <see cref="MultiplyAdd4(float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void MultiplyAdd4Scalar(float e0, ReadOnlySpan<float> x0, float e1, ReadOnlySpan<float> x1, float e2, ReadOnlySpan<float> x2, float e3, ReadOnlySpan<float> x3, Span<float> y)
    {
        for (int k = 0; k < y.Length; k++)
        {
            y[k] += (e0 * x0[k]) + (e1 * x1[k]) + (e2 * x2[k]) + (e3 * x3[k]);
        }
    }

    // ------------------------------------------------------------------ per-row steps and Gram products

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
            StepScalar(x, data, gravity, a, b, c, destination);
            return;
        }

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

    /// <summary>The scalar twin of <see cref="Step"/>.</summary>
    public static void StepScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> data, ReadOnlySpan<float> gravity, float a, float b, float c, Span<float> destination)
    {
        for (int k = 0; k < x.Length; k++)
        {
            float g = (a * data[k]) + (b * x[k]) + (c * gravity[k]);
            destination[k] = x[k] - g;
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
    /// <c>destination = x·G</c> for a symmetric d×d row-major <paramref name="gram"/>, computed as
    /// dot products with G's rows (G = Gᵀ), four at a time, d = <c>x.Length</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplySymmetric(ReadOnlySpan<float> x, ReadOnlySpan<float> gram, Span<float> destination)
    {
        int d = x.Length;
        Debug.Assert(gram.Length >= d * d && destination.Length >= d);
        int b = 0;
        for (; b <= d - 4; b += 4)
        {
            Vector128<float> dots = Dot4(x, gram.Slice(b * d, d), gram.Slice((b + 1) * d, d), gram.Slice((b + 2) * d, d), gram.Slice((b + 3) * d, d));
            dots.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)b);
        }

        for (; b < d; b++)
        {
            destination[b] = Dot(x, gram.Slice(b * d, d));
        }
    }

    /// <summary>The scalar twin of <see cref="MultiplySymmetric"/>.</summary>
    public static void MultiplySymmetricScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> gram, Span<float> destination)
    {
        int d = x.Length;
        for (int b = 0; b < d; b++)
        {
            destination[b] = DotScalar(x, gram.Slice(b * d, d));
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
            GramRowsScalar(x, rows, d, a0, a1, gram);
            return;
        }

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

    /// <summary>The scalar twin of <see cref="GramRows"/> (it fills whole rows).</summary>
    public static void GramRowsScalar(ReadOnlySpan<float> x, int rows, int d, int a0, int a1, Span<float> gram)
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
            MultiplyRowsScalar(x, rows, d, gram, t);
            return;
        }

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

    /// <summary>The scalar twin of <see cref="MultiplyRows"/>.</summary>
    public static void MultiplyRowsScalar(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> gram, Span<float> t)
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
                t00 = MultiplyAdd(b0, g0, t00);
                t01 = MultiplyAdd(b0, g1, t01);
                t10 = MultiplyAdd(b1, g0, t10);
                t11 = MultiplyAdd(b1, g1, t11);
                t20 = MultiplyAdd(b2, g0, t20);
                t21 = MultiplyAdd(b2, g1, t21);
                t30 = MultiplyAdd(b3, g0, t30);
                t31 = MultiplyAdd(b3, g1, t31);
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
                t0 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref x0, a)), g0, t0);
                t1 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref x1, a)), g0, t1);
                t2 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref x2, a)), g0, t2);
                t3 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref x3, a)), g0, t3);
            }

            nuint o = (nuint)c, n = (nuint)d;
            t0.StoreUnsafe(ref rt, o);
            t1.StoreUnsafe(ref rt, o + n);
            t2.StoreUnsafe(ref rt, o + (2 * n));
            t3.StoreUnsafe(ref rt, o + (3 * n));
            c += 8;
        }
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
                acc = MultiplyAdd(Vector256.Create(Unsafe.Add(ref rx, a)), Vector256.LoadUnsafe(ref grow), acc);
            }

            acc.StoreUnsafe(ref rt, (nuint)c);
        }
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

    /// <summary>G[a0..a0+4, start..d) over all rows: 16 columns at a time, then 8, then an overlapping last 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GramBlock4(ReadOnlySpan<float> x, int rows, int d, int a0, int start, Span<float> gram)
    {
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rg = ref MemoryMarshal.GetReference(gram);
        int c = start;
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
                g00 = MultiplyAdd(b0, c0, g00);
                g01 = MultiplyAdd(b0, c1, g01);
                g10 = MultiplyAdd(b1, c0, g10);
                g11 = MultiplyAdd(b1, c1, g11);
                g20 = MultiplyAdd(b2, c0, g20);
                g21 = MultiplyAdd(b2, c1, g21);
                g30 = MultiplyAdd(b3, c0, g30);
                g31 = MultiplyAdd(b3, c1, g31);
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
                g0 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0)), c0, g0);
                g1 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0 + 1)), c0, g1);
                g2 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0 + 2)), c0, g2);
                g3 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a0 + 3)), c0, g3);
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
                g = MultiplyAdd(Vector256.Create(Unsafe.Add(ref row, a)), Vector256.LoadUnsafe(ref row, (nuint)c), g);
            }

            g.StoreUnsafe(ref rg, (nuint)((a * d) + c));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>[Σa0, Σa1, Σa2, Σa3]: hadd(hadd(a0, a1), hadd(a2, a3)) holds, per 128-bit half, the half-sums in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Reduce4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        Vector256<float> sums = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        return sums.GetLower() + sums.GetUpper();
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
