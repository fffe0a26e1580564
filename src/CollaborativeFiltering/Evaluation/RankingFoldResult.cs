using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>The outcome of one fold of <see cref="CrossValidation.RunRanking"/>.</summary>
/// <param name="Fold">The fold's index, 0-based, in the order of <see cref="Data.DatasetSplitter.KFold"/>.</param>
/// <param name="Test">The top-k metrics on the fold's held-out ratings (the fold's training items excluded from the lists).</param>
/// <param name="TrainingTime">The wall-clock time <see cref="ITrainer{TModel}.Fit"/> took on this fold.</param>
public readonly record struct RankingFoldResult(int Fold, RankingResult Test, TimeSpan TrainingTime)
{
    /// <summary>E.g. <c>fold 0: precision@10 0.192, …; trained in 1.23 s</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"fold {Fold}: {Test}; trained in {Display.Seconds(TrainingTime)}");
}
