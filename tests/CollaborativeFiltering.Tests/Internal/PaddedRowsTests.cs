using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Internal;

public sealed class PaddedRowsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(50)]
    [InlineData(64)]
    [InlineData(100)]
    public void WholeVectorsUnlessWasteful_WholeVectorsAtLittleExtraCost(int d)
    {
        int padded = PaddedRows.WholeVectorsUnlessWasteful(d);

        padded.Should().BeGreaterThanOrEqualTo(d);
        if (d < 8)
        {
            padded.Should().Be(d, "below one 256-bit vector the scalar kernels run on the rows as they are");
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            (padded % 8).Should().Be(0);
            (padded - d).Should().BeLessThanOrEqualTo(Math.Max(7, d / 8), "at most the rest of a 256-bit vector, or an eighth of d for 512-bit ones");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(50)]
    public void WholeVectors_RoundsUpToTheWidestAcceleratedVector(int d)
    {
        int padded = PaddedRows.WholeVectors(d);

        int width = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1;
        (padded % width).Should().Be(0);
        padded.Should().BeInRange(d, d + width - 1);
    }

    [Theory]
    [InlineData(1, 4, 4)]
    [InlineData(4, 4, 4)]
    [InlineData(5, 4, 8)]
    [InlineData(30, 8, 32)]
    [InlineData(32, 8, 32)]
    public void Multiple_RoundsUp(int d, int multiple, int expected) =>
        PaddedRows.Multiple(d, multiple).Should().Be(expected);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CopyFromThenCopyTo_RoundTripsAndKeepsThePaddingZero(bool aligned)
    {
        float[] compact = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var rows = new PaddedRows(3, 3, 8, aligned);

        rows.CopyFrom(compact);

        rows.ToCompactArray().Should().Equal(compact);
        rows.Row(1).ToArray().Should().Equal(4, 5, 6);
        rows.PaddedRow(2).ToArray().Should().Equal(7, 8, 9, 0, 0, 0, 0, 0);
        rows.Values.Length.Should().Be(24);
        Unsafe.AreSame(ref rows.First, ref rows.Values[0]).Should().BeTrue();
    }

    [Fact]
    public void Aligned_RowZeroStartsOnA64ByteBoundary()
    {
        var rows = new PaddedRows(5, 3, 16, aligned: true);

        long offset = Unsafe.ByteOffset(ref rows.Array[0], ref rows.First);

        (offset % sizeof(float)).Should().Be(0);
        offset.Should().BeLessThan(64);
        rows.Start.Should().Be((int)(offset / sizeof(float)));
        // The array is pinned, so the address of row 0 does not move; check it through a pinned handle.
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rows.Array, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            ((handle.AddrOfPinnedObject() + (nint)offset) % 64).Should().Be(0);
        }
        finally
        {
            handle.Free();
        }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 8)]
    public void AlignedCopy_CopiesTheRowsOntoA64ByteBoundary(int width, int stride)
    {
        float[] compact = [1, 2, 3, 4, 5, 6];
        int count = compact.Length / width;

        PaddedRows rows = PaddedRows.AlignedCopy(compact, count, width, stride);
        compact[0] = 10;

        rows.ToCompactArray().Should().Equal([1, 2, 3, 4, 5, 6], "the rows are a copy, not the array given");
        rows.PaddedRow(1).ToArray().Should().Equal([.. compact.AsSpan(width, width).ToArray(), .. new float[stride - width]]);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rows.Array, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            ((handle.AddrOfPinnedObject() + (nint)(rows.Start * sizeof(float))) % 64).Should().Be(0);
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void Constructor_StrideBelowWidth_Throws()
    {
        Action act = () => _ = new PaddedRows(2, 5, 4);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
