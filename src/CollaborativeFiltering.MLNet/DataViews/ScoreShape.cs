using Microsoft.ML;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// The schema shape an estimator's <see cref="IEstimator{TTransformer}.GetOutputSchema"/> promises: the input
/// shape with a scalar Single score column added. ML.NET keeps <see cref="SchemaShape.Column"/>'s constructor
/// to its own assemblies, so the score column's shape is taken from a public ML.NET estimator that adds a
/// Single column of that name: a custom mapping whose output type has one float field, asked for its
/// output shape (it is never fitted or run).
/// </summary>
internal static class ScoreShape
{
    private static readonly Lazy<SchemaShape.Column> ScoreColumn = new(CreateScoreColumn);

    /// <summary><paramref name="input"/> with its column named <see cref="RecommenderColumnNames.Score"/> (if any) replaced by a Single scalar.</summary>
    public static SchemaShape AddScore(SchemaShape input)
    {
        var columns = new List<SchemaShape.Column>(input.Count + 1);
        foreach (SchemaShape.Column column in input)
        {
            if (!string.Equals(column.Name, RecommenderColumnNames.Score, StringComparison.Ordinal))
            {
                columns.Add(column);
            }
        }

        columns.Add(ScoreColumn.Value);
        return new SchemaShape(columns);
    }

    private static SchemaShape.Column CreateScoreColumn()
    {
        var estimator = new MLContext(seed: 0).Transforms.CustomMapping<NoColumns, ScoreOnly>(static (_, _) => { }, contractName: null);
        return estimator.GetOutputSchema(new SchemaShape([])).Single(c => string.Equals(c.Name, RecommenderColumnNames.Score, StringComparison.Ordinal));
    }

    /// <summary>The custom mapping's input: no column.</summary>
    internal sealed class NoColumns
    {
    }

    /// <summary>The custom mapping's output: one Single column named Score.</summary>
    internal sealed class ScoreOnly
    {
        /// <summary>The score.</summary>
        public float Score { get; set; }
    }
}
