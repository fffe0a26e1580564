using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// The Gibbs samples a Bayesian model keeps to predict after training: for each stored sample s, a
/// global term g_s, the noise variance 1/α_s, every user's row [q_u,s; b_u,s] and every item's row
/// [v_i,s; b_i,s] (d + 1 floats each), so that the sample's rating of (u, i) is
/// f_s = g_s + b_u,s + b_i,s + ⟨q_u,s, v_i,s⟩. The exact posterior mean of a prediction needs them:
/// the average of ⟨q_u,s, v_i,s⟩ over s is not ⟨q̄_u, v̄_i⟩. Memory: S·((N + M)·(d + 1) + 2) floats; each
/// table fits in one array (the trainers check it before any work), so every offset is an int.
/// Written once by the training that fills it, then immutable.
/// </summary>
internal sealed class PosteriorSamples
{
    private readonly float[] _globals;
    private readonly float[] _noiseVariances;
    private readonly float[] _users;
    private readonly float[] _items;

    /// <summary>Allocates room for <paramref name="count"/> samples (filled by the training).</summary>
    public PosteriorSamples(int count, int dimensions, int userCount, int itemCount)
        : this(count, dimensions, userCount, itemCount, new float[count], new float[count],
            new float[(long)count * userCount * (dimensions + 1)], new float[(long)count * itemCount * (dimensions + 1)])
    {
    }

    /// <summary>Wraps arrays read from a model file (checked by the reader).</summary>
    public PosteriorSamples(int count, int dimensions, int userCount, int itemCount, float[] globals, float[] noiseVariances, float[] users, float[] items)
    {
        Debug.Assert(count > 0 && globals.Length == count && noiseVariances.Length == count);
        Debug.Assert(users.Length == (long)count * userCount * (dimensions + 1) && items.Length == (long)count * itemCount * (dimensions + 1));
        Count = count;
        Dimensions = dimensions;
        UserCount = userCount;
        ItemCount = itemCount;
        _globals = globals;
        _noiseVariances = noiseVariances;
        _users = users;
        _items = items;
    }

    /// <summary>S, the number of stored samples.</summary>
    public int Count { get; }

    /// <summary>d.</summary>
    public int Dimensions { get; }

    /// <summary>N.</summary>
    public int UserCount { get; }

    /// <summary>M.</summary>
    public int ItemCount { get; }

    /// <summary>The width of a stored row, d + 1.</summary>
    public int RowWidth => Dimensions + 1;

    /// <summary>g_s of every sample.</summary>
    public float[] Globals => _globals;

    /// <summary>1/α_s of every sample.</summary>
    public float[] NoiseVariances => _noiseVariances;

    /// <summary>Every sample's user rows, sample after sample.</summary>
    public float[] UserArray => _users;

    /// <summary>Every sample's item rows, sample after sample.</summary>
    public float[] ItemArray => _items;

    /// <summary>The bytes S samples take: S·((N + M)·(d + 1) + 2) floats.</summary>
    public static long Bytes(long count, int dimensions, int userCount, int itemCount) =>
        MemoryBudget.Product(count, 4 * ((((long)userCount + itemCount) * (dimensions + 1)) + 2));

    /// <summary>The user rows of sample <paramref name="sample"/> (N·(d + 1) floats).</summary>
    public Span<float> UserRows(int sample) => _users.AsSpan(sample * UserCount * RowWidth, UserCount * RowWidth);

    /// <summary>The item rows of sample <paramref name="sample"/> (M·(d + 1) floats).</summary>
    public Span<float> ItemRows(int sample) => _items.AsSpan(sample * ItemCount * RowWidth, ItemCount * RowWidth);

    /// <summary>Sets g_s and 1/α_s of sample <paramref name="sample"/>.</summary>
    public void SetScalars(int sample, float global, float noiseVariance)
    {
        _globals[sample] = global;
        _noiseVariances[sample] = noiseVariance;
    }

