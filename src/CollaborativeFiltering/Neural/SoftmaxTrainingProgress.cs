namespace CollaborativeFiltering.Neural;

/// <summary>A snapshot of softmax training, reported through <see cref="IProgress{T}"/> and logged.</summary>
/// <param name="Iteration">The number of completed mini-batch steps, 1-based.</param>
/// <param name="TotalIterations">The number of steps the fit runs.</param>
/// <param name="TrainLoss">
/// The mean softmax cross-entropy (natural log) of the training examples of the batches since the
/// previous report, each measured before its batch's step: −log p(label | the user's other items).
/// </param>
/// <param name="ValidationLoss">
/// The mean cross-entropy of the validation ratings, −log p(item | all of the user's training items),
/// at the model after this step; <see langword="null"/> without a validation set.
/// </param>
/// <param name="ValidationRecallAt10">
/// Recall@10 of the validation items: for each user with validation ratings, the share of them among
/// the user's 10 best-scored items not rated in training, averaged over those users (as
/// <see cref="Evaluation.RankingMetrics.Evaluate"/> computes it); <see langword="null"/> without a validation set.
/// </param>
/// <param name="Elapsed">Wall-clock time since the fit started.</param>
public readonly record struct SoftmaxTrainingProgress(
    int Iteration,
    int TotalIterations,
    double TrainLoss,
    double? ValidationLoss,
    double? ValidationRecallAt10,
    TimeSpan Elapsed);
