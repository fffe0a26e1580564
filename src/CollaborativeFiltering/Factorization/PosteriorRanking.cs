using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// How a Bayesian model ranks items for a user (<see cref="PosteriorRanker"/>): by the posterior mean
/// of each item's predicted rating f, or by a credible bound mean + z·sd of it. A lower bound
/// (z &lt; 0) prefers items the model is sure about, a cautious list; an upper bound (z &gt; 0) gives
/// uncertain items the benefit of the doubt, as an upper-confidence-bound explorer does. The bound is
/// the normal approximation of the posterior of f over the stored samples: with z = −1.645 about 95 %
/// of the posterior lies above it.
/// </summary>
/// <param name="StandardDeviations">z, the signed number of posterior standard deviations added to the mean; 0 ranks by the mean. Finite, in [−10, 10].</param>
public readonly record struct PosteriorRanking(double StandardDeviations)
{
    /// <summary>Ranks by the posterior mean of the predicted rating.</summary>
    public static PosteriorRanking Mean => default;

    /// <summary>What is ranked: <c>posterior mean</c>, or e.g. <c>mean − 1.645 sd</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        StandardDeviations == 0 ? "posterior mean" : $"mean {(StandardDeviations < 0 ? "−" : "+")} {Display.Number(Math.Abs(StandardDeviations))} sd";

    /// <summary>Ranks by mean − z·sd, a lower credible bound (z = 1.645: the one-sided 95 % bound).</summary>
    /// <param name="standardDeviations">z, finite, zero or greater.</param>
    /// <returns>The ranking.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="standardDeviations"/> is negative, above 10 or not finite.</exception>
    public static PosteriorRanking LowerBound(double standardDeviations = 1.645)
    {
        CheckMagnitude(standardDeviations, nameof(standardDeviations));
        return new PosteriorRanking(-standardDeviations);
    }

    /// <summary>Ranks by mean + z·sd, an upper credible bound (z = 1.645: the one-sided 95 % bound).</summary>
    /// <param name="standardDeviations">z, finite, zero or greater.</param>
    /// <returns>The ranking.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="standardDeviations"/> is negative, above 10 or not finite.</exception>
    public static PosteriorRanking UpperBound(double standardDeviations = 1.645)
    {
        CheckMagnitude(standardDeviations, nameof(standardDeviations));
        return new PosteriorRanking(standardDeviations);
    }

    /// <summary>Throws unless <see cref="StandardDeviations"/> is finite and in [−10, 10].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="StandardDeviations"/> is out of range.</exception>
    public void Validate()
    {
        if (!(Math.Abs(StandardDeviations) <= 10))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(StandardDeviations), StandardDeviations, "a finite number in [-10, 10]");
        }
    }

    private static void CheckMagnitude(double value, string paramName)
    {
        if (!(value >= 0 && value <= 10))
        {
            ThrowHelper.ArgumentOutOfRange(paramName, value, "a finite number in [0, 10]");
        }
    }
}
