using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neural.Training;

/// <summary>
/// Kernels of the softmax trainer that <see cref="GemmKernel"/> does not cover: the product of a
/// block of logit gradients with the packed item panels (dQ = dZ·V), and the element-wise optimizer
/// steps. Item embeddings are kept in <see cref="GemmKernel"/>'s panel layout: panel p holds, for
/// k = 0..dp−1, the k-th coordinate of items p·P .. p·P+P−1 contiguously.
/// </summary>
internal static class SoftmaxKernels
{
    /// <summary>Adagrad's initial accumulator for every parameter (the course's 0.1; times s² for a parameter trained at scale s).</summary>
    public const float AdagradInitialAccumulator = 0.1f;

    /// <summary>Adam's β₁.</summary>
    public const float Beta1 = 0.9f;

    /// <summary>Adam's β₂.</summary>
    public const float Beta2 = 0.999f;

    /// <summary>Adam's ε.</summary>
    public const float Epsilon = 1e-8f;

    /// <summary>
    /// Logits more than this far below a row's maximum are raised to it before exponentiating:
    /// e⁻⁸⁰ ≈ 1.8·10⁻³⁵ is still a normal float, so no subnormal number (slow on x64) enters the
    /// kernels, and the probabilities change by less than 10⁻³⁴.
    /// </summary>
    public const float MinExponent = -80f;

    /// <summary>Probabilities (times 1/B) below this are set to zero by <see cref="ScaleFlushingTiny"/>.</summary>
    public const float FlushThreshold = 1e-30f;

    private const float OneMinusBeta1 = 0.1f;
    private const float OneMinusBeta2 = 0.001f;

    /// <summary>
    /// dq[r·dp + k] = Σ_panel Σ_lane z[panel·zStride + r·P + lane] · v[(panel·dp + k)·P + lane] for the
    /// <see cref="GemmKernel.Rows"/> rows r and every k &lt; dp (a multiple of 4), P = <see cref="GemmKernel.PanelWidth"/>.
    /// </summary>
    /// <param name="z">The block's rows of logit gradients, panel-major: panel p's 4×P values start at p·<paramref name="zStride"/>.</param>
    /// <param name="zStride">The distance between consecutive panels of <paramref name="z"/>.</param>
    /// <param name="v">The packed item embeddings: <paramref name="panelCount"/>·dp·P floats.</param>
    /// <param name="panelCount">The number of panels.</param>
    /// <param name="dp">The padded dimension, a multiple of 4.</param>
    /// <param name="dq">Receives 4 rows of dp floats.</param>
    public static void MultiplyByPanels(ReadOnlySpan<float> z, int zStride, ReadOnlySpan<float> v, int panelCount, int dp, Span<float> dq)
    {
        int p = GemmKernel.PanelWidth;
        if ((dp & 3) != 0 || z.Length < ((long)(panelCount - 1) * zStride) + (GemmKernel.Rows * p) || v.Length < (long)panelCount * dp * p || dq.Length < GemmKernel.Rows * dp)
        {
            ThrowHelper.Argument(nameof(dq), "The kernel's spans are shorter than the block, the panels or the output, or dp is not a multiple of 4.");
        }

        if (GemmKernel.Use512)
        {
            Width512.MultiplyByPanels(z, zStride, v, panelCount, dp, dq);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            VectorWidth.MultiplyByPanels(z, zStride, v, panelCount, dp, dq);
        }
        else
        {
            Scalar.MultiplyByPanels(z, zStride, v, panelCount, dp, dq, p);
        }
    }

    /// <summary>
    /// values[i] = values[i]·scale, then 0 where the result is below <see cref="FlushThreshold"/>
    /// (values are non-negative probabilities), so that products in the gradient kernels never turn
    /// subnormal. Element-wise: the SIMD path equals the scalar loop.
    /// </summary>
    public static void ScaleFlushingTiny(Span<float> values, float scale)
    {
        int n = values.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(scale);
            var t = new Vector<float>(FlushThreshold);
            ref float v = ref MemoryMarshal.GetReference(values);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> x = Vector.LoadUnsafe(ref v, (nuint)i) * s;
                Vector.ConditionalSelect(Vector.LessThan(x, t), Vector<float>.Zero, x).StoreUnsafe(ref v, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float x = values[i] * scale;
            values[i] = x < FlushThreshold ? 0f : x;
        }
    }

