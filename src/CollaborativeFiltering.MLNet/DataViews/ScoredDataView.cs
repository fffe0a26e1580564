using Microsoft.ML;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// The input data with a score column added: lazy, as every ML.NET transform's output is; the score of a
/// row is computed when a cursor's getter asks for it. Shuffling and row counts are the input's.
/// </summary>
internal sealed class ScoredDataView : IDataView
{
    private readonly IDataView _input;
    private readonly ScoreBinding _binding;

    public ScoredDataView(IDataView input, ScoreBinding binding)
    {
        _input = input;
        _binding = binding;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _binding.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        List<DataViewSchema.Column> inputColumns = _binding.InputColumnsFor(columnsNeeded, out bool scoreNeeded);
        return new ScoredCursor(_binding, _input.GetRowCursor(inputColumns, rand), scoreNeeded);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        List<DataViewSchema.Column> inputColumns = _binding.InputColumnsFor(columnsNeeded, out bool scoreNeeded);
        DataViewRowCursor[] inputs = _input.GetRowCursorSet(inputColumns, n, rand);
        var cursors = new DataViewRowCursor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            cursors[i] = new ScoredCursor(_binding, inputs[i], scoreNeeded);
        }

        return cursors;
    }
}
