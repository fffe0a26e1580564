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
    /// <summary>An element-wise update y = f(x, y), on whole vectors and on single elements alike.</summary>
    private interface IUpdate
    {
        Vector<float> Apply(Vector<float> x, Vector<float> y);

        float Apply(float x, float y);
    }

    /// <summary>
    /// <c>y[i] = x[i]·a + y[i]</c> over <c>x.Length</c> elements, the product rounded before the addition (not
    /// fused), as <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
    /// computes it with <paramref name="y"/> as both addend and destination.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ReadOnlySpan<float> x, float a, Span<float> y) => Update(new ScaledAdd(a), x, y);

    /// <summary>
    /// <c>y[i] = y[i] + x[i]</c> over <c>x.Length</c> elements, as <see cref="TensorPrimitives.Add(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// computes it with <paramref name="y"/> as an operand and the destination.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<float> x, Span<float> y) => Update(default(Sum), x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update<TUpdate>(TUpdate update, ReadOnlySpan<float> x, Span<float> y)
        where TUpdate : struct, IUpdate
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
                update.Apply(Vector.LoadUnsafe(ref rx, (nuint)i), Vector.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ry, i) = update.Apply(Unsafe.Add(ref rx, i), Unsafe.Add(ref ry, i));
        }
    }

    /// <summary>y + x·a, the product rounded first.</summary>
    private readonly struct ScaledAdd(float a) : IUpdate
    {
        public Vector<float> Apply(Vector<float> x, Vector<float> y) => (x * new Vector<float>(a)) + y;

        public float Apply(float x, float y) => (x * a) + y;
    }

    /// <summary>y + x.</summary>
    private readonly struct Sum : IUpdate
    {
        public Vector<float> Apply(Vector<float> x, Vector<float> y) => y + x;

        public float Apply(float x, float y) => y + x;
    }
}
