using System.Globalization;

namespace CollaborativeFiltering;

/// <summary>
/// Training stopped because the loss became NaN or infinite, usually because the learning rate is
/// too large. No model is returned, so a NaN model never escapes.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public TrainingDivergedException()
        : base("Training diverged: the loss became NaN or infinite.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a divergence at an iteration.</summary>
    /// <param name="iteration">The 1-based iteration at which the loss stopped being finite.</param>
    /// <param name="loss">The loss value seen (NaN or ±∞).</param>
    /// <param name="learningRate">The learning rate in use, to suggest a smaller one; NaN when not applicable.</param>
    public TrainingDivergedException(int iteration, double loss, double learningRate)
        : base(Format(iteration, loss, learningRate))
    {
        Iteration = iteration;
        Loss = loss;
    }

    /// <summary>The 1-based iteration at which the loss stopped being finite; 0 when unknown.</summary>
    public int Iteration { get; }

    /// <summary>The non-finite loss value seen.</summary>
    public double Loss { get; }

    /// <remarks>
    /// The options hold learning rates in single precision: printed as doubles, 0.005f would read
    /// 0.004999999888241291, so the rate is printed at single precision, as the user wrote it, and the suggestion to 6 digits.
    /// </remarks>
    private static string Format(int iteration, double loss, double learningRate) =>
        double.IsNaN(learningRate)
            ? string.Create(CultureInfo.InvariantCulture, $"Training diverged at iteration {iteration}: the loss became {loss}. Try stronger regularization or a smaller initial scale.")
            : string.Create(CultureInfo.InvariantCulture, $"Training diverged at iteration {iteration}: the loss became {loss} with learning rate {(float)learningRate}. Try a smaller learning rate (for example {learningRate / 10:G6}).");
}
