using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>The outcome of one cross-validation fold.</summary>
/// <param name="Fold">The fold's index, 0-based, in the order of <see cref="Data.DatasetSplitter.KFold"/>.</param>
/// <param name="Test">The errors on the fold's held-out ratings (of <see cref="IRecommenderModel.Predict(Data.UserIndex, Data.ItemIndex)"/>, as the model gives them: a matrix factorization clamps into its <see cref="Factorization.FactorizationModel.PredictionRange"/> when it has one).</param>
/// <param name="Train">The errors on the fold's training ratings, to compare with <paramref name="Test"/> (the gap shows overfitting).</param>
/// <param name="TrainingTime">The wall-clock time <see cref="ITrainer{TModel}.Fit"/> took on this fold.</param>
public readonly record struct FoldResult(int Fold, RegressionResult Test, RegressionResult Train, TimeSpan TrainingTime)
{
    /// <summary>E.g. <c>fold 0: test MSE 0.8123, RMSE 0.9013, MAE 0.7123 over 20000 ratings; train RMSE 0.6012; trained in 1.23 s</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"fold {Fold}: test {Test}; train RMSE {Display.Number(Train.Rmse)}; trained in {Display.Seconds(TrainingTime)}");
}
