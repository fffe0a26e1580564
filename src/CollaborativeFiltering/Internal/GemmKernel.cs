using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// A register-blocked product of a few query rows with all item embeddings. Items are packed once
/// per call into d-major panels of <see cref="PanelWidth"/> items (two SIMD vectors wide); the
/// micro-kernel multiplies <see cref="Rows"/> query rows by one panel with 2·<see cref="Rows"/> vector
/// FMA accumulators. In the library's one SIMD style (<see cref="RowKernels"/>'s), each width is a
/// struct implementing <see cref="IGemmKernel"/>: <see cref="Width512"/> on AVX-512 hardware,
/// <see cref="VectorWidth"/> (<see cref="Vector{T}"/>) otherwise. Each output lane is the same fused
/// multiply-add chain over k as <see cref="ScoreKernel.ChainDot"/>, so every width equals the scalar
/// twin <see cref="Scalar"/> bit for bit.
/// </summary>
internal static class GemmKernel
{
    /// <summary>Query rows per micro-kernel call.</summary>
    public const int Rows = 4;

    /// <summary>Whether the 512-bit kernel is used (twice the lanes per multiply-add of the 256-bit one; <c>ScoringBenchmarks</c> times <c>RecommendAll</c>, which runs on it).</summary>
    public static readonly bool Use512 = Vector512.IsHardwareAccelerated;

    /// <summary>Items per panel of the active kernel.</summary>
    public static readonly int PanelWidth = Use512 ? Width512.PanelWidth : VectorWidth.PanelWidth;

    /// <summary>The micro-kernel of one vector width.</summary>
    internal interface IGemmKernel
    {
        /// <summary>Items per panel: two vectors.</summary>
        static abstract int PanelWidth { get; }

        /// <summary>output[r·P + lane] = chain dot of query row r with item lane of the panel, for r &lt; <see cref="Rows"/>.</summary>
        static abstract void Multiply(ReadOnlySpan<float> queries, ReadOnlySpan<float> panel, int d, Span<float> output);
    }

    /// <summary>Packs for the active kernel (see <see cref="Pack(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int)"/>).</summary>
    public static (float[] Panels, float[] Bias) Pack(ReadOnlySpan<float> items, int d, int itemCount, ReadOnlySpan<float> biases) =>
        Pack(items, d, itemCount, biases, PanelWidth);

    /// <summary>
    /// Packs M row-major item embeddings into ⌈M/P⌉ panels: panel p holds, for k = 0..d−1, the k-th
    /// coordinate of items p·P .. p·P+P−1 contiguously. Padding items are zero. Also packs the
    /// per-item additive term (bias or 0), with −∞ for padding so that padded lanes never rank.
    /// </summary>
    public static (float[] Panels, float[] Bias) Pack(ReadOnlySpan<float> items, int d, int itemCount, ReadOnlySpan<float> biases, int panelWidth)
    {
        int p = panelWidth;
        int panelCount = (itemCount + p - 1) / p;
        var panels = new float[(long)panelCount * p * d];
        var bias = new float[panelCount * p];
        for (int j = 0; j < itemCount; j++)
        {
            int panel = j / p, lane = j - (panel * p);
            ReadOnlySpan<float> row = items.Slice(j * d, d);
            int baseIndex = panel * p * d;
            for (int k = 0; k < d; k++)
            {
                panels[baseIndex + (k * p) + lane] = row[k];
            }

            bias[j] = biases.IsEmpty ? 0f : biases[j];
        }

        bias.AsSpan(itemCount).Fill(float.NegativeInfinity);
        return (panels, bias);
    }

    /// <summary>
    /// output[r·P + lane] = chain dot of query row r with item lane of the panel, for r &lt; <see cref="Rows"/>,
    /// with the active kernel and <see cref="PanelWidth"/>.
    /// </summary>
    /// <param name="queries"><see cref="Rows"/> rows of d floats, row-major.</param>
    /// <param name="panel">One packed panel: d·P floats.</param>
    /// <param name="d">The dimension.</param>
    /// <param name="output"><see cref="Rows"/>·P floats.</param>
    public static void Multiply(ReadOnlySpan<float> queries, ReadOnlySpan<float> panel, int d, Span<float> output)
    {
        if (Use512)
        {
            Width512.Multiply(queries, panel, d, output);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            VectorWidth.Multiply(queries, panel, d, output);
        }
        else
        {
            Scalar.Multiply(queries, panel, d, output, PanelWidth);
        }
    }

