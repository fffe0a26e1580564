using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A closed interval [<see cref="Min"/>, <see cref="Max"/>] of rating values, e.g. [1, 5] for
/// MovieLens 1M or [0.5, 5] for half-star data: the lowest and highest rating of a dataset
/// (<see cref="RatingsDataset.ValueRange"/>), and the range a model clamps its predicted ratings to
/// (<see cref="Factorization.FactorizationModel.PredictionRange"/>). Both ends are finite and
/// <see cref="Min"/> ≤ <see cref="Max"/>; <c>default</c> is [0, 0].
/// </summary>
public readonly record struct RatingRange
{
    /// <summary>Creates the range [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">The lowest rating; finite.</param>
    /// <param name="max">The highest rating; finite and at least <paramref name="min"/> (equal is allowed: a single value).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is NaN or infinite, or <paramref name="max"/> is NaN, infinite or below <paramref name="min"/>; the exception's parameter name is the offending argument's.</exception>
    public RatingRange(float min, float max)
    {
        if (!float.IsFinite(min))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(min), min, "a finite number");
        }

        if (!float.IsFinite(max) || max < min)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(max), max, string.Create(CultureInfo.InvariantCulture, $"a finite number at least min ({min})"));
        }

        Min = min;
        Max = max;
    }

    /// <summary>The lowest rating of the range.</summary>
    public float Min { get; }

    /// <summary>The highest rating of the range.</summary>
    public float Max { get; }

    /// <summary>
    /// <paramref name="value"/> moved into the range: <see cref="Min"/> when below it,
    /// <see cref="Max"/> when above it, unchanged otherwise. NaN stays NaN.
    /// </summary>
    /// <param name="value">A predicted rating.</param>
    /// <returns>The clamped value.</returns>
    public float Clamp(float value) => value < Min ? Min : value > Max ? Max : value;

    /// <summary>Whether <paramref name="value"/> lies in the range, ends included (false for NaN).</summary>
    /// <param name="value">A rating.</param>
    /// <returns><see langword="true"/> when <see cref="Min"/> ≤ <paramref name="value"/> ≤ <see cref="Max"/>.</returns>
    public bool Contains(float value) => value >= Min && value <= Max;

    /// <summary>The range in invariant digits, e.g. <c>[1, 5]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Min}, {Max}]");
}
