using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// The library's one seeded generator: xoshiro256** (Blackman and Vigna), seeded through SplitMix64
/// from a seed and a stream number so that each phase of an algorithm draws from its own independent
/// sequence (every trainer's initialisation, SGD's shuffles, the softmax sampler, t-SNE's start, the
/// synthetic generator; each declares its stream numbers beside its code: synthetic data 1–9, biased
/// SGD 10–13, softmax 20–21, full-batch gradient descent 30, ALS 40, implicit ALS 41, Bayesian
/// matrix factorization 50–52 and per-row streams with bit 63 set, the Bayesian factorization machine 60–61). Fully
/// specified here, so a seed gives the same sequence on every runtime (unlike <see cref="Random"/>,
/// whose algorithm is an implementation detail). Not thread-safe: one instance per sequence.
/// </summary>
internal sealed class SeededRandom
{
    private const double InverseTwoTo53 = 1.0 / (1UL << 53);

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpareGaussian;

    /// <summary>Creates the sequence number <paramref name="stream"/> of seed <paramref name="seed"/>.</summary>
    public SeededRandom(long seed, ulong stream)
    {
        Reset(seed, stream);
    }

    /// <summary>
    /// Restarts this instance as the sequence <paramref name="stream"/> of seed <paramref name="seed"/>,
    /// exactly as a new instance would start: the Gibbs samplers draw each row's values from a stream
    /// keyed by the sweep and the row (never by the thread), reusing one instance per worker.
    /// </summary>
    public void Reset(long seed, ulong stream)
    {
        _hasSpareGaussian = false;
        ulong x = unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) ^ ((stream + 1) * 0xD1B54A32D192ED03UL));
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1; // the all-zero state is the one xoshiro cannot leave
        }
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => Next(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>A uniform double in [0, 1), 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * InverseTwoTo53;

    /// <summary>
    /// Copies to <paramref name="kept"/> the values of <paramref name="values"/> but the one at index
    /// <paramref name="skip"/>, each kept where its <see cref="NextDouble"/> (one draw per value, in order) is at least
    /// <paramref name="dropProbability"/>, and returns how many it kept: that loop's draws and result, with the state in
    /// registers and no branch on a draw (half of them would be mispredicted at a probability of 0.5).
    /// </summary>
    /// <param name="values">The values.</param>
    /// <param name="skip">The index of the value to leave out without a draw (none when outside <paramref name="values"/>).</param>
    /// <param name="dropProbability">The probability in [0, 1] of dropping each value.</param>
    /// <param name="kept">Receives the kept values; at least <paramref name="values"/>' length less one long.</param>
    public int KeepEach(ReadOnlySpan<int> values, int skip, double dropProbability, Span<int> kept)
    {
        Debug.Assert(dropProbability is >= 0 and <= 1, "a probability");
        // (x >> 11)·2⁻⁵³ ≥ p holds exactly when the integer x >> 11 is at least p·2⁵³ (exact: a power-of-two scaling), rounded up.
        ulong threshold = (ulong)Math.Ceiling(dropProbability * (1UL << 53));
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        int count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (i == skip)
            {
                continue;
            }

            ulong result = Next(ref s0, ref s1, ref s2, ref s3);
            kept[count] = values[i]; // written always, counted only if kept: the next value overwrites a dropped one
            count += (result >> 11) >= threshold ? 1 : 0;
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
        return count;
    }

    /// <summary>A uniform double in (0, 1): never 0, so its logarithm is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * InverseTwoTo53;

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int bound)
    {
        Debug.Assert(bound > 0, "bound must be positive");
        uint b = (uint)bound;
        ulong m = (NextUInt64() >> 32) * b;
        uint low = (uint)m;
        if (low < b)
        {
            uint threshold = (0u - b) % b;
            while (low < threshold)
            {
                m = (NextUInt64() >> 32) * b;
                low = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>A standard normal draw (Marsaglia's polar method; the second value of each pair is kept for the next call).</summary>
    public double NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        _hasSpareGaussian = true;
        return u * factor;
    }

    /// <summary>Fills <paramref name="values"/>, in order, with draws from Normal(0, <paramref name="standardDeviation"/>²) rounded to float.</summary>
    public void FillNormal(Span<float> values, double standardDeviation)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(standardDeviation * NextGaussian());
        }
    }

    /// <summary>An exponential draw with mean 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextExponential() => -Math.Log(NextOpenDouble());

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>One xoshiro256** step on the state (s0, s1, s2, s3): its output, and the state advanced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
