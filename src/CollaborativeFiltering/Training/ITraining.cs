namespace CollaborativeFiltering.Training;

/// <summary>
/// One fit in progress, as <see cref="TrainingLoop"/> drives it: the trainer-specific part of training
/// (the step, what to measure, how to keep and restore the best parameters, how to build the model),
/// while the loop owns everything the trainers share (cancellation, divergence checks, report
/// interval, early stopping, logging, timing). A training owns its buffers and worker threads.
/// </summary>
/// <typeparam name="TModel">The model it builds.</typeparam>
internal interface ITraining<out TModel> : IDisposable
{
    /// <summary>The number of worker threads, the calling thread included (for the start message).</summary>
    int WorkerCount { get; }

    /// <summary>Whether a validation set with at least one rating was given.</summary>
    bool HasValidation { get; }

    /// <summary>
    /// Why <see cref="TrainerOptions.EarlyStoppingPatience"/> cannot apply to this trainer, or
    /// <see langword="null"/> when its validation loss measures what it learns and early stopping works.
    /// </summary>
    string? EarlyStoppingUnsupportedReason { get; }

    /// <summary>Runs iteration <paramref name="iteration"/> (1-based).</summary>
    /// <returns>The loss the step measured on its way (NaN or infinite when it diverged; any finite value when the step measures none).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled within the step.</exception>
    double Step(int iteration, CancellationToken cancellationToken);

    /// <summary>The learning rate iteration <paramref name="iteration"/> used, for the divergence message; NaN when the trainer has none.</summary>
    double LearningRate(int iteration);

    /// <summary>The validation loss of the current parameters, lower is better: what early stopping watches.</summary>
    double ValidationLoss();

    /// <summary>
    /// Measures the current parameters for a report: the loss fields of a <see cref="TrainingProgress"/>
    /// (the loop sets the iteration and the time). <paramref name="validationLoss"/> is the validation
    /// loss when early stopping already measured it at this iteration.
    /// </summary>
    TrainingProgress Measure(double? validationLoss);

    /// <summary>The measurements of a report as text, for the debug log.</summary>
    string Describe(in TrainingProgress progress);

    /// <summary>A short summary of the trained model for the completion message, from the measurement of the final parameters.</summary>
    string Summarize(in TrainingProgress final);

    /// <summary>Keeps a copy of the current parameters as the best so far.</summary>
    void KeepBest();

    /// <summary>Whether every parameter is finite, and small enough that the model's scores stay finite (a step can leave values that no loss saw).</summary>
    bool AllFinite();

    /// <summary>The model of the current parameters, or of those kept by <see cref="KeepBest"/>.</summary>
    TModel ToModel(bool best);

    /// <summary>
    /// Whether the fit can go on after <see cref="CopyModel"/>: its steps depend on the iteration number
    /// only, not on the total, so that continuing gives the bits of a longer fit (see <see cref="TrainingRun{TModel}"/>).
    /// </summary>
    bool Continuable => false;

    /// <summary>About how many bytes the training holds while it is kept to be continued (its working copy of the ratings, parameters and snapshots).</summary>
    long RetainedBytes => long.MaxValue;

    /// <summary>The model of the current parameters, or of those kept by <see cref="KeepBest"/>, built from copies so that the training can continue.</summary>
    /// <exception cref="NotSupportedException">The training is not <see cref="Continuable"/>.</exception>
    TModel CopyModel(bool best) => throw new NotSupportedException("This training cannot continue after building a model.");
}
