using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization.Sgd;

/// <summary>
/// The per-rating update of biased SGD on two factor rows: <c>e = target − ⟨p, q⟩</c>, then, with
/// a = lr·e and c = 1 − lr·λ, <c>p ← c·p + a·q</c> and <c>q ← c·q + a·p_old</c> (Surprise's update:
/// the item row moves with the user row as it was before this rating); returns e.
/// </summary>
/// <remarks>
/// <para>The trainer stores rows with a padded length, the stride (<see cref="PaddedRows.WholeVectors"/>): d rounded up to the
/// vector width, the padding zero. Zero lanes add nothing to the dot product and stay zero
/// (c·0 + a·0), so no kernel needs a masked tail, and rows start on 64-byte boundaries.</para>
/// <para>Kernels, by <see cref="KernelKind"/>: with 512-bit vectors and a stride of at most 128,
/// both rows are loaded once into registers (one to eight vectors each), the dot product is
/// formed, and the updated rows are stored from the same registers (<see cref="Fused512{TCount}"/>,
/// specialised per vector count); longer rows take two passes (<see cref="Loop512"/>); without
/// 512-bit vectors, 256-bit two-pass loops (<see cref="Loop256"/>); else the scalar twin
/// (<see cref="Scalar"/>), which the tests compare every path against. The vector paths sum the
/// dot product in vector-width partial sums with fused multiply-adds, so they agree with the
/// scalar twin to float precision, not bit for bit; each path's operation order depends only on
/// the stride, so results are reproducible on one machine.</para>
/// </remarks>
internal static class BiasedSgdKernels
{
    /// <summary>The kernel families.</summary>
    internal enum KernelKind
    {
        /// <summary>Plain float loops.</summary>
        Scalar,

        /// <summary>256-bit vectors, a dot pass then an update pass; stride a multiple of 8.</summary>
        Loop256,

        /// <summary>512-bit vectors, a dot pass then an update pass; stride a multiple of 16.</summary>
        Loop512,

        /// <summary>512-bit vectors held in registers between the dot product and the update; stride a multiple of 16, at most 128.</summary>
        Fused512,
    }

    /// <summary>The row kernel: one update of p and q (each a stride of floats, padding zero, not overlapping); returns e.</summary>
    internal interface IRowKernel
    {
        /// <summary>Updates the rows; see <see cref="BiasedSgdKernels"/>.</summary>
        static abstract float Update(ref float p, ref float q, int stride, float target, float learningRate, float shrink);
    }

    /// <summary>A compile-time vector count for <see cref="Fused512{TCount}"/>.</summary>
    internal interface IVectorCount
    {
        /// <summary>The number of 512-bit vectors per row, 1 to 8.</summary>
        static abstract int Count { get; }
    }

    /// <summary>The kernel family used on this machine for rows of <paramref name="stride"/> floats (a value of <see cref="PaddedRows.WholeVectors"/>).</summary>
    public static KernelKind KindFor(int stride) =>
        Vector512.IsHardwareAccelerated ? (stride <= 128 ? KernelKind.Fused512 : KernelKind.Loop512)
        : Vector256.IsHardwareAccelerated ? KernelKind.Loop256
        : KernelKind.Scalar;

    /// <summary>The update through a chosen family (for the tests and benchmarks); the rows' length is the stride and must suit the family.</summary>
    public static float Update(KernelKind kind, Span<float> p, Span<float> q, float target, float learningRate, float shrink)
    {
        Debug.Assert(p.Length == q.Length && p.Length > 0);
        ref float rp = ref MemoryMarshal.GetReference(p);
        ref float rq = ref MemoryMarshal.GetReference(q);
        int stride = p.Length;
        return kind switch
        {
            KernelKind.Fused512 => (stride / 16) switch
            {
                1 => Fused512<V1>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
                2 => Fused512<V2>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
                3 => Fused512<V3>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
                4 => Fused512<V4>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
                5 => Fused512<V5>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
                6 => Fused512<V6>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
                7 => Fused512<V7>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
                _ => Fused512<V8>.Update(ref rp, ref rq, stride, target, learningRate, shrink),
            },
            KernelKind.Loop512 => Loop512.Update(ref rp, ref rq, stride, target, learningRate, shrink),
            KernelKind.Loop256 => Loop256.Update(ref rp, ref rq, stride, target, learningRate, shrink),
            _ => Scalar.Update(ref rp, ref rq, stride, target, learningRate, shrink),
        };
    }

