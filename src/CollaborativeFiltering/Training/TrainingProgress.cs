using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering;

/// <summary>
/// A snapshot of training, reported through <see cref="IProgress{T}"/> by every trainer and logged. The
/// objective's terms (<see cref="ObservedLoss"/>, <see cref="RegularizationLoss"/>,
/// <see cref="GravityLoss"/>) are those the trainer minimises, per rating or example; the rating errors
/// (<see cref="TrainMse"/>, <see cref="ValidationMse"/>) are reported by the models that predict ratings;
/// <see cref="ValidationLoss"/> is what early stopping watches. Each trainer's <c>Fit</c> documents what
/// it puts in each field.
/// </summary>
public readonly record struct TrainingProgress
{
    /// <summary>The number of completed iterations (full-batch steps, epochs, sweeps or mini-batch steps), 1-based.</summary>
    public int Iteration { get; init; }

    /// <summary>The number of iterations the fit runs at most.</summary>
    public int TotalIterations { get; init; }

    /// <summary>
    /// The data term of the objective: the observed MSE for the matrix factorizers (for full-batch
    /// gradient descent at the point the step was taken from, for SGD the mean of the squared errors seen
    /// during the epoch), the mean cross-entropy of the batches since the previous report for the softmax
    /// trainer.
    /// </summary>
    public double ObservedLoss { get; init; }

    /// <summary>The weighted L2 term of the objective; 0 when it has none.</summary>
    public double RegularizationLoss { get; init; }

    /// <summary>The weighted gravity term (λ_g·g(U,V)); 0 when the objective has none.</summary>
    public double GravityLoss { get; init; }

    /// <summary>The mean squared error of the model's predictions on the training ratings after this iteration; <see langword="null"/> for models that do not predict ratings (the softmax network).</summary>
    public double? TrainMse { get; init; }

    /// <summary>The mean squared error on the validation ratings; <see langword="null"/> without a validation set or for models that do not predict ratings.</summary>
    public double? ValidationMse { get; init; }

    /// <summary>The validation loss early stopping watches (lower is better): <see cref="ValidationMse"/> for the factorizers, the cross-entropy of the validation ratings for the softmax trainer; <see langword="null"/> without a validation set.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Recall@10 of the validation items, for the trainers that measure it (the softmax trainer); <see langword="null"/> otherwise.</summary>
    public double? ValidationRecallAt10 { get; init; }

    /// <summary>
    /// With early stopping on (a patience, a validation set and a trainer that can stop early), the
    /// iteration with the lowest <see cref="ValidationLoss"/> so far, whose model the fit returns if it
    /// ends now; <see langword="null"/> when early stopping is off or before its first evaluation. The
    /// last report of a fit that stopped early names the iteration of the model it returned.
    /// </summary>
    public int? BestIteration { get; init; }

    /// <summary>Wall-clock time since the fit started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The total loss: <see cref="ObservedLoss"/> + <see cref="RegularizationLoss"/> + <see cref="GravityLoss"/>.</summary>
    public double TotalLoss => ObservedLoss + RegularizationLoss + GravityLoss;

    /// <summary>√<see cref="TrainMse"/>, or <see langword="null"/>.</summary>
    public double? TrainRmse => TrainMse is { } mse ? Math.Sqrt(mse) : null;

    /// <summary>√<see cref="ValidationMse"/>, or <see langword="null"/>.</summary>
    public double? ValidationRmse => ValidationMse is { } mse ? Math.Sqrt(mse) : null;


    /// <summary>
    /// One line with four significant digits: for the rating models <c>iteration 100 of 1000: train MSE
    /// 0.3301, validation MSE 0.9702 (0.49 s)</c>, with <c>; loss 3.089 = observed 0.807 + regularization 1.019
    /// + gravity 1.263</c> when the objective has penalties; for the others (the softmax network) <c>iteration
    /// 200 of 3000: loss 6.636, validation loss 6.874, validation recall@10 0.119 (0.2 s)</c>.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"iteration {Iteration} of {TotalIterations}: ");
        if (TrainMse is { } train)
        {
            text.Append("train MSE ").Append(Display.Number(train));
            if (ValidationMse is { } validation)
            {
                text.Append(", validation MSE ").Append(Display.Number(validation));
            }

            if (RegularizationLoss != 0 || GravityLoss != 0)
            {
                text.Append("; loss ").Append(Display.Number(TotalLoss)).Append(" = observed ").Append(Display.Number(ObservedLoss))
                    .Append(" + regularization ").Append(Display.Number(RegularizationLoss)).Append(" + gravity ").Append(Display.Number(GravityLoss));
            }
        }
        else
        {
            text.Append("loss ").Append(Display.Number(ObservedLoss));
            if (ValidationLoss is { } loss)
            {
                text.Append(", validation loss ").Append(Display.Number(loss));
            }

            if (ValidationRecallAt10 is { } recall)
            {
                text.Append(", validation recall@10 ").Append(Display.Number(recall));
            }
        }

        return text.Append(" (").Append(Display.Seconds(Elapsed)).Append(')').ToString();
    }
}
