using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace CollaborativeFiltering.Data;

/// <summary>
/// One side (user-major or item-major) of a <see cref="RatingsDataset"/> as the library's own trainers
/// and evaluators read it, without making a dataset that is a view build CSR arrays of its own: row
/// <c>r</c> is the member entries of row <c>r</c> of a source CSR, in the source's order. For a dataset
/// with storage of its own the source is its own CSR and every entry is a member (rows are plain
/// slices); for a view (a split, a fold, a <see cref="RatingsDataset.Where"/> subset) the source is the
/// root's CSR and a bitmap over the source's positions says which entries the view holds. The rows are
/// exactly those of the view's own CSR (the root's order restricted to the members), so a kernel that
/// reads them gives bit-identical results either way.
/// </summary>
/// <remarks>
/// Memory besides the shared source: 4 bytes per row for <see cref="Offsets"/> (the view's own row
/// offsets) and, for a view's item-major side, one bit per rating for the item-major bitmap; the
/// user-major side of a split shares the split's bitmap (a k-fold's two sides share one bitmap of the
/// fold's labels, one bit per rating, built when first read).
/// Immutable; safe to share between threads (a <see cref="RowBuffer"/> is per thread).
/// </remarks>
internal sealed class RatingRows
{
    private readonly ulong[]? _bits;
    private readonly ulong _flip;

    private RatingRows(int[] offsets, int[] sourceOffsets, int[] columns, float[] values, ulong[]? bits, bool complement)
    {
        Offsets = offsets;
        SourceOffsets = sourceOffsets;
        Columns = columns;
        Values = values;
        _bits = bits;
        _flip = complement ? ~0UL : 0UL;
        int max = 0;
        for (int r = 0; r + 1 < offsets.Length; r++)
        {
            max = Math.Max(max, offsets[r + 1] - offsets[r]);
        }

        MaxRowLength = max;
    }

    /// <summary>The member rows' offsets: row <c>r</c> holds <c>Offsets[r+1] − Offsets[r]</c> entries (the view's own CSR offsets); length <see cref="RowCount"/> + 1.</summary>
    public int[] Offsets { get; }

    /// <summary>The source CSR's row offsets (the same array as <see cref="Offsets"/> when <see cref="IsView"/> is false).</summary>
    public int[] SourceOffsets { get; }

    /// <summary>The source CSR's columns.</summary>
    public int[] Columns { get; }

    /// <summary>The source CSR's values.</summary>
    public float[] Values { get; }

    /// <summary>Whether only some source entries are members (the rows must be read through <see cref="Row"/> or <see cref="IsMember"/>).</summary>
    public bool IsView => _bits is not null;

    /// <summary>The number of rows.</summary>
    public int RowCount => Offsets.Length - 1;

    /// <summary>The number of member entries.</summary>
    public int Count => Offsets[^1];

    /// <summary>The most entries in one row (the size a <see cref="RowBuffer"/> needs).</summary>
    public int MaxRowLength { get; }

    /// <summary>Rows that are plain slices of a CSR with storage of its own.</summary>
    public static RatingRows Of(CsrView csr) =>
        new(csr.RowOffsetArray, csr.RowOffsetArray, csr.ColumnArray, csr.ValueArray, null, false);

    /// <summary>The rows of <paramref name="source"/> restricted to the positions whose bit in <paramref name="bits"/> is set (clear, with <paramref name="complement"/>).</summary>
    public static RatingRows Members(CsrView source, ulong[] bits, bool complement)
    {
        int[] sourceOffsets = source.RowOffsetArray;
        int rows = sourceOffsets.Length - 1;
        var offsets = new int[rows + 1];
        ulong flip = complement ? ~0UL : 0UL;
        for (int r = 0; r < rows; r++)
        {
            offsets[r + 1] = offsets[r] + CountBits(bits, flip, sourceOffsets[r], sourceOffsets[r + 1]);
        }

        return new RatingRows(offsets, sourceOffsets, source.ColumnArray, source.ValueArray, bits, complement);
    }

    /// <summary>Whether both rows read their membership from the same bitmap (the two sides of a split; for tests).</summary>
    public bool SharesBitmapWith(RatingRows other) => _bits is not null && ReferenceEquals(_bits, other._bits);

    /// <summary>Whether source position <paramref name="position"/> is a member.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMember(int position) => _bits is null || (((_bits[position >> 6] ^ _flip) >> position) & 1) != 0;

