using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Training;

/// <summary>
/// What each trainer is about to allocate, estimated before any work from the data's sizes, d and
/// the thread count (in <see cref="long"/>, rounded up: padded rows, every per-worker scratch,
/// early-stopping snapshots), then checked against <see cref="MemoryBudget"/> and against the
/// largest array: an option that cannot fit is an <see cref="ArgumentOutOfRangeException"/> naming
/// it, never an overflowed size, an access violation or an <see cref="OutOfMemoryException"/> later.
/// </summary>
internal static class TrainingMemory
{
    private const string DimensionsName = "Dimensions";

    /// <summary>d rounded up to whole 512-bit vectors, the widest padding any trainer uses.</summary>
    private static long Padded(int d) => (d + 15L) & ~15L;

    /// <summary>The full-batch trainer: U and V with their next values, initial and gravity copies (5 tables; 7 with the early-stopping snapshot), residuals, Gram matrices, per-worker rows and per-worker spans of each item's ratings.</summary>
    public static void CheckFullBatch(RatingsDataset train, int d, int threads, bool snapshots)
    {
        long rows = Math.Max(train.UserCount, train.ItemCount);
        long dp = Padded(d);
        MemoryBudget.ThrowIfArrayTooLong(rows * dp, DimensionsName, d, "largest embedding table (padded rows)");
        long bytes = MemoryBudget.Sum(
            (snapshots ? 7 : 5) * 4 * ((long)train.UserCount + train.ItemCount) * dp,
            4L * train.Count,
            2 * 4 * dp * dp,
            (long)threads * 8 * dp,
            (long)threads * 8 * train.ItemCount);
        MemoryBudget.ThrowIfTooLarge(bytes, DimensionsName, d, "embedding tables, residuals and Gram matrices");
    }

    /// <summary>ALS (explicit or implicit): U and V (twice with early stopping), biases, per-worker normal equations and packed chunks, Gram partials.</summary>
    public static void CheckAls(RatingsDataset train, int d, int threads, bool snapshots)
    {
        long rows = Math.Max(train.UserCount, train.ItemCount);
        long dp = Padded(d) + 8; // the system order (d + 1, padded) may exceed the padded d
        MemoryBudget.ThrowIfArrayTooLong(rows * d, DimensionsName, d, "largest factor table");
        long workers = Math.Min(threads, rows + 1);
        long bytes = MemoryBudget.Sum(
            (snapshots ? 2 : 1) * 4 * ((long)train.UserCount + train.ItemCount) * (d + 1L),
            MemoryBudget.Product(workers, (8 * dp * dp) + (2 * 4 * 128 * dp) + (16 * dp)),
            17 * 8 * dp * dp);
        MemoryBudget.ThrowIfTooLarge(bytes, DimensionsName, d, "factor tables and per-thread normal equations");
    }

    /// <summary>Biased SGD: U and V with biases (twice with early stopping).</summary>
    public static void CheckBiasedSgd(RatingsDataset train, int d, bool snapshots)
    {
        long rows = Math.Max(train.UserCount, train.ItemCount);
        MemoryBudget.ThrowIfArrayTooLong(rows * d, DimensionsName, d, "largest factor table");
        long bytes = (snapshots ? 3 : 2) * 4 * ((long)train.UserCount + train.ItemCount) * (Padded(d) + 1);
        MemoryBudget.ThrowIfTooLarge(bytes, DimensionsName, d, "factor tables");
    }

    /// <summary>
    /// The Gibbs samplers (Bayesian matrix factorization, the factorization machine's stored samples):
    /// the current rows in float and their running sums in double, the stored samples
    /// (S·((N + M)·p + 2) floats, named by <paramref name="storedName"/>), per-worker systems.
    /// </summary>
    /// <param name="train">The training set.</param>
    /// <param name="p">The width of a row (d + 1).</param>
    /// <param name="threads">The most workers.</param>
    /// <param name="stored">S, the samples the model will store.</param>
    /// <param name="storedName">The option that sets S.</param>
    public static void CheckBayesian(RatingsDataset train, int p, int threads, int stored, string storedName)
    {
        long rows = Math.Max(train.UserCount, train.ItemCount);
        MemoryBudget.ThrowIfArrayTooLong(rows * p, DimensionsName, p - 1, "largest table of rows");
        MemoryBudget.ThrowIfArrayTooLong(MemoryBudget.Product(stored, rows * p), storedName, stored, "stored samples of the larger side (one array)");
        long dp = Padded(p) + 8;
        long workers = Math.Min(threads, rows + 1);
        long bytes = MemoryBudget.Sum(
            12 * ((long)train.UserCount + train.ItemCount) * p,
            MemoryBudget.Product(workers, (8 * dp * dp) + (4 * 128 * dp)),
            Math.Min(16 * 8 * dp * dp, (256L << 20) + (8 * dp * dp)), // the rows' statistics, summed in at most 16 blocks
            8L * train.Count);
        MemoryBudget.ThrowIfTooLarge(bytes, DimensionsName, p - 1, "rows, their running sums and per-thread systems");
        long samples = MemoryBudget.Product(stored, 4 * ((((long)train.UserCount + train.ItemCount) * p) + 2));
        MemoryBudget.ThrowIfTooLarge(MemoryBudget.Sum(bytes, samples), storedName, stored, "stored posterior samples");
    }

    /// <summary>SVD++: p and every user's query, q and y (padded), biases; with early stopping the best queries, q, y and biases again.</summary>
    public static void CheckSvdPlusPlus(RatingsDataset train, int d, bool snapshots)
    {
        long rows = Math.Max(train.UserCount, train.ItemCount);
        long dp = Padded(d);
        MemoryBudget.ThrowIfArrayTooLong(rows * dp, DimensionsName, d, "largest factor table (padded rows)");
        long tables = 2 * 4 * ((long)train.UserCount + train.ItemCount) * (dp + 1);
        long bytes = MemoryBudget.Sum(
            tables,
            snapshots ? tables / 2 : 0,
            2 * 4L * train.Count);
        MemoryBudget.ThrowIfTooLarge(bytes, DimensionsName, d, "factor, implicit-factor and query tables");
    }

    /// <summary>BPR: p and q (padded) and b_i (twice with early stopping), the block-ordered interactions, the samplers, and per-worker scores for the validation recall.</summary>
    public static void CheckBpr(RatingsDataset train, int d, int threads, bool snapshots)
    {
        long rows = Math.Max(train.UserCount, train.ItemCount);
        long dp = Padded(d);
        MemoryBudget.ThrowIfArrayTooLong(rows * dp, DimensionsName, d, "largest factor table (padded rows)");
        long tables = 4 * ((long)train.UserCount + train.ItemCount) * (dp + 1);
        long bytes = MemoryBudget.Sum(
            (snapshots ? 2 : 1) * tables,
            8L * train.Count,
            MemoryBudget.Product(Math.Min(threads, 64) + 3, 8L * train.ItemCount));
        MemoryBudget.ThrowIfTooLarge(bytes, DimensionsName, d, "factor tables, interactions and samplers");
    }
}