    /// <summary>
    /// One Adagrad step on every element: <c>a += g²; w −= lr·g/√a</c>. Element-wise, so the SIMD
    /// path equals <see cref="Scalar.Adagrad"/> bit for bit.
    /// </summary>
    public static void Adagrad(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> accumulator, float learningRate)
    {
        if (Vector.IsHardwareAccelerated && gradient.Length >= Vector<float>.Count)
        {
            VectorWidth.Adagrad(weights, gradient, accumulator, learningRate);
        }
        else
        {
            Scalar.Adagrad(weights, gradient, accumulator, learningRate);
        }
    }

    /// <summary>
    /// One Adam step on every element with the bias-corrected step size <paramref name="stepSize"/> =
    /// lr·√(1−β₂ᵗ)/(1−β₁ᵗ): <c>m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; w −= stepSize·m/(√v + ε)</c>.
    /// Element-wise, so the SIMD path equals <see cref="Scalar.Adam"/> bit for bit.
    /// </summary>
    public static void Adam(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, float stepSize)
    {
        if (Vector.IsHardwareAccelerated && gradient.Length >= Vector<float>.Count)
        {
            VectorWidth.Adam(weights, gradient, first, second, stepSize);
        }
        else
        {
            Scalar.Adam(weights, gradient, first, second, stepSize);
        }
    }

    /// <summary>The product dQ = dZ·V of one vector width.</summary>
    internal interface IPanelKernel
    {
        /// <summary>See <see cref="SoftmaxKernels.MultiplyByPanels"/>; the caller has checked the lengths.</summary>
        static abstract void MultiplyByPanels(ReadOnlySpan<float> z, int zStride, ReadOnlySpan<float> v, int panelCount, int dp, Span<float> dq);
    }

    /// <summary>The optimizer steps of one width.</summary>
    internal interface IOptimizerKernel
    {
        /// <summary>One Adagrad step on every element (see <see cref="SoftmaxKernels.Adagrad"/>).</summary>
        static abstract void Adagrad(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> accumulator, float learningRate);

        /// <summary>One Adam step on every element (see <see cref="SoftmaxKernels.Adam"/>).</summary>
        static abstract void Adam(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, float stepSize);
    }

