using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// The hot kernel of ALS: the (weighted) Gram matrix G = SᵀY = Σ_k s_k y_kᵀ of a chunk of packed
/// rows, accumulated into a double matrix. Y holds the other side's factor rows y_k, S the same
/// rows scaled by a per-row weight (S = Y for explicit ALS, (c_k − 1)·y_k for implicit ALS), both
/// packed as <see cref="PaddedRows"/> with a row stride of <see cref="RowStride"/> floats (8-aligned, zero-padded).
/// </summary>
/// <remarks>
/// <para>G is symmetric, so only its upper block-triangle is computed: for each group of 4 rows
/// a₀…a₀+3, the columns from the 8-aligned one at or below a₀ to the end, in 16-column blocks (an
/// 8-column block first or last where the alignment asks for it). A 4×16 block lives in eight Vector256 accumulators for the
/// whole chunk: per packed row, four broadcasts of s_k[a₀…a₀+3], two loads of y_k[b₀…b₀+15] and
/// eight fused multiply-adds, so the loop is bound by FMA throughput, not by loads and stores of G
/// (about n·d²/2 multiply-adds for n rows; at d = 64, 288 multiply-adds of 8 lanes per row instead of 512 for the full square).
/// The float block sums (at most <see cref="ChunkRows"/> terms) are widened and added to the double
/// G, so long rows keep double accuracy across chunks. Entries left of the diagonal inside a
/// diagonal block are computed too and must be ignored by the reader.</para>
/// <para>The scalar twin follows the same block and row order with
/// <see cref="MathF.FusedMultiplyAdd"/>, so on FMA hardware the two agree bit for bit.</para>
/// </remarks>
internal static class GramKernel
{
    /// <summary>The most packed rows per call: float block sums never run over more terms than this.</summary>
    public const int ChunkRows = 128;

    /// <summary>d rounded up to a multiple of 8: the packed row stride.</summary>
    public static int RowStride(int d) => PaddedRows.Multiple(d, 8);

