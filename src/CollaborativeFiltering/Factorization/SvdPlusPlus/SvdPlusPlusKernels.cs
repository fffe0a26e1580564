using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollaborativeFiltering.Factorization.SvdPlusPlus;

/// <summary>
/// The row work of SVD++ on padded rows (a stride of floats, the padding zero): the per-rating update
/// (<see cref="IRowKernel.Update"/>), the implicit sum (<see cref="IRowKernel.Add"/>) and the push of a
/// user's accumulated gradient to the implicit factors (<see cref="IRowKernel.Combine"/>). One struct per
/// vector width (<see cref="Scalar"/>, <see cref="Width256"/>, <see cref="Width512"/>), chosen once per fit
/// from the stride; <see cref="Scalar"/> is the twin the tests compare the vector paths against (they agree
/// to float precision: the vector paths sum the dot product in lanes with fused multiply-adds).
/// </summary>
/// <remarks>
/// The per-rating update, with w = p + z (z the user's implicit term |N(u)|^−½·Σ y_j as the user's
/// ratings move it), e = target − ⟨q, w⟩, a = lr·e, c = 1 − lr·λ and c_y = 1 − lr·λ_y, is
/// <code>
/// p ← c·p + a·q      q ← c·q + a·w      z ← c_y·z + a·q      g ← c_y·g + a·q
/// </code>
/// every right-hand side taking the values before this rating. z follows exactly what Koren's update of
/// every y_j (y_j ← c_y·y_j + |N(u)|^−½·a·q) does to |N(u)|^−½·Σ y_j, and g accumulates those updates, so
/// that pushing y_j ← c_y^n·y_j + |N(u)|^−½·g once after the user's n ratings gives every y_j the value
/// the n per-rating updates would. Zero padding stays zero.
/// </remarks>
internal static class SvdPlusPlusKernels
{
    /// <summary>The kernel families.</summary>
    internal enum KernelKind
    {
        /// <summary>Plain float loops.</summary>
        Scalar,

        /// <summary>256-bit vectors; stride a multiple of 8.</summary>
        Width256,

        /// <summary>512-bit vectors; stride a multiple of 16.</summary>
        Width512,
    }

    /// <summary>The row operations of one vector width.</summary>
    internal interface IRowKernel
    {
        /// <summary>One rating's update of p, z, q and g (see <see cref="SvdPlusPlusKernels"/>); returns e.</summary>
        static abstract float Update(ref float p, ref float z, ref float q, ref float g, int stride, float target, float learningRate, float shrink, float implicitShrink);

        /// <summary>destination += source.</summary>
        static abstract void Add(ref float source, ref float destination, int stride);

        /// <summary>y ← a·y + b·g.</summary>
        static abstract void Combine(float a, ref float y, float b, ref float g, int stride);
    }

    /// <summary>The family for rows of <paramref name="stride"/> floats on this machine: the widest whose vectors tile the stride.</summary>
    public static KernelKind KindFor(int stride) =>
        Vector512.IsHardwareAccelerated && stride % 16 == 0 ? KernelKind.Width512
        : Vector256.IsHardwareAccelerated && stride % 8 == 0 ? KernelKind.Width256
        : KernelKind.Scalar;

    /// <summary>The update through a chosen family (for the tests); the rows' length is the stride and must suit the family.</summary>
    public static float Update(KernelKind kind, Span<float> p, Span<float> z, Span<float> q, Span<float> g, float target, float learningRate, float shrink, float implicitShrink)
    {
        Debug.Assert(p.Length == q.Length && z.Length == q.Length && g.Length == q.Length);
        ref float rp = ref MemoryMarshal.GetReference(p);
        ref float rz = ref MemoryMarshal.GetReference(z);
        ref float rq = ref MemoryMarshal.GetReference(q);
        ref float rg = ref MemoryMarshal.GetReference(g);
        return kind switch
        {
            KernelKind.Width512 => Width512.Update(ref rp, ref rz, ref rq, ref rg, p.Length, target, learningRate, shrink, implicitShrink),
            KernelKind.Width256 => Width256.Update(ref rp, ref rz, ref rq, ref rg, p.Length, target, learningRate, shrink, implicitShrink),
            _ => Scalar.Update(ref rp, ref rz, ref rq, ref rg, p.Length, target, learningRate, shrink, implicitShrink),
        };
    }

    /// <summary>The scalar twin.</summary>
    internal readonly struct Scalar : IRowKernel
    {
        /// <inheritdoc/>
        public static float Update(ref float p, ref float z, ref float q, ref float g, int stride, float target, float learningRate, float shrink, float implicitShrink)
        {
            float dot = 0;
            for (int k = 0; k < stride; k++)
            {
                dot += Unsafe.Add(ref q, k) * (Unsafe.Add(ref p, k) + Unsafe.Add(ref z, k));
            }

            float e = target - dot;
            float a = learningRate * e;
            for (int k = 0; k < stride; k++)
            {
                float pk = Unsafe.Add(ref p, k), zk = Unsafe.Add(ref z, k), qk = Unsafe.Add(ref q, k);
                float aq = a * qk;
                Unsafe.Add(ref p, k) = (shrink * pk) + aq;
                Unsafe.Add(ref q, k) = (shrink * qk) + (a * (pk + zk));
                Unsafe.Add(ref z, k) = (implicitShrink * zk) + aq;
                Unsafe.Add(ref g, k) = (implicitShrink * Unsafe.Add(ref g, k)) + aq;
            }

            return e;
        }

        /// <inheritdoc/>
        public static void Add(ref float source, ref float destination, int stride)
        {
            for (int k = 0; k < stride; k++)
            {
                Unsafe.Add(ref destination, k) += Unsafe.Add(ref source, k);
            }
        }

        /// <inheritdoc/>
        public static void Combine(float a, ref float y, float b, ref float g, int stride)
        {
            for (int k = 0; k < stride; k++)
            {
                Unsafe.Add(ref y, k) = (a * Unsafe.Add(ref y, k)) + (b * Unsafe.Add(ref g, k));
            }
        }
    }

