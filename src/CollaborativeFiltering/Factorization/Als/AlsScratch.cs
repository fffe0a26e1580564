using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization.Als;

/// <summary>
/// One worker's buffers for ALS row solves, allocated once per fit so that a row solve allocates
/// nothing: a chunk of packed rows (and their weighted copies), float chunk sums, the double normal
/// equations and right-hand side, and the conjugate-gradient vectors.
/// </summary>
internal sealed class AlsScratch
{
    /// <summary>Allocates buffers for dimension d with system order <paramref name="order"/> (d, or d + 1 with a bias).</summary>
    public AlsScratch(int d, int order, bool weighted)
    {
        int dp = GramKernel.RowStride(d);
        Stride = Math.Max(dp, CholeskySolver.PaddedOrder(order));
        Packed = new PaddedRows(GramKernel.ChunkRows, d, dp);
        Scaled = weighted ? new PaddedRows(GramKernel.ChunkRows, d, dp) : Packed;
        ChunkRhs = new float[dp];
        ChunkSum = new float[dp];
        System = new double[Stride * Stride];
        Rhs = new double[Stride];
        Sum = new double[dp];
        Residual = new float[d];
        Direction = new float[d];
        Product = new float[d];
        Coefficients = new float[4];
    }

    /// <summary>The row stride of <see cref="System"/>: at least the padded dimension and the padded order.</summary>
    public int Stride { get; }

    /// <summary>Up to <see cref="GramKernel.ChunkRows"/> packed factor rows y_k (zero-padded to 8).</summary>
    public PaddedRows Packed { get; }

    /// <summary>The packed rows times their weights (the same array as <see cref="Packed"/> when unweighted).</summary>
    public PaddedRows Scaled { get; }

    /// <summary>The right-hand side of the current chunk, in float.</summary>
    public float[] ChunkRhs { get; }

    /// <summary>Σ y_k of the current chunk (the bias column), in float.</summary>
    public float[] ChunkSum { get; }

    /// <summary>The normal equations (upper triangle, row stride <see cref="Stride"/>), then their Cholesky factor.</summary>
    public double[] System { get; }

    /// <summary>The right-hand side, then the solution.</summary>
    public double[] Rhs { get; }

    /// <summary>Σ y_k over the row (the bias column of the normal equations).</summary>
    public double[] Sum { get; }

    /// <summary>Conjugate gradient: the residual r.</summary>
    public float[] Residual { get; }

    /// <summary>Conjugate gradient: the search direction p.</summary>
    public float[] Direction { get; }

    /// <summary>Conjugate gradient: A·p.</summary>
    public float[] Product { get; }

    /// <summary>Conjugate gradient: scratch for <see cref="ImplicitAlsKernels"/>, four coefficients.</summary>
    public float[] Coefficients { get; }
}