    /// <summary>
    /// The Gram matrix Σ_r f_r f_rᵀ of rows <c>[r0, r1)</c> of a row-major factor matrix of width
    /// <paramref name="d"/>, into <paramref name="gram"/> (upper triangle, row stride
    /// <see cref="RowStride"/>, overwritten), chunk by chunk through <paramref name="packed"/>
    /// (<see cref="ChunkRows"/> rows of stride <see cref="RowStride"/>; its padding stays zero).
    /// </summary>
    public static void Gram(ReadOnlySpan<float> factors, int d, int r0, int r1, PaddedRows packed, Span<double> gram)
    {
        int dp = RowStride(d);
        if (r1 <= r0)
        {
            gram.Slice(0, dp * dp).Clear();
            return;
        }

        for (int c0 = r0; c0 < r1; c0 += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, r1 - c0);
            for (int k = 0; k < rows; k++)
            {
                factors.Slice((c0 + k) * d, d).CopyTo(packed.Row(k));
            }

            Accumulate(packed.Values, packed.Values, rows, dp, gram, dp, overwrite: c0 == r0);
        }
    }

    /// <summary>Whether a vector path runs (<see cref="Width512"/> or <see cref="Width256"/>).</summary>
    public static bool IsVectorized => Vector256.IsHardwareAccelerated && Fma.IsSupported;

    /// <summary>Whether the 512-bit path runs: 4×32 blocks, twice the lanes per multiply-add of <see cref="Width256"/>.</summary>
    public static bool Use512 => IsVectorized && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>The kernel of one width.</summary>
    internal interface IGramKernel
    {
        /// <summary>
        /// Adds (or, when <paramref name="overwrite"/>, stores) Σ_k s_k[a]·y_k[b] over the first
        /// <paramref name="rows"/> packed rows into <c>gram[a·gramStride + b]</c> for every (a, b) of the
        /// upper block-triangle of the <paramref name="dp"/>×<paramref name="dp"/> matrix.
        /// </summary>
        static abstract void Accumulate(ReadOnlySpan<float> s, ReadOnlySpan<float> y, int rows, int dp, Span<double> gram, int gramStride, bool overwrite);
    }

    /// <summary>
    /// Adds (or, when <paramref name="overwrite"/>, stores) Σ_k s_k[a]·y_k[b] over the first
    /// <paramref name="rows"/> packed rows into <c>gram[a·gramStride + b]</c> for every (a, b) of the
    /// upper block-triangle of the <paramref name="dp"/>×<paramref name="dp"/> matrix, with
    /// <see cref="Width512"/> where 512-bit vectors are accelerated (<see cref="Use512"/>), else
    /// <see cref="Width256"/> where it runs (<see cref="IsVectorized"/>), else <see cref="Scalar"/>:
    /// every entry is the same fused multiply-add chain over the rows in all three, so they agree bit for bit.
    /// </summary>
    public static void Accumulate(ReadOnlySpan<float> s, ReadOnlySpan<float> y, int rows, int dp, Span<double> gram, int gramStride, bool overwrite)
    {
        Debug.Assert(dp % 8 == 0 && rows <= ChunkRows && s.Length >= rows * dp && y.Length >= rows * dp);
        Debug.Assert(gramStride >= dp && gram.Length >= ((dp - 1) * gramStride) + dp);
        if (Use512)
        {
            Width512.Accumulate(s, y, rows, dp, gram, gramStride, overwrite);
        }
        else if (IsVectorized)
        {
            Width256.Accumulate(s, y, rows, dp, gram, gramStride, overwrite);
        }
        else
        {
            Scalar.Accumulate(s, y, rows, dp, gram, gramStride, overwrite);
        }
    }

    /// <summary>Vector256 with FMA: 4×16 (or 4×8) blocks of G held in registers over the whole chunk.</summary>
    internal readonly struct Width256 : IGramKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Accumulate(ReadOnlySpan<float> s, ReadOnlySpan<float> y, int rows, int dp, Span<double> gram, int gramStride, bool overwrite)
        {
            ref float rs = ref MemoryMarshal.GetReference(s);
            ref float ry = ref MemoryMarshal.GetReference(y);
            ref double rg = ref MemoryMarshal.GetReference(gram);
            for (int a0 = 0; a0 < dp; a0 += 4)
            {
                int b0 = a0 & ~7;
                if ((b0 & 8) != 0)
                {
                    Block4x8(ref rs, ref ry, rows, dp, a0, b0, ref rg, gramStride, overwrite);
                    b0 += 8;
                }

                for (; b0 + 16 <= dp; b0 += 16)
                {
                    Block4x16(ref rs, ref ry, rows, dp, a0, b0, ref rg, gramStride, overwrite);
                }

                if (b0 < dp)
                {
                    Block4x8(ref rs, ref ry, rows, dp, a0, b0, ref rg, gramStride, overwrite);
                }
            }
        }
    }

    /// <summary>
    /// Vector512 with FMA: 4×32 blocks of G in eight Vector512 accumulators (the same register count
    /// as <see cref="Width256"/>'s 4×16, twice the lanes), then a 4×16 and a 4×8 block of 256-bit
    /// vectors for what is left of the row; each entry is the same chain as in <see cref="Width256"/>.
    /// </summary>
    internal readonly struct Width512 : IGramKernel
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Accumulate(ReadOnlySpan<float> s, ReadOnlySpan<float> y, int rows, int dp, Span<double> gram, int gramStride, bool overwrite)
        {
            ref float rs = ref MemoryMarshal.GetReference(s);
            ref float ry = ref MemoryMarshal.GetReference(y);
            ref double rg = ref MemoryMarshal.GetReference(gram);
            for (int a0 = 0; a0 < dp; a0 += 4)
            {
                int b0 = a0 & ~7;
                for (; b0 + 32 <= dp; b0 += 32)
                {
                    Block4x32(ref rs, ref ry, rows, dp, a0, b0, ref rg, gramStride, overwrite);
                }

                if (b0 + 16 <= dp)
                {
                    Block4x16(ref rs, ref ry, rows, dp, a0, b0, ref rg, gramStride, overwrite);
                    b0 += 16;
                }

                if (b0 < dp)
                {
                    Block4x8(ref rs, ref ry, rows, dp, a0, b0, ref rg, gramStride, overwrite);
                }
            }
        }
    }

    /// <summary>The scalar twin of <see cref="Width256"/>: same blocks, same row order, fused multiply-adds.</summary>
    internal readonly struct Scalar : IGramKernel
    {
        /// <inheritdoc/>
        public static void Accumulate(ReadOnlySpan<float> s, ReadOnlySpan<float> y, int rows, int dp, Span<double> gram, int gramStride, bool overwrite)
        {
            for (int a0 = 0; a0 < dp; a0 += 4)
            {
                for (int a = a0; a < a0 + 4; a++)
                {
                    for (int b = a0 & ~7; b < dp; b++)
                    {
                        float acc = 0;
                        for (int k = 0; k < rows; k++)
                        {
                            acc = MathF.FusedMultiplyAdd(s[(k * dp) + a], y[(k * dp) + b], acc);
                        }

                        int g = (a * gramStride) + b;
                        gram[g] = overwrite ? acc : gram[g] + acc;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x32(ref float rs, ref float ry, int rows, int dp, int a0, int b0, ref double rg, int gramStride, bool overwrite)
    {
        Vector512<float> c00 = Vector512<float>.Zero, c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        ref float sk = ref Unsafe.Add(ref rs, a0);
        ref float yk = ref Unsafe.Add(ref ry, b0);
        for (int k = 0; k < rows; k++)
        {
            Vector512<float> y0 = Vector512.LoadUnsafe(ref yk);
            Vector512<float> y1 = Vector512.LoadUnsafe(ref yk, 16);
            Vector512<float> s0 = Vector512.Create(sk);
            c00 = Avx512F.FusedMultiplyAdd(s0, y0, c00);
            c01 = Avx512F.FusedMultiplyAdd(s0, y1, c01);
            Vector512<float> s1 = Vector512.Create(Unsafe.Add(ref sk, 1));
            c10 = Avx512F.FusedMultiplyAdd(s1, y0, c10);
            c11 = Avx512F.FusedMultiplyAdd(s1, y1, c11);
            Vector512<float> s2 = Vector512.Create(Unsafe.Add(ref sk, 2));
            c20 = Avx512F.FusedMultiplyAdd(s2, y0, c20);
            c21 = Avx512F.FusedMultiplyAdd(s2, y1, c21);
            Vector512<float> s3 = Vector512.Create(Unsafe.Add(ref sk, 3));
            c30 = Avx512F.FusedMultiplyAdd(s3, y0, c30);
            c31 = Avx512F.FusedMultiplyAdd(s3, y1, c31);
            sk = ref Unsafe.Add(ref sk, dp);
            yk = ref Unsafe.Add(ref yk, dp);
        }

        ref double g = ref Unsafe.Add(ref rg, (a0 * gramStride) + b0);
        Store(ref g, c00, c01, overwrite);
        Store(ref Unsafe.Add(ref g, gramStride), c10, c11, overwrite);
        Store(ref Unsafe.Add(ref g, 2 * gramStride), c20, c21, overwrite);
        Store(ref Unsafe.Add(ref g, 3 * gramStride), c30, c31, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double g, Vector512<float> lo, Vector512<float> hi, bool overwrite)
    {
        Store(ref g, lo, overwrite);
        Store(ref Unsafe.Add(ref g, 16), hi, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double g, Vector512<float> v, bool overwrite)
    {
        (Vector512<double> lower, Vector512<double> upper) = Vector512.Widen(v);
        if (!overwrite)
        {
            lower += Vector512.LoadUnsafe(ref g);
            upper += Vector512.LoadUnsafe(ref g, 8);
        }

        lower.StoreUnsafe(ref g);
        upper.StoreUnsafe(ref g, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x16(ref float rs, ref float ry, int rows, int dp, int a0, int b0, ref double rg, int gramStride, bool overwrite)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        ref float sk = ref Unsafe.Add(ref rs, a0);
        ref float yk = ref Unsafe.Add(ref ry, b0);
        for (int k = 0; k < rows; k++)
        {
            Vector256<float> y0 = Vector256.LoadUnsafe(ref yk);
            Vector256<float> y1 = Vector256.LoadUnsafe(ref yk, 8);
            Vector256<float> s0 = Vector256.Create(sk);
            c00 = Fma.MultiplyAdd(s0, y0, c00);
            c01 = Fma.MultiplyAdd(s0, y1, c01);
            Vector256<float> s1 = Vector256.Create(Unsafe.Add(ref sk, 1));
            c10 = Fma.MultiplyAdd(s1, y0, c10);
            c11 = Fma.MultiplyAdd(s1, y1, c11);
            Vector256<float> s2 = Vector256.Create(Unsafe.Add(ref sk, 2));
            c20 = Fma.MultiplyAdd(s2, y0, c20);
            c21 = Fma.MultiplyAdd(s2, y1, c21);
            Vector256<float> s3 = Vector256.Create(Unsafe.Add(ref sk, 3));
            c30 = Fma.MultiplyAdd(s3, y0, c30);
            c31 = Fma.MultiplyAdd(s3, y1, c31);
            sk = ref Unsafe.Add(ref sk, dp);
            yk = ref Unsafe.Add(ref yk, dp);
        }

        ref double g = ref Unsafe.Add(ref rg, (a0 * gramStride) + b0);
        Store(ref g, c00, c01, overwrite);
        Store(ref Unsafe.Add(ref g, gramStride), c10, c11, overwrite);
        Store(ref Unsafe.Add(ref g, 2 * gramStride), c20, c21, overwrite);
        Store(ref Unsafe.Add(ref g, 3 * gramStride), c30, c31, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x8(ref float rs, ref float ry, int rows, int dp, int a0, int b0, ref double rg, int gramStride, bool overwrite)
    {
        Vector256<float> c0 = Vector256<float>.Zero, c1 = c0, c2 = c0, c3 = c0;
        ref float sk = ref Unsafe.Add(ref rs, a0);
        ref float yk = ref Unsafe.Add(ref ry, b0);
        for (int k = 0; k < rows; k++)
        {
            Vector256<float> y0 = Vector256.LoadUnsafe(ref yk);
            c0 = Fma.MultiplyAdd(Vector256.Create(sk), y0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref sk, 1)), y0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref sk, 2)), y0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref sk, 3)), y0, c3);
            sk = ref Unsafe.Add(ref sk, dp);
            yk = ref Unsafe.Add(ref yk, dp);
        }

        ref double g = ref Unsafe.Add(ref rg, (a0 * gramStride) + b0);
        Store(ref g, c0, overwrite);
        Store(ref Unsafe.Add(ref g, gramStride), c1, overwrite);
        Store(ref Unsafe.Add(ref g, 2 * gramStride), c2, overwrite);
        Store(ref Unsafe.Add(ref g, 3 * gramStride), c3, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double g, Vector256<float> lo, Vector256<float> hi, bool overwrite)
    {
        Store(ref g, lo, overwrite);
        Store(ref Unsafe.Add(ref g, 8), hi, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double g, Vector256<float> v, bool overwrite)
    {
        (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(v);
        if (!overwrite)
        {
            lower += Vector256.LoadUnsafe(ref g);
            upper += Vector256.LoadUnsafe(ref g, 4);
        }

        lower.StoreUnsafe(ref g);
        upper.StoreUnsafe(ref g, 4);
    }
}
