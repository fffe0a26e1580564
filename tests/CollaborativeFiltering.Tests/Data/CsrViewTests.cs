using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public class CsrViewTests
{
    /// <summary>
    /// 3 users × 4 items:
    ///        i0  i1  i2  i3
    ///   u0    5   .   3   .
    ///   u1    .   .   .   .
    ///   u2    1   2   .   4
    /// </summary>
    private static RatingsDataset Matrix() =>
        new RatingsDatasetBuilder(Catalog.Sequential(3, 4))
            .Add(new Rating(U(2), I(3), 4f))
            .Add(new Rating(U(0), I(2), 3f))
            .Add(new Rating(U(2), I(0), 1f))
            .Add(new Rating(U(0), I(0), 5f))
            .Add(new Rating(U(2), I(1), 2f))
            .Build();

    [Fact]
    public void ByUser_HandBuiltMatrix_HasExpectedCsrArrays()
    {
        var v = Matrix().ByUser;

        v.RowCount.Should().Be(3);
        v.ColumnCount.Should().Be(4);
        v.NonZeroCount.Should().Be(5);
        v.RowOffsets.ToArray().Should().Equal(0, 2, 2, 5);
        v.ColumnIndices.ToArray().Should().Equal(0, 2, 0, 1, 3);
        v.Values.ToArray().Should().Equal(5f, 3f, 1f, 2f, 4f);
        v.GetRowLength(1).Should().Be(0);
        v.GetColumns(1).IsEmpty.Should().BeTrue();
        v.GetColumns(2).ToArray().Should().Equal(0, 1, 3);
        v.GetValues(2).ToArray().Should().Equal(1f, 2f, 4f);
    }

    [Fact]
    public void ByItem_HandBuiltMatrix_IsTheTranspose()
    {
        var v = Matrix().ByItem;

        v.RowCount.Should().Be(4);
        v.ColumnCount.Should().Be(3);
        v.RowOffsets.ToArray().Should().Equal(0, 2, 3, 4, 5);
        v.ColumnIndices.ToArray().Should().Equal(0, 2, 2, 0, 2);
        v.Values.ToArray().Should().Equal(5f, 1f, 2f, 3f, 4f);
    }

    [Fact]
    public void ByItem_LargerDataset_TransposeHoldsEveryEntryOnceAndSorted()
    {
        var b = new RatingsDatasetBuilder(Catalog.Sequential(17, 13));
        for (int u = 0; u < 17; u++)
        {
            for (int i = 0; i < 13; i++)
            {
                if ((u * 7 + i * 3) % 5 < 2)
                {
                    b.Add(new Rating(U(u), I(i), u + (i / 100f)));
                }
            }
        }

        var ds = b.Build();
        var byUser = ds.ByUser;
        var byItem = ds.ByItem;
        byItem.NonZeroCount.Should().Be(byUser.NonZeroCount);
        for (int u = 0; u < 17; u++)
        {
            var cols = byUser.GetColumns(u);
            var vals = byUser.GetValues(u);
            for (int k = 0; k < cols.Length; k++)
            {
                byItem.TryGetValue(cols[k], u, out float value).Should().BeTrue();
                value.Should().Be(vals[k]);
            }
        }

        for (int i = 0; i < 13; i++)
        {
            var users = byItem.GetColumns(i).ToArray();
            users.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            foreach (int u in users)
            {
                byUser.Contains(u, i).Should().BeTrue();
            }
        }
    }

    [Fact]
    public void ContainsAndTryGetValue_PresentAndAbsentEntries()
    {
        var v = Matrix().ByUser;

        v.Contains(0, 2).Should().BeTrue();
        v.Contains(0, 1).Should().BeFalse();
        v.Contains(1, 0).Should().BeFalse();
        v.Contains(2, 99).Should().BeFalse();
        v.TryGetValue(2, 3, out float four).Should().BeTrue();
        four.Should().Be(4f);
        v.TryGetValue(2, 2, out float none).Should().BeFalse();
        none.Should().Be(0f);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void RowAccessors_OutOfRange_ThrowNamingRow(int row)
    {
        var v = Matrix().ByUser;
        FluentActions.Invoking(() => v.GetRowLength(row)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("row");
        FluentActions.Invoking(() => v.GetColumns(row).Length).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("row");
        FluentActions.Invoking(() => v.GetValues(row).Length).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("row");
        FluentActions.Invoking(() => v.Contains(row, 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("row");
    }
}
