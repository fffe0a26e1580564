namespace CollaborativeFiltering.Evaluation;

/// <summary>The outcome of one cross-validation fold.</summary>
/// <param name="Fold">The fold's index, 0-based, in the order of <see cref="Data.DatasetSplitter.KFold"/>.</param>
/// <param name="Test">The errors on the fold's held-out ratings (of <see cref="IRecommenderModel.Predict"/>, as the model gives them: a matrix factorization clamps into its <see cref="Factorization.FactorizationModel.PredictionRange"/> when it has one).</param>
/// <param name="Train">The errors on the fold's training ratings, to compare with <paramref name="Test"/> (the gap shows overfitting).</param>
/// <param name="TrainingTime">The wall-clock time <see cref="ITrainer{TModel}.Fit"/> took on this fold.</param>
public readonly record struct FoldResult(int Fold, RegressionResult Test, RegressionResult Train, TimeSpan TrainingTime);
