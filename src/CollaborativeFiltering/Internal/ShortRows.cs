using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// Element-wise updates of short rows (a few dozen floats) that give the same bits as the
/// <see cref="TensorPrimitives"/> call they replace, without its argument checks, overlap tests and
/// dispatch, which on such rows cost more than the arithmetic: the softmax trainer makes one call per
/// input item of every example, about 19,000 a step at the course's sizes. Each element is computed
/// alone with IEEE single-precision operations, so the vector and scalar paths agree bit for bit.
/// </summary>
internal static class ShortRows
{
    /// <summary>
    /// <c>y[i] = x[i]·a + y[i]</c> over <c>x.Length</c> elements, the product rounded before the addition (not
    /// fused), as <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
    /// computes it with <paramref name="y"/> as both addend and destination.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        int n = x.Length;
        if (y.Length < n)
        {
            ThrowHelper.Argument(nameof(y), "The destination is shorter than the source.");
        }

        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(a);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                ((Vector.LoadUnsafe(ref rx, (nuint)i) * va) + Vector.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ry, i) = (Unsafe.Add(ref rx, i) * a) + Unsafe.Add(ref ry, i);
        }
    }

    /// <summary>
    /// <c>y[i] = y[i] + x[i]</c> over <c>x.Length</c> elements, as <see cref="TensorPrimitives.Add(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// computes it with <paramref name="y"/> as an operand and the destination.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        if (y.Length < n)
        {
            ThrowHelper.Argument(nameof(y), "The destination is shorter than the source.");
        }

        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                (Vector.LoadUnsafe(ref ry, (nuint)i) + Vector.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ry, i) += Unsafe.Add(ref rx, i);
        }
    }
}