    /// <summary>The scalar twin: a left-to-right float dot product, then the element-wise update.</summary>
    internal readonly struct Scalar : IRowKernel
    {
        /// <inheritdoc/>
        public static float Update(ref float p, ref float q, int stride, float target, float learningRate, float shrink)
        {
            float dot = 0;
            for (int k = 0; k < stride; k++)
            {
                dot += Unsafe.Add(ref p, k) * Unsafe.Add(ref q, k);
            }

            float e = target - dot;
            float a = learningRate * e;
            for (int k = 0; k < stride; k++)
            {
                float pk = Unsafe.Add(ref p, k);
                float qk = Unsafe.Add(ref q, k);
                Unsafe.Add(ref p, k) = (shrink * pk) + (a * qk);
                Unsafe.Add(ref q, k) = (shrink * qk) + (a * pk);
            }

            return e;
        }
    }

    /// <summary>256-bit two-pass kernel; stride a multiple of 8.</summary>
    internal readonly struct Loop256 : IRowKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(ref float p, ref float q, int stride, float target, float learningRate, float shrink)
        {
            Debug.Assert(stride % 8 == 0);
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
            int i = 0;
            for (; i <= stride - 16; i += 16)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, (nuint)i), Vector256.LoadUnsafe(ref q, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, (nuint)(i + 8)), Vector256.LoadUnsafe(ref q, (nuint)(i + 8)), acc1);
            }

            if (i < stride)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, (nuint)i), Vector256.LoadUnsafe(ref q, (nuint)i), acc0);
            }

            float e = target - Vector256.Sum(acc0 + acc1);
            Vector256<float> a = Vector256.Create(learningRate * e);
            Vector256<float> c = Vector256.Create(shrink);
            for (int k = 0; k < stride; k += 8)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)k);
                Vector256<float> qv = Vector256.LoadUnsafe(ref q, (nuint)k);
                Vector256.FusedMultiplyAdd(a, qv, c * pv).StoreUnsafe(ref p, (nuint)k);
                Vector256.FusedMultiplyAdd(a, pv, c * qv).StoreUnsafe(ref q, (nuint)k);
            }

            return e;
        }
    }

    /// <summary>512-bit two-pass kernel for long rows; stride a multiple of 16.</summary>
    internal readonly struct Loop512 : IRowKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(ref float p, ref float q, int stride, float target, float learningRate, float shrink)
        {
            Debug.Assert(stride % 16 == 0);
            Vector512<float> acc0 = Vector512<float>.Zero, acc1 = Vector512<float>.Zero;
            int i = 0;
            for (; i <= stride - 32; i += 32)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, (nuint)i), Vector512.LoadUnsafe(ref q, (nuint)i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, (nuint)(i + 16)), Vector512.LoadUnsafe(ref q, (nuint)(i + 16)), acc1);
            }

            if (i < stride)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, (nuint)i), Vector512.LoadUnsafe(ref q, (nuint)i), acc0);
            }

            float e = target - Vector512.Sum(acc0 + acc1);
            Vector512<float> a = Vector512.Create(learningRate * e);
            Vector512<float> c = Vector512.Create(shrink);
            for (int k = 0; k < stride; k += 16)
            {
                Vector512<float> pv = Vector512.LoadUnsafe(ref p, (nuint)k);
                Vector512<float> qv = Vector512.LoadUnsafe(ref q, (nuint)k);
                Vector512.FusedMultiplyAdd(a, qv, c * pv).StoreUnsafe(ref p, (nuint)k);
                Vector512.FusedMultiplyAdd(a, pv, c * qv).StoreUnsafe(ref q, (nuint)k);
            }

            return e;
        }
    }

    /// <summary>
    /// 512-bit register-resident kernel for <typeparamref name="TCount"/> vectors per row (stride
    /// 16·count): the JIT specialises it per count and drops the branches beyond it.
    /// </summary>
    internal readonly struct Fused512<TCount> : IRowKernel
        where TCount : struct, IVectorCount
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(ref float p, ref float q, int stride, float target, float learningRate, float shrink)
        {
            int n = TCount.Count;
            Debug.Assert(stride == 16 * n);
            Vector512<float> p0 = Vector512.LoadUnsafe(ref p, 0), q0 = Vector512.LoadUnsafe(ref q, 0);
            Vector512<float> p1 = default, q1 = default, p2 = default, q2 = default, p3 = default, q3 = default;
            Vector512<float> p4 = default, q4 = default, p5 = default, q5 = default, p6 = default, q6 = default, p7 = default, q7 = default;
            Vector512<float> even = p0 * q0, odd = Vector512<float>.Zero;
            if (n > 1)
            {
                p1 = Vector512.LoadUnsafe(ref p, 16);
                q1 = Vector512.LoadUnsafe(ref q, 16);
                odd = p1 * q1;
            }

            if (n > 2)
            {
                p2 = Vector512.LoadUnsafe(ref p, 32);
                q2 = Vector512.LoadUnsafe(ref q, 32);
                even = Vector512.FusedMultiplyAdd(p2, q2, even);
            }

            if (n > 3)
            {
                p3 = Vector512.LoadUnsafe(ref p, 48);
                q3 = Vector512.LoadUnsafe(ref q, 48);
                odd = Vector512.FusedMultiplyAdd(p3, q3, odd);
            }

            if (n > 4)
            {
                p4 = Vector512.LoadUnsafe(ref p, 64);
                q4 = Vector512.LoadUnsafe(ref q, 64);
                even = Vector512.FusedMultiplyAdd(p4, q4, even);
            }

            if (n > 5)
            {
                p5 = Vector512.LoadUnsafe(ref p, 80);
                q5 = Vector512.LoadUnsafe(ref q, 80);
                odd = Vector512.FusedMultiplyAdd(p5, q5, odd);
            }

            if (n > 6)
            {
                p6 = Vector512.LoadUnsafe(ref p, 96);
                q6 = Vector512.LoadUnsafe(ref q, 96);
                even = Vector512.FusedMultiplyAdd(p6, q6, even);
            }

            if (n > 7)
            {
                p7 = Vector512.LoadUnsafe(ref p, 112);
                q7 = Vector512.LoadUnsafe(ref q, 112);
                odd = Vector512.FusedMultiplyAdd(p7, q7, odd);
            }

            float e = target - Vector512.Sum(even + odd);
            Vector512<float> a = Vector512.Create(learningRate * e);
            Vector512<float> c = Vector512.Create(shrink);
            Vector512.FusedMultiplyAdd(a, q0, c * p0).StoreUnsafe(ref p, 0);
            Vector512.FusedMultiplyAdd(a, p0, c * q0).StoreUnsafe(ref q, 0);
            if (n > 1)
            {
                Vector512.FusedMultiplyAdd(a, q1, c * p1).StoreUnsafe(ref p, 16);
                Vector512.FusedMultiplyAdd(a, p1, c * q1).StoreUnsafe(ref q, 16);
            }

            if (n > 2)
            {
                Vector512.FusedMultiplyAdd(a, q2, c * p2).StoreUnsafe(ref p, 32);
                Vector512.FusedMultiplyAdd(a, p2, c * q2).StoreUnsafe(ref q, 32);
            }

            if (n > 3)
            {
                Vector512.FusedMultiplyAdd(a, q3, c * p3).StoreUnsafe(ref p, 48);
                Vector512.FusedMultiplyAdd(a, p3, c * q3).StoreUnsafe(ref q, 48);
            }

            if (n > 4)
            {
                Vector512.FusedMultiplyAdd(a, q4, c * p4).StoreUnsafe(ref p, 64);
                Vector512.FusedMultiplyAdd(a, p4, c * q4).StoreUnsafe(ref q, 64);
            }

            if (n > 5)
            {
                Vector512.FusedMultiplyAdd(a, q5, c * p5).StoreUnsafe(ref p, 80);
                Vector512.FusedMultiplyAdd(a, p5, c * q5).StoreUnsafe(ref q, 80);
            }

            if (n > 6)
            {
                Vector512.FusedMultiplyAdd(a, q6, c * p6).StoreUnsafe(ref p, 96);
                Vector512.FusedMultiplyAdd(a, p6, c * q6).StoreUnsafe(ref q, 96);
            }

            if (n > 7)
            {
                Vector512.FusedMultiplyAdd(a, q7, c * p7).StoreUnsafe(ref p, 112);
                Vector512.FusedMultiplyAdd(a, p7, c * q7).StoreUnsafe(ref q, 112);
            }

            return e;
        }
    }

#pragma warning disable SA1402, CA1812 // Compile-time constants for Fused512, instantiated only as type arguments.
    internal readonly struct V1 : IVectorCount
    {
        public static int Count => 1;
    }

    internal readonly struct V2 : IVectorCount
    {
        public static int Count => 2;
    }

    internal readonly struct V3 : IVectorCount
    {
        public static int Count => 3;
    }

    internal readonly struct V4 : IVectorCount
    {
        public static int Count => 4;
    }

    internal readonly struct V5 : IVectorCount
    {
        public static int Count => 5;
    }

    internal readonly struct V6 : IVectorCount
    {
        public static int Count => 6;
    }

    internal readonly struct V7 : IVectorCount
    {
        public static int Count => 7;
    }

    internal readonly struct V8 : IVectorCount
    {
        public static int Count => 8;
    }
#pragma warning restore SA1402, CA1812
}
