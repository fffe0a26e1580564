namespace CollaborativeFiltering.Neural;

/// <summary>How <see cref="SoftmaxRecommender"/> turns each mini-batch gradient into a parameter step.</summary>
public enum SoftmaxOptimizer
{
    /// <summary>
    /// Adagrad, the Google recommendation course's optimizer: per parameter,
    /// <c>a += g²; w −= lr·g/√a</c>, with <c>a</c> starting at 0.1 (TensorFlow's initial accumulator).
    /// Default learning rate 0.3. The course's learning rate 8 does not suit this network (ReLU
    /// layers, separate output embeddings, a label left out of the input): a parameter whose gradient
    /// keeps its sign moves by about lr·√t after t steps, and on the MovieLens-shaped synthetic data the
    /// training cross-entropy climbs from about 7 to over 400 in 3,000 steps while recall@10 falls to a
    /// fifth of the most-popular baseline's.
    /// </summary>
    Adagrad = 0,

    /// <summary>
    /// Adam (Kingma and Ba) with β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸ and bias correction:
    /// <c>m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; w −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε)</c>.
    /// Default learning rate 0.001; the default optimizer.
    /// </summary>
    Adam = 1,
}
