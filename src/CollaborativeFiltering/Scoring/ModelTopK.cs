using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Exact top-k items for every user of any model: users run in parallel in blocks on the
/// <see cref="WorkerPool"/>, each scored by the model itself (<see cref="IRecommenderModel.TryScoreItems"/>)
/// and selected with a bounded heap, skipping the user's excluded items by a merge walk along their sorted
/// CSR row; ties go to the lower index. Each row is what <see cref="Recommender.Recommend"/> returns for
/// the user, whatever the degree of parallelism.
/// </summary>
internal static class ModelTopK
{
    /// <summary>Users per block of parallel work.</summary>
    public const int BlockUsers = 16;

    /// <summary>Fills <paramref name="outItems"/>/<paramref name="outScores"/> (N×k, row-major; −1 / −∞ padding).</summary>
    public static void Run(IRecommenderModel model, int k, RatingRows? exclude, int maxDegreeOfParallelism, int[] outItems, float[] outScores, CancellationToken cancellationToken)
    {
        int n = model.Catalog.UserCount;
        int blocks = (n + BlockUsers - 1) / BlockUsers;
        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        using var pool = new WorkerPool(Math.Clamp(threads, 1, Math.Max(1, blocks)));
        pool.Run(new Work(model, k, exclude, outItems, outScores, pool.WorkerCount), blocks, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private sealed class Work(IRecommenderModel model, int k, RatingRows? exclude, int[] outItems, float[] outScores, int workers) : IBlockWork
    {
        private readonly float[]?[] _scores = new float[]?[workers];
        private readonly RowBuffer?[] _buffers = new RowBuffer?[workers];

        public void Execute(int block, int worker)
        {
            int m = model.Catalog.ItemCount;
            float[] scores = _scores[worker] ??= new float[m];
            RowBuffer? buffer = exclude is null ? null : _buffers[worker] ??= exclude.NewBuffer();
            int end = Math.Min(model.Catalog.UserCount, (block + 1) * BlockUsers);
            for (int user = block * BlockUsers; user < end; user++)
            {
                Span<float> hs = outScores.AsSpan(user * k, k);
                Span<int> hi = outItems.AsSpan(user * k, k);
                int count = 0;
                if (model.TryScoreItems(new UserIndex(user), scores))
                {
                    count = TopK.Select(scores, exclude is null ? default : exclude.RowColumns(user, buffer!), -1, hs, hi);
                }

                hs[count..].Fill(float.NegativeInfinity);
                hi[count..].Fill(-1);
            }
        }
    }
}
