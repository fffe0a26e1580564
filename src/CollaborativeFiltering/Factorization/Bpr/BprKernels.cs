using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollaborativeFiltering.Factorization.Bpr;

/// <summary>
/// The per-triple update of BPR on padded rows (a stride of floats, the padding zero): with
/// x = ⟨p, q_i − q_j⟩ + (b_i − b_j), g = σ(−x) = 1/(1 + eˣ), a = lr·g and c = 1 − lr·λ,
/// <code>
/// p ← c·p + a·(q_i − q_j)      q_i ← c·q_i + a·p      q_j ← c·q_j − a·p
/// </code>
/// every right-hand side taking the values before the triple (gradient ascent on ln σ(x) − (λ/2)·‖θ‖²,
/// Rendle et al. 2009). One struct per vector width (<see cref="Scalar"/>, <see cref="Width256"/>,
/// <see cref="Width512"/>), chosen once per fit from the stride; <see cref="Scalar"/> is the twin the tests
/// compare the vector paths against (to float precision: the vector paths sum in lanes with fused
/// multiply-adds). Zero padding stays zero.
/// </summary>
internal static class BprKernels
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

    /// <summary>The update of one vector width.</summary>
    internal interface IRowKernel
    {
        /// <summary>Updates p, q_i and q_j for one triple (see <see cref="BprKernels"/>); returns x and sets <paramref name="gradient"/> to g = σ(−x).</summary>
        static abstract float Update(ref float p, ref float positive, ref float negative, int stride, float biasDifference, float learningRate, float shrink, out float gradient);
    }

    /// <summary>The family for rows of <paramref name="stride"/> floats on this machine: the widest whose vectors tile the stride.</summary>
    public static KernelKind KindFor(int stride) =>
        Vector512.IsHardwareAccelerated && stride % 16 == 0 ? KernelKind.Width512
        : Vector256.IsHardwareAccelerated && stride % 8 == 0 ? KernelKind.Width256
        : KernelKind.Scalar;

    /// <summary>g = σ(−x) = 1/(1 + eˣ), without overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float x) => x >= 0 ? MathF.Exp(-x) / (1 + MathF.Exp(-x)) : 1 / (1 + MathF.Exp(x));

    /// <summary>−ln σ(x) = ln(1 + e⁻ˣ), without overflow.</summary>
    public static double Loss(float x) => x >= 0 ? Math.Log(1 + Math.Exp(-x)) : -x + Math.Log(1 + Math.Exp(x));

    /// <summary>The update through a chosen family (for the tests); the rows' length is the stride and must suit the family.</summary>
    public static float Update(KernelKind kind, Span<float> p, Span<float> positive, Span<float> negative, float biasDifference, float learningRate, float shrink, out float gradient)
    {
        Debug.Assert(p.Length == positive.Length && p.Length == negative.Length);
        ref float rp = ref MemoryMarshal.GetReference(p);
        ref float ri = ref MemoryMarshal.GetReference(positive);
        ref float rj = ref MemoryMarshal.GetReference(negative);
        return kind switch
        {
            KernelKind.Width512 => Width512.Update(ref rp, ref ri, ref rj, p.Length, biasDifference, learningRate, shrink, out gradient),
            KernelKind.Width256 => Width256.Update(ref rp, ref ri, ref rj, p.Length, biasDifference, learningRate, shrink, out gradient),
            _ => Scalar.Update(ref rp, ref ri, ref rj, p.Length, biasDifference, learningRate, shrink, out gradient),
        };
    }

    /// <summary>The scalar twin.</summary>
    internal readonly struct Scalar : IRowKernel
    {
        /// <inheritdoc/>
        public static float Update(ref float p, ref float positive, ref float negative, int stride, float biasDifference, float learningRate, float shrink, out float gradient)
        {
            float dot = 0;
            for (int k = 0; k < stride; k++)
            {
                dot += Unsafe.Add(ref p, k) * (Unsafe.Add(ref positive, k) - Unsafe.Add(ref negative, k));
            }

            float x = dot + biasDifference;
            gradient = Gradient(x);
            float a = learningRate * gradient;
            for (int k = 0; k < stride; k++)
            {
                float pk = Unsafe.Add(ref p, k), ik = Unsafe.Add(ref positive, k), jk = Unsafe.Add(ref negative, k);
                float ap = a * pk;
                Unsafe.Add(ref p, k) = (shrink * pk) + (a * (ik - jk));
                Unsafe.Add(ref positive, k) = (shrink * ik) + ap;
                Unsafe.Add(ref negative, k) = (shrink * jk) - ap;
            }

            return x;
        }
    }

    /// <summary>256-bit vectors; stride a multiple of 8.</summary>
    internal readonly struct Width256 : IRowKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(ref float p, ref float positive, ref float negative, int stride, float biasDifference, float learningRate, float shrink, out float gradient)
        {
            Debug.Assert(stride % 8 == 0);
            Vector256<float> acc = Vector256<float>.Zero;
            for (int k = 0; k < stride; k += 8)
            {
                Vector256<float> difference = Vector256.LoadUnsafe(ref positive, (nuint)k) - Vector256.LoadUnsafe(ref negative, (nuint)k);
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, (nuint)k), difference, acc);
            }

            float x = Vector256.Sum(acc) + biasDifference;
            gradient = Gradient(x);
            Vector256<float> a = Vector256.Create(learningRate * gradient);
            Vector256<float> c = Vector256.Create(shrink);
            for (int k = 0; k < stride; k += 8)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)k);
                Vector256<float> iv = Vector256.LoadUnsafe(ref positive, (nuint)k);
                Vector256<float> jv = Vector256.LoadUnsafe(ref negative, (nuint)k);
                Vector256<float> ap = a * pv;
                Vector256.FusedMultiplyAdd(a, iv - jv, c * pv).StoreUnsafe(ref p, (nuint)k);
                (c * iv + ap).StoreUnsafe(ref positive, (nuint)k);
                (c * jv - ap).StoreUnsafe(ref negative, (nuint)k);
            }

            return x;
        }
    }

    /// <summary>512-bit vectors; stride a multiple of 16.</summary>
    internal readonly struct Width512 : IRowKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(ref float p, ref float positive, ref float negative, int stride, float biasDifference, float learningRate, float shrink, out float gradient)
        {
            Debug.Assert(stride % 16 == 0);
            Vector512<float> acc = Vector512<float>.Zero;
            for (int k = 0; k < stride; k += 16)
            {
                Vector512<float> difference = Vector512.LoadUnsafe(ref positive, (nuint)k) - Vector512.LoadUnsafe(ref negative, (nuint)k);
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, (nuint)k), difference, acc);
            }

            float x = Vector512.Sum(acc) + biasDifference;
            gradient = Gradient(x);
            Vector512<float> a = Vector512.Create(learningRate * gradient);
            Vector512<float> c = Vector512.Create(shrink);
            for (int k = 0; k < stride; k += 16)
            {
                Vector512<float> pv = Vector512.LoadUnsafe(ref p, (nuint)k);
                Vector512<float> iv = Vector512.LoadUnsafe(ref positive, (nuint)k);
                Vector512<float> jv = Vector512.LoadUnsafe(ref negative, (nuint)k);
                Vector512<float> ap = a * pv;
                Vector512.FusedMultiplyAdd(a, iv - jv, c * pv).StoreUnsafe(ref p, (nuint)k);
                (c * iv + ap).StoreUnsafe(ref positive, (nuint)k);
                (c * jv - ap).StoreUnsafe(ref negative, (nuint)k);
            }

            return x;
        }
    }
}