    /// <summary>Whether any lane of row + bias exceeds the threshold (P lanes, active width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyGreater(ReadOnlySpan<float> row, ReadOnlySpan<float> bias, float threshold)
    {
        if (Use512)
        {
            var t = Vector512.Create(threshold);
            return Vector512.GreaterThanAny(Vector512.Create(row) + Vector512.Create(bias), t)
                || Vector512.GreaterThanAny(Vector512.Create(row[16..]) + Vector512.Create(bias[16..]), t);
        }

        var tv = new Vector<float>(threshold);
        for (int i = 0; i < row.Length; i += Vector<float>.Count)
        {
            if (Vector.GreaterThanAny(new Vector<float>(row[i..]) + new Vector<float>(bias[i..]), tv))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The 512-bit kernel (two 16-float vectors per panel); callers check <see cref="Vector512.IsHardwareAccelerated"/>.</summary>
    internal readonly struct Width512 : IGemmKernel
    {
        /// <inheritdoc/>
        public static int PanelWidth => 2 * 16;

        /// <inheritdoc/>
        public static void Multiply(ReadOnlySpan<float> queries, ReadOnlySpan<float> panel, int d, Span<float> output)
        {
            const int w = 16;
            const int p = 2 * w;
            CheckLengths(queries, panel, d, output, p);
            ref float q0 = ref MemoryMarshal.GetReference(queries);
            ref float q1 = ref Unsafe.Add(ref q0, d);
            ref float q2 = ref Unsafe.Add(ref q1, d);
            ref float q3 = ref Unsafe.Add(ref q2, d);
            ref float a = ref MemoryMarshal.GetReference(panel);
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
            for (int k = 0; k < d; k++)
            {
                Vector512<float> a0 = Vector512.LoadUnsafe(ref a);
                Vector512<float> a1 = Vector512.LoadUnsafe(ref a, w);
                a = ref Unsafe.Add(ref a, p);
                var b = Vector512.Create(Unsafe.Add(ref q0, k));
                c00 = Vector512.FusedMultiplyAdd(b, a0, c00);
                c01 = Vector512.FusedMultiplyAdd(b, a1, c01);
                b = Vector512.Create(Unsafe.Add(ref q1, k));
                c10 = Vector512.FusedMultiplyAdd(b, a0, c10);
                c11 = Vector512.FusedMultiplyAdd(b, a1, c11);
                b = Vector512.Create(Unsafe.Add(ref q2, k));
                c20 = Vector512.FusedMultiplyAdd(b, a0, c20);
                c21 = Vector512.FusedMultiplyAdd(b, a1, c21);
                b = Vector512.Create(Unsafe.Add(ref q3, k));
                c30 = Vector512.FusedMultiplyAdd(b, a0, c30);
                c31 = Vector512.FusedMultiplyAdd(b, a1, c31);
            }

            ref float o = ref MemoryMarshal.GetReference(output);
            c00.StoreUnsafe(ref o);
            c01.StoreUnsafe(ref o, w);
            c10.StoreUnsafe(ref o, p);
            c11.StoreUnsafe(ref o, p + w);
            c20.StoreUnsafe(ref o, 2 * p);
            c21.StoreUnsafe(ref o, (2 * p) + w);
            c30.StoreUnsafe(ref o, 3 * p);
            c31.StoreUnsafe(ref o, (3 * p) + w);
        }
    }

    /// <summary>The <see cref="Vector{T}"/> kernel (two vectors of the machine's width per panel).</summary>
    internal readonly struct VectorWidth : IGemmKernel
    {
        /// <inheritdoc/>
        public static int PanelWidth => 2 * Vector<float>.Count;

        /// <inheritdoc/>
        public static void Multiply(ReadOnlySpan<float> queries, ReadOnlySpan<float> panel, int d, Span<float> output)
        {
            int w = Vector<float>.Count;
            int p = 2 * w;
            CheckLengths(queries, panel, d, output, p);
            ref float q0 = ref MemoryMarshal.GetReference(queries);
            ref float q1 = ref Unsafe.Add(ref q0, d);
            ref float q2 = ref Unsafe.Add(ref q1, d);
            ref float q3 = ref Unsafe.Add(ref q2, d);
            ref float a = ref MemoryMarshal.GetReference(panel);
            Vector<float> c00 = Vector<float>.Zero, c01 = Vector<float>.Zero;
            Vector<float> c10 = Vector<float>.Zero, c11 = Vector<float>.Zero;
            Vector<float> c20 = Vector<float>.Zero, c21 = Vector<float>.Zero;
            Vector<float> c30 = Vector<float>.Zero, c31 = Vector<float>.Zero;
            for (int k = 0; k < d; k++)
            {
                Vector<float> a0 = Vector.LoadUnsafe(ref a);
                Vector<float> a1 = Vector.LoadUnsafe(ref a, (nuint)w);
                a = ref Unsafe.Add(ref a, p);
                var b = new Vector<float>(Unsafe.Add(ref q0, k));
                c00 = Vector.FusedMultiplyAdd(b, a0, c00);
                c01 = Vector.FusedMultiplyAdd(b, a1, c01);
                b = new Vector<float>(Unsafe.Add(ref q1, k));
                c10 = Vector.FusedMultiplyAdd(b, a0, c10);
                c11 = Vector.FusedMultiplyAdd(b, a1, c11);
                b = new Vector<float>(Unsafe.Add(ref q2, k));
                c20 = Vector.FusedMultiplyAdd(b, a0, c20);
                c21 = Vector.FusedMultiplyAdd(b, a1, c21);
                b = new Vector<float>(Unsafe.Add(ref q3, k));
                c30 = Vector.FusedMultiplyAdd(b, a0, c30);
                c31 = Vector.FusedMultiplyAdd(b, a1, c31);
            }

            ref float o = ref MemoryMarshal.GetReference(output);
            c00.StoreUnsafe(ref o);
            c01.StoreUnsafe(ref o, (nuint)w);
            c10.StoreUnsafe(ref o, (nuint)p);
            c11.StoreUnsafe(ref o, (nuint)(p + w));
            c20.StoreUnsafe(ref o, (nuint)(2 * p));
            c21.StoreUnsafe(ref o, (nuint)((2 * p) + w));
            c30.StoreUnsafe(ref o, (nuint)(3 * p));
            c31.StoreUnsafe(ref o, (nuint)((3 * p) + w));
        }
    }

    /// <summary>The scalar twin, for any panel width: the tests compare every width against it.</summary>
    internal readonly struct Scalar
    {
        /// <summary>The same chains as the vector widths, one lane at a time, for a panel of <paramref name="panelWidth"/> items.</summary>
        public static void Multiply(ReadOnlySpan<float> queries, ReadOnlySpan<float> panel, int d, Span<float> output, int panelWidth)
        {
            int p = panelWidth;
            for (int r = 0; r < Rows; r++)
            {
                ReadOnlySpan<float> q = queries.Slice(r * d, d);
                for (int lane = 0; lane < p; lane++)
                {
                    float acc = 0;
                    for (int k = 0; k < d; k++)
                    {
                        acc = MathF.FusedMultiplyAdd(q[k], panel[(k * p) + lane], acc);
                    }

                    output[(r * p) + lane] = acc;
                }
            }
        }
    }

    private static void CheckLengths(ReadOnlySpan<float> queries, ReadOnlySpan<float> panel, int d, Span<float> output, int p)
    {
        if (queries.Length < Rows * d || panel.Length < d * p || output.Length < Rows * p)
        {
            ThrowHelper.Argument(nameof(output), "The kernel's spans are shorter than one group of queries, one panel or one output block.");
        }
    }
}
