using System.Runtime.CompilerServices;

namespace CollaborativeFiltering.Data.Parsing;

/// <summary>
/// Remembers the dense index of ids written as canonical decimal numbers ("1", "943", not "01" or
/// "+1"), in an array indexed by the number, so that resolving a MovieLens id is an array read
/// instead of a string hash. Ids that are not canonical numbers, or larger than
/// <see cref="MaxId"/>, are simply not cached; the mapping from text to number is one-to-one for
/// canonical numbers, so a hit is always the same id.
/// </summary>
internal sealed class NumericIdCache
{
    /// <summary>The largest id cached (4 Mi entries at most: 16 MiB).</summary>
    public const int MaxId = (1 << 22) - 1;

    private int[] _slots = new int[1024]; // index + 1; 0 = not cached

    /// <summary>Parses a canonical decimal id of at most 7 digits.</summary>
    /// <param name="id">The id's characters.</param>
    /// <param name="number">Its value.</param>
    /// <returns><see langword="true"/> when cacheable.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<char> id, out int number)
    {
        number = 0;
        if (id.IsEmpty || id.Length > 7 || (id[0] == '0' && id.Length > 1))
        {
            return false;
        }

        for (int i = 0; i < id.Length; i++)
        {
            uint d = (uint)(id[i] - '0');
            if (d > 9)
            {
                return false;
            }

            number = (number * 10) + (int)d;
        }

        return number <= MaxId;
    }

    /// <summary>The cached index of <paramref name="number"/>, or -1.</summary>
    /// <param name="number">A value from <see cref="TryParse"/>.</param>
    /// <returns>The index or -1.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(int number)
    {
        int[] slots = _slots;
        return (uint)number < (uint)slots.Length ? slots[number] - 1 : -1;
    }

    /// <summary>Caches the index of <paramref name="number"/>.</summary>
    /// <param name="number">A value from <see cref="TryParse"/>.</param>
    /// <param name="index">Its dense index.</param>
    public void Set(int number, int index)
    {
        if (number >= _slots.Length)
        {
            Array.Resize(ref _slots, Math.Min(Math.Max(number + 1, _slots.Length * 2), MaxId + 1));
        }

        _slots[number] = index + 1;
    }
}
