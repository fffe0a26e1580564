using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neighborhood.Ease;

/// <summary>
/// Inverts a dense symmetric positive-definite matrix in place by the block sweep operator (Gauss–Jordan
/// elimination without pivoting, which is stable for such matrices; Goodnight 1979, "A tutorial on the
/// SWEEP operator"), in double. Sweeping pivot block K with D = A_KK⁻¹ sets A_IJ ← A_IJ − A_IK·D·A_KJ for
/// I, J ≠ K, A_KJ ← D·A_KJ, A_IK ← A_IK·D and A_KK ← −D; after every block is swept the matrix holds −A⁻¹.
/// Only the upper triangle is read and written, so the cost is n³ multiply-adds in all (as Cholesky
/// factorisation, triangular inversion and their product together), nearly all of it in rank-64 updates
/// by <see cref="ProductKernel"/>.
/// </summary>
/// <remarks>
/// The order n is a multiple of <see cref="BlockSize"/> (callers pad with an identity block). Per pivot
/// block the 64 rows R = A_K· are gathered, D found by the scalar sweep, S = D·R computed, then every
/// 64-column slab of the upper triangle updated by A_·J −= Rᵀ·S_J, slabs in parallel on the worker pool
/// (largest first). Every element is computed by one worker as one chain of fused multiply-adds in a fixed
/// order, so the result is bit-identical for any number of threads, and across the vector widths.
/// </remarks>
internal static class SymmetricSweep
{
    /// <summary>The pivot block size and the slab width.</summary>
    public const int BlockSize = 64;

    /// <summary>n rounded up to a whole number of blocks.</summary>
    public static long PaddedOrder(long n) => (n + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>
    /// Sweeps every pivot of the n×n matrix whose upper triangle <paramref name="a"/> holds (row-major,
    /// row stride n, n a multiple of <see cref="BlockSize"/>): on success the upper triangle holds −A⁻¹
    /// (the lower triangle is scratch).
    /// </summary>
    /// <returns><see langword="false"/> when a pivot block is not positive definite (numerically), or holds a NaN or ∞.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked before each pivot block and each slab).</exception>
    public static bool TrySweep(double[] a, int n, WorkerPool pool, CancellationToken cancellationToken)
    {
        const int b = BlockSize;
        var r = new double[b * n];
        var negatedTranspose = new double[n * b];
        var s = new double[b * n];
        var d = new double[b * b];
        int slabs = n / b;
        for (int k0 = 0; k0 < n; k0 += b)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Gather(a, n, k0, r, negatedTranspose, d);
            if (!TryInvertBlock(d))
            {
                return false;
            }

            pool.Run(new ScaleWork(r, s, d, n, k0), slabs, cancellationToken);
            pool.Run(new UpdateWork(a, negatedTranspose, s, n, k0), slabs, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested(); // a skipped slab left the matrix half updated
            WriteBack(a, n, k0, s, d);
        }

        return true;
    }

    /// <summary>
    /// R = rows k0..k0+63 of the symmetric matrix (read from the upper triangle) outside the pivot block,
    /// −Rᵀ beside it, and the pivot block itself, whole, into <paramref name="d"/>.
    /// </summary>
    private static void Gather(double[] a, int n, int k0, double[] r, double[] negatedTranspose, double[] d)
    {
        const int b = BlockSize;
        int k1 = k0 + b;
        Array.Clear(r);
        for (int t = 0; t < b; t++)
        {
            int row = k0 + t;
            a.AsSpan((row * n) + k1, n - k1).CopyTo(r.AsSpan((t * n) + k1));
            for (int u = 0; u < b; u++)
            {
                d[(t * b) + u] = u >= t ? a[(row * n) + k0 + u] : a[((k0 + u) * n) + row];
            }
        }

        for (int c = 0; c < k0; c++)
        {
            for (int t = 0; t < b; t++)
            {
                double value = a[(c * n) + k0 + t];
                r[(t * n) + c] = value;
                negatedTranspose[(c * b) + t] = -value;
            }
        }

        for (int c = k0; c < k1; c++)
        {
            negatedTranspose.AsSpan(c * b, b).Clear();
        }

        for (int c = k1; c < n; c++)
        {
            for (int t = 0; t < b; t++)
            {
                negatedTranspose[(c * b) + t] = -r[(t * n) + c];
            }
        }
    }

    /// <summary>Inverts the b×b block in place by the scalar sweep; false when a pivot is not positive and finite.</summary>
    internal static bool TryInvertBlock(double[] d)
    {
        int b = (int)Math.Sqrt(d.Length);
        for (int k = 0; k < b; k++)
        {
            double pivot = d[(k * b) + k];
            if (!(pivot > 0) || !double.IsFinite(pivot))
            {
                return false;
            }

            for (int i = 0; i < b; i++)
            {
                if (i == k)
                {
                    continue;
                }

                double factor = d[(i * b) + k] / pivot;
                for (int j = 0; j < b; j++)
                {
                    if (j != k)
                    {
                        d[(i * b) + j] -= factor * d[(k * b) + j];
                    }
                }
            }

            for (int j = 0; j < b; j++)
            {
                if (j != k)
                {
                    d[(k * b) + j] /= pivot;
                    d[(j * b) + k] /= pivot;
                }
            }

            d[(k * b) + k] = -1 / pivot;
        }

        // The sweep leaves −D⁻¹.
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = -d[i];
        }

        return true;
    }

