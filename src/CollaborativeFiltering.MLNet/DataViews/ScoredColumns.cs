using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// The columns of a scored row: the input row's columns, passed through, and the score, computed from
/// the input's user and item keys whenever its getter is called. Shared by <see cref="ScoredRow"/> (for
/// <see cref="IRowToRowMapper"/>, so for PredictionEngine) and <see cref="ScoredCursor"/> (for <see cref="IDataView"/>).
/// </summary>
internal readonly struct ScoredColumns
{
    private readonly ScoreBinding _binding;
    private readonly DataViewRow _input;
    private readonly ValueGetter<float>? _score;

    public ScoredColumns(ScoreBinding binding, DataViewRow input, bool scoreActive)
    {
        _binding = binding;
        _input = input;
        _score = scoreActive ? binding.CreateScoreGetter(input) : null;
    }

    public bool IsColumnActive(DataViewSchema.Column column)
    {
        CheckColumn(column);
        return column.Index == _binding.ScoreIndex ? _score is not null : _input.IsColumnActive(_input.Schema[column.Index]);
    }

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        CheckColumn(column);
        if (column.Index != _binding.ScoreIndex)
        {
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        }

        if (_score is null)
        {
            throw new InvalidOperationException($"The column '{column.Name}' is not active in this row; ask for it among the needed columns.");
        }

        return _score as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"The column '{column.Name}' holds Single values; a getter of {typeof(TValue)} was asked for.");
    }

    private void CheckColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index > _binding.ScoreIndex || !string.Equals(column.Name, _binding.OutputSchema[column.Index].Name, StringComparison.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"The column '{column.Name}' (index {column.Index}) is not a column of this row's schema.");
        }
    }
}
