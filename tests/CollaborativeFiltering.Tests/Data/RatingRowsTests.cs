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
