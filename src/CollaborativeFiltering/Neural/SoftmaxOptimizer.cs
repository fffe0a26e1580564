namespace CollaborativeFiltering.Neural;

/// <summary>How <see cref="SoftmaxTrainer"/> turns each mini-batch gradient into a parameter step.</summary>
public enum SoftmaxOptimizer
{
    /// <summary>
    /// Adagrad, the Google recommendation course's optimizer and the default: per parameter,
    /// <c>a += g²; w −= lr·g/√a</c>, with <c>a</c> starting at 0.1 (TensorFlow's initial accumulator).
    /// Default learning rate 8 (the course's). The dense layers are trained at the course's scale
    /// (<see cref="SoftmaxOptions.DenseWeightScale"/>, default 10 with Adagrad), which divides their
    /// steps by 10: at scale 1 a weight whose gradient keeps its sign moves by about 8·√t after t steps,
    /// and on the MovieLens-shaped synthetic data the training cross-entropy climbs from about 7 to
    /// over 1,000 within 500 steps while recall@10 falls to 0.65× the most-popular baseline's.
    /// </summary>
    Adagrad = 0,

    /// <summary>
    /// Adam (Kingma and Ba) with β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸ and bias correction:
    /// <c>m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; w −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε)</c>.
    /// Default learning rate 0.001; the dense layers are trained at scale 1 unless
    /// <see cref="SoftmaxOptions.DenseWeightScale"/> says otherwise.
    /// </summary>
    Adam = 1,
}
