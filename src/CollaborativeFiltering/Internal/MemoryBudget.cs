using System.Globalization;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// The check every size-driven allocation makes before any work: the bytes it is about to need are
/// estimated (in <see cref="long"/>, so no size computation overflows) and compared with the memory
/// the runtime says this process may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>:
/// the machine's memory, or the container's or the configured GC heap limit). A request beyond it
/// is an <see cref="ArgumentOutOfRangeException"/> naming the option or parameter that drives it,
/// instead of an <see cref="OutOfMemoryException"/> (or worse, an overflowed size) halfway through.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>The memory this process may use, in bytes.</summary>
    public static long Available => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws naming <paramref name="paramName"/> when <paramref name="bytes"/> exceeds <see cref="Available"/>.</summary>
    public static void ThrowIfTooLarge(long bytes, string paramName, object? value, string what)
    {
        long available = Available;
        if (bytes < 0 || bytes > available)
        {
            ThrowHelper.ArgumentOutOfRange(paramName, value, string.Create(CultureInfo.InvariantCulture,
                $"small enough for its {what} to fit in memory: they need about {Describe(bytes)}, and this process may use {Describe(available)}"));
        }
    }

    /// <summary>Throws naming <paramref name="paramName"/> when one array of <paramref name="length"/> elements exceeds <see cref="Array.MaxLength"/>.</summary>
    public static void ThrowIfArrayTooLong(long length, string paramName, object? value, string what)
    {
        if (length < 0 || length > Array.MaxLength)
        {
            ThrowHelper.ArgumentOutOfRange(paramName, value, string.Create(CultureInfo.InvariantCulture,
                $"small enough for its {what} ({length:N0} elements) to fit in one array (at most {Array.MaxLength:N0})"));
        }
    }

    /// <summary>Adds without overflowing: sizes that overflow a long are reported as <see cref="long.MaxValue"/>.</summary>
    public static long Sum(params ReadOnlySpan<long> terms)
    {
        long total = 0;
        foreach (long term in terms)
        {
            if (term < 0 || total > long.MaxValue - term)
            {
                return long.MaxValue;
            }

            total += term;
        }

        return total;
    }

    /// <summary>a·b without overflowing (saturating at <see cref="long.MaxValue"/>); both non-negative.</summary>
    public static long Product(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;

    private static string Describe(long bytes) => bytes == long.MaxValue
        ? "more than any machine has"
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB");
}
