using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Exact top-k items for every user: user tiles run in parallel; within a tile, each packed item
/// panel (kept in L1) is multiplied with every group of <see cref="GemmKernel.Rows"/> queries, and a
/// vector comparison against each user's heap threshold skips almost every panel without touching
/// the heap. Items are visited in ascending order per user, so ties resolve to the lower index, and
/// exclusions are found by a merge walk along the user's sorted CSR row.
/// </summary>
internal static class BatchTopK
{
    /// <summary>Users per tile (a multiple of <see cref="GemmKernel.Rows"/>).</summary>
    public const int TileUsers = 64;

    /// <summary>Fills <paramref name="outItems"/>/<paramref name="outScores"/> (N×k, row-major; −1 / −∞ padding).</summary>
    public static void Run(IEmbeddingModel model, int k, RatingRows? exclude, int maxDegreeOfParallelism, int[] outItems, float[] outScores, CancellationToken cancellationToken, RankingTransform? transform = null)
    {
        int n = model.Catalog.UserCount;
        int m = model.Catalog.ItemCount;
        int d = model.Dimensions;
        var (panels, bias) = GemmKernel.Pack(model.ItemEmbeddings, d, m, transform is null ? model.ItemBiases : transform.ItemTerms);
        int tiles = (n + TileUsers - 1) / TileUsers;
        // −1 means one thread per core: more threads than cores only make each tile, and so a
        // cancellation, wait longer.
        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        using var pool = new WorkerPool(Math.Clamp(threads, 1, tiles));
        var states = new TileState[pool.WorkerCount];
        for (int w = 0; w < states.Length; w++)
        {
            states[w] = new TileState(d, k);
        }

        pool.Run(new Context(model, k, exclude, panels, bias, outItems, outScores, states, transform, cancellationToken), tiles, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested(); // a tile that stopped early left its rows unfinished
    }

    private sealed class TileState(int d, int k)
    {
        public readonly float[] Queries = new float[TileUsers * d];
        public readonly bool[] HasQuery = new bool[TileUsers];
        public readonly float[] HeapScores = new float[TileUsers * k];
        public readonly int[] HeapItems = new int[TileUsers * k];
        public readonly int[] Counts = new int[TileUsers];
        public readonly float[] Thresholds = new float[TileUsers];
        public readonly int[] Cursors = new int[TileUsers];
        public readonly int[] Ends = new int[TileUsers];
        public readonly float[] Output = new float[GemmKernel.Rows * GemmKernel.PanelWidth];
    }

    /// <summary>The tiles of one run; each worker has its own <see cref="TileState"/>.</summary>
    private sealed class Context(IEmbeddingModel model, int k, RatingRows? exclude, float[] panels, float[] bias, int[] outItems, float[] outScores, TileState[] states, RankingTransform? transform, CancellationToken cancellationToken) : IBlockWork
    {
        public void Execute(int tile, int worker)
        {
            TileState s = states[worker];
            int n = model.Catalog.UserCount;
            int m = model.Catalog.ItemCount;
            int d = model.Dimensions;
            int p = GemmKernel.PanelWidth;
            int first = tile * TileUsers;
            int users = Math.Min(TileUsers, n - first);
            int groups = (users + GemmKernel.Rows - 1) / GemmKernel.Rows;
            // The merge walk runs along the source row (a split's root row) and skips its non-members.
            int[]? excludeOffsets = exclude?.SourceOffsets;
            int[]? excludeColumns = exclude?.Columns;

            Array.Clear(s.Queries);
            for (int t = 0; t < users; t++)
            {
                Span<float> q = s.Queries.AsSpan(t * d, d);
                s.HasQuery[t] = model.TryGetUserQuery(new UserIndex(first + t), q);
                if (!s.HasQuery[t])
                {
                    q.Clear();
                }
                else
                {
                    transform?.ScaleQuery(q);
                }

                s.Counts[t] = 0;
                s.Thresholds[t] = float.NegativeInfinity;
                s.Cursors[t] = excludeOffsets is null ? 0 : excludeOffsets[first + t];
                s.Ends[t] = excludeOffsets is null ? 0 : excludeOffsets[first + t + 1];
            }

            int panelCount = bias.Length / p;
            Span<float> output = s.Output;
            for (int panel = 0; panel < panelCount; panel++)
            {
                if ((panel & 63) == 63 && cancellationToken.IsCancellationRequested)
                {
                    return; // a tile over a large catalogue is long; Run throws for the token
                }

                ReadOnlySpan<float> a = panels.AsSpan(panel * p * d, p * d);
                ReadOnlySpan<float> b = bias.AsSpan(panel * p, p);
                for (int g = 0; g < groups; g++)
                {
                    GemmKernel.Multiply(s.Queries.AsSpan(g * GemmKernel.Rows * d, GemmKernel.Rows * d), a, d, output);
                    int tEnd = Math.Min(users, (g + 1) * GemmKernel.Rows);
                    for (int t = g * GemmKernel.Rows; t < tEnd; t++)
                    {
                        Span<float> row = output.Slice((t - (g * GemmKernel.Rows)) * p, p);
                        if (!s.HasQuery[t] || !GemmKernel.AnyGreater(row, b, s.Thresholds[t]))
                        {
                            continue;
                        }

                        Admit(s, t, row, b, panel * p, m, excludeColumns);
                    }
                }
            }

            for (int t = 0; t < users; t++)
            {
                Span<float> hs = s.HeapScores.AsSpan(t * k, k);
                Span<int> hi = s.HeapItems.AsSpan(t * k, k);
                int count = s.Counts[t];
                TopK.SortBestFirst(hs, hi, count);
                int o = (first + t) * k;
                hs[..count].CopyTo(outScores.AsSpan(o, count));
                hi[..count].CopyTo(outItems.AsSpan(o, count));
                outScores.AsSpan(o + count, k - count).Fill(float.NegativeInfinity);
                outItems.AsSpan(o + count, k - count).Fill(-1);
            }
        }

        private void Admit(TileState s, int t, ReadOnlySpan<float> row, ReadOnlySpan<float> b, int firstItem, int m, int[]? excludeColumns)
        {
            Span<float> hs = s.HeapScores.AsSpan(t * k, k);
            Span<int> hi = s.HeapItems.AsSpan(t * k, k);
            int count = s.Counts[t];
            float threshold = s.Thresholds[t];
            for (int lane = 0; lane < row.Length; lane++)
            {
                float score = row[lane] + b[lane];
                if (!(score > threshold))
                {
                    continue;
                }

                int item = firstItem + lane;
                if (item >= m)
                {
                    break;
                }

                if (excludeColumns is not null)
                {
                    int cursor = s.Cursors[t];
                    int end = s.Ends[t];
                    while (cursor < end && excludeColumns[cursor] < item)
                    {
                        cursor++;
                    }

                    s.Cursors[t] = cursor;
                    if (cursor < end && excludeColumns[cursor] == item && exclude!.IsMember(cursor))
                    {
                        continue;
                    }
                }

                TopK.Offer(hs, hi, ref count, score, item);
                threshold = TopK.Threshold(hs, count);
            }

            s.Counts[t] = count;
            s.Thresholds[t] = threshold;
        }
    }
}
