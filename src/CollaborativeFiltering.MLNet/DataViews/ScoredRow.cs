using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>A scored row over an input row: what <see cref="ScoreRowMapper.GetRow"/> returns. Disposing it disposes the input row.</summary>
internal sealed class ScoredRow : DataViewRow
{
    private readonly DataViewRow _input;
    private readonly ScoredColumns _columns;

    public ScoredRow(ScoreBinding binding, DataViewRow input, bool scoreActive)
    {
        _input = input;
        _columns = new ScoredColumns(binding, input, scoreActive);
        Schema = binding.OutputSchema;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }
}
