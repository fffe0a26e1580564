using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>The row-to-row mapper of a recommender transformer: what ML.NET's PredictionEngine scores one row with.</summary>
internal sealed class ScoreRowMapper : IRowToRowMapper
{
    private readonly ScoreBinding _binding;

    public ScoreRowMapper(ScoreBinding binding)
    {
        _binding = binding;
    }

    public DataViewSchema InputSchema => _binding.InputSchema;

    public DataViewSchema OutputSchema => _binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        _binding.InputColumnsFor(dependingColumns, out _);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!ReferenceEquals(input.Schema, InputSchema))
        {
            throw new ArgumentException("The input row's schema is not the schema this mapper was made for; get a mapper for it with GetRowToRowMapper(row.Schema).", nameof(input));
        }

        _binding.InputColumnsFor(activeColumns, out bool scoreActive);
        return new ScoredRow(_binding, input, scoreActive);
    }
}
