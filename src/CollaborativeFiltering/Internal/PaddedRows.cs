using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// A matrix of <see cref="Rows"/> rows of <see cref="Width"/> floats stored <see cref="Stride"/> floats
/// apart, the <see cref="Stride"/> − <see cref="Width"/> padding columns zero, so that SIMD row kernels
/// run on whole vectors without masked tails (zero lanes add nothing to a dot product and stay zero
/// under the updates the trainers apply). The one owner of a padded layout in the library: the stride
/// rules live here (<see cref="WholeVectors"/>, <see cref="WholeVectorsUnlessWasteful"/>,
/// <see cref="Multiple"/>), and rows enter and leave through the compact row-major form
/// (<see cref="CopyFrom"/>, <see cref="CopyTo"/>). Optionally pinned with row 0 on a 64-byte boundary,
/// so that no row-vector load crosses a cache line.
/// </summary>
internal sealed class PaddedRows
{
    /// <summary>The floats an aligned instance allocates beyond its rows, to start row 0 on a 64-byte boundary.</summary>
    public const int AlignmentFloats = 64 / sizeof(float);

    /// <summary>Allocates zeroed rows.</summary>
    /// <param name="rows">The number of rows.</param>
    /// <param name="width">The number of values per row, d.</param>
    /// <param name="stride">The distance between rows, at least <paramref name="width"/>.</param>
    /// <param name="aligned">Whether to pin the storage and start row 0 on a 64-byte boundary.</param>
    public PaddedRows(int rows, int width, int stride, bool aligned = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width);
        Rows = rows;
        Width = width;
        Stride = stride;
        int length = checked(rows * stride);
        if (aligned)
        {
            Array = GC.AllocateArray<float>(checked(length + AlignmentFloats), pinned: true);
            Start = AlignedStart(Array);
        }
        else
        {
            Array = new float[length];
        }
    }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of values per row (d).</summary>
    public int Width { get; }

    /// <summary>The distance in floats between the starts of two rows.</summary>
    public int Stride { get; }

    /// <summary>The backing array; row r starts at <c>Start + r·Stride</c>. Kernels index it directly.</summary>
    public float[] Array { get; }

    /// <summary>The index of row 0 in <see cref="Array"/> (0 unless aligned).</summary>
    public int Start { get; }

    /// <summary>Every row, padding included (<see cref="Rows"/>·<see cref="Stride"/> floats).</summary>
    public Span<float> Values => Array.AsSpan(Start, Rows * Stride);

    /// <summary>A reference to the first value of row 0, for kernels that index by <c>r·Stride</c>.</summary>
    public ref float First => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Array), Start);

    /// <summary>
    /// Whole vectors of the widest accelerated width: d rounded up to 16 with 512-bit vectors, to 8 with
    /// 256-bit ones, else d. For kernels that hold rows in registers (biased SGD).
    /// </summary>
    public static int WholeVectors(int width) =>
        Vector512.IsHardwareAccelerated ? (width + 15) & ~15
        : Vector256.IsHardwareAccelerated ? (width + 7) & ~7
        : width;

    /// <summary>
    /// Whole vectors, the wide kind only when it pays: d rounded up to whole 512-bit vectors (16 floats)
    /// when those are accelerated and the padding adds at most an eighth, else to whole 256-bit vectors
    /// (8 floats); d itself below 8 or without SIMD. For kernels that stream rows (full-batch gradient
    /// descent): at d = 30 a masked tail on rows 120 bytes apart, which straddle cache lines, costs more
    /// than the two extra columns, while at d = 20 twelve columns of 512-bit padding cost more than they save.
    /// </summary>
    public static int WholeVectorsUnlessWasteful(int width)
    {
        if (!Vector256.IsHardwareAccelerated || width < Vector256<float>.Count)
        {
            return width;
        }

        int wide = (width + 15) & ~15;
        return Vector512.IsHardwareAccelerated && width >= 16 && (wide - width) * 8 <= width ? wide : (width + 7) & ~7;
    }

    /// <summary>d rounded up to a multiple of <paramref name="multiple"/> (a power of two): the panel kernels' row length.</summary>
    public static int Multiple(int width, int multiple) => (width + multiple - 1) & -multiple;

    /// <summary>
    /// A pinned copy of <paramref name="compact"/> (row-major, <paramref name="rows"/>·<paramref name="width"/>
    /// floats) with row 0 on a 64-byte boundary and rows <paramref name="stride"/> floats apart.
    /// </summary>
    public static PaddedRows AlignedCopy(ReadOnlySpan<float> compact, int rows, int width, int stride)
    {
        var padded = new PaddedRows(rows, width, stride, aligned: true);
        padded.CopyFrom(compact);
        return padded;
    }

    /// <summary>Row <paramref name="row"/>'s <see cref="Width"/> values.</summary>
    public Span<float> Row(int row) => Array.AsSpan(Start + (row * Stride), Width);

    /// <summary>Row <paramref name="row"/> with its padding (<see cref="Stride"/> values).</summary>
    public Span<float> PaddedRow(int row) => Array.AsSpan(Start + (row * Stride), Stride);

    /// <summary>Copies <see cref="Rows"/> compact rows (row-major, <see cref="Width"/> apart) in; the padding stays zero.</summary>
    public void CopyFrom(ReadOnlySpan<float> compact)
    {
        if (Stride == Width)
        {
            compact[..(Rows * Width)].CopyTo(Values);
            return;
        }

        for (int r = 0; r < Rows; r++)
        {
            compact.Slice(r * Width, Width).CopyTo(Row(r));
        }
    }

    /// <summary>Copies the rows out in compact row-major form (<see cref="Rows"/>·<see cref="Width"/> floats).</summary>
    public void CopyTo(Span<float> compact)
    {
        if (Stride == Width)
        {
            Values.CopyTo(compact);
            return;
        }

        for (int r = 0; r < Rows; r++)
        {
            Row(r).CopyTo(compact.Slice(r * Width, Width));
        }
    }

    /// <summary>The rows in compact row-major form, as a new array.</summary>
    public float[] ToCompactArray()
    {
        var compact = new float[Rows * Width];
        CopyTo(compact);
        return compact;
    }

    private static unsafe int AlignedStart(float[] pinned)
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((64 - (address & 63)) & 63) / sizeof(float);
    }
}
