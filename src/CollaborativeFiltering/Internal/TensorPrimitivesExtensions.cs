using System.Numerics.Tensors;

namespace CollaborativeFiltering.Internal;

/// <summary>Small span helpers on top of <see cref="TensorPrimitives"/>.</summary>
internal static class TensorPrimitivesExtensions
{
    /// <summary>Whether every value is finite (no NaN, no ±∞).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every value is finite (no NaN, no ±∞).</summary>
    public static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