    /// <summary>The number of member entries of row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Length(int row) => Offsets[row + 1] - Offsets[row];

    /// <summary>
    /// Row <paramref name="row"/>'s member columns and values, in the source's order: slices of the
    /// source for a dataset with storage of its own, else gathered into <paramref name="buffer"/>
    /// (O(source row) work, overwritten by the next call with the same buffer).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Row(int row, RowBuffer buffer, out ReadOnlySpan<int> columns, out ReadOnlySpan<float> values)
    {
        int start = SourceOffsets[row], end = SourceOffsets[row + 1];
        if (_bits is null)
        {
            columns = Columns.AsSpan(start, end - start);
            values = Values.AsSpan(start, end - start);
            return end - start;
        }

        int count = Gather(start, end, buffer);
        columns = buffer.Columns.AsSpan(0, count);
        values = buffer.Values.AsSpan(0, count);
        Debug.Assert(count == Length(row));
        return count;
    }

    /// <summary>Row <paramref name="row"/>'s member columns (values not gathered).</summary>
    public ReadOnlySpan<int> RowColumns(int row, RowBuffer buffer)
    {
        int start = SourceOffsets[row], end = SourceOffsets[row + 1];
        if (_bits is null)
        {
            return Columns.AsSpan(start, end - start);
        }

        int[] columns = buffer.Columns, source = Columns;
        int w = 0;
        for (int p = start; p < end; p++)
        {
            if (IsMember(p))
            {
                columns[w++] = source[p];
            }
        }

        return columns.AsSpan(0, w);
    }

    /// <summary>Σ of the member values in row-major order, accumulated in double (the same additions, in the same order, as over the view's own CSR).</summary>
    public double Sum()
    {
        double sum = 0;
        float[] values = Values;
        foreach (int p in MemberPositions())
        {
            sum += values[p];
        }

        return sum;
    }

    /// <summary>
    /// The member positions of the source, ascending: every position when the rows are not a view, else
    /// the set bits of the membership bitmap taken a word at a time (no branch per entry on the
    /// membership, which a split's ~90 % of members would mispredict often).
    /// </summary>
    public MemberEnumerator MemberPositions() => new(_bits, _flip, 0, Columns.Length);

    /// <summary>The member positions in [<paramref name="start"/>, <paramref name="end"/>) of the source, ascending (see <see cref="MemberPositions()"/>).</summary>
    public MemberEnumerator MemberPositions(int start, int end) => new(_bits, _flip, start, end);

    /// <summary>The member entries of rows [<paramref name="fromRow"/>, <paramref name="toRow"/>) as (row, source position) pairs, in row-major order (see <see cref="MemberPositions()"/>).</summary>
    public MemberEntryEnumerator MemberEntries(int fromRow, int toRow) =>
        new(MemberPositions(SourceOffsets[fromRow], SourceOffsets[toRow]), SourceOffsets, fromRow);

    /// <summary>The member entries of every row, as (row, source position) pairs, in row-major order.</summary>
    public MemberEntryEnumerator MemberEntries() => MemberEntries(0, RowCount);

    /// <summary>
    /// The member entries as a CSR of their own, for a trainer whose working layout is a CSR: the
    /// source's arrays when every entry is a member, else the members gathered in order into new arrays
    /// (8 bytes per member rating) that live as long as the trainer holds them, not as long as the view.
    /// </summary>
    /// <param name="columnCount">The other side's size.</param>
    public CsrView ToCsr(int columnCount)
    {
        if (_bits is null)
        {
            return new CsrView(columnCount, Offsets, Columns, Values);
        }

        var columns = new int[Count];
        var values = new float[Count];
        int w = 0;
        int[] sourceColumns = Columns;
        float[] sourceValues = Values;
        foreach (int p in MemberPositions())
        {
            columns[w] = sourceColumns[p];
            values[w] = sourceValues[p];
            w++;
        }

        return new CsrView(columnCount, Offsets, columns, values);
    }

    /// <summary>The capacity a <see cref="RowBuffer"/> needs for any row: the longest row and the branch-free gather's one slot of slack (0 when rows are slices).</summary>
    public int GatherCapacity => _bits is null ? 0 : MaxRowLength + 1;

    /// <summary>A buffer large enough for any row.</summary>
    public RowBuffer NewBuffer() => new(GatherCapacity);

