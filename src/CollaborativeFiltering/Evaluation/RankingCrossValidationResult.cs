using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Evaluation;

/// <summary>
/// The outcome of <see cref="CrossValidation.RunRanking"/>: each fold's top-k metrics and training time,
/// and the mean and sample standard deviation (ddof = 1) of each metric over the folds. Immutable.
/// </summary>
public sealed class RankingCrossValidationResult
{
    internal RankingCrossValidationResult(RankingFoldResult[] folds, int k)
    {
        Folds = Array.AsReadOnly(folds);
        K = k;
        var values = new double[folds.Length];
        PrecisionAtK = Summarize(folds, values, static f => f.Test.PrecisionAtK);
        RecallAtK = Summarize(folds, values, static f => f.Test.RecallAtK);
        NdcgAtK = Summarize(folds, values, static f => f.Test.NdcgAtK);
        MapAtK = Summarize(folds, values, static f => f.Test.MapAtK);
        HitRateAtK = Summarize(folds, values, static f => f.Test.HitRateAtK);
        TimeSpan total = TimeSpan.Zero;
        foreach (RankingFoldResult f in folds)
        {
            total += f.TrainingTime;
        }

        TotalTrainingTime = total;
    }

    /// <summary>One result per fold, in fold order.</summary>
    public IReadOnlyList<RankingFoldResult> Folds { get; }

    /// <summary>The cut-off k of the recommendation lists.</summary>
    public int K { get; }

    /// <summary>The mean and sample standard deviation of the folds' precision@k.</summary>
    public MetricSummary PrecisionAtK { get; }

    /// <summary>The mean and sample standard deviation of the folds' recall@k.</summary>
    public MetricSummary RecallAtK { get; }

    /// <summary>The mean and sample standard deviation of the folds' NDCG@k.</summary>
    public MetricSummary NdcgAtK { get; }

    /// <summary>The mean and sample standard deviation of the folds' MAP@k.</summary>
    public MetricSummary MapAtK { get; }

    /// <summary>The mean and sample standard deviation of the folds' hit rate@k.</summary>
    public MetricSummary HitRateAtK { get; }

    /// <summary>The sum of the folds' training times.</summary>
    public TimeSpan TotalTrainingTime { get; }

    private static MetricSummary Summarize(RankingFoldResult[] folds, double[] values, Func<RankingFoldResult, double> metric)
    {
        for (int f = 0; f < folds.Length; f++)
        {
            values[f] = metric(folds[f]);
        }

        return MetricSummary.Of(values);
    }

    /// <summary>E.g. <c>5 folds, top 10: precision 0.192 ± 0.004, recall 0.352 ± 0.01, NDCG 0.353 ± 0.008, MAP 0.2134 ± 0.007, hit rate 0.8 ± 0.01; training 12.3 s in all</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Folds.Count} folds, top {K}: precision {PrecisionAtK}, recall {RecallAtK}, NDCG {NdcgAtK}, MAP {MapAtK}, hit rate {HitRateAtK}; training {Display.Seconds(TotalTrainingTime)} in all");
}
