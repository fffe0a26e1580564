using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// The outcome of <see cref="CrossValidation.Run"/>: each fold's errors and training time, and the mean
/// and sample standard deviation (ddof = 1) of the test MSE, RMSE and MAE over the folds. The RMSE
/// summary is over the per-fold RMSEs (not the square root of the mean MSE). Immutable.
/// </summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(FoldResult[] folds)
    {
        Folds = Array.AsReadOnly(folds);
        var values = new double[folds.Length];
        Mse = Summarize(folds, values, static f => f.Test.Mse);
        Rmse = Summarize(folds, values, static f => f.Test.Rmse);
        Mae = Summarize(folds, values, static f => f.Test.Mae);
        TimeSpan total = TimeSpan.Zero;
        foreach (FoldResult f in folds)
        {
            total += f.TrainingTime;
        }

        TotalTrainingTime = total;
    }

    /// <summary>One result per fold, in fold order.</summary>
    public IReadOnlyList<FoldResult> Folds { get; }

    /// <summary>The mean and sample standard deviation of the folds' test MSE.</summary>
    public MetricSummary Mse { get; }

    /// <summary>The mean and sample standard deviation of the folds' test RMSE.</summary>
    public MetricSummary Rmse { get; }

    /// <summary>The mean and sample standard deviation of the folds' test MAE.</summary>
    public MetricSummary Mae { get; }

    /// <summary>The sum of the folds' training times.</summary>
    public TimeSpan TotalTrainingTime { get; }

    private static MetricSummary Summarize(FoldResult[] folds, double[] values, Func<FoldResult, double> metric)
    {
        for (int f = 0; f < folds.Length; f++)
        {
            values[f] = metric(folds[f]);
        }

        return MetricSummary.Of(values);
    }

    /// <summary>E.g. <c>5 folds: test RMSE 0.9123 ± 0.0123, MSE 0.8323 ± 0.0221, MAE 0.7213 ± 0.0098; training 12.3 s in all</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Folds.Count} folds: test RMSE {Rmse}, MSE {Mse}, MAE {Mae}; training {Display.Seconds(TotalTrainingTime)} in all");
}