    /// <summary>512-bit vectors, with <see cref="GemmKernel.Width512"/>'s panels (callers check <see cref="GemmKernel.Use512"/>).</summary>
    internal readonly struct Width512 : IPanelKernel
    {
        /// <inheritdoc/>
        public static void MultiplyByPanels(ReadOnlySpan<float> z, int zStride, ReadOnlySpan<float> v, int panelCount, int dp, Span<float> dq)
        {
            const int w = 16;
            const int p = 2 * w;
            ref float zStart = ref MemoryMarshal.GetReference(z);
            ref float vStart = ref MemoryMarshal.GetReference(v);
            for (int kb = 0; kb < dp; kb += 4)
            {
                Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
                Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
                Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
                for (int panel = 0; panel < panelCount; panel++)
                {
                    ref float zp = ref Unsafe.Add(ref zStart, (nint)panel * zStride);
                    ref float vp = ref Unsafe.Add(ref vStart, (((nint)panel * dp) + kb) * p);
                    for (nuint h = 0; h < p; h += w)
                    {
                        Vector512<float> x0 = Vector512.LoadUnsafe(ref zp, h);
                        Vector512<float> x1 = Vector512.LoadUnsafe(ref zp, p + h);
                        Vector512<float> x2 = Vector512.LoadUnsafe(ref zp, (2 * p) + h);
                        Vector512<float> x3 = Vector512.LoadUnsafe(ref zp, (3 * p) + h);
                        Vector512<float> y0 = Vector512.LoadUnsafe(ref vp, h);
                        Vector512<float> y1 = Vector512.LoadUnsafe(ref vp, p + h);
                        Vector512<float> y2 = Vector512.LoadUnsafe(ref vp, (2 * p) + h);
                        Vector512<float> y3 = Vector512.LoadUnsafe(ref vp, (3 * p) + h);
                        a00 = Vector512.FusedMultiplyAdd(x0, y0, a00);
                        a01 = Vector512.FusedMultiplyAdd(x0, y1, a01);
                        a02 = Vector512.FusedMultiplyAdd(x0, y2, a02);
                        a03 = Vector512.FusedMultiplyAdd(x0, y3, a03);
                        a10 = Vector512.FusedMultiplyAdd(x1, y0, a10);
                        a11 = Vector512.FusedMultiplyAdd(x1, y1, a11);
                        a12 = Vector512.FusedMultiplyAdd(x1, y2, a12);
                        a13 = Vector512.FusedMultiplyAdd(x1, y3, a13);
                        a20 = Vector512.FusedMultiplyAdd(x2, y0, a20);
                        a21 = Vector512.FusedMultiplyAdd(x2, y1, a21);
                        a22 = Vector512.FusedMultiplyAdd(x2, y2, a22);
                        a23 = Vector512.FusedMultiplyAdd(x2, y3, a23);
                        a30 = Vector512.FusedMultiplyAdd(x3, y0, a30);
                        a31 = Vector512.FusedMultiplyAdd(x3, y1, a31);
                        a32 = Vector512.FusedMultiplyAdd(x3, y2, a32);
                        a33 = Vector512.FusedMultiplyAdd(x3, y3, a33);
                    }
                }

                dq[kb] = Vector512.Sum(a00);
                dq[kb + 1] = Vector512.Sum(a01);
                dq[kb + 2] = Vector512.Sum(a02);
                dq[kb + 3] = Vector512.Sum(a03);
                dq[dp + kb] = Vector512.Sum(a10);
                dq[dp + kb + 1] = Vector512.Sum(a11);
                dq[dp + kb + 2] = Vector512.Sum(a12);
                dq[dp + kb + 3] = Vector512.Sum(a13);
                dq[(2 * dp) + kb] = Vector512.Sum(a20);
                dq[(2 * dp) + kb + 1] = Vector512.Sum(a21);
                dq[(2 * dp) + kb + 2] = Vector512.Sum(a22);
                dq[(2 * dp) + kb + 3] = Vector512.Sum(a23);
                dq[(3 * dp) + kb] = Vector512.Sum(a30);
                dq[(3 * dp) + kb + 1] = Vector512.Sum(a31);
                dq[(3 * dp) + kb + 2] = Vector512.Sum(a32);
                dq[(3 * dp) + kb + 3] = Vector512.Sum(a33);
            }
        }
    }

