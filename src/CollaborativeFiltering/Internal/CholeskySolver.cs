using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// An in-house Cholesky solver for the small dense symmetric positive-definite systems of ALS
/// (n = d or d + 1, typically 8 to 256), in double, in place on a caller-owned buffer: no allocation.
/// </summary>
/// <remarks>
/// <para>Storage: row-major with a row stride of at least <see cref="PaddedOrder"/>(n); only the upper
/// triangle (column ≥ row) is read, so a Gram matrix written block-wise into the upper triangle can be
/// factored without mirroring. The factor is the upper-triangular U with A = UᵀU (the transpose of
/// the lower Cholesky factor), written over the upper triangle.</para>
/// <para>Algorithm: up-looking, row by row: row i of U is
/// (A[i, i..n) − Σ_{k&lt;i} U[k, i]·U[k, i..n)) / U[i, i]. The sum is accumulated 16 columns at a time
/// in Vector256 registers over k (even and odd k in separate accumulators, so eight independent
/// fused multiply-add chains; one store per block), started at the 4-aligned column at or below the diagonal (the entries left
/// of the diagonal it also computes are never read) and ended at the padded order, so there are no
/// scalar tails; at d = 64 a factorisation costs about as much as accumulating the Gram matrix of
/// a dozen ratings. Entries of a row beyond column n, up to the padded order, must be finite (0 is
/// what callers write). The operation order depends only on n, so results are reproducible.</para>
/// <para>MathNet's <c>Matrix&lt;double&gt;.Cholesky()</c> solves the same systems and is kept as the
/// reference in the tests; it allocates a matrix, a factor and vectors per solve and is several times
/// slower at d = 64 (see <c>AlsBenchmarks</c>).</para>
/// </remarks>
internal static class CholeskySolver
{
    /// <summary>n rounded up to a multiple of 4: the least row stride the factorisation may use.</summary>
    public static int PaddedOrder(int n) => (n + 3) & ~3;

    /// <summary>
    /// Factors the upper triangle of the n×n symmetric matrix in <paramref name="a"/> (row stride
    /// <paramref name="stride"/> ≥ <see cref="PaddedOrder"/>(n)) in place into U with A = UᵀU.
    /// </summary>
    /// <returns><see langword="false"/> when a pivot is not positive and finite: the matrix is not (numerically) positive definite, or holds a NaN or ∞.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryFactor(Span<double> a, int n, int stride)
    {
        int padded = PaddedOrder(n);
        Debug.Assert(stride >= padded && a.Length >= ((n - 1) * stride) + padded);
        ref double origin = ref MemoryMarshal.GetReference(a);
        bool vector = Vector256.IsHardwareAccelerated;
        for (int i = 0; i < n; i++)
        {
            // Row i of U from rows 0..i−1: U[i, j] = (A[i, j] − Σ_{k<i} U[k, i]·U[k, j]) / U[i, i].
            ref double rowI = ref Unsafe.Add(ref origin, i * stride);
            int first = i & ~3;
            if (vector)
            {
                int j = first;
                for (; j + 16 <= padded; j += 16)
                {
                    Update16(ref origin, ref rowI, i, j, stride);
                }

                for (; j < padded; j += 4)
                {
                    Update4(ref origin, ref rowI, i, j, stride);
                }
            }
            else
            {
                for (int k = 0; k < i; k++)
                {
                    ref double rowK = ref Unsafe.Add(ref origin, k * stride);
                    double f = Unsafe.Add(ref rowK, i);
                    for (int j = first; j < padded; j++)
                    {
                        Unsafe.Add(ref rowI, j) -= f * Unsafe.Add(ref rowK, j);
                    }
                }
            }

            double pivot = Unsafe.Add(ref rowI, i);
            if (!(pivot > 0) || !double.IsFinite(pivot))
            {
                return false;
            }

            double uii = Math.Sqrt(pivot);
            double inverse = 1.0 / uii;
            for (int j = first; j < padded; j++)
            {
                Unsafe.Add(ref rowI, j) *= inverse;
            }

            Unsafe.Add(ref rowI, i) = uii;
        }

        return true;
    }

