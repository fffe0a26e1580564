using System.Diagnostics;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data.Synthetic;

/// <summary>
/// Walker's alias method (Vose's construction): after an O(n) build, draws an index with
/// probability proportional to its weight in O(1). Immutable once built.
/// </summary>
internal sealed class AliasTable
{
    private readonly double[] _probability;
    private readonly int[] _alias;

    /// <summary>Builds the table; every weight must be finite and non-negative, and at least one positive.</summary>
    public AliasTable(ReadOnlySpan<double> weights)
    {
        int n = weights.Length;
        _probability = new double[n];
        _alias = new int[n];
        double total = 0;
        foreach (double w in weights)
        {
            total += w;
        }

        Debug.Assert(n > 0 && total > 0 && double.IsFinite(total), "weights must have a positive finite sum");
        var scaled = new double[n];
        var small = new int[n];
        var large = new int[n];
        int smallCount = 0, largeCount = 0;
        for (int i = 0; i < n; i++)
        {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1)
            {
                small[smallCount++] = i;
            }
            else
            {
                large[largeCount++] = i;
            }
        }

        while (smallCount > 0 && largeCount > 0)
        {
            int s = small[--smallCount];
            int l = large[--largeCount];
            _probability[s] = scaled[s];
            _alias[s] = l;
            scaled[l] = (scaled[l] + scaled[s]) - 1;
            if (scaled[l] < 1)
            {
                small[smallCount++] = l;
            }
            else
            {
                large[largeCount++] = l;
            }
        }

        // What is left is 1 up to rounding.
        while (largeCount > 0)
        {
            int l = large[--largeCount];
            _probability[l] = 1;
            _alias[l] = l;
        }

        while (smallCount > 0)
        {
            int s = small[--smallCount];
            _probability[s] = 1;
            _alias[s] = s;
        }
    }

    /// <summary>The number of indices.</summary>
    public int Count => _alias.Length;

    /// <summary>Draws an index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Sample(SeededRandom random)
    {
        // One 64-bit draw: the high 32 bits pick the column, the low 32 bits the coin.
        ulong bits = random.NextUInt64();
        int column = (int)(((bits >> 32) * (ulong)(uint)_alias.Length) >> 32);
        double coin = (uint)bits * (1.0 / 4294967296.0);
        return coin < _probability[column] ? column : _alias[column];
    }
}