    /// <summary><see cref="Vector{T}"/> of the machine's width, with <see cref="GemmKernel.VectorWidth"/>'s panels; the optimizers end with a scalar tail.</summary>
    internal readonly struct VectorWidth : IPanelKernel, IOptimizerKernel
    {
        /// <inheritdoc/>
        public static void MultiplyByPanels(ReadOnlySpan<float> z, int zStride, ReadOnlySpan<float> v, int panelCount, int dp, Span<float> dq)
        {
            int w = Vector<float>.Count;
            int p = 2 * w;
            ref float zStart = ref MemoryMarshal.GetReference(z);
            ref float vStart = ref MemoryMarshal.GetReference(v);
            for (int kb = 0; kb < dp; kb += 4)
            {
                Vector<float> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector<float> a10 = default, a11 = default, a12 = default, a13 = default;
                Vector<float> a20 = default, a21 = default, a22 = default, a23 = default;
                Vector<float> a30 = default, a31 = default, a32 = default, a33 = default;
                for (int panel = 0; panel < panelCount; panel++)
                {
                    ref float zp = ref Unsafe.Add(ref zStart, (nint)panel * zStride);
                    ref float vp = ref Unsafe.Add(ref vStart, (((nint)panel * dp) + kb) * p);
                    for (int h = 0; h < p; h += w)
                    {
                        Vector<float> x0 = Vector.LoadUnsafe(ref zp, (nuint)h);
                        Vector<float> x1 = Vector.LoadUnsafe(ref zp, (nuint)(p + h));
                        Vector<float> x2 = Vector.LoadUnsafe(ref zp, (nuint)((2 * p) + h));
                        Vector<float> x3 = Vector.LoadUnsafe(ref zp, (nuint)((3 * p) + h));
                        Vector<float> y0 = Vector.LoadUnsafe(ref vp, (nuint)h);
                        Vector<float> y1 = Vector.LoadUnsafe(ref vp, (nuint)(p + h));
                        Vector<float> y2 = Vector.LoadUnsafe(ref vp, (nuint)((2 * p) + h));
                        Vector<float> y3 = Vector.LoadUnsafe(ref vp, (nuint)((3 * p) + h));
                        a00 = Vector.FusedMultiplyAdd(x0, y0, a00);
                        a01 = Vector.FusedMultiplyAdd(x0, y1, a01);
                        a02 = Vector.FusedMultiplyAdd(x0, y2, a02);
                        a03 = Vector.FusedMultiplyAdd(x0, y3, a03);
                        a10 = Vector.FusedMultiplyAdd(x1, y0, a10);
                        a11 = Vector.FusedMultiplyAdd(x1, y1, a11);
                        a12 = Vector.FusedMultiplyAdd(x1, y2, a12);
                        a13 = Vector.FusedMultiplyAdd(x1, y3, a13);
                        a20 = Vector.FusedMultiplyAdd(x2, y0, a20);
                        a21 = Vector.FusedMultiplyAdd(x2, y1, a21);
                        a22 = Vector.FusedMultiplyAdd(x2, y2, a22);
                        a23 = Vector.FusedMultiplyAdd(x2, y3, a23);
                        a30 = Vector.FusedMultiplyAdd(x3, y0, a30);
                        a31 = Vector.FusedMultiplyAdd(x3, y1, a31);
                        a32 = Vector.FusedMultiplyAdd(x3, y2, a32);
                        a33 = Vector.FusedMultiplyAdd(x3, y3, a33);
                    }
                }

                dq[kb] = Vector.Sum(a00);
                dq[kb + 1] = Vector.Sum(a01);
                dq[kb + 2] = Vector.Sum(a02);
                dq[kb + 3] = Vector.Sum(a03);
                dq[dp + kb] = Vector.Sum(a10);
                dq[dp + kb + 1] = Vector.Sum(a11);
                dq[dp + kb + 2] = Vector.Sum(a12);
                dq[dp + kb + 3] = Vector.Sum(a13);
                dq[(2 * dp) + kb] = Vector.Sum(a20);
                dq[(2 * dp) + kb + 1] = Vector.Sum(a21);
                dq[(2 * dp) + kb + 2] = Vector.Sum(a22);
                dq[(2 * dp) + kb + 3] = Vector.Sum(a23);
                dq[(3 * dp) + kb] = Vector.Sum(a30);
                dq[(3 * dp) + kb + 1] = Vector.Sum(a31);
                dq[(3 * dp) + kb + 2] = Vector.Sum(a32);
                dq[(3 * dp) + kb + 3] = Vector.Sum(a33);
            }
        }

        /// <inheritdoc/>
        public static void Adagrad(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> accumulator, float learningRate)
        {
            int n = gradient.Length;
            int i = 0;
            if (n >= Vector<float>.Count)
            {
                var lr = new Vector<float>(learningRate);
                ref float w = ref MemoryMarshal.GetReference(weights[..n]);
                ref float g = ref MemoryMarshal.GetReference(gradient);
                ref float a = ref MemoryMarshal.GetReference(accumulator[..n]);
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    Vector<float> gv = Vector.LoadUnsafe(ref g, (nuint)i);
                    Vector<float> av = Vector.LoadUnsafe(ref a, (nuint)i) + (gv * gv);
                    av.StoreUnsafe(ref a, (nuint)i);
                    (Vector.LoadUnsafe(ref w, (nuint)i) - (lr * gv / Vector.SquareRoot(av))).StoreUnsafe(ref w, (nuint)i);
                }
            }

            Scalar.Adagrad(weights[i..n], gradient[i..], accumulator[i..n], learningRate);
        }

