using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>A scored cursor over an input cursor: what <see cref="ScoredDataView"/> returns. Disposing it disposes the input cursor.</summary>
internal sealed class ScoredCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _input;
    private readonly ScoredColumns _columns;

    public ScoredCursor(ScoreBinding binding, DataViewRowCursor input, bool scoreActive)
    {
        _input = input;
        _columns = new ScoredColumns(binding, input, scoreActive);
        Schema = binding.OutputSchema;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override bool MoveNext() => _input.MoveNext();

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