    /// <summary>256-bit vectors; stride a multiple of 8.</summary>
    internal readonly struct Width256 : IRowKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(ref float p, ref float z, ref float q, ref float g, int stride, float target, float learningRate, float shrink, float implicitShrink)
        {
            Debug.Assert(stride % 8 == 0);
            Vector256<float> acc = Vector256<float>.Zero;
            for (int k = 0; k < stride; k += 8)
            {
                Vector256<float> w = Vector256.LoadUnsafe(ref p, (nuint)k) + Vector256.LoadUnsafe(ref z, (nuint)k);
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q, (nuint)k), w, acc);
            }

            float e = target - Vector256.Sum(acc);
            Vector256<float> a = Vector256.Create(learningRate * e);
            Vector256<float> c = Vector256.Create(shrink);
            Vector256<float> cy = Vector256.Create(implicitShrink);
            for (int k = 0; k < stride; k += 8)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)k);
                Vector256<float> zv = Vector256.LoadUnsafe(ref z, (nuint)k);
                Vector256<float> qv = Vector256.LoadUnsafe(ref q, (nuint)k);
                Vector256<float> aq = a * qv;
                (pv * c + aq).StoreUnsafe(ref p, (nuint)k);
                Vector256.FusedMultiplyAdd(a, pv + zv, c * qv).StoreUnsafe(ref q, (nuint)k);
                (zv * cy + aq).StoreUnsafe(ref z, (nuint)k);
                (Vector256.LoadUnsafe(ref g, (nuint)k) * cy + aq).StoreUnsafe(ref g, (nuint)k);
            }

            return e;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(ref float source, ref float destination, int stride)
        {
            for (int k = 0; k < stride; k += 8)
            {
                (Vector256.LoadUnsafe(ref destination, (nuint)k) + Vector256.LoadUnsafe(ref source, (nuint)k)).StoreUnsafe(ref destination, (nuint)k);
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Combine(float a, ref float y, float b, ref float g, int stride)
        {
            Vector256<float> av = Vector256.Create(a), bv = Vector256.Create(b);
            for (int k = 0; k < stride; k += 8)
            {
                Vector256.FusedMultiplyAdd(bv, Vector256.LoadUnsafe(ref g, (nuint)k), av * Vector256.LoadUnsafe(ref y, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
            }
        }
    }

    /// <summary>512-bit vectors; stride a multiple of 16.</summary>
    internal readonly struct Width512 : IRowKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(ref float p, ref float z, ref float q, ref float g, int stride, float target, float learningRate, float shrink, float implicitShrink)
        {
            Debug.Assert(stride % 16 == 0);
            Vector512<float> acc = Vector512<float>.Zero;
            for (int k = 0; k < stride; k += 16)
            {
                Vector512<float> w = Vector512.LoadUnsafe(ref p, (nuint)k) + Vector512.LoadUnsafe(ref z, (nuint)k);
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref q, (nuint)k), w, acc);
            }

            float e = target - Vector512.Sum(acc);
            Vector512<float> a = Vector512.Create(learningRate * e);
            Vector512<float> c = Vector512.Create(shrink);
            Vector512<float> cy = Vector512.Create(implicitShrink);
            for (int k = 0; k < stride; k += 16)
            {
                Vector512<float> pv = Vector512.LoadUnsafe(ref p, (nuint)k);
                Vector512<float> zv = Vector512.LoadUnsafe(ref z, (nuint)k);
                Vector512<float> qv = Vector512.LoadUnsafe(ref q, (nuint)k);
                Vector512<float> aq = a * qv;
                (pv * c + aq).StoreUnsafe(ref p, (nuint)k);
                Vector512.FusedMultiplyAdd(a, pv + zv, c * qv).StoreUnsafe(ref q, (nuint)k);
                (zv * cy + aq).StoreUnsafe(ref z, (nuint)k);
                (Vector512.LoadUnsafe(ref g, (nuint)k) * cy + aq).StoreUnsafe(ref g, (nuint)k);
            }

            return e;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(ref float source, ref float destination, int stride)
        {
            for (int k = 0; k < stride; k += 16)
            {
                (Vector512.LoadUnsafe(ref destination, (nuint)k) + Vector512.LoadUnsafe(ref source, (nuint)k)).StoreUnsafe(ref destination, (nuint)k);
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Combine(float a, ref float y, float b, ref float g, int stride)
        {
            Vector512<float> av = Vector512.Create(a), bv = Vector512.Create(b);
            for (int k = 0; k < stride; k += 16)
            {
                Vector512.FusedMultiplyAdd(bv, Vector512.LoadUnsafe(ref g, (nuint)k), av * Vector512.LoadUnsafe(ref y, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
            }
        }
    }
}
