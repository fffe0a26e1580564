using System.Globalization;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// The magnitudes a model may hold so that every score it gives stays finite in single precision.
/// A dot product's partial sums are bounded by Σ|x_k·y_k| ≤ ‖x‖·‖y‖ (Cauchy–Schwarz), so with every
/// embedding norm at most <see cref="MaxNorm"/> = 10¹⁹ any dot product of two of them (user–item,
/// item–item, query–item), in any summation order, is at most 10³⁸ (plus rounding), and adding a
/// global mean and two biases of at most <see cref="MaxBias"/> each keeps a prediction below
/// 1.3·10³⁸ &lt; <see cref="float.MaxValue"/> (3.4·10³⁸). Models built from outside data
/// (<c>FromEmbeddings</c>, files) are checked against these limits; trained models never come near
/// them (their losses would have overflowed first).
/// </summary>
internal static class EmbeddingLimits
{
    /// <summary>The largest embedding dimension d any model, trainer or generator accepts (4,096): <c>TrainerOptions.MaxDimensions</c>.</summary>
    public const int MaxDimensions = 4096;

    /// <summary>The largest Euclidean norm of an embedding or query (10¹⁹).</summary>
    public const float MaxNorm = 1e19f;

    /// <summary>The largest magnitude of a global mean or a bias (10³⁷).</summary>
    public const float MaxBias = 1e37f;

    /// <summary>Describes the first row of <paramref name="rows"/> (row-major, <paramref name="d"/> wide) whose norm exceeds <see cref="MaxNorm"/>, or returns <see langword="null"/>.</summary>
    public static string? RowNormProblem(ReadOnlySpan<float> rows, int d, string what)
    {
        if (d <= 0)
        {
            return null;
        }

        int count = rows.Length / d;
        for (int r = 0; r < count; r++)
        {
            double norm = Norm(rows.Slice(r * d, d));
            if (!(norm <= MaxNorm))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{what} {r} has norm {norm:G4}; at most {MaxNorm:G2} is allowed so that dot products stay within single precision");
            }
        }

        return null;
    }

    /// <summary>Describes the first value of <paramref name="values"/> whose magnitude exceeds <see cref="MaxBias"/>, or returns <see langword="null"/>.</summary>
    public static string? BiasProblem(ReadOnlySpan<float> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!(Math.Abs(values[i]) <= MaxBias))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{what} {i} is {values[i]:G4}; at most {MaxBias:G2} in magnitude is allowed so that predictions stay within single precision");
            }
        }

        return null;
    }

    /// <summary>The Euclidean norm in double (never overflows for float input; NaN or ∞ when the input holds one).</summary>
    public static double Norm(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float x in v)
        {
            sum += (double)x * x;
        }

        return Math.Sqrt(sum);
    }
}
