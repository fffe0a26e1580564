namespace CollaborativeFiltering.Factorization;

/// <summary>
/// What a Bayesian model (<see cref="BayesianMatrixFactorizer"/>, <c>BayesianFactorizationMachine</c>)
/// says about one rating: the posterior mean of the predicted rating and its posterior standard
/// deviation, both over the model's stored Gibbs samples, and the noise the model expects on top.
/// </summary>
/// <param name="Mean">
/// The posterior mean of the predicted rating: the average over the stored samples s of
/// f_s = μ_s + b_u,s + b_i,s + ⟨q_u,s, v_i,s⟩, each clamped into the model's prediction range when it has
/// one (as libFM does). This is not the prediction of the posterior-mean embeddings, which misses the
/// posterior covariance of q_u and v_i.
/// </param>
/// <param name="StandardDeviation">The posterior standard deviation of f over the same samples: how uncertain the model is about the rating's expected value (it shrinks as the user and item get more ratings).</param>
/// <param name="NoiseStandardDeviation">√E[1/α]: the standard deviation of the rating noise around f, α being the sampled noise precision (fixed when the options fix it).</param>
/// <param name="Samples">The number of samples the figures come from.</param>
public readonly record struct PosteriorPrediction(float Mean, float StandardDeviation, float NoiseStandardDeviation, int Samples)
{
    /// <summary>The prediction with its spread, e.g. <c>4.123 ± 0.2345 (noise σ 0.9012, 190 samples)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Internal.Display.Number(Mean)} ± {Internal.Display.Number(StandardDeviation)} (noise σ {Internal.Display.Number(NoiseStandardDeviation)}, {Internal.Display.Count(Samples)} samples)";

    /// <summary>
    /// The standard deviation of the rating itself under the posterior predictive distribution:
    /// √(<see cref="StandardDeviation"/>² + <see cref="NoiseStandardDeviation"/>²), what an interval
    /// meant to contain the actual rating should use.
    /// </summary>
    public float PredictiveStandardDeviation => MathF.Sqrt((StandardDeviation * StandardDeviation) + (NoiseStandardDeviation * NoiseStandardDeviation));
}
