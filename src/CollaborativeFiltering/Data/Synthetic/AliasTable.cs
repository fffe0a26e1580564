using System.Diagnostics;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data.Synthetic;

/// <summary>
/// Walker's alias method (Vose's construction): after an O(n) build, draws an index with
/// probability proportional to its weight in O(1). Immutable once built.
/// </summary>
/// <remarks>
/// The build allocates its five arrays (28 bytes per index) uninitialised and checks the token every
/// 16,384 indices of each loop: over a million items their first writes fault in ~7,000 pages, which on a
/// virtual machine can take a few hundred milliseconds, and those faults now fall between checks.
/// </remarks>
internal sealed class AliasTable
{
    private readonly double[] _probability;
    private readonly int[] _alias;

    /// <summary>Builds the table; every weight must be finite and non-negative, and at least one positive.</summary>
    /// <param name="weights">The weights, one per index.</param>
    /// <param name="cancellationToken">Checked every 16,384 indices of each loop of the build.</param>
    public AliasTable(ReadOnlySpan<double> weights, CancellationToken cancellationToken = default)
    {
        int n = weights.Length;
        double total = 0;
        foreach (double w in weights)
        {
            total += w;
        }

        Debug.Assert(n > 0 && total > 0 && double.IsFinite(total), "weights must have a positive finite sum");

        // Every index is pushed on small or large once and popped once, which writes its probability and
        // alias; scaled, small and large are written before they are read.
        _probability = GC.AllocateUninitializedArray<double>(n);
        _alias = GC.AllocateUninitializedArray<int>(n);
        double[] scaled = GC.AllocateUninitializedArray<double>(n);
        int[] small = GC.AllocateUninitializedArray<int>(n);
        int[] large = GC.AllocateUninitializedArray<int>(n);
        int smallCount = 0, largeCount = 0;
        for (int i = 0; i < n; i++)
        {
            SyntheticDataGenerator.Checkpoint(i, cancellationToken);
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

        for (int step = 0; smallCount > 0 && largeCount > 0; step++)
        {
            SyntheticDataGenerator.Checkpoint(step, cancellationToken);
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

    /// <summary>The probability with which <see cref="Sample"/> draws each index, as the table implies it (for tests).</summary>
    internal double[] ImpliedProbabilities()
    {
        int n = _alias.Length;
        var mass = new double[n];
        for (int column = 0; column < n; column++)
        {
            // A column is drawn with probability 1/n; it keeps itself with its probability, else gives its alias.
            mass[column] += _probability[column] / n;
            mass[_alias[column]] += (1 - _probability[column]) / n;
        }

        return mass;
    }

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
