namespace CollaborativeFiltering.Neural.Training;

/// <summary>A parameter array with its optimizer state (and, in tests, its captured gradient).</summary>
/// <remarks>
/// A parameter trained at scale s (<see cref="SoftmaxOptions.DenseWeightScale"/>) is stored as W but
/// stepped as W̃ = s·W would be, whose gradient is g/s: Adagrad's W̃ −= lr·(g/s)/√(0.1 + Σ(g/s)²)
/// is W −= (lr/s)·g/√(0.1·s² + Σg²), so the step size is divided by s and the accumulator starts at
/// 0.1·s²; Adam's steps hardly depend on the gradient's scale, so only its step size is divided.
/// </remarks>
internal sealed class SoftmaxParameter
{
    public SoftmaxParameter(float[] values, bool adam, bool capture, float scale = 1f)
    {
        Values = values;
        StepScale = 1f / scale;
        First = new float[values.Length];
        if (adam)
        {
            Second = new float[values.Length];
        }
        else
        {
            First.AsSpan().Fill(SoftmaxKernels.AdagradInitialAccumulator * scale * scale);
        }

        Gradient = capture ? new float[values.Length] : null;
    }

    public float[] Values { get; }

    /// <summary>1/s: the factor of the optimizer's step size for this parameter.</summary>
    public float StepScale { get; }

    /// <summary>Adagrad's accumulator, or Adam's first moment.</summary>
    public float[] First { get; }

    /// <summary>Adam's second moment.</summary>
    public float[]? Second { get; }

    public float[]? Gradient { get; }
}