    /// <summary>
    /// Solves UᵀU x = b in place in <paramref name="b"/> (length ≥ n) with the factor from
    /// <see cref="TryFactor"/>: forward substitution with Uᵀ (<see cref="SolveTransposed"/>), then back
    /// substitution with U (<see cref="SolveUpper"/>). Reads only the upper triangle's first n columns.
    /// </summary>
    public static void Solve(ReadOnlySpan<double> u, int n, int stride, Span<double> b)
    {
        SolveTransposed(u, n, stride, b);
        SolveUpper(u, n, stride, b);
    }

    /// <summary>Solves Uᵀ y = b in place (forward substitution, row axpys) with the factor from <see cref="TryFactor"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveTransposed(ReadOnlySpan<double> u, int n, int stride, Span<double> b)
    {
        Debug.Assert(b.Length >= n);
        ref double origin = ref MemoryMarshal.GetReference(u);
        ref double rb = ref MemoryMarshal.GetReference(b);

        // Uᵀ y = b: y_k = b_k / U[k,k], then b_j −= y_k·U[k,j] for j > k.
        for (int k = 0; k < n; k++)
        {
            ref double rowK = ref Unsafe.Add(ref origin, k * stride);
            double y = Unsafe.Add(ref rb, k) / Unsafe.Add(ref rowK, k);
            Unsafe.Add(ref rb, k) = y;
            int j = k + 1;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<double> vy = Vector256.Create(y);
                for (; j <= n - 4; j += 4)
                {
                    nuint o = (nuint)j;
                    (Vector256.LoadUnsafe(ref rb, o) - (vy * Vector256.LoadUnsafe(ref rowK, o))).StoreUnsafe(ref rb, o);
                }
            }

            for (; j < n; j++)
            {
                Unsafe.Add(ref rb, j) -= y * Unsafe.Add(ref rowK, j);
            }
        }
    }

    /// <summary>
    /// Solves U x = y in place (back substitution, row dot products) with the factor from
    /// <see cref="TryFactor"/>. With y = U⁻ᵀb + z, z standard normal, x is a draw from
    /// Normal(A⁻¹b, A⁻¹): the Gibbs samplers' one-pass Gaussian draw.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveUpper(ReadOnlySpan<double> u, int n, int stride, Span<double> b)
    {
        Debug.Assert(b.Length >= n);
        ref double origin = ref MemoryMarshal.GetReference(u);
        ref double rb = ref MemoryMarshal.GetReference(b);

        // U x = y: x_k = (y_k − Σ_{j>k} U[k,j]·x_j) / U[k,k].
        for (int k = n - 1; k >= 0; k--)
        {
            ref double rowK = ref Unsafe.Add(ref origin, k * stride);
            double sum = Dot(ref Unsafe.Add(ref rowK, k + 1), ref Unsafe.Add(ref rb, k + 1), n - k - 1);
            Unsafe.Add(ref rb, k) = (Unsafe.Add(ref rb, k) - sum) / Unsafe.Add(ref rowK, k);
        }
    }

    /// <summary>Factors and solves A x = b in place; returns <see langword="false"/> (with <paramref name="b"/> unspecified) when A is not positive definite.</summary>
    public static bool TrySolve(Span<double> a, int n, int stride, Span<double> b)
    {
        if (!TryFactor(a, n, stride))
        {
            return false;
        }

        Solve(a, n, stride, b);
        return true;
    }

    /// <summary>
    /// rowI[j..j+16) −= Σ_{k&lt;i} U[k, i]·U[k, j..j+16), accumulated in registers: even and odd k in
    /// separate accumulators (eight independent multiply-add chains), added at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update16(ref double origin, ref double rowI, int i, int j, int stride)
    {
        nuint o = (nuint)j;
        Vector256<double> c0 = Vector256.LoadUnsafe(ref rowI, o), c1 = Vector256.LoadUnsafe(ref rowI, o + 4);
        Vector256<double> c2 = Vector256.LoadUnsafe(ref rowI, o + 8), c3 = Vector256.LoadUnsafe(ref rowI, o + 12);
        Vector256<double> e0 = Vector256<double>.Zero, e1 = e0, e2 = e0, e3 = e0;
        ref double rowK = ref origin;
        int k = 0;
        for (; k + 2 <= i; k += 2)
        {
            ref double next = ref Unsafe.Add(ref rowK, stride);
            Vector256<double> f = Vector256.Create(Unsafe.Add(ref rowK, i));
            Vector256<double> g = Vector256.Create(Unsafe.Add(ref next, i));
            c0 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o), c0);
            c1 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o + 4), c1);
            c2 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o + 8), c2);
            c3 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o + 12), c3);
            e0 = MultiplySubtract(g, Vector256.LoadUnsafe(ref next, o), e0);
            e1 = MultiplySubtract(g, Vector256.LoadUnsafe(ref next, o + 4), e1);
            e2 = MultiplySubtract(g, Vector256.LoadUnsafe(ref next, o + 8), e2);
            e3 = MultiplySubtract(g, Vector256.LoadUnsafe(ref next, o + 12), e3);
            rowK = ref Unsafe.Add(ref next, stride);
        }

        if (k < i)
        {
            Vector256<double> f = Vector256.Create(Unsafe.Add(ref rowK, i));
            c0 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o), c0);
            c1 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o + 4), c1);
            c2 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o + 8), c2);
            c3 = MultiplySubtract(f, Vector256.LoadUnsafe(ref rowK, o + 12), c3);
        }

        (c0 + e0).StoreUnsafe(ref rowI, o);
        (c1 + e1).StoreUnsafe(ref rowI, o + 4);
        (c2 + e2).StoreUnsafe(ref rowI, o + 8);
        (c3 + e3).StoreUnsafe(ref rowI, o + 12);
    }

    /// <summary>rowI[j..j+4) −= Σ_{k&lt;i} U[k, i]·U[k, j..j+4), with k split four ways (four independent chains).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update4(ref double origin, ref double rowI, int i, int j, int stride)
    {
        nuint o = (nuint)j;
        Vector256<double> c0 = Vector256.LoadUnsafe(ref rowI, o), c1 = Vector256<double>.Zero, c2 = c1, c3 = c1;
        ref double rowK = ref origin;
        int k = 0;
        for (; k + 4 <= i; k += 4)
        {
            ref double r1 = ref Unsafe.Add(ref rowK, stride);
            ref double r2 = ref Unsafe.Add(ref r1, stride);
            ref double r3 = ref Unsafe.Add(ref r2, stride);
            c0 = MultiplySubtract(Vector256.Create(Unsafe.Add(ref rowK, i)), Vector256.LoadUnsafe(ref rowK, o), c0);
            c1 = MultiplySubtract(Vector256.Create(Unsafe.Add(ref r1, i)), Vector256.LoadUnsafe(ref r1, o), c1);
            c2 = MultiplySubtract(Vector256.Create(Unsafe.Add(ref r2, i)), Vector256.LoadUnsafe(ref r2, o), c2);
            c3 = MultiplySubtract(Vector256.Create(Unsafe.Add(ref r3, i)), Vector256.LoadUnsafe(ref r3, o), c3);
            rowK = ref Unsafe.Add(ref r3, stride);
        }

        for (; k < i; k++)
        {
            c0 = MultiplySubtract(Vector256.Create(Unsafe.Add(ref rowK, i)), Vector256.LoadUnsafe(ref rowK, o), c0);
            rowK = ref Unsafe.Add(ref rowK, stride);
        }

        ((c0 + c1) + (c2 + c3)).StoreUnsafe(ref rowI, o);
    }

    /// <summary>c − a·b, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MultiplySubtract(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : c - (a * b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(ref double x, ref double y, int count)
    {
        int j = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && count >= 8)
        {
            Vector256<double> a0 = Vector256<double>.Zero, a1 = a0;
            for (; j <= count - 8; j += 8)
            {
                nuint o = (nuint)j;
                a0 += Vector256.LoadUnsafe(ref x, o) * Vector256.LoadUnsafe(ref y, o);
                a1 += Vector256.LoadUnsafe(ref x, o + 4) * Vector256.LoadUnsafe(ref y, o + 4);
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; j < count; j++)
        {
            sum += Unsafe.Add(ref x, j) * Unsafe.Add(ref y, j);
        }

        return sum;
    }
}