    /// <summary>Writes the swept pivot rows and columns: A_KJ = S_J (upper part), A_IK = S_Iᵀ for I &lt; K, A_KK = −D.</summary>
    private static void WriteBack(double[] a, int n, int k0, double[] s, double[] d)
    {
        const int b = BlockSize;
        int k1 = k0 + b;
        for (int t = 0; t < b; t++)
        {
            int row = k0 + t;
            s.AsSpan((t * n) + k1, n - k1).CopyTo(a.AsSpan((row * n) + k1));
            for (int u = 0; u < b; u++)
            {
                a[(row * n) + k0 + u] = -d[(t * b) + u];
            }
        }

        for (int c = 0; c < k0; c++)
        {
            for (int t = 0; t < b; t++)
            {
                a[(c * n) + k0 + t] = s[(t * n) + c];
            }
        }
    }

    /// <summary>S = D·R, one 64-column slab per block (the pivot block's slab is not needed).</summary>
    private sealed class ScaleWork(double[] r, double[] s, double[] d, int n, int k0) : IBlockWork
    {
        public void Execute(int block, int worker)
        {
            int j0 = block * BlockSize;
            if (j0 == k0)
            {
                return;
            }

            for (int t = 0; t < BlockSize; t++)
            {
                s.AsSpan((t * n) + j0, BlockSize).Clear();
            }

            ProductKernel.Multiply(s, n, d, BlockSize, r, n, BlockSize, 0, BlockSize, j0, j0 + BlockSize);
        }
    }

    /// <summary>A_IJ −= R_Iᵀ·S_J over the upper triangle outside the pivot rows and columns, one slab of 64 columns per block, the widest slabs first.</summary>
    private sealed class UpdateWork(double[] a, double[] negatedTranspose, double[] s, int n, int k0) : IBlockWork
    {
        public void Execute(int block, int worker)
        {
            int slab = (n / BlockSize) - 1 - block;
            int j0 = slab * BlockSize;
            if (j0 == k0)
            {
                return;
            }

            int j1 = j0 + BlockSize;
            int rowsAbove = Math.Min(k0, j1);
            ProductKernel.Multiply(a, n, negatedTranspose, BlockSize, s, n, BlockSize, 0, rowsAbove, j0, j1);
            if (j1 > k0 + BlockSize)
            {
                ProductKernel.Multiply(a, n, negatedTranspose, BlockSize, s, n, BlockSize, k0 + BlockSize, j1, j0, j1);
            }
        }
    }
}
