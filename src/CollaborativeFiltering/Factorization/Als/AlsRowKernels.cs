using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization.Als;

/// <summary>
/// Packing and accumulation helpers for the ALS row solves, on packed rows whose length is a
/// multiple of 8 (so the Vector256 paths have no tails); each has the same operation order on the
/// scalar path (no reductions), so both paths give the same result.
/// </summary>
internal static class AlsRowKernels
{
    /// <summary>Copies <paramref name="source"/> (d floats) into <paramref name="packed"/> (its padding stays as it is, zero) and adds t·row to <paramref name="rhs"/> and, when not empty, row to <paramref name="sum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pack(ReadOnlySpan<float> source, Span<float> packed, float t, Span<float> rhs, Span<float> sum)
    {
        source.CopyTo(packed);
        int dp = packed.Length;
        Debug.Assert(dp % 8 == 0 && rhs.Length == dp && (sum.IsEmpty || sum.Length == dp));
        ref float rp = ref MemoryMarshal.GetReference(packed);
        ref float rr = ref MemoryMarshal.GetReference(rhs);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vt = Vector256.Create(t);
            if (sum.IsEmpty)
            {
                for (int k = 0; k < dp; k += 8)
                {
                    nuint o = (nuint)k;
                    (Vector256.LoadUnsafe(ref rr, o) + (vt * Vector256.LoadUnsafe(ref rp, o))).StoreUnsafe(ref rr, o);
                }
            }
            else
            {
                ref float rs = ref MemoryMarshal.GetReference(sum);
                for (int k = 0; k < dp; k += 8)
                {
                    nuint o = (nuint)k;
                    Vector256<float> y = Vector256.LoadUnsafe(ref rp, o);
                    (Vector256.LoadUnsafe(ref rr, o) + (vt * y)).StoreUnsafe(ref rr, o);
                    (Vector256.LoadUnsafe(ref rs, o) + y).StoreUnsafe(ref rs, o);
                }
            }

            return;
        }

        for (int k = 0; k < dp; k++)
        {
            rhs[k] += t * packed[k];
            if (!sum.IsEmpty)
            {
                sum[k] += packed[k];
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="packed"/>, writes w·row to <paramref name="scaled"/> and adds c·row to <paramref name="rhs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PackWeighted(ReadOnlySpan<float> source, Span<float> packed, Span<float> scaled, float w, float c, Span<float> rhs)
    {
        source.CopyTo(packed);
        int dp = packed.Length;
        Debug.Assert(dp % 8 == 0 && rhs.Length == dp && scaled.Length == dp);
        if (Vector256.IsHardwareAccelerated)
        {
            ref float rp = ref MemoryMarshal.GetReference(packed);
            ref float rs = ref MemoryMarshal.GetReference(scaled);
            ref float rr = ref MemoryMarshal.GetReference(rhs);
            Vector256<float> vw = Vector256.Create(w), vc = Vector256.Create(c);
            for (int k = 0; k < dp; k += 8)
            {
                nuint o = (nuint)k;
                Vector256<float> y = Vector256.LoadUnsafe(ref rp, o);
                (vw * y).StoreUnsafe(ref rs, o);
                (Vector256.LoadUnsafe(ref rr, o) + (vc * y)).StoreUnsafe(ref rr, o);
            }

            return;
        }

        for (int k = 0; k < dp; k++)
        {
            scaled[k] = w * packed[k];
            rhs[k] += c * packed[k];
        }
    }

    /// <summary><c>destination[k] += source[k]</c> in double; length a multiple of 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(ReadOnlySpan<float> source, Span<double> destination)
    {
        int n = source.Length;
        Debug.Assert(n % 8 == 0 && destination.Length >= n);
        if (Vector256.IsHardwareAccelerated)
        {
            ref float rs = ref MemoryMarshal.GetReference(source);
            ref double rd = ref MemoryMarshal.GetReference(destination);
            for (int k = 0; k < n; k += 8)
            {
                nuint o = (nuint)k;
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref rs, o));
                (Vector256.LoadUnsafe(ref rd, o) + lo).StoreUnsafe(ref rd, o);
                (Vector256.LoadUnsafe(ref rd, o + 4) + hi).StoreUnsafe(ref rd, o + 4);
            }

            return;
        }

        for (int k = 0; k < n; k++)
        {
            destination[k] += source[k];
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
            Vector128<float> dots = RowKernels.Dot4(x, gram.Slice(b * d, d), gram.Slice((b + 1) * d, d), gram.Slice((b + 2) * d, d), gram.Slice((b + 3) * d, d));
            dots.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)b);
        }

        for (; b < d; b++)
        {
            destination[b] = RowKernels.Dot(x, gram.Slice(b * d, d));
        }
    }

    /// <summary>
    /// <see cref="MultiplySymmetric(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> with the row
    /// kernels of one width (<see cref="RowKernels.Scalar"/> is the twin the tests compare against).
    /// </summary>
    public static void MultiplySymmetric<TKernels>(ReadOnlySpan<float> x, ReadOnlySpan<float> gram, Span<float> destination)
        where TKernels : struct, RowKernels.IRowKernels
    {
        int d = x.Length;
        Debug.Assert(gram.Length >= d * d && destination.Length >= d);
        for (int b = 0; b < d; b++)
        {
            destination[b] = RowKernels.Dot<TKernels>(x, gram.Slice(b * d, d));
        }
    }
}
