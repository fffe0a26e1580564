using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The block schedule of the library's parallel SGD trainers (biased SGD, BPR), LIBMF's and DSGD's:
/// users and items are each cut into B seeded groups, giving a B×B grid of blocks, and an epoch runs B
/// strata of B blocks of which no two share a user group or an item group, so that the blocks of a
/// stratum touch disjoint parameters and run on different threads without locks. Which blocks go
/// together, and the order of the strata, are drawn afresh each epoch from the epoch's generator; the
/// schedule depends only on the data's sizes and the seed, never on the thread count.
/// </summary>
internal sealed class StratifiedSchedule
{
    /// <summary>The smallest B.</summary>
    public const int MinGridSize = 16;

    /// <summary>The largest B, and so the most threads a fit uses.</summary>
    public const int MaxGridSize = 64;

    /// <summary>The most bytes of factor rows per group pair before B doubles.</summary>
    private const long GroupBytes = 1L << 20;

    private readonly SeededRandom _random;
    private readonly int[] _rowShuffle;
    private readonly int[] _columnShuffle;
    private readonly int[] _stratumOrder;
    private readonly int[] _schedule;

    /// <summary>A schedule over a <paramref name="grid"/>×<paramref name="grid"/> grid drawing from <paramref name="random"/>.</summary>
    public StratifiedSchedule(int grid, SeededRandom random)
    {
        GridSize = grid;
        _random = random;
        _rowShuffle = new int[grid];
        _columnShuffle = new int[grid];
        _stratumOrder = new int[grid];
        _schedule = new int[grid * grid];
    }

    /// <summary>B, the number of user groups and of item groups.</summary>
    public int GridSize { get; }

    /// <summary>The blocks of every stratum of the last planned epoch, in order (B strata of B blocks, row-major block indices).</summary>
    public ReadOnlySpan<int> Blocks => _schedule;

    /// <summary>The block that task <paramref name="task"/> of stratum <paramref name="stratum"/> runs.</summary>
    public int Block(int stratum, int task) => _schedule[(stratum * GridSize) + task];

    /// <summary>
    /// Draws the next epoch's Latin square and stratum order: stratum s holds the blocks
    /// (r, β[(α[r] + shift_s) mod B]) for every user group r, with α, β and the order of the shifts
    /// random. Within a stratum the blocks are listed largest first (by <paramref name="blockOffsets"/>,
    /// B² + 1 offsets into the block-ordered entries), which balances the threads and does not change the
    /// result (the blocks are independent).
    /// </summary>
    public void Plan(ReadOnlySpan<int> blockOffsets)
    {
        int grid = GridSize;
        for (int k = 0; k < grid; k++)
        {
            _rowShuffle[k] = k;
            _columnShuffle[k] = k;
            _stratumOrder[k] = k;
        }

        _random.Shuffle(_rowShuffle.AsSpan());
        _random.Shuffle(_columnShuffle.AsSpan());
        _random.Shuffle(_stratumOrder.AsSpan());
        for (int s = 0; s < grid; s++)
        {
            Span<int> stratum = _schedule.AsSpan(s * grid, grid);
            int shift = _stratumOrder[s];
            for (int r = 0; r < grid; r++)
            {
                int c = _columnShuffle[(_rowShuffle[r] + shift) % grid];
                stratum[r] = (r * grid) + c;
            }

            // Insertion sort by size, largest first; ties by block index.
            for (int a = 1; a < grid; a++)
            {
                int block = stratum[a];
                int size = Size(blockOffsets, block);
                int b = a - 1;
                while (b >= 0 && (Size(blockOffsets, stratum[b]) < size || (Size(blockOffsets, stratum[b]) == size && stratum[b] > block)))
                {
                    stratum[b + 1] = stratum[b];
                    b--;
                }

                stratum[b + 1] = block;
            }
        }

        static int Size(ReadOnlySpan<int> offsets, int block) => offsets[block + 1] - offsets[block];
    }

    /// <summary>B for N users, M items and padded rows of <paramref name="stride"/> floats: 16, doubled up to 64 while a group pair's rows exceed 1 MiB, so that a block's rows stay in a core's L2 cache.</summary>
    public static int GridSizeFor(int n, int m, int stride)
    {
        long bytes = ((long)n + m) * stride * sizeof(float);
        int grid = MinGridSize;
        while (grid < MaxGridSize && bytes / grid > GroupBytes)
        {
            grid *= 2;
        }

        return grid;
    }

    /// <summary>Shuffles the rows (seeded) and cuts them into B groups of about <paramref name="total"/>/B of <paramref name="counts"/> each; returns each row's group.</summary>
    public static int[] Groups(int[] counts, long total, int grid, SeededRandom random)
    {
        var order = new int[counts.Length];
        for (int r = 0; r < order.Length; r++)
        {
            order[r] = r;
        }

        random.Shuffle(order.AsSpan());
        var group = new int[counts.Length];
        long before = 0;
        foreach (int r in order)
        {
            // The group of the row's midpoint in the cumulative count.
            long mid = (2 * before) + counts[r];
            group[r] = (int)Math.Min(grid - 1, mid * grid / (2L * total));
            before += counts[r];
        }

        return group;
    }

    /// <summary>
    /// Each row's slot in group-major order: the rows of group 0 first, then those of group 1, and so
    /// on, each group's rows in index order. A trainer that stores row r at its slot keeps every group's
    /// rows contiguous, so a block touches two compact ranges of memory (few pages, prefetchable) rather
    /// than rows scattered over the whole matrix.
    /// </summary>
    public static int[] GroupMajorSlots(int[] group, int grid)
    {
        var next = new int[grid + 1];
        foreach (int g in group)
        {
            next[g + 1]++;
        }

        for (int g = 0; g < grid; g++)
        {
            next[g + 1] += next[g];
        }

        var slots = new int[group.Length];
        for (int r = 0; r < group.Length; r++)
        {
            slots[r] = next[group[r]]++;
        }

        return slots;
    }

    /// <summary>Shuffles the rows (seeded) and cuts them into B groups of about equal total <paramref name="weights"/>; returns each row's group.</summary>
    public static int[] GroupsByWeight(double[] weights, int grid, SeededRandom random)
    {
        var order = new int[weights.Length];
        double total = 0;
        for (int r = 0; r < order.Length; r++)
        {
            order[r] = r;
            total += weights[r];
        }

        random.Shuffle(order.AsSpan());
        var group = new int[weights.Length];
        double before = 0;
        foreach (int r in order)
        {
            double mid = before + (weights[r] / 2);
            group[r] = total > 0 ? (int)Math.Min(grid - 1, Math.Floor(mid * grid / total)) : 0;
            before += weights[r];
        }

        return group;
    }
}
