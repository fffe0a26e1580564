using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A compressed-sparse-row view of the ratings matrix (or of its transpose): for each row, the
/// sorted column indices of its observed entries and their values, in contiguous arrays.
/// <see cref="RatingsDataset.ByUser"/> has one row per user; <see cref="RatingsDataset.ByItem"/> one
/// row per item. Rows and columns are plain <see cref="int"/> positions, since they are users in one view
/// and items in the other: <c>new UserIndex(row)</c> and <c>new ItemIndex(column)</c> (for
/// <see cref="RatingsDataset.ByUser"/>) give what the models take. Built once with the dataset; immutable.
/// </summary>
public sealed class CsrView
{
    internal CsrView(int columnCount, int[] rowOffsets, int[] columns, float[] values)
    {
        ColumnCount = columnCount;
        RowOffsetArray = rowOffsets;
        ColumnArray = columns;
        ValueArray = values;
    }

    internal int[] RowOffsetArray { get; }

    internal int[] ColumnArray { get; }

    internal float[] ValueArray { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount => RowOffsetArray.Length - 1;

    /// <summary>The number of columns (the size of the other side of the catalogue).</summary>
    public int ColumnCount { get; }

    /// <summary>The number of stored entries.</summary>
    public int NonZeroCount => ColumnArray.Length;

    /// <summary>Row <c>r</c>'s entries lie at positions <c>RowOffsets[r]</c> to <c>RowOffsets[r+1]-1</c>; length <see cref="RowCount"/> + 1.</summary>
    public ReadOnlySpan<int> RowOffsets => RowOffsetArray;

    /// <summary>The column index of every entry, rows one after another, ascending within a row.</summary>
    public ReadOnlySpan<int> ColumnIndices => ColumnArray;

    /// <summary>The value of every entry, aligned with <see cref="ColumnIndices"/>.</summary>
    public ReadOnlySpan<float> Values => ValueArray;

    /// <summary>The number of entries in a row.</summary>
    /// <param name="row">A row index in <c>[0, RowCount)</c>.</param>
    /// <returns>The row's entry count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    public int GetRowLength(int row)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(row, RowCount, nameof(row));
        return RowOffsetArray[row + 1] - RowOffsetArray[row];
    }

    /// <summary>The ascending column indices of a row's entries.</summary>
    /// <param name="row">A row index in <c>[0, RowCount)</c>.</param>
    /// <returns>The row's columns.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    public ReadOnlySpan<int> GetColumns(int row)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(row, RowCount, nameof(row));
        int start = RowOffsetArray[row];
        return ColumnArray.AsSpan(start, RowOffsetArray[row + 1] - start);
    }

    /// <summary>The values of a row's entries, aligned with <see cref="GetColumns(int)"/>.</summary>
    /// <param name="row">A row index in <c>[0, RowCount)</c>.</param>
    /// <returns>The row's values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    public ReadOnlySpan<float> GetValues(int row)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(row, RowCount, nameof(row));
        int start = RowOffsetArray[row];
        return ValueArray.AsSpan(start, RowOffsetArray[row + 1] - start);
    }

    /// <summary>Whether the entry (row, column) is stored (binary search within the row).</summary>
    /// <param name="row">A row index in <c>[0, RowCount)</c>.</param>
    /// <param name="column">A column index.</param>
    /// <returns><see langword="true"/> when present.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    public bool Contains(int row, int column) => GetColumns(row).BinarySearch(column) >= 0;

    /// <summary>Looks up the value of entry (row, column).</summary>
    /// <param name="row">A row index in <c>[0, RowCount)</c>.</param>
    /// <param name="column">A column index.</param>
    /// <param name="value">The value when present, else 0.</param>
    /// <returns><see langword="true"/> when present.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, RowCount)</c>.</exception>
    public bool TryGetValue(int row, int column, out float value)
    {
        int k = GetColumns(row).BinarySearch(column);
        if (k < 0)
        {
            value = 0;
            return false;
        }

        value = ValueArray[RowOffsetArray[row] + k];
        return true;
    }

    /// <summary>E.g. <c>943 rows × 1682 columns, 100000 entries</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Count(RowCount)} rows × {Display.Count(ColumnCount)} columns, {Display.Count(NonZeroCount)} entries");
}