    /// <summary>f_s(u, i) of one sample, in float as the model predicts.</summary>
    public float SamplePrediction(int sample, int user, int item)
    {
        int w = RowWidth, d = Dimensions;
        ReadOnlySpan<float> u = _users.AsSpan((((sample * UserCount) + user) * w), w);
        ReadOnlySpan<float> v = _items.AsSpan((((sample * ItemCount) + item) * w), w);
        return _globals[sample] + u[d] + v[d] + TensorPrimitives.Dot(u[..d], v[..d]);
    }

    /// <summary>
    /// The posterior mean and standard deviation of f over the samples, each sample's f clamped into
    /// <paramref name="range"/> when given (accumulated in double).
    /// </summary>
    public PosteriorPrediction Predict(int user, int item, RatingRange? range)
    {
        double sum = 0, squares = 0, noise = 0;
        for (int s = 0; s < Count; s++)
        {
            float f = SamplePrediction(s, user, item);
            if (range is { } r)
            {
                f = r.Clamp(f);
            }

            sum += f;
            squares += (double)f * f;
            noise += _noiseVariances[s];
        }

        return Moments(sum, squares, noise / Count, Count);
    }

    /// <summary>
    /// Writes the ranking score mean + z·sd of every item's f (never clamped) for a known user into
    /// <paramref name="scores"/> (length M): one <see cref="ScoreKernel.DotAll"/> over each sample's item rows.
    /// </summary>
    public void Score(int user, double z, Span<float> scores)
    {
        Debug.Assert(scores.Length == ItemCount);
        int m = ItemCount, w = RowWidth, d = Dimensions;
        double[] sums = ArrayPool<double>.Shared.Rent(2 * m);
        float[] buffer = ArrayPool<float>.Shared.Rent(w + m);
        try
        {
            Span<double> sum = sums.AsSpan(0, m), squares = sums.AsSpan(m, m);
            sum.Clear();
            squares.Clear();
            Span<float> query = buffer.AsSpan(0, w), sample = buffer.AsSpan(w, m);
            for (int s = 0; s < Count; s++)
            {
                ReadOnlySpan<float> row = _users.AsSpan(((s * UserCount) + user) * w, w);
                row[..d].CopyTo(query);
                query[d] = 1; // [q_u; 1]·[v_i; b_i] = ⟨q_u, v_i⟩ + b_i
                ScoreKernel.DotAll(ItemRows(s), w, query, sample);
                float offset = _globals[s] + row[d];
                for (int i = 0; i < m; i++)
                {
                    double f = sample[i] + offset;
                    sum[i] += f;
                    squares[i] += f * f;
                }
            }

            for (int i = 0; i < m; i++)
            {
                PosteriorPrediction p = Moments(sum[i], squares[i], 0, Count);
                scores[i] = (float)(p.Mean + (z * p.StandardDeviation));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sums);
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>The first non-finite or out-of-limit value, described, or <see langword="null"/> (for the model-file reader).</summary>
    public string? Problem()
    {
        if (!TensorPrimitivesExtensions.AllFinite(_globals) || !TensorPrimitivesExtensions.AllFinite(_users) || !TensorPrimitivesExtensions.AllFinite(_items))
        {
            return "a posterior sample holds a NaN or infinite value";
        }

        foreach (float v in _noiseVariances)
        {
            if (!(v >= 0) || !float.IsFinite(v))
            {
                return string.Create(CultureInfo.InvariantCulture, $"a posterior sample's noise variance is {v}; expected a finite number, zero or greater");
            }
        }

        return EmbeddingLimits.BiasProblem(_globals, "the global term of posterior sample")
            ?? EmbeddingLimits.RowNormProblem(_users, RowWidth, "the user row (factors and bias) of posterior sample row")
            ?? EmbeddingLimits.RowNormProblem(_items, RowWidth, "the item row (factors and bias) of posterior sample row");
    }

    private static PosteriorPrediction Moments(double sum, double squares, double noiseVariance, int count)
    {
        double mean = sum / count;
        double variance = Math.Max(0, (squares / count) - (mean * mean));
        return new PosteriorPrediction((float)mean, (float)Math.Sqrt(variance), (float)Math.Sqrt(noiseVariance), count);
    }
}