    private int Gather(int start, int end, RowBuffer buffer)
    {
        int[] columns = buffer.Columns, sourceColumns = Columns;
        float[] values = buffer.Values, sourceValues = Values;
        ulong[] bits = _bits!;
        ulong flip = _flip;
        // Branch-free: every entry is written at the cursor, which only members advance (a split's
        // members are ~90 % of a row, a branch on them would mispredict often); hence one slot of slack.
        int w = 0;
        for (int p = start; p < end; p++)
        {
            columns[w] = sourceColumns[p];
            values[w] = sourceValues[p];
            w += (int)(((bits[p >> 6] ^ flip) >> p) & 1);
        }

        return w;
    }

    /// <summary>The number of set bits (of <c>bits ^ flip</c>) at positions [start, end).</summary>
    private static int CountBits(ulong[] bits, ulong flip, int start, int end)
    {
        int count = 0;
        int p = start;
        while (p < end)
        {
            int word = p >> 6, low = p & 63;
            int take = Math.Min(64 - low, end - p);
            ulong w = (bits[word] ^ flip) >> low;
            if (take < 64)
            {
                w &= (1UL << take) - 1;
            }

            count += BitOperations.PopCount(w);
            p += take;
        }

        return count;
    }
}

/// <summary>The member positions of a <see cref="RatingRows"/>, ascending (<see cref="RatingRows.MemberPositions()"/>).</summary>
internal ref struct MemberEnumerator
{
    private readonly ulong[]? _bits;
    private readonly ulong _flip;
    private readonly int _end;
    private int _word;
    private ulong _pending;
    private int _current;

    /// <summary>Positions [<paramref name="start"/>, <paramref name="end"/>) whose bit of <c>bits ^ flip</c> is set; all of them when <paramref name="bits"/> is null.</summary>
    public MemberEnumerator(ulong[]? bits, ulong flip, int start, int end)
    {
        _bits = bits;
        _flip = flip;
        _end = end;
        _current = start - 1;
        _word = start >> 6;
        _pending = 0;
        if (bits is not null && start < end)
        {
            _pending = (bits[_word] ^ flip) & (~0UL << (start & 63)) & TailMask(_word, end);
        }
    }

    /// <summary>The current position.</summary>
    public readonly int Current => _current;

    /// <summary>This enumerator, for <c>foreach</c>.</summary>
    public readonly MemberEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next member position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        if (_bits is null)
        {
            return ++_current < _end;
        }

        while (_pending == 0)
        {
            if (++_word << 6 >= _end)
            {
                return false;
            }

            _pending = (_bits[_word] ^ _flip) & TailMask(_word, _end);
        }

        _current = (_word << 6) + BitOperations.TrailingZeroCount(_pending);
        _pending &= _pending - 1;
        return true;
    }

    /// <summary>The bits of word <paramref name="word"/> below <paramref name="end"/> (a complement's bits past the end are set).</summary>
    private static ulong TailMask(int word, int end)
    {
        int remaining = end - (word << 6);
        return remaining >= 64 ? ~0UL : (1UL << remaining) - 1;
    }
}

/// <summary>The member entries of a <see cref="RatingRows"/> with their rows (<see cref="RatingRows.MemberEntries()"/>).</summary>
internal ref struct MemberEntryEnumerator
{
    private readonly int[] _offsets;
    private MemberEnumerator _positions;
    private int _row;
    private int _rowEnd;

    /// <summary>The entries at <paramref name="positions"/>, the first in row <paramref name="fromRow"/> or after it.</summary>
    public MemberEntryEnumerator(MemberEnumerator positions, int[] offsets, int fromRow)
    {
        _positions = positions;
        _offsets = offsets;
        _row = fromRow - 1;
        _rowEnd = offsets[fromRow];
    }

    /// <summary>The current entry's row and source position.</summary>
    public readonly (int Row, int Position) Current => (_row, _positions.Current);

    /// <summary>This enumerator, for <c>foreach</c>.</summary>
    public readonly MemberEntryEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next member entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        if (!_positions.MoveNext())
        {
            return false;
        }

        while (_positions.Current >= _rowEnd)
        {
            _rowEnd = _offsets[++_row + 1];
        }

        return true;
    }
}

/// <summary>One thread's gather space for <see cref="RatingRows.Row"/>: a row's columns and values.</summary>
internal sealed class RowBuffer(int capacity)
{
    /// <summary>Gathered columns.</summary>
    public int[] Columns { get; } = new int[capacity];

    /// <summary>Gathered values.</summary>
    public float[] Values { get; } = new float[capacity];
}
