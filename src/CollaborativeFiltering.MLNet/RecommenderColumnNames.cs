namespace CollaborativeFiltering.MLNet;

/// <summary>The column names the recommender estimators and transformers use by default, as ML.NET's trainers do.</summary>
public static class RecommenderColumnNames
{
    /// <summary>"Label": the default name of the ratings column a recommender estimator trains on.</summary>
    public const string Label = "Label";

    /// <summary>
    /// "Score": the Single column a recommender transformer adds, as ML.NET's trainers do; the name
    /// <c>mlContext.Regression.Evaluate</c> and a prediction class's <c>Score</c> field look for.
    /// </summary>
    public const string Score = "Score";
}
