using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Neighborhood.Ease;

/// <summary>
/// G = XᵀX + λI for the binary user × item matrix X (x_ui = 1 when u rated i), into the upper triangle of
/// a row-major double matrix of order n ≥ M padded with an identity block: G_ij is the number of users who
/// rated both i and j. Row i is the sum of the item rows of i's users (a sparse product over the user-major
/// ratings, Σ_u n_u²/2 additions in all), rows in parallel; the counts are exact, so the matrix does not
/// depend on the threads.
/// </summary>
internal static class CooccurrenceGram
{
    private const int RowsPerBlock = 16;

    /// <summary>The Gram matrix of <paramref name="train"/> plus λ on the diagonal, order <paramref name="n"/> (a new array).</summary>
    public static double[] Build(RatingsDataset train, int n, double lambda, WorkerPool pool, CancellationToken cancellationToken) =>
        Build(WorkingRatings.Of(train), n, lambda, pool, cancellationToken);

    /// <summary>The Gram matrix of <paramref name="train"/> plus λ on the diagonal, order <paramref name="n"/> (a new array).</summary>
    public static double[] Build(WorkingRatings train, int n, double lambda, WorkerPool pool, CancellationToken cancellationToken)
    {
        var gram = new double[(long)n * n];
        int m = train.ItemCount;
        pool.Run(new RowWork(train, train.ItemToUserPositions(), gram, n, lambda), (m + RowsPerBlock - 1) / RowsPerBlock, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        for (int i = m; i < n; i++)
        {
            gram[((long)i * n) + i] = 1;
        }

        return gram;
    }

    private sealed class RowWork(WorkingRatings train, int[] positions, double[] gram, int n, double lambda) : IBlockWork
    {
        public void Execute(int block, int worker)
        {
            int[] itemOffsets = train.ByItem.RowOffsetArray, itemUsers = train.ByItem.ColumnArray;
            int[] userOffsets = train.ByUser.RowOffsetArray, userItems = train.ByUser.ColumnArray;
            int end = Math.Min(train.ItemCount, (block + 1) * RowsPerBlock);
            for (int i = block * RowsPerBlock; i < end; i++)
            {
                Span<double> row = gram.AsSpan(i * n, n);
                for (int q = itemOffsets[i]; q < itemOffsets[i + 1]; q++)
                {
                    int user = itemUsers[q];
                    for (int p = positions[q]; p < userOffsets[user + 1]; p++)
                    {
                        row[userItems[p]] += 1;
                    }
                }

                row[i] += lambda;
            }
        }
    }
}
