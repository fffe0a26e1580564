using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>The member positions of rows read in place through a bitmap, against a bit-by-bit reading of the same bitmap.</summary>
public sealed class RatingRowsTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(63, false)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData(200, true)]
    [InlineData(257, false)]
    public void MemberPositions_AnyRangeOfABitmapOrItsComplement_AreTheMembersInOrder(int length, bool complement)
    {
        var random = new Random(length);
        var bits = new ulong[(length + 63) / 64];
        for (int w = 0; w < bits.Length; w++)
        {
            bits[w] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
        }

        if (bits.Length > 0 && !complement)
        {
            bits[^1] &= length % 64 == 0 ? ~0UL : (1UL << (length % 64)) - 1; // a split's bitmap has no bits past the end
        }

        RatingRows rows = RatingRows.Members(new CsrView(1, [0, length], new int[length], Enumerable.Range(0, length).Select(v => (float)v).ToArray()), bits, complement);
        List<int> every = Members(rows.MemberPositions());

        every.Should().Equal(Enumerable.Range(0, length).Where(rows.IsMember), "the whole source");
        every.Should().HaveCount(rows.Count);
        rows.Sum().Should().Be(every.Sum(p => (double)p));
        foreach ((int start, int end) in new[] { (0, length), (1, length), (0, length - 1), (63, 64), (64, 130), (5, 5), (70, 200), (0, 1) })
        {
            if (start >= 0 && end <= length && start <= end)
            {
                Members(rows.MemberPositions(start, end)).Should().Equal(every.Where(p => p >= start && p < end), $"the range [{start}, {end})");
            }
        }
    }

    [Fact]
    public void MemberPositions_RowsWithStorageOfTheirOwn_AreEveryPosition()
    {
        RatingRows rows = RatingRows.Of(new CsrView(3, [0, 2, 2, 5], [0, 2, 0, 1, 2], [1, 2, 3, 4, 5]));

        Members(rows.MemberPositions()).Should().Equal(0, 1, 2, 3, 4);
        Members(rows.MemberPositions(2, 4)).Should().Equal(2, 3);
        rows.Sum().Should().Be(15);
    }

    [Fact]
    public void MemberEntries_RowsWithEmptyOnesAndNonMembers_PairEachMemberWithItsRow()
    {
        // Rows: 0 = [0, 3), 1 = [3, 3) empty, 2 = [3, 70), 3 = [70, 70) empty, 4 = [70, 130); every third position is a member.
        int[] offsets = [0, 3, 3, 70, 70, 130];
        var bits = new ulong[3];
        for (int p = 0; p < 130; p += 3)
        {
            bits[p >> 6] |= 1UL << p;
        }

        RatingRows rows = RatingRows.Members(new CsrView(1, offsets, new int[130], new float[130]), bits, complement: false);
        var all = new List<(int Row, int Position)>();
        foreach ((int row, int position) in rows.MemberEntries())
        {
            all.Add((row, position));
        }

        var expected = Enumerable.Range(0, 130).Where(p => p % 3 == 0).Select(p => (Row: RowOf(offsets, p), Position: p)).ToList();
        all.Should().Equal(expected);
        var middle = new List<(int Row, int Position)>();
        foreach ((int row, int position) in rows.MemberEntries(1, 4))
        {
            middle.Add((row, position));
        }

        middle.Should().Equal(expected.Where(e => e.Row is >= 1 and < 4));
        expected.Select(e => e.Row).Distinct().Should().Equal([0, 2, 4], "the empty rows 1 and 3 have no entries");
    }

    private static int RowOf(int[] offsets, int position)
    {
        int row = 0;
        while (offsets[row + 1] <= position)
        {
            row++;
        }

        return row;
    }

    private static List<int> Members(MemberEnumerator positions)
    {
        var list = new List<int>();
        foreach (int p in positions)
        {
            list.Add(p);
        }

        return list;
    }
}