        /// <inheritdoc/>
        public static void Adam(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, float stepSize)
        {
            int n = gradient.Length;
            int i = 0;
            if (n >= Vector<float>.Count)
            {
                var step = new Vector<float>(stepSize);
                var b1 = new Vector<float>(Beta1);
                var b2 = new Vector<float>(Beta2);
                var c1 = new Vector<float>(OneMinusBeta1);
                var c2 = new Vector<float>(OneMinusBeta2);
                var eps = new Vector<float>(Epsilon);
                ref float w = ref MemoryMarshal.GetReference(weights[..n]);
                ref float g = ref MemoryMarshal.GetReference(gradient);
                ref float m = ref MemoryMarshal.GetReference(first[..n]);
                ref float v = ref MemoryMarshal.GetReference(second[..n]);
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    Vector<float> gv = Vector.LoadUnsafe(ref g, (nuint)i);
                    Vector<float> mv = (b1 * Vector.LoadUnsafe(ref m, (nuint)i)) + (c1 * gv);
                    Vector<float> vv = (b2 * Vector.LoadUnsafe(ref v, (nuint)i)) + (c2 * (gv * gv));
                    mv.StoreUnsafe(ref m, (nuint)i);
                    vv.StoreUnsafe(ref v, (nuint)i);
                    (Vector.LoadUnsafe(ref w, (nuint)i) - (step * mv / (Vector.SquareRoot(vv) + eps))).StoreUnsafe(ref w, (nuint)i);
                }
            }

            Scalar.Adam(weights[i..n], gradient[i..], first[i..n], second[i..n], stepSize);
        }
    }

    /// <summary>The scalar twins the tests compare every width against (the panel product for any panel width).</summary>
    internal readonly struct Scalar : IOptimizerKernel
    {
        /// <summary>The twin of the vector widths' <c>MultiplyByPanels</c> for any panel width (sums in double).</summary>
        public static void MultiplyByPanels(ReadOnlySpan<float> z, int zStride, ReadOnlySpan<float> v, int panelCount, int dp, Span<float> dq, int panelWidth)
        {
            int p = panelWidth;
            for (int r = 0; r < GemmKernel.Rows; r++)
            {
                for (int k = 0; k < dp; k++)
                {
                    double acc = 0;
                    for (int panel = 0; panel < panelCount; panel++)
                    {
                        int zb = (panel * zStride) + (r * p);
                        int vb = ((panel * dp) + k) * p;
                        for (int lane = 0; lane < p; lane++)
                        {
                            acc += (double)z[zb + lane] * v[vb + lane];
                        }
                    }

                    dq[(r * dp) + k] = (float)acc;
                }
            }
        }

        /// <inheritdoc/>
        public static void Adagrad(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> accumulator, float learningRate)
        {
            for (int i = 0; i < gradient.Length; i++)
            {
                float g = gradient[i];
                float a = accumulator[i] + (g * g);
                accumulator[i] = a;
                weights[i] -= learningRate * g / MathF.Sqrt(a);
            }
        }

        /// <inheritdoc/>
        public static void Adam(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, float stepSize)
        {
            for (int i = 0; i < gradient.Length; i++)
            {
                float g = gradient[i];
                float m = (Beta1 * first[i]) + (OneMinusBeta1 * g);
                float v = (Beta2 * second[i]) + (OneMinusBeta2 * (g * g));
                first[i] = m;
                second[i] = v;
                weights[i] -= stepSize * m / (MathF.Sqrt(v) + Epsilon);
            }
        }
    }
}
